"""Working-day arithmetic. Pure: the calendar (holidays, moved working days) is a parameter.

Without a calendar, Saturdays and Sundays are the days off; the production calendar of the
Russian Federation (holidays and moved working days) is supplied as data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    """Weekdays that are days off (public holidays, moved days off)."""
    working_weekends: frozenset[date] = field(default_factory=frozenset)
    """Saturdays or Sundays made working days by a government decree."""

    def is_working_day(self, day: date) -> bool:
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays


WEEKENDS_ONLY = WorkCalendar()


def add_working_days(start: date, count: int, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """The ``count``-th working day after ``start`` («в течение 10 рабочих дней»)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day
