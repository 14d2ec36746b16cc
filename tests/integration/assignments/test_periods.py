"""Periodic and ongoing obligations on the real database: one assignment per school per period,
the next periods made by ``generate_periods`` (the beat task's service) — catching up, never
ahead, never twice; «постоянно» stays open, without a due date, and is never overdue."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.assignments import services as assignments
from tracker.assignments.periods import PeriodSummary, generate_periods
from tracker.assignments.tables import Assignment
from tracker.audit import services as audit
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule, Period
from tracker.meetings import services as meetings
from tracker.schools import services as schools
from tracker.schools.services import AllSchools, ChosenSchools

QUARTERLY = DeadlineRule(
    kind=DeadlineKind.PERIODIC,
    period=Period.QUARTERLY,
    days=5,
    text="ежеквартально до 5 числа",
)


async def periodic_decision(deadline: DeadlineRule = QUARTERLY) -> int:
    """A decision of a meeting held on 1 February 2024."""
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей ОО",
            date=date(2024, 2, 1),
            decisions=(
                meetings.DecisionDraft(
                    number="1",
                    text="Представлять отчёт о посещаемости.",
                    addressee="Руководителям ОО",
                    deadline=deadline,
                ),
            ),
        ),
    )
    return created.decisions[0][0]


async def rows_of(decision_id: int) -> list[dict[str, Any]]:
    return list(
        await Assignment.select(
            Assignment.id,
            Assignment.school,
            Assignment.period,
            Assignment.due_on,
            Assignment.status,
        )
        .where(Assignment.decision == decision_id)
        .order_by(Assignment.school)
        .order_by(Assignment.period)
    )


def periods_by_school(rows: list[dict[str, Any]]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for r in rows:
        found.setdefault(r["school"], []).append(r["period"])
    return found


# ---------------------------------------------------------------- generating periods


async def test_quarterly_decision_catches_up_to_the_current_quarter(world: World) -> None:
    # Given a quarterly decision assigned in February 2024 to the three schools
    decision_id = await periodic_decision()
    first = await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))
    assert len(first) == 3
    assert {r.due_on for r in first} == {date(2024, 4, 5)}
    assert periods_by_school(await rows_of(decision_id)) == {
        school_id: ["2024-Q1"] for school_id in world.schools.values()
    }

    # When the beat runs on 10 August 2024 (it was down since spring)
    summary = await generate_periods(date(2024, 8, 10))

    # Then every school has Q2 and Q3, due on the 5th after each quarter; not Q4
    assert summary == PeriodSummary(decisions=1, created=6)
    rows = await rows_of(decision_id)
    assert periods_by_school(rows) == {
        school_id: ["2024-Q1", "2024-Q2", "2024-Q3"] for school_id in world.schools.values()
    }
    due = {r["period"]: r["due_on"] for r in rows}
    assert due == {
        "2024-Q1": date(2024, 4, 5),
        "2024-Q2": date(2024, 7, 5),
        "2024-Q3": date(2024, 10, 5),
    }
    assert {r["status"] for r in rows} == {"assigned"}

    # And each new assignment's history says the system created it
    new = next(r for r in rows if r["period"] == "2024-Q3")
    [entry] = await audit.history("assignment", new["id"])
    assert entry.action == "create"
    assert entry.actor_name == "система"
    assert entry.after == {"decision_id": decision_id, "period": "2024-Q3", "due_on": "2024-10-05"}


async def test_running_twice_creates_nothing_twice(world: World) -> None:
    decision_id = await periodic_decision()
    await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))
    await generate_periods(date(2024, 8, 10))
    before = await rows_of(decision_id)

    again = await generate_periods(date(2024, 8, 10))
    later_same_quarter = await generate_periods(date(2024, 9, 30))

    assert again == PeriodSummary(decisions=1, created=0)
    assert later_same_quarter.created == 0
    assert await rows_of(decision_id) == before


async def test_two_workers_at_once_create_each_period_once(world: World) -> None:
    decision_id = await periodic_decision()
    await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))

    results = await asyncio.gather(
        generate_periods(date(2024, 8, 10)), generate_periods(date(2024, 8, 10))
    )

    assert sum(r.created for r in results) == 6
    rows = await rows_of(decision_id)
    assert len(rows) == 9
    assert len({(r["school"], r["period"]) for r in rows}) == 9


async def test_the_next_quarter_comes_when_it_starts(world: World) -> None:
    decision_id = await periodic_decision()
    await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))

    assert (await generate_periods(date(2024, 3, 31))).created == 0
    assert (await generate_periods(date(2024, 4, 1))).created == 3

    assert {r["period"] for r in await rows_of(decision_id)} == {"2024-Q1", "2024-Q2"}


async def test_monthly_decision_due_on_the_day_of_the_next_month(world: World) -> None:
    decision_id = await periodic_decision(
        DeadlineRule(kind=DeadlineKind.PERIODIC, period=Period.MONTHLY, days=31)
    )
    await assignments.assign(
        None, decision_id, ChosenSchools((world.schools["a"],)), today=date(2024, 2, 10)
    )

    await generate_periods(date(2024, 4, 2))

    rows = await rows_of(decision_id)
    # Day 31 or the last day of a shorter month.
    assert [(r["period"], r["due_on"]) for r in rows] == [
        ("2024-02", date(2024, 3, 31)),
        ("2024-03", date(2024, 4, 30)),
        ("2024-04", date(2024, 5, 31)),
    ]


async def test_decision_removed_from_control_gets_no_more_periods(world: World) -> None:
    decision_id = await periodic_decision()
    await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))
    await meetings.remove_from_control(await actor_of(world, "head"), decision_id)

    summary = await generate_periods(date(2024, 8, 10))

    assert summary == PeriodSummary(decisions=0, created=0)
    assert {r["period"] for r in await rows_of(decision_id)} == {"2024-Q1"}


async def test_a_school_that_never_had_it_gets_nothing(world: World) -> None:
    # Given a quarterly decision assigned to two schools of three
    decision_id = await periodic_decision()
    await assignments.assign(
        None,
        decision_id,
        ChosenSchools((world.schools["a"], world.schools["b"])),
        today=date(2024, 2, 10),
    )

    await generate_periods(date(2024, 8, 10))

    by_school = periods_by_school(await rows_of(decision_id))
    assert set(by_school) == {world.schools["a"], world.schools["b"]}
    assert world.schools["c"] not in by_school


async def test_a_school_no_longer_active_gets_no_new_periods(world: World) -> None:
    decision_id = await periodic_decision()
    await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))
    admin = await actor_of(world, "admin")
    await schools.update_school(
        admin,
        world.schools["c"],
        name="Муниципальное учреждение МБДОУ «Детский сад № 4»",
        short_name="МБДОУ «Детский сад № 4»",
        email="",
        is_active=False,
        group_ids=[],
    )

    summary = await generate_periods(date(2024, 5, 1))

    assert summary.created == 2
    assert periods_by_school(await rows_of(decision_id))[world.schools["c"]] == ["2024-Q1"]


async def test_other_deadlines_are_left_alone(world: World) -> None:
    # The world's decision due on a date has an assignment per school; nothing is added.
    summary = await generate_periods(date(2031, 1, 1))

    assert summary == PeriodSummary(decisions=0, created=0)
    assert len(await rows_of(world.decisions[0])) == 3


# ---------------------------------------------------------------- showing the period


async def test_school_sees_the_period_of_each_assignment(world: World, pages: PageClient) -> None:
    decision_id = await periodic_decision()
    await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))
    await generate_periods(date(2024, 4, 1))
    await pages.login(world.users["school_a"])

    listing = await pages.get("/my")
    [q2] = [
        r["id"]
        for r in await rows_of(decision_id)
        if r["school"] == world.schools["a"] and r["period"] == "2024-Q2"
    ]
    detail = await pages.get(f"/assignments/{q2}")

    assert "за I квартал 2024" in listing.text
    assert "за II квартал 2024" in listing.text
    assert "05.07.2024" in detail.text
    assert "за II квартал 2024" in detail.text


async def test_decision_page_shows_each_schools_periods(world: World, pages: PageClient) -> None:
    decision_id = await periodic_decision()
    await assignments.assign(None, decision_id, AllSchools(), today=date(2024, 2, 10))
    await generate_periods(date(2024, 4, 1))
    await pages.login(world.users["head"])

    response = await pages.get(f"/decisions/{decision_id}", htmx=True)

    assert response.text.count("за I квартал 2024") == 3
    assert response.text.count("за II квартал 2024") == 3


# ---------------------------------------------------------------- ongoing («постоянно»)


async def test_ongoing_obligation_has_no_due_date_and_is_never_overdue(
    world: World, pages: PageClient
) -> None:
    # Given an ongoing decision of a meeting long past, assigned to school A
    decision_id = await periodic_decision(DeadlineRule(kind=DeadlineKind.ONGOING, text="постоянно"))
    [row] = await assignments.assign(
        None, decision_id, ChosenSchools((world.schools["a"],)), today=date(2024, 2, 10)
    )
    assert row.due_on is None

    # Then years later it is open, not overdue, and shown as «постоянно»
    school = await actor_of(world, "school_a")
    [item] = await assignments.list_assignments(
        school, decision_id=decision_id, today=date(2030, 1, 1)
    )
    assert item.due_on is None
    assert not item.overdue
    overdue = await assignments.list_assignments(school, overdue_only=True, today=date(2030, 1, 1))
    assert item.id not in {a.id for a in overdue}
    await pages.login(world.users["school_a"])
    listing = await pages.get("/my")
    detail = await pages.get(f"/assignments/{row.id}")
    assert "постоянно" in listing.text
    assert "постоянно, без срока" in detail.text
    assert "просрочено" not in detail.text

    # And generating periods leaves it alone
    assert (await generate_periods(date(2030, 1, 1))).created == 0


async def test_a_due_date_set_by_hand_assigns_the_period_it_is_due_for(world: World) -> None:
    """«Ежемесячно до 5 числа» of a meeting of 01.02.2024, assigned much later with the date
    05.03.2024 given by hand: the assignment is February 2024's (due 05.03), not the month of
    the day it was assigned with February's date."""
    head = await actor_of(world, "head")
    monthly = DeadlineRule(
        kind=DeadlineKind.PERIODIC, period=Period.MONTHLY, days=5, text="ежемесячно до 5 числа"
    )
    decision_id = await periodic_decision(monthly)
    await assignments.assign(
        head,
        decision_id,
        ChosenSchools((world.schools["a"],)),
        due_on=date(2024, 3, 5),
        today=date(2026, 11, 24),
    )
    rows = await rows_of(decision_id)
    assert [(r["period"], r["due_on"]) for r in rows] == [("2024-02", date(2024, 3, 5))]
