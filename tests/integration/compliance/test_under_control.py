"""Which decisions are still under control, for the next meeting's follow-up."""

from __future__ import annotations

from datetime import date

from tests.integration.compliance.district import (
    FIELDS,
    District,
    count_independently,
    make_district,
    rule,
    summed,
)
from tests.support.world import World, actor_of
from tracker.assignments import services as assignments
from tracker.calendar.deadlines import DeadlineKind, Period
from tracker.compliance.services import decisions_under_control
from tracker.meetings import services as meetings
from tracker.schools.services import ChosenSchools

TODAY = date(2026, 11, 2)

KINDS = {
    "dated": rule(DeadlineKind.DATE, date(2026, 6, 1)),
    "ongoing": rule(DeadlineKind.ONGOING),
    "periodic": rule(DeadlineKind.PERIODIC, period=Period.MONTHLY, days=5),
}


async def meeting_of(world: World, on: date, decisions: list[tuple[str, str]]) -> dict[str, int]:
    """A meeting held ``on``, with (name, deadline kind) decisions, assigned to schools A and B."""
    head = await actor_of(world, "head")
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание",
            date=on,
            decisions=tuple(
                meetings.DecisionDraft(number=str(n), text=name, deadline=KINDS[kind])
                for n, (name, kind) in enumerate(decisions, start=1)
            ),
        ),
    )
    ids = {
        name: decision_id
        for (name, _), (decision_id, _) in zip(decisions, created.decisions, strict=True)
    }
    for decision_id in ids.values():
        await assignments.assign(
            head,
            decision_id,
            ChosenSchools((world.schools["a"], world.schools["b"])),
            today=date(2026, 5, 10),
        )
    return ids


async def settle(world: World, decision_id: int, *, accept: tuple[str, ...] = ("a", "b")) -> None:
    """The given schools report and the head accepts."""
    head = await actor_of(world, "head")
    rows = await assignments.list_assignments(head, decision_id=decision_id)
    for key in accept:
        school = await actor_of(world, f"school_{key}")
        for row in rows:
            if row.school_id == world.schools[key]:
                await assignments.submit_report(school, row.id, text="Исполнено.")
                await assignments.accept(head, row.id)


async def test_world_open_and_unassigned_decisions_are_under_control(world: World) -> None:
    found = await decisions_under_control(today=TODAY)
    # the instruction with open assignments, the recommendation never assigned (nothing done
    # yet); «принять к сведению» is never under control
    assert [d.id for d in found] == world.decisions[:2]
    assert (found[0].counts.total, found[0].counts.open) == (3, 3)
    assert found[1].counts.total == 0
    assert found[0].meeting_date == date(2026, 2, 5)
    assert found[0].deadline_date == date(2030, 3, 1)


async def test_accepted_standing_and_removed_decisions(world: World) -> None:
    head = await actor_of(world, "head")
    ids = await meeting_of(
        world,
        date(2026, 5, 1),
        [
            ("all accepted", "dated"),
            ("one school owes", "dated"),
            ("ongoing, all accepted", "ongoing"),
            ("periodic, all accepted", "periodic"),
            ("ongoing, removed", "ongoing"),
            ("dated, removed while open", "dated"),
        ],
    )
    for name in (
        "all accepted",
        "ongoing, all accepted",
        "periodic, all accepted",
        "ongoing, removed",
    ):
        await settle(world, ids[name])
    await settle(world, ids["one school owes"], accept=("a",))
    await meetings.remove_from_control(head, ids["ongoing, removed"])
    await meetings.remove_from_control(head, ids["dated, removed while open"])

    found = {d.id: d for d in await decisions_under_control(today=TODAY)}

    assert ids["all accepted"] not in found
    assert ids["one school owes"] in found
    assert found[ids["one school owes"]].counts.done == 1
    assert found[ids["one school owes"]].counts.overdue == 1  # due 01.06.2026
    assert ids["ongoing, all accepted"] in found
    assert ids["periodic, all accepted"] in found
    assert found[ids["periodic, all accepted"]].deadline_kind is DeadlineKind.PERIODIC
    assert ids["ongoing, removed"] not in found
    assert ids["dated, removed while open"] not in found


async def test_before_excludes_that_day_and_later_oldest_meeting_first(world: World) -> None:
    early = await meeting_of(
        world, date(2025, 12, 1), [("early 1", "dated"), ("early 2", "ongoing")]
    )
    late = await meeting_of(world, date(2026, 6, 1), [("late", "dated")])

    everything = [d.id for d in await decisions_under_control(today=TODAY)]
    assert everything == [
        early["early 1"],
        early["early 2"],
        *world.decisions[:2],  # 05.02.2026
        late["late"],
    ]
    before_late = await decisions_under_control(before=date(2026, 6, 1), today=TODAY)
    assert [d.id for d in before_late] == everything[:-1]
    before_world = await decisions_under_control(before=date(2026, 2, 5), today=TODAY)
    assert [d.id for d in before_world] == everything[:2]
    assert await decisions_under_control(before=date(2025, 12, 1), today=TODAY) == []


async def test_district_counts_match_the_rows(world: World) -> None:
    district: District = await make_district(world)
    for today in (date(2024, 2, 15), TODAY, date(2036, 1, 1)):
        expected = await count_independently(today)
        found = await decisions_under_control(today=today)
        for row in found:
            assert {f: row.counts._asdict()[f] for f in FIELDS} == summed(expected, decision=row.id)
        ids = [d.id for d in found]
        dated, ongoing, periodic, recommendation, information = district.old_decisions
        assert {ongoing, periodic} <= set(ids)  # standing obligations
        assert information not in ids
        for decision_id in (dated, recommendation, district.new_decisions[0], world.decisions[0]):
            counts = summed(expected, decision=decision_id)
            done = counts["accepted_on_time"] + counts["accepted_late"]
            assert (decision_id in ids) == (done < counts["total"])
        meetings_in_order = [d.meeting_date for d in found]
        assert meetings_in_order == sorted(meetings_in_order)
