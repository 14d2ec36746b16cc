"""Compliance figures from the database: the decision × school matrix, and the decisions still
under control that the next meeting's follow-up takes up.

Each service is one aggregate query (``GROUP BY`` with a ``SUM(CASE …)`` per bucket), written
in SQL that runs unchanged on SQLite and PostgreSQL. The buckets are those of
``tracker.compliance.rules``; the SQL below is that module's ``bucket()`` in set form, and the
integration tests hold the two to the same figures.

Dates: ``due_on`` and ``meeting.date`` are ``DATE`` columns. PostgreSQL compares them as dates;
SQLite keeps them as ISO text (``YYYY-MM-DD``) and Piccolo binds a ``date`` parameter as the same
text, so ``<`` orders them alike. What SQLite returns from a raw query may be text: ``_date``
reads both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker import db
from tracker.accounts.roles import Actor, Permission
from tracker.assignments.lifecycle import OPEN_STATUSES, Status
from tracker.assignments.tables import Assignment
from tracker.calendar.deadlines import DeadlineKind
from tracker.compliance.rules import ZERO, Counts, sum_counts, under_control
from tracker.errors import PermissionDeniedError
from tracker.meetings.services import DecisionKind


def _literals(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in sorted(values))


_OPEN = _literals([s.value for s in OPEN_STATUSES])
_TRACKED = _literals([k.value for k in DecisionKind if k.is_tracked])
_ACCEPTED = f"'{Status.ACCEPTED.value}'"

BUCKETS_SQL = f"""
  COUNT(a.id) AS total,
  COALESCE(SUM(CASE WHEN a.status = {_ACCEPTED} THEN 1 ELSE 0 END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN a.status = {_ACCEPTED} AND NOT a.accepted_on_time
                    THEN 1 ELSE 0 END), 0) AS accepted_late,
  COALESCE(SUM(CASE WHEN a.status = '{Status.REPORTED.value}' THEN 1 ELSE 0 END), 0) AS reported,
  COALESCE(SUM(CASE WHEN a.status IN ({_OPEN}) AND a.due_on < {{}}
                    THEN 1 ELSE 0 END), 0) AS overdue,
  COALESCE(SUM(CASE WHEN a.status = '{Status.RETURNED.value}' THEN 1 ELSE 0 END), 0) AS returned,
  COALESCE(SUM(CASE WHEN e.assignment IS NOT NULL AND a.status <> {_ACCEPTED}
                    THEN 1 ELSE 0 END), 0) AS extension_pending"""
"""The bucket sums over assignments ``a`` (left-joined to ``PENDING_SQL`` as ``e``); one
parameter: today. ``accepted_on_time`` NULL counts as on time, as in ``rules.bucket``."""

PENDING_SQL = """LEFT JOIN (
  SELECT DISTINCT assignment FROM extension_request WHERE status = 'pending'
) e ON e.assignment = a.id"""


def counts_of(row: Mapping[str, Any]) -> Counts:
    """The Counts of a row of the BUCKETS_SQL aggregate (also read by the exports)."""
    total, accepted, late = int(row["total"]), int(row["accepted"]), int(row["accepted_late"])
    reported, overdue = int(row["reported"]), int(row["overdue"])
    return Counts(
        total=total,
        accepted_on_time=accepted - late,
        accepted_late=late,
        reported=reported,
        overdue=overdue,
        open=total - accepted - reported - overdue,
        returned=int(row["returned"]),
        extension_pending=int(row["extension_pending"]),
    )


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join("{}" for _ in values)


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class DecisionRef:
    """A decision as the matrix labels its row."""

    id: int
    meeting_id: int
    meeting_date: date
    meeting_number: str
    position: int
    number: str
    text: str


@dataclass(frozen=True)
class SchoolRef:
    id: int
    name: str
    """The short name, as protocols write it: «МБОУ СОШ № 2»."""


@dataclass(frozen=True)
class Compliance:
    """Counts per decision × school (a cell may hold several assignments: one per period of a
    periodic decision), per decision, per school and overall, on ``today``. Only decisions and
    schools with at least one assignment in view appear."""

    today: date
    decisions: tuple[DecisionRef, ...]
    """Oldest meeting first, then in the order of the protocol."""
    schools: tuple[SchoolRef, ...]
    """By name."""
    cells: Mapping[tuple[int, int], Counts]
    """(decision id, school id) → counts."""
    by_decision: Mapping[int, Counts]
    by_school: Mapping[int, Counts]
    total: Counts

    def cell(self, decision_id: int, school_id: int) -> Counts:
        """The counts of one cell; zeros when the school was not addressed."""
        return self.cells.get((decision_id, school_id), ZERO)


MATRIX_SQL = f"""
SELECT g.*, d.meeting AS meeting_id, d.position, d.number AS decision_number,
       d.text AS decision_text, m.date AS meeting_date, m.number AS meeting_number,
       s.short_name AS school_name
