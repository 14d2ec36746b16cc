"""The execution-discipline report («исполнительская дисциплина») for a period: of the
assignments due within [start, end], per school and per decision the shares done on time,
done late and overdue, ranked by the share done on time.

The figures are those of ``tracker.compliance.services.compliance`` narrowed to the
assignments due in the period (its per-school and per-decision sums). Ongoing assignments (no
due date) fall in no period and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker.accounts.roles import Actor
from tracker.compliance.rules import Counts
from tracker.compliance.services import compliance
from tracker.errors import ValidationError
from tracker.exports.cells import share, shorten

MAX_SPAN_DAYS = 5 * 366
"""The longest period the report takes: five years."""


@dataclass(frozen=True)
class DisciplineRow:
    """A school, or a decision, with its counts over the period."""

    id: int
    name: str
    counts: Counts
    meeting_date: date | None = None
    """For a decision: the date of its meeting."""

    @property
    def on_time_share(self) -> float:
        return share(self.counts.accepted_on_time, self.counts.total)

    @property
    def late_share(self) -> float:
        return share(self.counts.accepted_late, self.counts.total)

    @property
    def overdue_share(self) -> float:
        return share(self.counts.overdue, self.counts.total)


@dataclass(frozen=True)
class DisciplineReport:
    start: date
    end: date
    today: date
    schools: tuple[DisciplineRow, ...]
    """Ranked: highest on-time share first, then lowest overdue share, then by name."""
    decisions: tuple[DisciplineRow, ...]
    """Ranked as the schools."""
    total: Counts


def check_period(start: date | None, end: date | None) -> tuple[date, date]:
    """The period, or a ValidationError in Russian."""
    errors = {}
    if start is None:
        errors["start"] = "Укажите начало периода."
    if end is None:
        errors["end"] = "Укажите конец периода."
    if start is not None and end is not None:
        if start > end:
            errors["end"] = "Конец периода не может быть раньше его начала."
        elif (end - start).days > MAX_SPAN_DAYS:
            errors["end"] = "Период не может быть длиннее пяти лет."
    if errors or start is None or end is None:
        raise ValidationError(errors)
    return start, end


def rank(rows: Iterable[DisciplineRow]) -> tuple[DisciplineRow, ...]:
    return tuple(
        sorted(
            rows,
            key=lambda r: (-r.on_time_share, r.overdue_share, r.name.casefold(), r.id),
        )
    )


def decision_label(number: str, text: str) -> str:
    return f"{number}. {shorten(text, 90)}" if number else shorten(text, 90)


async def discipline(
    actor: Actor, *, start: date | None, end: date | None, today: date
) -> DisciplineReport:
    """The report over assignments due in [start, end] on ``today``. The department's view
    (every school); a school user sees only their own school."""
    start, end = check_period(start, end)
    matrix = await compliance(actor, today=today, due_within=(start, end))
    return DisciplineReport(
        start=start,
        end=end,
        today=today,
        schools=rank(
            DisciplineRow(id=s.id, name=s.name, counts=matrix.by_school[s.id])
            for s in matrix.schools
        ),
        decisions=rank(
            DisciplineRow(
                id=d.id,
                name=decision_label(d.number, d.text),
                counts=matrix.by_decision[d.id],
                meeting_date=d.meeting_date,
            )
            for d in matrix.decisions
        ),
        total=matrix.total,
    )
