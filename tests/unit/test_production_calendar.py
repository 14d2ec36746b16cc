"""The shipped Russian production calendar, 2020–2027."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

import pytest

from tracker.calendar.production import (
    DATA_FILE,
    load_calendar,
    load_years,
    parse_years,
)
from tracker.calendar.production import (
    is_working_day as production_is_working_day,
)
from tracker.calendar.workdays import add_working_days

# Labour Code art. 112: the public holidays (month, day).
JANUARY = [(1, d) for d in range(1, 9)]
LABOUR_CODE_HOLIDAYS = [*JANUARY, (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]


def _raw() -> dict[str, Any]:
    text = resources.files("tracker.calendar").joinpath("data", DATA_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # 248 by decree No. 875, less the one-off non-working days of 24 June and 1 July 2020.
        (2020, 246),
        (2021, 247),
        (2022, 247),
        (2023, 247),
        (2024, 248),
        (2025, 247),
        (2026, 247),
    ],
)
def test_working_days_per_year_match_the_official_calendar(year: int, expected: int) -> None:
    assert load_years()[year].working_days() == expected


def test_covers_2020_to_2027_with_sources() -> None:
    years = load_years()
    assert sorted(years) == list(range(2020, 2028))
    for year, entry in years.items():
        assert entry.source
        assert entry.provisional is (year == 2027)
    assert "1314" in years[2024].source
    assert "1335" in years[2025].source


def test_pandemic_non_working_days_are_left_out_and_noted() -> None:
    assert "пандеми" in str(_raw()["excluded"])
    for day in (date(2020, 4, 1), date(2020, 4, 30), date(2021, 5, 4), date(2021, 11, 1)):
        assert production_is_working_day(day), day


def test_labour_code_holidays_are_never_working_days() -> None:
    for year in range(2020, 2028):
        for month, day in LABOUR_CODE_HOLIDAYS:
            assert not production_is_working_day(date(year, month, day)), (year, month, day)


def test_moves_are_consistent_with_the_days_off() -> None:
    calendar = load_calendar()
    holidays = {(m, d) for m, d in LABOUR_CODE_HOLIDAYS}
    for entry in _raw()["years"].values():
        for move in entry["transfers"] + entry["automatic"]:
            source, target = date.fromisoformat(move["from"]), date.fromisoformat(move["to"])
            assert target in calendar.holidays, move
            assert source.weekday() >= 5, move
            # A Saturday that is not a holiday becomes a working day when its rest is moved.
            is_holiday = (source.month, source.day) in holidays
            assert (source in calendar.working_weekends) is (not is_holiday), move


@pytest.mark.parametrize(
    "day",
    [
        date(2020, 6, 24),
        date(2020, 7, 1),
        date(2020, 5, 4),
        date(2020, 5, 5),
        date(2021, 2, 22),
        date(2021, 11, 5),
        date(2021, 12, 31),
        date(2022, 3, 7),
        date(2022, 5, 3),
        date(2022, 5, 10),
        date(2023, 2, 24),
        date(2023, 5, 8),
        date(2024, 1, 8),
        date(2024, 4, 29),
        date(2024, 4, 30),
        date(2024, 5, 10),
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 5, 2),
        date(2025, 5, 8),
        date(2025, 6, 13),
        date(2025, 11, 3),
        date(2025, 12, 31),
        date(2026, 1, 9),
        date(2026, 3, 9),
        date(2026, 5, 11),
        date(2026, 12, 31),
    ],
)
def test_days_off(day: date) -> None:
    assert day.weekday() < 5
    assert not production_is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2021, 2, 20),
        date(2022, 3, 5),
        date(2024, 4, 27),
        date(2024, 11, 2),
        date(2024, 12, 28),
        date(2025, 11, 1),
    ],
)
def test_working_weekends(day: date) -> None:
    assert day.weekday() >= 5
    assert production_is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        # 2025: Feb 23 and Mar 8 fell on a weekend and were moved to 8 May and 13 June.
        date(2025, 2, 24),
        date(2025, 3, 10),
        # 2026: no working Saturdays; 4 November is a Wednesday, alone.
        date(2026, 11, 3),
        date(2026, 11, 5),
        date(2026, 5, 4),
        date(2026, 5, 8),
        date(2026, 1, 12),
    ],
)
def test_ordinary_working_days(day: date) -> None:
    assert production_is_working_day(day)


def test_2026_has_no_working_weekends() -> None:
    assert load_years()[2026].working_weekends == frozenset()


def test_outside_the_covered_years_only_weekends_are_off() -> None:
    assert production_is_working_day(date(2030, 1, 3))
    assert not production_is_working_day(date(2030, 1, 5))


def test_add_working_days_over_the_may_holidays() -> None:
    calendar = load_calendar()
    # 2025: 1–4 and 8–11 May off; working days 5, 6, 7, 12 May…
    assert add_working_days(date(2025, 4, 30), 1, calendar) == date(2025, 5, 5)
    assert add_working_days(date(2025, 4, 30), 4, calendar) == date(2025, 5, 12)
    # 2024: 27 April is a working Saturday, 28 April – 1 May and 9–12 May off.
    assert add_working_days(date(2024, 4, 26), 1, calendar) == date(2024, 4, 27)
    assert add_working_days(date(2024, 4, 26), 2, calendar) == date(2024, 5, 2)
    assert add_working_days(date(2024, 5, 8), 1, calendar) == date(2024, 5, 13)
    # 2026: 1–3 and 9–11 May off; «в течение 10 рабочих дней» from 30 April: 4–8, 12–15, 18 May.
    assert add_working_days(date(2026, 4, 30), 10, calendar) == date(2026, 5, 18)


def test_load_calendar_is_cached() -> None:
    assert load_calendar() is load_calendar()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"holidays": ["2024-04-27"], "working_weekends": []}, "weekday"),
        ({"holidays": [], "working_weekends": ["2024-04-29"]}, "Saturday or Sunday"),
        ({"holidays": ["2023-12-29"], "working_weekends": []}, "not in 2024"),
    ],
)
def test_malformed_data_is_rejected(entry: dict[str, object], message: str) -> None:
    raw = {"years": {"2024": {"source": "x", "provisional": False, **entry}}}
    with pytest.raises(ValueError, match=message):
        parse_years(raw)
