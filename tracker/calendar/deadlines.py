"""A decision's deadline rule, and the due date it gives an assignment. Pure."""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.calendar.workdays import WEEKENDS_ONLY, WorkCalendar, add_working_days


class DeadlineKind(StrEnum):
    DATE = "date"  # «в срок до 01.03.2020»
    RELATIVE = "relative"  # «в течение 10 рабочих дней», «в течение 5 дней со дня …»
    ONGOING = "ongoing"  # «постоянно»: open until removed from control
    PERIODIC = "periodic"  # «ежемесячно до 5 числа», «ежеквартально»
    NONE = "none"  # the department's default term applies


class Period(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


KIND_LABELS = {
    DeadlineKind.DATE: "к дате",
    DeadlineKind.RELATIVE: "в течение срока",
    DeadlineKind.ONGOING: "постоянно",
    DeadlineKind.PERIODIC: "периодически",
    DeadlineKind.NONE: "срок не указан",
}


@dataclass(frozen=True)
class DeadlineRule:
    kind: DeadlineKind = DeadlineKind.NONE
    date: date | None = None
    text: str = ""
    period: Period | None = None
    working_days: int | None = None
    """For a relative deadline in working days."""
    days: int | None = None
    """Calendar days for a relative deadline; the day of the month for a periodic one."""


def _last_day(year: int, month: int) -> int:
    return month_calendar.monthrange(year, month)[1]


def _day_in_month(year: int, month: int, day: int | None) -> date:
    last = _last_day(year, month)
    return date(year, month, min(day or last, last))


@dataclass(frozen=True)
class PeriodSpan:
    """One month, quarter or year of a periodic obligation."""

    period: Period
    start: date
    end: date

    @property
    def key(self) -> str:
        """ "2024-03", "2024-Q1" or "2024": what ``Assignment.period`` stores."""
        if self.period is Period.MONTHLY:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.period is Period.QUARTERLY:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def due(self, day_of_month: int | None) -> date:
        """Day N (the last day when absent or too large) of the month after the span."""
        after = self.end + timedelta(days=1)
        return _day_in_month(after.year, after.month, day_of_month)

    def following(self) -> PeriodSpan:
        return period_span(self.period, self.end + timedelta(days=1))


def period_span(period: Period, day: date) -> PeriodSpan:
    """The month, quarter or year that contains ``day``."""
    if period is Period.MONTHLY:
        first_month, months = day.month, 1
    elif period is Period.QUARTERLY:
        first_month, months = (day.month - 1) // 3 * 3 + 1, 3
    else:
        first_month, months = 1, 12
    last_month = first_month + months - 1
    return PeriodSpan(
        period,
        date(day.year, first_month, 1),
        date(day.year, last_month, _last_day(day.year, last_month)),
    )


def span_due_near(period: Period, day_of_month: int | None, due_on: date) -> PeriodSpan:
    """The span whose own due date is nearest ``due_on`` (the earlier one on a tie): the
    period a due date chosen by hand is meant for. «Ежемесячно до 5 числа» due 05.03.2024 is
    February 2024's; due 20.03.2024, still February's, given a fortnight more."""
    containing = period_span(period, due_on)
    before = period_span(period, containing.start - timedelta(days=1))
    earliest = period_span(period, before.start - timedelta(days=1))
    return min(
        (earliest, before, containing),
        key=lambda s: (abs((s.due(day_of_month) - due_on).days), s.start),
    )


def spans_through(period: Period, first: date, last: date) -> list[PeriodSpan]:
    """Every span from the one containing ``first`` to the one containing ``last``, in order."""
    spans: list[PeriodSpan] = []
    span = period_span(period, first)
    while span.start <= last:
        spans.append(span)
        span = span.following()
    return spans


def next_period_due(period: Period, day_of_month: int | None, after: date) -> date:
    """The due date of the period containing ``after``: monthly — day N of the next month;
    quarterly — day N of the month after the quarter; yearly — day N of the next January."""
    return period_span(period, after).due(day_of_month)


def due_date(
    rule: DeadlineRule,
    *,
    assigned_on: date,
    default_term_days: int,
    calendar: WorkCalendar = WEEKENDS_ONLY,
) -> date | None:
    """When an assignment made on ``assigned_on`` falls due; None for an ongoing obligation."""
    if rule.kind is DeadlineKind.DATE and rule.date is not None:
        return rule.date
    if rule.kind is DeadlineKind.RELATIVE:
        if rule.working_days is not None:
            return add_working_days(assigned_on, rule.working_days, calendar)
        if rule.days is not None:
            return assigned_on + timedelta(days=rule.days)
    if rule.kind is DeadlineKind.ONGOING:
        return None
    if rule.kind is DeadlineKind.PERIODIC and rule.period is not None:
        return next_period_due(rule.period, rule.days, assigned_on)
    return assigned_on + timedelta(days=default_term_days)


MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
QUARTERS_ROMAN = ("I", "II", "III", "IV")


def period_label(key: str) -> str:
    """A period key (``PeriodSpan.key``) in Russian: "2024-03" → «за март 2024»,
    "2024-Q1" → «за I квартал 2024», "2024" → «за 2024 год»; "" (not periodic) → "".
    A key of another shape is returned as it is."""
    year, _, part = key.partition("-")
    if not (len(year) == 4 and year.isdigit()):
        return key
    if not part:
        return f"за {year} год"
    if part.startswith("Q") and part[1:] in {"1", "2", "3", "4"}:
        return f"за {QUARTERS_ROMAN[int(part[1:]) - 1]} квартал {year}"
    if len(part) == 2 and part.isdigit() and 1 <= int(part) <= 12:
        return f"за {MONTHS_NOMINATIVE[int(part) - 1]} {year}"
    return key
