"""What the calendar is for: a due date «в течение N рабочих дней» counts the admin's days."""

from __future__ import annotations

from datetime import date

from tests.support.http import PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.assignments import services as assignments
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.meetings import services as meetings
from tracker.schools.services import ChosenSchools

MONDAY = date(2025, 3, 3)


async def a_decision_within_three_working_days(world: World) -> int:
    head = await accounts.actor_for_user(world.user_ids["head"])
    assert head is not None
    created = await meetings.create_meeting(
        head,
        meetings.MeetingDraft(
            title="Совещание руководителей ОО",
            date=MONDAY,
            decisions=(
                meetings.DecisionDraft(
                    number="1",
                    text="Представить информацию о подготовке к ГИА.",
                    addressee="Руководителям ОО",
                    deadline=DeadlineRule(
                        kind=DeadlineKind.RELATIVE,
                        working_days=3,
                        text="в течение 3 рабочих дней",
                    ),
                ),
            ),
        ),
    )
    return created.decisions[0][0]


async def assign_to(world: World, decision_id: int, school: str) -> date | None:
    head = await accounts.actor_for_user(world.user_ids["head"])
    assert head is not None
    rows = await assignments.assign(
        head, decision_id, ChosenSchools((world.schools[school],)), today=MONDAY
    )
    return rows[0].due_on


async def test_a_weekday_made_a_day_off_moves_the_due_date(
    world: World, admin_pages: PageClient
) -> None:
    decision_id = await a_decision_within_three_working_days(world)
    # given: by the decree, Monday 3 March 2025 + 3 working days is Thursday the 6th
    assert await assign_to(world, decision_id, "a") == date(2025, 3, 6)

    # when: the admin makes Wednesday the 5th a day off
    response = await admin_pages.post(
        "/admin/calendar/days/2025-03-05", {"working": "0", "note": "Региональный праздник"}
    )
    assert response.status_code == 303

    # then: a school assigned now is due on Friday the 7th; the first one keeps its date
    assert await assign_to(world, decision_id, "b") == date(2025, 3, 7)
    assert await assign_to(world, decision_id, "a") == date(2025, 3, 6)

    # and with the day given back, the decree's count applies again
    await admin_pages.post("/admin/calendar/days/2025-03-05", {"working": "1"})
    assert await assign_to(world, decision_id, "c") == date(2025, 3, 6)


async def test_a_saturday_made_working_counts_as_a_working_day(
    world: World, admin_pages: PageClient
) -> None:
    decision_id = await a_decision_within_three_working_days(world)
    # given: Tuesday to Thursday made days off (say, a quarantine); without more, the three
    # working days after Monday are Friday 7, Monday 10 and Tuesday 11 March
    for day in ("2025-03-04", "2025-03-05", "2025-03-06"):
        await admin_pages.post(f"/admin/calendar/days/{day}", {"working": "0"})
    assert await assign_to(world, decision_id, "a") == date(2025, 3, 11)

    # when: Saturday 8 March (a day off in 2025: the holiday was moved to 13 June) made working
    await admin_pages.post("/admin/calendar/days/2025-03-08", {"working": "1"})

    # then: Friday 7, Saturday 8, Monday 10
    assert await assign_to(world, decision_id, "b") == date(2025, 3, 10)