FROM (
  SELECT a.decision AS decision_id, a.school AS school_id, {BUCKETS_SQL}
  FROM assignment a JOIN decision d ON d.id = a.decision
  {PENDING_SQL}
  WHERE {{where}}
  GROUP BY a.decision, a.school
) g
JOIN decision d ON d.id = g.decision_id
JOIN meeting m ON m.id = d.meeting
JOIN school s ON s.id = g.school_id
"""  # noqa: S608 - our constants, values go as parameters


async def compliance(
    actor: Actor,
    *,
    today: date,
    meeting_id: int | None = None,
    decision_ids: Sequence[int] | None = None,
    school_ids: Sequence[int] | None = None,
) -> Compliance:
    """The compliance matrix of the assignments the actor may see, narrowed by a meeting, by
    decisions and by schools (None: no narrowing; an empty list: nothing). The department sees
    every school; a school user only their own, whatever ``school_ids`` says."""
    scope = actor.school_scope
    if scope is None and not actor.can(Permission.SEE_ALL_SCHOOLS):
        raise PermissionDeniedError
    if scope is not None:
        school_ids = [scope] if school_ids is None or scope in school_ids else []
    conditions, args = ["1 = 1"], []
    if meeting_id is not None:
        conditions.append("d.meeting = {}")
        args.append(meeting_id)
    for column, ids in (("a.decision", decision_ids), ("a.school", school_ids)):
        if ids is None:
            continue
        if not ids:
            conditions.append("1 = 0")
            continue
        conditions.append(f"{column} IN ({_placeholders(ids)})")
        args += [int(i) for i in ids]
    sql = MATRIX_SQL.replace("{where}", " AND ".join(conditions))
    rows = await Assignment.raw(sql, today, *args)

    decisions: dict[int, DecisionRef] = {}
    schools: dict[int, SchoolRef] = {}
    cells: dict[tuple[int, int], Counts] = {}
    per_decision: dict[int, list[Counts]] = defaultdict(list)
    per_school: dict[int, list[Counts]] = defaultdict(list)
    for row in rows:
        decision_id, school_id = int(row["decision_id"]), int(row["school_id"])
        if decision_id not in decisions:
            decisions[decision_id] = DecisionRef(
                id=decision_id,
                meeting_id=int(row["meeting_id"]),
                meeting_date=db.date_value(row["meeting_date"]),
                meeting_number=str(row["meeting_number"]),
                position=int(row["position"]),
                number=str(row["decision_number"]),
                text=str(row["decision_text"]),
            )
        if school_id not in schools:
            schools[school_id] = SchoolRef(id=school_id, name=str(row["school_name"]))
        counts = counts_of(row)
        cells[(decision_id, school_id)] = counts
        per_decision[decision_id].append(counts)
        per_school[school_id].append(counts)
    by_decision = {key: sum_counts(parts) for key, parts in per_decision.items()}
    by_school = {key: sum_counts(parts) for key, parts in per_school.items()}
    total = sum_counts(list(by_decision.values()))
    return Compliance(
        today=today,
        decisions=tuple(
            sorted(
                decisions.values(), key=lambda d: (d.meeting_date, d.meeting_id, d.position, d.id)
            )
        ),
        schools=tuple(sorted(schools.values(), key=lambda s: (s.name.casefold(), s.id))),
        cells=cells,
        by_decision=by_decision,
        by_school=by_school,
        total=total,
    )


# ---------------------------------------------------------------- under control


@dataclass(frozen=True)
class DecisionRow:
    """A decision still under control, with its meeting and its counts over all schools."""

    id: int
    meeting_id: int
    meeting_date: date
    meeting_number: str
    meeting_title: str
    position: int
    number: str
    text: str
    kind: DecisionKind
    deadline_kind: DeadlineKind
    deadline_date: date | None
    deadline_text: str
    counts: Counts


UNDER_CONTROL_SQL = f"""
SELECT d.id, d.meeting AS meeting_id, d.position, d.number, d.text, d.kind, d.deadline_kind,
       d.deadline_date, d.deadline_text, m.date AS meeting_date, m.number AS meeting_number,
       m.title AS meeting_title, {BUCKETS_SQL}
FROM decision d JOIN meeting m ON m.id = d.meeting
LEFT JOIN assignment a ON a.decision = d.id
{PENDING_SQL}
WHERE d.kind IN ({_TRACKED}) AND d.removed_from_control_at IS NULL {{before}}
GROUP BY d.id, m.id
"""  # noqa: S608 - our constants, values go as parameters
"""Tracked decisions not removed from control, with their bucket counts. Grouped by the
primary keys, so PostgreSQL accepts the other columns of ``d`` and ``m``."""


async def decisions_under_control(*, before: date | None = None, today: date) -> list[DecisionRow]:
    """The decisions of meetings held before ``before`` (every meeting when None) that are under
    control (``rules.under_control``) on ``today``: oldest meeting first, then as the protocol
    orders them. For the department's own use (the follow-up agenda): no actor, no school scope."""
    sql = UNDER_CONTROL_SQL.replace("{before}", "" if before is None else "AND m.date < {}")
    rows = await Assignment.raw(sql, today, *([] if before is None else [before]))
    found = []
    for row in rows:
        counts = counts_of(row)
        kind = DecisionKind(row["kind"])
        if not under_control(
            tracked=kind.is_tracked,
            deadline_kind=row["deadline_kind"],
            removed_from_control=False,  # excluded by the query
            total=counts.total,
            done=counts.done,
        ):
            continue
        deadline_date = row["deadline_date"]
        found.append(
            DecisionRow(
                id=int(row["id"]),
                meeting_id=int(row["meeting_id"]),
                meeting_date=db.date_value(row["meeting_date"]),
                meeting_number=str(row["meeting_number"]),
                meeting_title=str(row["meeting_title"]),
                position=int(row["position"]),
                number=str(row["number"]),
                text=str(row["text"]),
                kind=kind,
                deadline_kind=DeadlineKind(row["deadline_kind"]),
                deadline_date=None if deadline_date is None else db.date_value(deadline_date),
                deadline_text=str(row["deadline_text"]),
                counts=counts,
            )
        )
    found.sort(key=lambda d: (d.meeting_date, d.meeting_id, d.position, d.id))
    return found
