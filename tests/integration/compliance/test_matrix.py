"""The compliance matrix on the real database: every figure equals a count made independently
from the rows; a school user sees only their school."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from tests.integration.compliance.district import (
    FIELDS,
    District,
    assignment_rows,
    count_independently,
    make_district,
    summed,
)
from tests.support.world import World, actor_of
from tracker.accounts.roles import Actor, Role
from tracker.assignments import services as assignments
from tracker.assignments.lifecycle import Status
from tracker.assignments.tables import ExtensionRequest
from tracker.compliance import rules
from tracker.compliance.services import Compliance, compliance
from tracker.errors import PermissionDeniedError

TODAYS = (
    date(2024, 2, 15),
    date(2026, 11, 2),
    date(2030, 3, 1),
    date(2030, 3, 2),
    date(2036, 1, 1),
)


def figures(counts: rules.Counts) -> dict[str, int]:
    return {f: counts._asdict()[f] for f in FIELDS}


async def assert_matches(
    result: Compliance,
    today: date,
    *,
    meeting_id: int | None = None,
    decision_ids: Sequence[int] | None = None,
    school_ids: Sequence[int] | None = None,
) -> None:
    expected = await count_independently(
        today,
        meeting_id=meeting_id,
        decision_ids=None if decision_ids is None else set(decision_ids),
        school_ids=None if school_ids is None else set(school_ids),
    )
    assert {key: figures(c) for key, c in result.cells.items()} == {
        key: dict(c) for key, c in expected.items()
    }
    assert {d.id for d in result.decisions} == {d for d, _ in expected}
    assert {s.id for s in result.schools} == {s for _, s in expected}
    for decision in result.decisions:
        assert figures(result.by_decision[decision.id]) == summed(expected, decision=decision.id)
    for school in result.schools:
        assert figures(result.by_school[school.id]) == summed(expected, school=school.id)
    assert figures(result.total) == summed(expected)


@pytest.fixture
async def district(world: World) -> District:
    return await make_district(world)


async def test_world_figures_match_the_rows(world: World) -> None:
    # Given the world's decision: school A accepted on time, school B returned for rework
    head = await actor_of(world, "head")
    school_a, school_b = await actor_of(world, "school_a"), await actor_of(world, "school_b")
    await assignments.submit_report(school_a, world.assignments["a"], text="Сделано")
    await assignments.accept(head, world.assignments["a"])
    await assignments.submit_report(school_b, world.assignments["b"], text="Сделано")
    await assignments.return_for_rework(head, world.assignments["b"], comment="Нет плана")
    for today in (date(2026, 3, 1), date(2030, 3, 2)):
        # When the department looks
        result = await compliance(head, today=today)
        # Then every figure is the count from the rows
        await assert_matches(result, today)
    after = await compliance(head, today=date(2030, 3, 2))
    decision = world.decisions[0]
    assert after.cell(decision, world.schools["a"]).accepted_on_time == 1
    assert after.cell(decision, world.schools["b"]).returned == 1
    assert after.cell(decision, world.schools["b"]).overdue == 1
    assert after.by_decision[decision].total == 3
    assert (after.total.done, after.total.overdue) == (1, 2)
    assert [d.id for d in after.decisions] == [decision]  # unassigned decisions have no row


async def test_district_figures_match_the_rows(district: District) -> None:
    head = await actor_of(district.world, "head")
    for today in TODAYS:
        result = await compliance(head, today=today)
        await assert_matches(result, today)
    # the district exercises every bucket
    assert all(district.scenarios[s] for s in ("accepted", "returned", "extension"))
    late = await compliance(head, today=date(2036, 1, 1))
    assert all(getattr(late.total, f) > 0 for f in FIELDS if f != "open")
    assert late.total.accepted_late > 0  # reports for 2024 arrived in 2026


async def test_periodic_cell_holds_every_period(district: District) -> None:
    head = await actor_of(district.world, "head")
    periodic = district.old_decisions[2]
    result = await compliance(head, today=date(2026, 11, 2), decision_ids=[periodic])
    assert [d.id for d in result.decisions] == [periodic]
    assert all(result.cell(periodic, s).total == 2 for s in district.schools)
    assert result.total.total == 2 * len(district.schools)


async def test_narrowing_by_meeting_decisions_and_schools(district: District) -> None:
    head = await actor_of(district.world, "head")
    today = date(2026, 11, 2)
    some_schools = district.schools[1:4]
    some_decisions = [district.old_decisions[0], district.new_decisions[0]]
    cases: list[tuple[int | None, list[int] | None, list[int] | None]] = [
        (district.old_meeting, None, None),
        (district.world.meeting_id, None, None),
        (None, some_decisions, None),
        (None, None, some_schools),
        (None, some_decisions, some_schools),
        (district.old_meeting, some_decisions, None),  # only the dated one is of that meeting
    ]
    for meeting_id, decision_ids, school_ids in cases:
        result = await compliance(
            head,
            today=today,
            meeting_id=meeting_id,
            decision_ids=decision_ids,
            school_ids=school_ids,
        )
        await assert_matches(
            result, today, meeting_id=meeting_id, decision_ids=decision_ids, school_ids=school_ids
        )
        assert result.total.total > 0
    meeting = await compliance(head, today=today, meeting_id=district.world.meeting_id)
    assert [d.id for d in meeting.decisions] == [district.world.decisions[0]]
    assert meeting.decisions[0].meeting_date == date(2026, 2, 5)
    empty = await compliance(head, today=today, school_ids=[])
    assert (empty.decisions, empty.schools, empty.total) == ((), (), rules.ZERO)


async def test_figures_agree_with_the_rules(district: District) -> None:
    """The SQL is ``rules.bucket`` in set form: summing the rules over the rows gives the same."""
    head = await actor_of(district.world, "head")
    pending = {
        r["assignment"]
        for r in await ExtensionRequest.select(ExtensionRequest.assignment).where(
            ExtensionRequest.status == "pending"
        )
    }
    rows = await assignment_rows()
    for today in TODAYS:
        by_rules = rules.ZERO
        for r in rows:
            by_rules = by_rules.add(
                rules.count_one(
                    Status(r["status"]),
                    r["due_on"],
                    r["accepted_on_time"],
                    today=today,
                    extension_pending=r["id"] in pending,
                )
            )
        assert (await compliance(head, today=today)).total == by_rules


async def test_school_user_sees_only_their_school(district: District) -> None:
    world = district.world
    school_a = await actor_of(world, "school_a")
    today = date(2026, 11, 2)
    own = await compliance(school_a, today=today)
    assert [s.id for s in own.schools] == [world.schools["a"]]
    assert {s for _, s in own.cells} == {world.schools["a"]}
    await assert_matches(own, today, school_ids={world.schools["a"]})
    # asking for another school's figures gives nothing, not that school's
    other = await compliance(school_a, today=today, school_ids=[world.schools["b"]])
    assert (other.cells, other.total) == ({}, rules.ZERO)
    both = await compliance(
        school_a, today=today, school_ids=[world.schools["a"], world.schools["b"]]
    )
    assert both.total == own.total


@pytest.mark.parametrize("key", ["head", "secretary", "admin"])
async def test_department_sees_every_school(district: District, key: str) -> None:
    actor = await actor_of(district.world, key)
    result = await compliance(actor, today=date(2026, 11, 2))
    assert {s.id for s in result.schools} == set(district.schools)


async def test_school_role_without_a_school_is_refused(world: World) -> None:
    nobody = Actor(user_id=world.user_ids["school_a"], role=Role.SCHOOL, school_id=None)
    with pytest.raises(PermissionDeniedError):
        await compliance(nobody, today=date(2026, 11, 2))
