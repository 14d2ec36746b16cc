"""The execution-discipline report («исполнительская дисциплина») for a period: of the
assignments due within [start, end], per school and per decision the shares done on time,
done late and overdue, ranked by the share done on time.

``tracker.compliance.services.compliance`` narrows by meeting, decision and school but not by
due date, so this module runs its own aggregate: the same bucket sums (``BUCKETS_SQL``, one
parameter: today) grouped by decision × school, with the period in the ``WHERE``; the
per-school and per-decision figures are sums of those cells. Ongoing assignments (no due date)
fall in no period and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker import db
from tracker.accounts.roles import Actor, Permission
from tracker.assignments.tables import Assignment
from tracker.compliance.rules import ZERO, Counts
from tracker.compliance.services import BUCKETS_SQL, PENDING_SQL, counts_of
from tracker.errors import PermissionDeniedError, ValidationError
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


DISCIPLINE_SQL = f"""
SELECT g.*, s.short_name AS school_name, d.number AS decision_number, d.text AS decision_text,
       m.date AS meeting_date
FROM (
  SELECT a.decision AS decision_id, a.school AS school_id, {BUCKETS_SQL}
  FROM assignment a
  {PENDING_SQL}
  WHERE a.due_on IS NOT NULL AND a.due_on >= {{}} AND a.due_on <= {{}} {{scope}}
  GROUP BY a.decision, a.school
) g
JOIN decision d ON d.id = g.decision_id
JOIN meeting m ON m.id = d.meeting
JOIN school s ON s.id = g.school_id
"""  # noqa: S608 - our constants, values go as parameters


def decision_label(number: str, text: str) -> str:
    return f"{number}. {shorten(text, 90)}" if number else shorten(text, 90)


async def discipline(
    actor: Actor, *, start: date | None, end: date | None, today: date
) -> DisciplineReport:
    """The report over assignments due in [start, end] on ``today``. The department's view
    (every school); a school user sees only their own school."""
    scope = actor.school_scope
    if scope is None and not actor.can(Permission.SEE_ALL_SCHOOLS):
        raise PermissionDeniedError
    start, end = check_period(start, end)
    args: list[object] = [today, start, end]
    sql = DISCIPLINE_SQL.replace("{scope}", "" if scope is None else "AND a.school = {}")
    if scope is not None:
        args.append(scope)
    rows = await Assignment.raw(sql, *args)

    schools: dict[int, tuple[str, Counts]] = {}
    decisions: dict[int, tuple[str, date, Counts]] = {}
    total = ZERO
    for row in rows:
        counts = counts_of(row)
        school_id, decision_id = int(row["school_id"]), int(row["decision_id"])
        name, so_far = schools.get(school_id, (str(row["school_name"]), ZERO))
        schools[school_id] = (name, so_far.add(counts))
        label = decision_label(str(row["decision_number"]), str(row["decision_text"]))
        _, held, so_far = decisions.get(
            decision_id, (label, db.date_value(row["meeting_date"]), ZERO)
        )
        decisions[decision_id] = (label, held, so_far.add(counts))
        total = total.add(counts)
    return DisciplineReport(
        start=start,
        end=end,
        today=today,
        schools=rank(DisciplineRow(id=i, name=n, counts=c) for i, (n, c) in schools.items()),
        decisions=rank(
            DisciplineRow(id=i, name=n, counts=c, meeting_date=d)
            for i, (n, d, c) in decisions.items()
        ),
        total=total,
    )
