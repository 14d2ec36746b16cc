"""The working calendar in force: the shipped production calendar with the admin's corrections."""

from __future__ import annotations

from datetime import date

from tracker.calendar.production import load_calendar
from tracker.calendar.tables import CalendarDay
from tracker.calendar.workdays import WorkCalendar


def with_corrections(base: WorkCalendar, corrections: dict[date, bool]) -> WorkCalendar:
    """``base`` with some days set working (True) or not (False) by hand. Pure."""
    holidays = set(base.holidays)
    working_weekends = set(base.working_weekends)
    for day, working in corrections.items():
        holidays.discard(day)
        working_weekends.discard(day)
        weekend = day.weekday() >= 5
        if working and weekend:
            working_weekends.add(day)
        elif not working and not weekend:
            holidays.add(day)
    return WorkCalendar(frozenset(holidays), frozenset(working_weekends))


async def effective_calendar() -> WorkCalendar:
    """The calendar every due date and reminder day is counted on."""
    rows = await CalendarDay.select(CalendarDay.day, CalendarDay.working)
    return with_corrections(load_calendar(), {r["day"]: r["working"] for r in rows})
