"""The admin's corrections laid over the shipped production calendar (``with_corrections``)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.calendar.production import load_calendar
from tracker.calendar.services import with_corrections
from tracker.calendar.workdays import WorkCalendar, add_working_days

SHIPPED = load_calendar()

WEDNESDAY = date(2025, 3, 5)
SATURDAY = date(2025, 3, 15)
MAY_DAY = date(2025, 5, 1)  # a public holiday, a Thursday
MOVED_DAY_OFF = date(2025, 5, 2)  # a Friday off: 4 January moved here by decree No. 1335
WORKING_SATURDAY = date(2025, 11, 1)  # made a working day by the same decree


def test_a_weekday_made_a_day_off() -> None:
    assert SHIPPED.is_working_day(WEDNESDAY)

    calendar = with_corrections(SHIPPED, {WEDNESDAY: False})

    assert not calendar.is_working_day(WEDNESDAY)
    assert calendar.is_working_day(WEDNESDAY - timedelta(days=1))
    assert calendar.is_working_day(WEDNESDAY + timedelta(days=1))
    # a deadline counted over it skips it: Monday + 3 working days is Friday, not Thursday
    assert add_working_days(date(2025, 3, 3), 3, SHIPPED) == date(2025, 3, 6)
    assert add_working_days(date(2025, 3, 3), 3, calendar) == date(2025, 3, 7)


def test_a_weekend_made_working() -> None:
    assert not SHIPPED.is_working_day(SATURDAY)

    calendar = with_corrections(SHIPPED, {SATURDAY: True})

    assert calendar.is_working_day(SATURDAY)
    assert not calendar.is_working_day(SATURDAY + timedelta(days=1))  # Sunday stays off


def test_a_shipped_holiday_made_working() -> None:
    assert not SHIPPED.is_working_day(MAY_DAY)
    assert not SHIPPED.is_working_day(MOVED_DAY_OFF)

    calendar = with_corrections(SHIPPED, {MOVED_DAY_OFF: True})

    assert calendar.is_working_day(MOVED_DAY_OFF)
    assert not calendar.is_working_day(MAY_DAY)
    assert MOVED_DAY_OFF not in calendar.holidays


def test_a_shipped_working_saturday_made_a_day_off() -> None:
    assert SHIPPED.is_working_day(WORKING_SATURDAY)

    calendar = with_corrections(SHIPPED, {WORKING_SATURDAY: False})

    assert not calendar.is_working_day(WORKING_SATURDAY)
    assert WORKING_SATURDAY not in calendar.working_weekends


def test_restoring_gives_the_shipped_calendar_back() -> None:
    # no corrections: the shipped calendar as it is
    assert with_corrections(SHIPPED, {}) == SHIPPED
    # a correction that agrees with the shipped status changes nothing
    assert with_corrections(SHIPPED, {MAY_DAY: False, WEDNESDAY: True}) == SHIPPED
    # the correction dropped, the day is back to what the decree says
    corrected = {WEDNESDAY: False, MOVED_DAY_OFF: True}
    assert with_corrections(SHIPPED, corrected) != SHIPPED
    del corrected[WEDNESDAY], corrected[MOVED_DAY_OFF]
    assert with_corrections(SHIPPED, corrected) == SHIPPED


def test_the_base_is_not_changed() -> None:
    base = WorkCalendar(frozenset({MAY_DAY}), frozenset({WORKING_SATURDAY}))

    with_corrections(base, {MAY_DAY: True, WORKING_SATURDAY: False, WEDNESDAY: False})

    assert base == WorkCalendar(frozenset({MAY_DAY}), frozenset({WORKING_SATURDAY}))


days = st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 12, 31))


@given(corrections=st.dictionaries(days, st.booleans(), max_size=20), probe=days)
def test_a_corrected_day_is_as_the_admin_set_it_and_the_rest_as_shipped(
    corrections: dict[date, bool], probe: date
) -> None:
    calendar = with_corrections(SHIPPED, corrections)

    expected = corrections.get(probe, SHIPPED.is_working_day(probe))
    assert calendar.is_working_day(probe) is expected
    # holidays are only weekdays and working weekends only Saturdays and Sundays, as shipped
    assert all(d.weekday() < 5 for d in calendar.holidays)
    assert all(d.weekday() >= 5 for d in calendar.working_weekends)
