"""The production calendar of the Russian Federation (производственный календарь), 2020–2027.

The calendar is data: ``data/ru_2020_2027.json`` lists, per year, the weekdays that are days off
(public holidays of the Labour Code, art. 112, the days off moved by the year's Government decree,
one-off non-working days) and the Saturdays and Sundays made working days, with the decree each
year comes from and whether the year is provisional (no decree known yet). This module reads it
into the pure :class:`~tracker.calendar.workdays.WorkCalendar`; outside the years covered, only
Saturdays and Sundays are days off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from tracker.calendar.workdays import WorkCalendar

DATA_FILE = "ru_2020_2027.json"


@dataclass(frozen=True)
class CalendarYear:
    year: int
    source: str
    """The Government decree (and other acts) the year's days off come from."""
    provisional: bool
    """True while the year's decree is not known: Labour Code holidays and their automatic moves."""
    holidays: frozenset[date]
    working_weekends: frozenset[date]

    def working_days(self) -> int:
        """The number of working days in the year for a five-day week."""
        calendar = WorkCalendar(self.holidays, self.working_weekends)
        start = date(self.year, 1, 1).toordinal()
        end = date(self.year, 12, 31).toordinal()
        return sum(calendar.is_working_day(date.fromordinal(n)) for n in range(start, end + 1))


def _dates(year: int, values: Any, *, weekend: bool, what: str) -> frozenset[date]:
    days: set[date] = set()
    for value in values:
        day = date.fromisoformat(value)
        if day.year != year:
            raise ValueError(f"{what} {value} is not in {year}")
        if (day.weekday() >= 5) != weekend:
            kind = "a Saturday or Sunday" if weekend else "a weekday"
            raise ValueError(f"{what} {value} must be {kind}")
        days.add(day)
    return frozenset(days)


def parse_years(raw: dict[str, Any]) -> dict[int, CalendarYear]:
    """The years of a production calendar document (the format of the shipped JSON)."""
    years: dict[int, CalendarYear] = {}
    for key, entry in raw["years"].items():
        year = int(key)
        years[year] = CalendarYear(
            year=year,
            source=str(entry["source"]),
            provisional=bool(entry["provisional"]),
            holidays=_dates(year, entry["holidays"], weekend=False, what="holiday"),
            working_weekends=_dates(
                year, entry["working_weekends"], weekend=True, what="working weekend"
            ),
        )
    return years


@cache
def load_years() -> dict[int, CalendarYear]:
    """The shipped production calendar, year by year."""
    text = resources.files("tracker.calendar").joinpath("data", DATA_FILE).read_text("utf-8")
    return parse_years(json.loads(text))


@cache
def load_calendar() -> WorkCalendar:
    """The shipped production calendar of 2020–2027 as one :class:`WorkCalendar`."""
    years = load_years().values()
    return WorkCalendar(
        holidays=frozenset().union(*(y.holidays for y in years)),
        working_weekends=frozenset().union(*(y.working_weekends for y in years)),
    )


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day by the shipped production calendar."""
    return load_calendar().is_working_day(day)
