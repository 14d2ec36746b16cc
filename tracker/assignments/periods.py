"""Periodic obligations («ежемесячно / ежеквартально до N числа»): one assignment per school
per period, the next period's made by a beat task calling ``generate_periods``.

A school gets the periods of a decision once it has been assigned any of them (``assign``
makes the first); from then on every period up to the one containing today is made for it,
catching up when the beat was down, never ahead. The insert is keyed by (decision, school,
period) with ``ON CONFLICT DO NOTHING``, so running it twice, or on two workers at once,
creates nothing twice. A decision removed from control, or a school no longer active, gets
no new periods.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Max

from tracker import clock, db
from tracker.assignments.lifecycle import Status
from tracker.assignments.tables import Assignment
from tracker.audit import services as audit
from tracker.calendar.deadlines import DeadlineKind, Period, PeriodSpan, period_span, spans_through
from tracker.meetings.services import DecisionKind
from tracker.meetings.tables import Decision

BATCH = 500
"""Assignments per insert (and per transaction): a district may have 1,000 schools."""


# ---------------------------------------------------------------- pure


def span_of_key(period: Period, key: str) -> PeriodSpan | None:
    """The span a key names ("2024-03", "2024-Q1", "2024"), or None when ``key`` is not a
    key of ``period`` (empty, another period's, malformed)."""
    year, _, part = key.partition("-")
    if not (len(year) == 4 and year.isdigit()):
        return None
    month = 1
    if period is Period.MONTHLY and len(part) == 2 and part.isdigit():
        month = int(part)
    elif period is Period.QUARTERLY and part in {"Q1", "Q2", "Q3", "Q4"}:
        month = (int(part[1]) - 1) * 3 + 1
    elif period is not Period.YEARLY or part:
        return None
    if not 1 <= month <= 12:
        return None
    span = period_span(period, date(int(year), month, 1))
    return span if span.key == key else None


def missing_spans(period: Period, existing: Iterable[str], today: date) -> list[PeriodSpan]:
    """The periods a school still lacks: from the one after the latest of ``existing`` to the
    one containing ``today``, in order. Empty when the latest already reaches today, and
    when none of ``existing`` is a key of ``period`` (nothing to continue from)."""
    spans = [s for s in (span_of_key(period, k) for k in existing) if s is not None]
    if not spans:
        return []
    first = max(spans, key=lambda s: s.start).following()
    if first.start > today:
        return []
    return spans_through(period, first.start, today)


# ---------------------------------------------------------------- generating


@dataclass(frozen=True)
class PeriodSummary:
    decisions: int = 0
    """Periodic decisions under control that were looked at."""
    created: int = 0
    """Assignments created (0 when run again for the same day)."""


@dataclass(frozen=True)
class _Planned:
    school_id: int
    key: str
    due_on: date


async def _periodic_decisions() -> list[dict[str, Any]]:
    return list(
        await Decision.select(Decision.id, Decision.deadline_period, Decision.deadline_days)
        .where(
            (Decision.deadline_kind == DeadlineKind.PERIODIC.value)
            & Decision.deadline_period.is_not_null()
            & Decision.removed_from_control_at.is_null()
            & Decision.kind.is_in([k.value for k in DecisionKind if k.is_tracked])
        )
        .order_by(Decision.id)
    )


async def _latest_by_school(decision_id: int) -> dict[int, str]:
    """Each active school that has the decision → the latest period key it has.

    Keys of one period sort as text in time order ("2024-09" < "2024-10", "2024-Q4" < "2025-Q1"),
    so the database's MAX finds the latest without reading every period of every school."""
    active = Assignment.school.is_active == True  # noqa: E712 - SQL, not Python
    rows = (
        await Assignment.select(Assignment.school, Max(Assignment.period, alias="latest"))
        .where((Assignment.decision == decision_id) & active)
        .group_by(Assignment.school)
    )
    return {r["school"]: r["latest"] or "" for r in rows}


def _plan(
    period: Period, day_of_month: int | None, latest: dict[int, str], today: date
) -> list[_Planned]:
    return [
        _Planned(school_id, span.key, span.due(day_of_month))
        for school_id, key in sorted(latest.items())
        for span in missing_spans(period, [key], today)
    ]


async def _insert(decision_id: int, batch: Sequence[_Planned]) -> int:
    now = clock.now()
    due = {(p.school_id, p.key): p.due_on for p in batch}
    async with db.transaction():
        inserted = await (
            Assignment.insert(
                *[
                    Assignment(
                        decision=decision_id,
                        school=p.school_id,
                        period=p.key,
                        due_on=p.due_on,
                        status=Status.ASSIGNED.value,
                        created_at=now,
                        updated_at=now,
                    )
                    for p in batch
                ]
            )
            .on_conflict(
                target=(Assignment.decision, Assignment.school, Assignment.period),
                action="DO NOTHING",
            )
            .returning(Assignment.id, Assignment.school, Assignment.period)
        )
        await audit.record_many(
            None,
            "assignment",
            "create",
            [
                (
                    r["id"],
                    r["school"],
                    {
                        "decision_id": decision_id,
                        "period": r["period"],
                        "due_on": due[(r["school"], r["period"])],
                    },
                )
                for r in inserted
            ],
        )
    return len(inserted)


async def generate_periods(today: date) -> PeriodSummary:
    """Make every period, up to the one containing ``today``, that a school assigned a
    periodic decision under control does not have yet. Safe to run twice and concurrently."""
    decisions = await _periodic_decisions()
    created = 0
    for decision in decisions:
        period = Period(decision["deadline_period"])
        latest = await _latest_by_school(decision["id"])
        planned = _plan(period, decision["deadline_days"], latest, today)
        for start in range(0, len(planned), BATCH):
            created += await _insert(decision["id"], planned[start : start + BATCH])
    return PeriodSummary(decisions=len(decisions), created=created)
