"""Periodic obligations: which periods a school still lacks, and a period's Russian name (pure)."""

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.assignments.periods import missing_spans, span_of_key
from tracker.calendar.deadlines import Period, period_label, period_span

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def keys(spans: list) -> list[str]:  # type: ignore[type-arg]
    return [s.key for s in spans]


# ---------------------------------------------------------------- examples


def test_quarters_catch_up_to_the_quarter_of_today_and_no_further() -> None:
    # Given a school that has Q1 2024, when the beat runs on 10 August 2024
    result = missing_spans(Period.QUARTERLY, ["2024-Q1"], date(2024, 8, 10))

    # Then Q2 and Q3 are missing, not Q4; each due on day N of the month after its quarter
    assert keys(result) == ["2024-Q2", "2024-Q3"]
    assert [s.due(5) for s in result] == [date(2024, 7, 5), date(2024, 10, 5)]


def test_months_cross_the_new_year() -> None:
    result = missing_spans(Period.MONTHLY, ["2023-11"], date(2024, 2, 1))
    assert keys(result) == ["2023-12", "2024-01", "2024-02"]


def test_years() -> None:
    assert keys(missing_spans(Period.YEARLY, ["2022"], date(2024, 1, 1))) == ["2023", "2024"]


def test_nothing_when_the_latest_period_is_the_current_one_or_later() -> None:
    assert missing_spans(Period.MONTHLY, ["2024-03"], date(2024, 3, 31)) == []
    assert missing_spans(Period.MONTHLY, ["2024-05"], date(2024, 3, 1)) == []


def test_continues_from_the_latest_period_not_from_a_gap() -> None:
    result = missing_spans(Period.QUARTERLY, ["2024-Q3", "2024-Q1"], date(2024, 12, 1))
    assert keys(result) == ["2024-Q4"]


def test_nothing_to_continue_from() -> None:
    # Not periodic when assigned (""), or a key of another period: no basis for new periods.
    assert missing_spans(Period.MONTHLY, [], date(2024, 3, 1)) == []
    assert missing_spans(Period.MONTHLY, [""], date(2024, 3, 1)) == []
    assert missing_spans(Period.MONTHLY, ["2024-Q1"], date(2024, 9, 1)) == []
    assert missing_spans(Period.QUARTERLY, ["2024-03"], date(2024, 9, 1)) == []


@pytest.mark.parametrize(
    ("period", "key", "start"),
    [
        (Period.MONTHLY, "2024-03", date(2024, 3, 1)),
        (Period.MONTHLY, "2024-12", date(2024, 12, 1)),
        (Period.QUARTERLY, "2024-Q1", date(2024, 1, 1)),
        (Period.QUARTERLY, "2024-Q4", date(2024, 10, 1)),
        (Period.YEARLY, "2024", date(2024, 1, 1)),
    ],
)
def test_span_of_key(period: Period, key: str, start: date) -> None:
    span = span_of_key(period, key)
    assert span is not None
    assert span.start == start
    assert span.key == key


@pytest.mark.parametrize(
    ("period", "key"),
    [
        (Period.MONTHLY, ""),
        (Period.MONTHLY, "2024-13"),
        (Period.MONTHLY, "2024-00"),
        (Period.MONTHLY, "2024-3"),
        (Period.MONTHLY, "2024"),
        (Period.QUARTERLY, "2024-Q5"),
        (Period.QUARTERLY, "2024-Q0"),
        (Period.QUARTERLY, "2024-03"),
        (Period.YEARLY, "2024-Q1"),
        (Period.YEARLY, "24"),
        (Period.YEARLY, "abcd"),
    ],
)
def test_key_of_another_shape_is_no_span(period: Period, key: str) -> None:
    assert span_of_key(period, key) is None


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("2024-01", "за январь 2024"),
        ("2024-03", "за март 2024"),
        ("2024-12", "за декабрь 2024"),
        ("2024-Q1", "за I квартал 2024"),
        ("2024-Q2", "за II квартал 2024"),
        ("2024-Q3", "за III квартал 2024"),
        ("2024-Q4", "за IV квартал 2024"),
        ("2024", "за 2024 год"),
        ("", ""),
        ("2024-13", "2024-13"),
        ("2024-Q5", "2024-Q5"),
        ("что-то", "что-то"),
    ],
)
def test_period_label(key: str, label: str) -> None:
    assert period_label(key) == label


# ---------------------------------------------------------------- properties


@given(st.sampled_from(Period), DAYS)
def test_every_span_key_reads_back_and_has_a_label(period: Period, day: date) -> None:
    span = period_span(period, day)
    assert span_of_key(period, span.key) == span
    assert period_label(span.key).startswith("за ")
    assert str(day.year) in period_label(span.key)


@given(st.sampled_from(Period), st.lists(DAYS, min_size=1, max_size=6), DAYS, DAYS)
def test_missing_spans_continue_the_latest_up_to_today(
    period: Period, existing_days: list[date], today: date, other_day: date
) -> None:
    existing = [period_span(period, d) for d in existing_days]
    existing_keys = {s.key for s in existing}
    latest = max(existing, key=lambda s: s.start)
    # Keys that are not of this period (none, or another period's) are ignored.
    junk = ["", *(period_span(p, other_day).key for p in Period if p is not period)]

    result = missing_spans(period, [*existing_keys, *junk], today)

    if latest.end >= today:
        assert result == []
        return
    # Contiguous, from just after the latest period to the one containing today.
    assert result[0] == latest.following()
    assert result[-1] == period_span(period, today)
    assert all(b == a.following() for a, b in pairwise(result))
    # Never a period the school already has, never a future one.
    assert not existing_keys & set(keys(result))
    assert all(s.start <= today for s in result)


@given(st.sampled_from(Period), DAYS, DAYS)
def test_running_again_after_creating_finds_nothing(
    period: Period, first: date, today: date
) -> None:
    made = missing_spans(period, [period_span(period, first).key], today)
    done = [period_span(period, first).key, *keys(made)]
    assert missing_spans(period, done, today) == []
