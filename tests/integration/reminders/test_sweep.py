"""The reminder sweep on the real database: the right people, on the right days, once.

The world's first decision is due on Friday 1 March 2030 for schools a, b and c; schools a and
b have one user each, c has none. 2030 is past the shipped calendar: weekends only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from tests.support.world import World, actor_of
from tracker.assignments import services as assignments
from tracker.assignments.tables import Assignment
from tracker.mail.tables import OutboxMessage
from tracker.meetings.tables import Decision
from tracker.reminders import services as reminders
from tracker.reminders.policy import ReminderPolicy
from tracker.reminders.tables import Reminder

DUE = date(2030, 3, 1)


async def outbox() -> list[dict[str, object]]:
    return await OutboxMessage.select().order_by(OutboxMessage.id)


async def test_three_working_days_before_each_school_user_gets_one_digest(world: World) -> None:
    summary = await reminders.sweep(today=date(2030, 2, 26), force=True)

    assert summary.ran
    assert summary.reminders == 3  # one per school, school c included
    assert summary.queued == 2  # school c has nobody to tell
    messages = await outbox()
    assert sorted(m["to_address"] for m in messages) == [
        world.users["school_a"],
        world.users["school_b"],
    ]
    mine = next(m for m in messages if m["to_address"] == world.users["school_a"])
    assert "скоро срок — 1" in mine["subject"]
    assert f"/assignments/{world.assignments['a']}" in mine["body_text"]
    assert f"/assignments/{world.assignments['b']}" not in mine["body_text"]
    assert "01.03.2030" in mine["body_text"]
    assert mine["status"] == "queued"


async def test_a_second_sweep_the_same_day_sends_nothing_again(world: World) -> None:
    first = await reminders.sweep(today=date(2030, 2, 26), force=True)
    second = await reminders.sweep(today=date(2030, 2, 26), force=True)
    # the stage still holds the next day: recorded once per due date, not per day
    third = await reminders.sweep(today=date(2030, 2, 27), force=True)

    assert first.queued == 2
    assert (second.reminders, second.queued, second.skipped) == (0, 0, 3)
    assert (third.reminders, third.queued) == (0, 0)
    assert len(await outbox()) == 2


async def test_two_sweeps_at_once_send_each_reminder_once(world: World) -> None:
    results = await asyncio.gather(
        reminders.sweep(today=date(2030, 2, 26), force=True),
        reminders.sweep(today=date(2030, 2, 26), force=True),
    )

    assert sum(r.queued for r in results) == 2
    assert await Reminder.count() == 3
    assert len(await outbox()) == 2


async def test_each_stage_reaches_the_right_people(world: World) -> None:
    stages = {
        date(2030, 2, 26): ("before_3", set()),
        date(2030, 2, 28): ("before_1", set()),
        date(2030, 3, 1): ("due", set()),
        date(2030, 3, 4): ("overdue", {"overdue_notice"}),
        date(2030, 3, 8): (None, {"escalation"}),
        date(2030, 3, 7): ("overdue", set()),  # 4th working day late: 1 + 3
    }
    for day, (school_kind, head_kinds) in sorted(stages.items()):
        before = await Reminder.select(Reminder.id)
        await reminders.sweep(today=day, force=True)
        new = await Reminder.select(Reminder.kind).where(
            Reminder.id.not_in([r["id"] for r in before] or [0])
        )
        kinds = {r["kind"] for r in new}
        assert kinds == ({school_kind} if school_kind else set()) | head_kinds, day

    head_mail = [m for m in await outbox() if m["to_address"] == world.users["head"]]
    assert len(head_mail) == 2  # the day they became overdue, and a week later
    assert all(name in head_mail[0]["body_text"] for name in ("СОШ № 1", "СОШ № 2", "№ 4"))
    assert "Просрочены больше недели" in head_mail[1]["body_text"]


async def test_nothing_on_a_day_off_or_before_the_hour(world: World) -> None:
    saturday = await reminders.sweep(today=date(2030, 3, 2), force=True)
    early = await reminders.sweep(
        today=date(2030, 2, 26), now=datetime(2030, 2, 26, 4, 0, tzinfo=UTC)
    )  # 07:00 in Moscow, the digest hour is 9

    assert not saturday.ran
    assert saturday.reason
    assert not early.ran
    assert await Reminder.count() == 0


async def test_reported_accepted_and_removed_decisions_are_not_reminded(world: World) -> None:
    school_a = await actor_of(world, "school_a")
    await assignments.submit_report(school_a, world.assignments["a"], text="Сделано.")
    await Decision.update({Decision.removed_from_control_at: datetime.now(UTC)}).where(
        Decision.id == world.decisions[0]
    )
    summary = await reminders.sweep(today=date(2030, 2, 26), force=True)

    assert summary.reminders == 0
    assert await outbox() == []


async def test_returned_assignment_is_reminded_again(world: World) -> None:
    school_a = await actor_of(world, "school_a")
    head = await actor_of(world, "head")
    await assignments.submit_report(school_a, world.assignments["a"], text="Сделано.")
    await assignments.return_for_rework(head, world.assignments["a"], comment="Нет приказа.")

    await reminders.sweep(today=date(2030, 2, 26), force=True)

    assert {r["assignment"] for r in await Reminder.select(Reminder.assignment)} == {
        world.assignments["a"],
        world.assignments["b"],
        world.assignments["c"],
    }


async def test_without_digest_each_reminder_is_a_message_of_its_own(world: World) -> None:
    # a second assignment for school a, due the same day
    await Assignment.update({Assignment.due_on: DUE}).where(Assignment.id == world.assignments["b"])
    rows = await assignments.assign(
        None,
        world.decisions[1],
        assignments.schools.ChosenSchools((world.schools["a"],)),
        due_on=DUE,
    )
    policy = ReminderPolicy(daily_digest=False)

    digest_off = await reminders.sweep(today=date(2030, 2, 26), force=True, policy=policy)

    to_a = [m for m in await outbox() if m["to_address"] == world.users["school_a"]]
    assert digest_off.queued == 3  # two for school a, one for school b
    assert len(to_a) == 2
    assert {f"/assignments/{rows[0].id}" in m["body_text"] for m in to_a} == {True, False}


async def test_a_digest_lists_all_of_a_users_items_once(world: World) -> None:
    await assignments.assign(
        None,
        world.decisions[1],
        assignments.schools.ChosenSchools((world.schools["a"],)),
        due_on=date(2030, 2, 26),
    )
    await reminders.sweep(today=date(2030, 2, 26), force=True)

    (mine,) = [m for m in await outbox() if m["to_address"] == world.users["school_a"]]
    assert "срок сегодня — 1" in mine["subject"]
    assert "скоро срок — 1" in mine["subject"]
    assert mine["body_text"].count("/assignments/") == 2


async def test_html_body_escapes_what_users_wrote(world: World) -> None:
    await Decision.update({Decision.text: "Провести <script>alert(1)</script> & отчитаться"}).where(
        Decision.id == world.decisions[0]
    )
    await reminders.sweep(today=date(2030, 2, 26), force=True)

    mine = (await outbox())[0]
    assert "<script>" not in mine["body_html"]
    assert "&lt;script&gt;" in mine["body_html"]
    assert "<script>alert(1)</script>" in mine["body_text"]


async def test_a_sweep_that_died_half_way_is_finished_by_the_next_once(world: World) -> None:
    """A sweep killed after recording its reminders, or after composing part of them: the next
    sweep composes the rest, and nobody gets a message twice or none."""
    today = date(2030, 3, 4)  # overdue: school reminders and the head's notice
    policy = ReminderPolicy()
    calendar = await reminders.effective_calendar()
    found = await reminders.find_events(today, calendar, policy)
    await reminders.record(found, today)  # ... then the process died
    await reminders.compose_schools([world.schools["a"]], today, policy)  # part of it

    finished = await reminders.sweep(today=today, force=True)

    assert finished.reminders == 0  # everything was recorded the first time
    recipients = sorted(m["to_address"] for m in await outbox())
    assert recipients == sorted(
        [world.users["school_a"], world.users["school_b"], world.users["head"]]
    )
    assert await Reminder.count().where(Reminder.composed == False) == 0  # noqa: E712


async def test_batches_of_one_send_what_one_batch_sends(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep reads candidates, composes schools and claims the heads' reminders a batch at
    a time (a region's first sweep finds a million); with batches of one the messages are the
    same: one digest per user, the head's listing every assignment that fell overdue."""
    await assignments.assign(
        None,
        world.decisions[1],
        assignments.schools.ChosenSchools((world.schools["a"],)),
        due_on=DUE,
    )
    monkeypatch.setattr(reminders, "CANDIDATE_BATCH", 1)
    monkeypatch.setattr(reminders, "SCHOOLS_PER_TRANSACTION", 1)
    monkeypatch.setattr(reminders, "CLAIM_BATCH", 1)

    summary = await reminders.sweep(today=date(2030, 3, 4), force=True)  # the Monday after

    overdue = await Assignment.count().where(Assignment.due_on == DUE)
    assert overdue == 4  # schools a (two decisions), b and c
    assert summary.candidates == overdue
    sent = await outbox()
    assert sorted(m["to_address"] for m in sent) == sorted(
        [world.users["school_a"], world.users["school_b"], world.users["head"]]
    )
    (head,) = [m for m in sent if m["to_address"] == world.users["head"]]
    assert head["body_text"].count("/assignments/") == overdue
    (school_a,) = [m for m in sent if m["to_address"] == world.users["school_a"]]
    assert school_a["body_text"].count("/assignments/") == 2
