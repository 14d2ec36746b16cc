"""Compiling, editing and adopting the follow-up question of a meeting, on the test world and on
the demo district, through the services."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from tests.support.world import World, actor_of
from tracker import clock
from tracker.accounts.roles import Actor
from tracker.assignments import services as assignments
from tracker.assignments.lifecycle import OPEN_STATUSES, Status
from tracker.assignments.tables import Assignment
from tracker.audit.tables import AuditEvent
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.errors import ConflictError, PermissionDeniedError, ValidationError
from tracker.followup import services as followup
from tracker.followup.snapshot import ProposalKind
from tracker.followup.tables import FollowUp, FollowUpItem
from tracker.meetings import services as meetings
from tracker.meetings.tables import AgendaItem, Decision
from tracker.schools.services import ChosenSchools

AS_OF = date(2026, 11, 2)
DUE = date(2026, 6, 1)


async def meeting(on: date, *decisions: tuple[str, DeadlineRule]) -> tuple[int, list[int]]:
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей",
            date=on,
            decisions=tuple(
                meetings.DecisionDraft(number=str(n), text=text, deadline=rule)
                for n, (text, rule) in enumerate(decisions, start=1)
            ),
        ),
    )
    return created.id, [d for d, _ in created.decisions]


def dated(on: date) -> DeadlineRule:
    return DeadlineRule(kind=DeadlineKind.DATE, date=on, text=f"до {on:%d.%m.%Y}")


async def settle(world: World, decision_id: int, key: str) -> None:
    head = await actor_of(world, "head")
    school = await actor_of(world, f"school_{key}")
    for row in await assignments.list_assignments(head, decision_id=decision_id):
        if row.school_id == world.schools[key]:
            await assignments.submit_report(school, row.id, text="Исполнено.")
            await assignments.accept(head, row.id)


async def independent_count(decision_id: int, today: date) -> dict[str, Any]:
    """The figures of a decision counted here, from its assignment rows."""
    rows = await Assignment.select().where(Assignment.decision == decision_id)
    open_ = {s.value for s in OPEN_STATUSES}
    accepted = [r for r in rows if r["status"] == Status.ACCEPTED.value]
    overdue = [r for r in rows if r["status"] in open_ and r["due_on"] and r["due_on"] < today]
    return {
        "total": len(rows),
        "done": len(accepted),
        "late": sum(1 for r in accepted if r["accepted_on_time"] is False),
        "reported": sum(1 for r in rows if r["status"] == Status.REPORTED.value),
        "overdue": len(overdue),
        "overdue_school_ids": {r["school"] for r in overdue},
        "lagging_school_ids": {r["school"] for r in rows if r["status"] != Status.ACCEPTED.value},
    }


class Setting:
    def __init__(self, world: World) -> None:
        self.world = world

    async def build(self) -> Setting:
        """A meeting of 05.03.2026: decision 1 due 01.06.2026 (school A done, B overdue),
        decision 2 ongoing (school A done); the new meeting of 10.11.2026."""
        w = self.world
        self.head = await actor_of(w, "head")
        self.secretary = await actor_of(w, "secretary")
        self.old_meeting, self.old = await meeting(
            date(2026, 3, 5),
            ("Провести родительские собрания.", dated(DUE)),
            ("Обновлять сайты школ.", DeadlineRule(kind=DeadlineKind.ONGOING, text="постоянно")),
        )
        for decision_id in self.old:
            await assignments.assign(
                self.head,
                decision_id,
                ChosenSchools((w.schools["a"], w.schools["b"])),
                today=date(2026, 3, 10),
            )
        await settle(w, self.old[0], "a")
        await settle(w, self.old[1], "a")
        self.new_meeting, _ = await meeting(date(2026, 11, 10))
        return self


@pytest.fixture
async def setting(world: World) -> Setting:
    return await Setting(world).build()


async def test_compile_freezes_the_figures_counted_independently(setting: Setting) -> None:
    w = setting.world
    view = await followup.compile_follow_up(
        setting.secretary, setting.new_meeting, as_of=AS_OF, speaker="Рыбина Л.Д."
    )
    # the world's own meeting (05.02.2026, decisions 1 and 2 under control) and ours
    assert view.agenda_title == ("О ходе исполнения решений совещаний от 05.02.2026, 05.03.2026")
    assert view.speakers == ("Рыбина Л.Д.",)
    assert [i.decision_id for i in view.items] == [*w.decisions[:2], *setting.old]
    for item in view.items:
        expected = await independent_count(item.decision_id or 0, AS_OF)
        s = item.snapshot
        assert (s.total, s.done, s.late, s.reported, s.overdue) == (
            expected["total"],
            expected["done"],
            expected["late"],
            expected["reported"],
            expected["overdue"],
        )
        assert set(s.lagging_school_ids) == expected["lagging_school_ids"]
        names = {w.schools["a"]: "МБОУ СОШ № 1", w.schools["b"]: "МБОУ СОШ № 2"}
        assert set(s.overdue_schools) == {names[i] for i in expected["overdue_school_ids"]}
    first, second = view.items[2], view.items[3]
    assert first.snapshot.overdue_schools == ("МБОУ СОШ № 2",)
    assert first.proposal is ProposalKind.INSTRUCT
    assert first.extend_to is not None
    assert first.extend_to > date(2026, 11, 10)
    assert "МБОУ СОШ № 2 обеспечить исполнение п. 1 решения совещания от 05.03.2026" in (
        first.proposal_text
    )
    assert second.proposal is ProposalKind.KEEP
    assert second.snapshot.lagging_schools == ("МБОУ СОШ № 2",)
    assert second.proposal_text == (
        "Оставить на контроле п. 2 решения совещания от 05.03.2026 (срок исполнения — постоянно)."
    )
    # the world's decision due 2030 is not yet due, the unassigned recommendation too: keep
    assert {i.proposal for i in view.items[:2]} == {ProposalKind.KEEP}
    agenda = await AgendaItem.select().where(AgendaItem.meeting == setting.new_meeting)
    assert [a["id"] for a in agenda] == [view.agenda_item_id]


async def test_the_snapshot_does_not_change_when_reports_arrive_later(setting: Setting) -> None:
    before = await followup.compile_follow_up(setting.head, setting.new_meeting, as_of=AS_OF)
    await settle(setting.world, setting.old[0], "b")
    after = await followup.get_follow_up(setting.head, setting.new_meeting)
    assert after is not None
    assert [i.snapshot for i in after.items] == [i.snapshot for i in before.items]
    assert after.items[2].snapshot.overdue == 1


async def test_recompiling_a_draft_replaces_it(setting: Setting) -> None:
    first = await followup.compile_follow_up(setting.head, setting.new_meeting, as_of=AS_OF)
    second = await followup.compile_follow_up(
        setting.head, setting.new_meeting, as_of=AS_OF, decision_ids=[setting.old[0]]
    )
    assert len(first.items) == 4
    assert [i.decision_id for i in second.items] == [setting.old[0]]
    assert second.agenda_title == "О ходе исполнения решений совещания от 05.03.2026"
    assert await FollowUp.count() == 1
    assert await FollowUpItem.count() == 1
    agenda = await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == setting.new_meeting)
    assert [a["id"] for a in agenda] == [second.agenda_item_id]


async def test_adopting_creates_decisions_and_assigns_only_the_lagging(setting: Setting) -> None:
    w = setting.world
    view = await followup.compile_follow_up(
        setting.secretary, setting.new_meeting, as_of=AS_OF, decision_ids=setting.old
    )
    await followup.update_proposal(setting.secretary, view.items[1].id, kind="remove")
    adopted = await followup.adopt(setting.secretary, view.id)
    assert adopted.adopted
    instruct, remove = adopted.items
    assert instruct.new_decision_id is not None
    assert remove.new_decision_id is not None
    new = await Assignment.select().where(Assignment.decision == instruct.new_decision_id)
    assert [(r["school"], r["due_on"]) for r in new] == [(w.schools["b"], instruct.extend_to)]
    assert await Assignment.count().where(Assignment.decision == remove.new_decision_id) == 0
    decisions = {
        d["id"]: d
        for d in await Decision.select().where(
            Decision.id.is_in([*setting.old, instruct.new_decision_id, remove.new_decision_id])
        )
    }
    # both earlier decisions are off control: one superseded, one done
    assert all(decisions[i]["removed_from_control_at"] is not None for i in setting.old)
    new_instruction = decisions[instruct.new_decision_id]
    assert new_instruction["meeting"] == setting.new_meeting
    assert new_instruction["agenda_item"] == adopted.agenda_item_id
    assert new_instruction["kind"] == meetings.DecisionKind.INSTRUCTION.value
    assert new_instruction["deadline_date"] == instruct.extend_to
    assert new_instruction["text"] == instruct.proposal_text
    assert decisions[remove.new_decision_id]["kind"] == meetings.DecisionKind.CONTROL.value

    # twice: 409, nothing new
    counts = (await Assignment.count(), await Decision.count(), await AuditEvent.count())
    with pytest.raises(ConflictError, match="уже приняты"):
        await followup.adopt(setting.secretary, view.id)
    assert (await Assignment.count(), await Decision.count(), await AuditEvent.count()) == counts
    # and it no longer changes
    with pytest.raises(ConflictError):
        await followup.compile_follow_up(setting.secretary, setting.new_meeting, as_of=AS_OF)
    with pytest.raises(ConflictError):
        await followup.update_proposal(setting.secretary, instruct.id, kind="keep")


async def test_edited_proposals_are_what_is_adopted(setting: Setting) -> None:
    view = await followup.compile_follow_up(
        setting.head, setting.new_meeting, as_of=AS_OF, decision_ids=setting.old
    )
    instruct = view.items[0]
    # an impossible date: before the meeting
    with pytest.raises(ValidationError) as error:
        await followup.update_proposal(
            setting.head, instruct.id, kind="extend", extend_to=date(2026, 11, 9)
        )
    assert "раньше даты совещания (10.11.2026)" in error.value.errors["extend_to"]
    with pytest.raises(ValidationError):
        await followup.update_proposal(setting.head, instruct.id, kind="extend", extend_to=None)
    with pytest.raises(ValidationError):
        await followup.update_proposal(setting.head, instruct.id, kind="snooze")
    changed = await followup.update_proposal(setting.head, instruct.id, kind="keep", text="")
    assert changed.proposal is ProposalKind.KEEP
    assert changed.proposal_text.startswith("Оставить на контроле п. 1 решения")
    assert changed.extend_to is None
    adopted = await followup.adopt(setting.head, view.id)
    kept = adopted.items[0]
    assert await Assignment.count().where(Assignment.decision == kept.new_decision_id) == 0
    old = await Decision.select().where(Decision.id == setting.old[0]).first()
    assert old is not None
    assert old["removed_from_control_at"] is None  # kept under control


async def test_bad_input_writes_nothing(setting: Setting, world: World) -> None:
    before = (await FollowUp.count(), await AgendaItem.count(), await AuditEvent.count())
    # the world's meeting (05.02.2026) is earlier than the decisions' meeting (05.03.2026)
    with pytest.raises(ValidationError, match=re.escape("не позже совещания от 05.03.2026")):
        await followup.compile_follow_up(
            setting.head, world.meeting_id, as_of=AS_OF, decision_ids=setting.old
        )
    # a picked decision not under control («принять к сведению»), or unknown
    with pytest.raises(ValidationError, match="Не стоят на контроле"):
        await followup.compile_follow_up(
            setting.head, setting.new_meeting, decision_ids=[world.decisions[2], 10**9]
        )
    assert (await FollowUp.count(), await AgendaItem.count(), await AuditEvent.count()) == before
    # a meeting earlier than everything under control
    early, _ = await meeting(date(2025, 1, 10))
    before = (await FollowUp.count(), await AgendaItem.count(), await AuditEvent.count())
    with pytest.raises(
        ValidationError, match=re.escape("только у совещаний от 05.02.2026, 05.03.2026")
    ):
        await followup.compile_follow_up(setting.head, early, as_of=AS_OF)
    assert (await FollowUp.count(), await AgendaItem.count(), await AuditEvent.count()) == before


async def test_nothing_under_control(world: World) -> None:
    head = await actor_of(world, "head")
    for decision_id in world.decisions[:2]:
        await meetings.remove_from_control(head, decision_id)
    new_meeting, _ = await meeting(date(2026, 11, 10))
    with pytest.raises(ValidationError, match="Нет решений на контроле"):
        await followup.compile_follow_up(head, new_meeting)
    assert await FollowUp.count() == 0


async def test_wrong_roles(setting: Setting) -> None:
    w = setting.world
    view = await followup.compile_follow_up(setting.head, setting.new_meeting, as_of=AS_OF)
    for key in ("school_a", "admin"):
        actor: Actor = await actor_of(w, key)
        with pytest.raises(PermissionDeniedError):
            await followup.compile_follow_up(actor, setting.new_meeting)
        with pytest.raises(PermissionDeniedError):
            await followup.get_follow_up(actor, setting.new_meeting)
        with pytest.raises(PermissionDeniedError):
            await followup.update_proposal(actor, view.items[0].id, kind="keep")
        with pytest.raises(PermissionDeniedError):
            await followup.adopt(actor, view.id)
    assert clock.today()  # the clock is the real one: nothing above depended on it


async def test_a_done_decision_is_reported_once_and_removed(setting: Setting) -> None:
    """Everything accepted: no longer «under control», but not yet removed either. The next
    follow-up reports it with a proposal to remove it from control; once adopted, it is gone
    from the follow-ups after."""
    w = setting.world
    await settle(w, setting.old[0], "b")  # decision 1 now done by both schools

    view = await followup.compile_follow_up(setting.secretary, setting.new_meeting, as_of=AS_OF)

    done = next(i for i in view.items if i.decision_id == setting.old[0])
    assert (done.snapshot.total, done.snapshot.done) == (2, 2)
    assert done.snapshot.lagging_school_ids == ()
    assert done.proposal is ProposalKind.REMOVE
    page = await followup.follow_up_page(setting.secretary, setting.new_meeting, today=AS_OF)
    candidate = next(c for c in page.candidates if c.id == setting.old[0])
    assert not candidate.under_control
    assert candidate.counts.done == 2

    await followup.adopt(setting.secretary, view.id)

    removed = await Decision.select(Decision.removed_from_control_at).where(
        Decision.id == setting.old[0]
    )
    assert removed[0]["removed_from_control_at"] is not None
    later, _ = await meeting(date(2026, 12, 10))
    after = await followup.compile_follow_up(setting.secretary, later, as_of=date(2026, 12, 1))
    assert setting.old[0] not in [i.decision_id for i in after.items]


async def test_the_secretary_may_pick_a_done_decision_but_not_a_removed_one(
    setting: Setting,
) -> None:
    w = setting.world
    await settle(w, setting.old[0], "b")
    view = await followup.compile_follow_up(
        setting.secretary, setting.new_meeting, as_of=AS_OF, decision_ids=[setting.old[0]]
    )
    assert [i.decision_id for i in view.items] == [setting.old[0]]
    assert view.items[0].proposal is ProposalKind.REMOVE

    await meetings.remove_from_control(setting.head, setting.old[1])
    with pytest.raises(ValidationError, match=str(setting.old[1])):
        await followup.compile_follow_up(
            setting.secretary, setting.new_meeting, as_of=AS_OF, decision_ids=[setting.old[1]]
        )
    # the draft compiled before is still there, unchanged
    again = await followup.get_follow_up(setting.secretary, setting.new_meeting)
    assert again is not None
    assert [i.decision_id for i in again.items] == [setting.old[0]]
