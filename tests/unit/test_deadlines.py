"""Deadline rules and working-day arithmetic (pure)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.calendar.deadlines import (
    DeadlineKind,
    DeadlineRule,
    Period,
    due_date,
    next_period_due,
    period_span,
    span_due_near,
)
from tracker.calendar.workdays import WEEKENDS_ONLY, WorkCalendar, add_working_days


def test_ten_working_days_skip_two_weekends() -> None:
    # Friday 2026-11-20 + 10 working days: Mon 23 … Fri 27 (5), Mon 30 … Fri 4 Dec (10).
    assert add_working_days(date(2026, 11, 20), 10) == date(2026, 12, 4)


def test_holidays_and_moved_working_days_are_honoured() -> None:
    calendar = WorkCalendar(
        holidays=frozenset({date(2026, 11, 4)}), working_weekends=frozenset({date(2026, 11, 7)})
    )
    # Tue 3 Nov + 1 → Thu 5 Nov (the 4th is a holiday); Fri 6 + 1 → Sat 7 (a working Saturday).
    assert add_working_days(date(2026, 11, 3), 1, calendar) == date(2026, 11, 5)
    assert add_working_days(date(2026, 11, 6), 1, calendar) == date(2026, 11, 7)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 400))
def test_working_days_land_on_working_days_and_never_go_back(start: date, count: int) -> None:
    result = add_working_days(start, count)
    assert result >= start
    if count:
        assert WEEKENDS_ONLY.is_working_day(result)
        working = sum(
            WEEKENDS_ONLY.is_working_day(start + timedelta(days=i))
            for i in range(1, (result - start).days + 1)
        )
        assert working == count


def test_explicit_date_wins_over_default_term() -> None:
    rule = DeadlineRule(kind=DeadlineKind.DATE, date=date(2020, 3, 1))
    assert due_date(rule, assigned_on=date(2020, 2, 5), default_term_days=30) == date(2020, 3, 1)


def test_no_deadline_takes_default_term() -> None:
    assert due_date(DeadlineRule(), assigned_on=date(2020, 2, 5), default_term_days=30) == date(
        2020, 3, 6
    )


def test_relative_in_calendar_and_working_days() -> None:
    start = date(2026, 11, 20)
    assert due_date(
        DeadlineRule(kind=DeadlineKind.RELATIVE, days=5), assigned_on=start, default_term_days=30
    ) == date(2026, 11, 25)
    assert due_date(
        DeadlineRule(kind=DeadlineKind.RELATIVE, working_days=10),
        assigned_on=start,
        default_term_days=30,
    ) == date(2026, 12, 4)


def test_ongoing_has_no_due_date() -> None:
    rule = DeadlineRule(kind=DeadlineKind.ONGOING, text="постоянно")
    assert due_date(rule, assigned_on=date(2026, 1, 1), default_term_days=30) is None


def test_periodic_due_dates() -> None:
    # «ежемесячно до 5 числа»
    assert next_period_due(Period.MONTHLY, 5, date(2026, 12, 10)) == date(2027, 1, 5)
    # «ежеквартально до 5 числа месяца, следующего за отчётным кварталом»
    assert next_period_due(Period.QUARTERLY, 5, date(2026, 2, 1)) == date(2026, 4, 5)
    assert next_period_due(Period.QUARTERLY, 5, date(2026, 11, 23)) == date(2027, 1, 5)
    # no day given: the last day of the month; a day past the month's end is clipped
    assert next_period_due(Period.MONTHLY, None, date(2026, 1, 15)) == date(2026, 2, 28)
    assert next_period_due(Period.MONTHLY, 31, date(2026, 3, 15)) == date(2026, 4, 30)
    assert next_period_due(Period.YEARLY, 20, date(2026, 6, 1)) == date(2027, 1, 20)


@pytest.mark.parametrize(
    ("period", "day", "due_on", "key"),
    [
        # «ежемесячно до 5 числа»: February's is due 05.03
        (Period.MONTHLY, 5, date(2024, 3, 5), "2024-02"),
        (Period.MONTHLY, 5, date(2024, 3, 3), "2024-02"),  # two days early
        (Period.MONTHLY, 5, date(2024, 3, 20), "2024-02"),  # 15 days late beats 16 early
        (Period.MONTHLY, 5, date(2024, 3, 21), "2024-03"),
        (Period.MONTHLY, None, date(2024, 3, 31), "2024-02"),  # no day: the month after it ends
        # «ежеквартально до 10 числа»: the first quarter's is due 10.04
        (Period.QUARTERLY, 10, date(2024, 4, 10), "2024-Q1"),
        (Period.QUARTERLY, 10, date(2024, 1, 12), "2023-Q4"),
        (Period.YEARLY, 15, date(2025, 1, 15), "2024"),
    ],
)
def test_a_hand_picked_due_date_names_its_period(
    period: Period, day: int | None, due_on: date, key: str
) -> None:
    assert span_due_near(period, day, due_on).key == key


@given(
    period=st.sampled_from(list(Period)),
    day=st.none() | st.integers(1, 31),
    start=st.dates(date(2020, 1, 1), date(2030, 12, 1)),
)
def test_a_period_s_own_due_date_names_that_period(
    period: Period, day: int | None, start: date
) -> None:
    span = period_span(period, start)
    assert span_due_near(period, day, span.due(day)) == span
