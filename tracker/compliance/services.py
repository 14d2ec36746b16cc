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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from tracker import db
from tracker.accounts.roles import Actor, Permission
from tracker.assignments.lifecycle import OPEN_STATUSES, Status
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


COUNTS_SQL = """g.total, g.accepted - g.accepted_late, g.accepted_late, g.reported, g.overdue,
  g.total - g.accepted - g.reported - g.overdue, g.returned, g.extension_pending"""
"""The eight fields of ``Counts``, in its order, from a ``BUCKETS_SQL`` aggregate ``g``: a row
from ``db.fetch_rows`` holding them from column k on becomes ``Counts._make(row[k:k + 8])``."""

COUNTS_WIDTH = len(Counts._fields)


def counts_at(row: Sequence[Any], start: int) -> Counts:
    """The Counts of a row whose ``COUNTS_SQL`` columns start at ``start``."""
    return Counts._make(row[start : start + COUNTS_WIDTH])


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


Row = Sequence[Any]
"""A cell as the aggregate gives it: decision id, school id, then ``COUNTS_SQL``'s columns."""


def _sum_rows(rows: Sequence[Row]) -> Counts:
    """The counts of many cells, column by column (the ids summed too, and dropped)."""
    return counts_at(list(map(sum, zip(*rows, strict=True))), 2)


class _Cells(Mapping[tuple[int, int], Counts]):
    """The cells' counts over their rows, a ``Counts`` made per cell read: a page that shows
    40 schools of a 50,000-cell matrix makes 2,000, not 50,000."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Mapping[tuple[int, int], Row]) -> None:
        self._rows = rows

    def __getitem__(self, key: tuple[int, int]) -> Counts:
        return counts_at(self._rows[key], 2)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True)
class Laggards:
    """The schools of one decision not done (overdue, open or reported), and those overdue;
    in the order of ``Compliance.schools``."""

    not_done: tuple[SchoolRef, ...]
    overdue: tuple[SchoolRef, ...]


@dataclass(frozen=True)
class Compliance:
    """Counts per decision × school (a cell may hold several assignments: one per period of a
    periodic decision), per decision, per school and overall, on ``today``. Only decisions and
    schools with at least one assignment in view appear.

    The cells stay the aggregate's rows, grouped by decision, and the sums are made when first
    read: a district's meeting has 50,000 cells, the follow-up reads only the per-decision sums
    and the laggards, and none of it needs a ``Counts`` per cell."""

    today: date
    decisions: tuple[DecisionRef, ...]
    """Oldest meeting first, then in the order of the protocol."""
    schools: tuple[SchoolRef, ...]
    """By name."""
    rows: Mapping[int, Sequence[Row]] = field(repr=False)
    """Decision id → its cells' rows."""

    @classmethod
    def of_cells(
        cls,
        today: date,
        decisions: Sequence[DecisionRef],
        schools: Sequence[SchoolRef],
        cells: Mapping[tuple[int, int], Counts],
    ) -> Compliance:
        """A matrix of counts per (decision id, school id) cell, as the aggregate would give
        them: for figures counted elsewhere."""
        rows: dict[int, list[Row]] = defaultdict(list)
        for (decision_id, school_id), counts in cells.items():
            rows[decision_id].append((decision_id, school_id, *counts))
        return cls(today=today, decisions=tuple(decisions), schools=tuple(schools), rows=rows)

    @cached_property
    def by_decision(self) -> Mapping[int, Counts]:
        return {key: _sum_rows(part) for key, part in self.rows.items()}

    @cached_property
    def by_school(self) -> Mapping[int, Counts]:
        per_school: dict[int, list[Row]] = defaultdict(list)
        for part in self.rows.values():
            for row in part:
                per_school[row[1]].append(row)
        return {key: _sum_rows(part) for key, part in per_school.items()}

    @cached_property
    def total(self) -> Counts:
        return sum_counts(list(self.by_decision.values()))

    @cached_property
    def _cells(self) -> dict[tuple[int, int], Row]:
        return {(row[0], row[1]): row for rows in self.rows.values() for row in rows}

    @cached_property
    def cells(self) -> Mapping[tuple[int, int], Counts]:
        """(decision id, school id) → counts, every cell; each made when it is read."""
        return _Cells(self._cells)

    @cached_property
    def _school_order(self) -> dict[int, int]:
        return {school.id: n for n, school in enumerate(self.schools)}

    def cell(self, decision_id: int, school_id: int) -> Counts:
        """The counts of one cell; zeros when the school was not addressed."""
        row = self._cells.get((decision_id, school_id))
        return ZERO if row is None else counts_at(row, 2)

    def laggards(self, decision_id: int) -> Laggards:
        """The decision's schools not done and overdue (none when it has no cell in view)."""
        rows = self.rows.get(decision_id, ())
        # COUNTS_SQL: total, on time, late, reported, overdue, …; overdue ones are not done
        not_done = [row[1] for row in rows if row[2] > row[3] + row[4]]
        overdue = [row[1] for row in rows if row[6]]
        at = self._school_order.__getitem__
        refs = self.schools
        return Laggards(
            not_done=tuple([refs[n] for n in sorted(map(at, not_done))]),
            overdue=tuple([refs[n] for n in sorted(map(at, overdue))]),
        )


MATRIX_SQL = f"""
SELECT g.decision_id, g.school_id, {COUNTS_SQL}
FROM (
  SELECT a.decision AS decision_id, a.school AS school_id, {BUCKETS_SQL}
  FROM assignment a
  {PENDING_SQL}
  WHERE {{where}}
  GROUP BY a.decision, a.school
) g
"""  # noqa: S608 - our constants, values go as parameters
"""The cells: ids and counts only. The labels of the decisions and schools come from two small
queries (``DECISION_LABELS_SQL``, ``SCHOOL_LABELS_SQL``) rather than repeated in every row: a
meeting's 50,000 cells would carry the same 50 decision texts 1,000 times each."""

DECISION_LABELS_SQL = """
SELECT d.id, d.meeting, m.date, m.number, d.position, d.number, d.text
FROM decision d JOIN meeting m ON m.id = d.meeting
WHERE {where}
"""

SCHOOL_LABELS_SQL = "SELECT s.id, s.short_name FROM school s WHERE {where}"


def _in(column: str, ids: Sequence[int] | None, args: list[object]) -> str:
    """``column IN (…)`` for ``ids`` (their values appended to ``args``), true for None, false
    for an empty list."""
    if ids is None:
        return "1 = 1"
    if not ids:
        return "1 = 0"
    args += [int(i) for i in ids]
    return f"{column} IN ({_placeholders(ids)})"


def _where(conditions: Sequence[str]) -> str:
    return " AND ".join(conditions) or "1 = 1"


async def compliance(
    actor: Actor,
    *,
    today: date,
    meeting_id: int | None = None,
    decision_ids: Sequence[int] | None = None,
    school_ids: Sequence[int] | None = None,
    due_within: tuple[date, date] | None = None,
) -> Compliance:
    """The compliance matrix of the assignments the actor may see, narrowed by a meeting, by
    decisions, by schools (None: no narrowing; an empty list: nothing) and by due dates
    (``due_within``, both ends included: the assignments without a due date fall in no
    period). The department sees every school; a school user only their own, whatever
    ``school_ids`` says."""
    scope = actor.school_scope
    if scope is None and not actor.can(Permission.SEE_ALL_SCHOOLS):
        raise PermissionDeniedError
    if scope is not None:
        school_ids = [scope] if school_ids is None or scope in school_ids else []
    cell_args: list[object] = [today]
    label_args: list[object] = []
    conditions = [
        _in("a.decision", decision_ids, cell_args),
        _in("a.school", school_ids, cell_args),
    ]
    labels = [_in("d.id", decision_ids, label_args)]
    if meeting_id is not None:
        conditions.append("a.decision IN (SELECT id FROM decision WHERE meeting = {})")
        labels.append("d.meeting = {}")
        cell_args.append(meeting_id)
        label_args.append(meeting_id)
    if due_within is not None:
        conditions.append("a.due_on IS NOT NULL AND a.due_on >= {} AND a.due_on <= {}")
        cell_args += list(due_within)
    rows = await db.fetch_rows(MATRIX_SQL.replace("{where}", _where(conditions)), *cell_args)
    per_decision: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        per_decision[row[0]].append(row)
    present_schools = {row[1] for row in rows}

    decisions = [
        DecisionRef(
            id=row[0],
            meeting_id=row[1],
            meeting_date=db.date_value(row[2]),
            meeting_number=str(row[3]),
            position=row[4],
            number=str(row[5]),
            text=str(row[6]),
        )
        for row in await db.fetch_rows(
            DECISION_LABELS_SQL.replace("{where}", _where(labels)), *label_args
        )
        if row[0] in per_decision
    ]
    school_args: list[object] = []
    school_where = _in("s.id", school_ids, school_args)
    schools = [
        SchoolRef(id=row[0], name=str(row[1]))
        for row in await db.fetch_rows(
            SCHOOL_LABELS_SQL.replace("{where}", school_where), *school_args
        )
        if row[0] in present_schools
    ]
    return Compliance(
        today=today,
        decisions=tuple(
            sorted(decisions, key=lambda d: (d.meeting_date, d.meeting_id, d.position, d.id))
        ),
        schools=tuple(sorted(schools, key=lambda s: (s.name.casefold(), s.id))),
        rows=per_decision,
    )


# ---------------------------------------------------------------- tracked decisions


@dataclass(frozen=True)
class TrackedDecision:
    """A decision that asks for something to be done («принять к сведению» does not) and was
    not removed from control, with its meeting: what a follow-up may report on."""

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


@dataclass(frozen=True)
class DecisionRow(TrackedDecision):
    """A tracked decision with its counts over all schools."""

    counts: Counts

    @property
    def under_control(self) -> bool:
        return under_control(
            tracked=self.kind.is_tracked,
            deadline_kind=self.deadline_kind,
            removed_from_control=False,  # a tracked decision is not removed
            total=self.counts.total,
            done=self.counts.done,
        )


TRACKED_SQL = f"""
SELECT d.id, d.meeting, m.date, m.number, m.title, d.position, d.number, d.text, d.kind,
       d.deadline_kind, d.deadline_date, d.deadline_text
FROM decision d JOIN meeting m ON m.id = d.meeting
WHERE d.kind IN ({_TRACKED}) AND d.removed_from_control_at IS NULL AND {{where}}
"""  # noqa: S608 - our constants, values go as parameters

DECISION_COUNTS_SQL = f"""
SELECT g.decision_id, {COUNTS_SQL}
FROM (
  SELECT a.decision AS decision_id, {BUCKETS_SQL}
  FROM assignment a
  {PENDING_SQL}
  WHERE {{where}}
  GROUP BY a.decision
) g
"""  # noqa: S608 - our constants, values go as parameters


async def tracked_decisions(
    *, before: date | None = None, decision_ids: Sequence[int] | None = None
) -> list[TrackedDecision]:
    """The tracked decisions not removed from control, of meetings held before ``before`` (any
    meeting when None), narrowed to ``decision_ids``: oldest meeting first, then as the
    protocol orders them. No counts: one small query, whatever the assignments."""
    args: list[object] = []
    conditions = [_in("d.id", decision_ids, args)]
    if before is not None:
        conditions.append("m.date < {}")
        args.append(before)
    rows = await db.fetch_rows(TRACKED_SQL.replace("{where}", _where(conditions)), *args)
    found = [
        TrackedDecision(
            id=row[0],
            meeting_id=row[1],
            meeting_date=db.date_value(row[2]),
            meeting_number=str(row[3]),
            meeting_title=str(row[4]),
            position=row[5],
            number=str(row[6]),
            text=str(row[7]),
            kind=DecisionKind(row[8]),
            deadline_kind=DeadlineKind(row[9]),
            deadline_date=None if row[10] is None else db.date_value(row[10]),
            deadline_text=str(row[11]),
        )
        for row in rows
    ]
    found.sort(key=lambda d: (d.meeting_date, d.meeting_id, d.position, d.id))
    return found


async def decision_counts(decision_ids: Sequence[int], *, today: date) -> dict[int, Counts]:
    """The counts of each decision over all schools on ``today`` (zeros when unassigned)."""
    args: list[object] = [today]
    where = _in("a.decision", decision_ids, args)
    rows = await db.fetch_rows(DECISION_COUNTS_SQL.replace("{where}", where), *args)
    found = {row[0]: counts_at(row, 1) for row in rows}
    return {i: found.get(i, ZERO) for i in decision_ids}


async def tracked_with_counts(*, before: date | None = None, today: date) -> list[DecisionRow]:
    """``tracked_decisions(before=…)``, each with its counts on ``today``."""
    tracked = await tracked_decisions(before=before)
    counts = await decision_counts([d.id for d in tracked], today=today)
    return [DecisionRow(**vars(d), counts=counts[d.id]) for d in tracked]


async def decisions_under_control(*, before: date | None = None, today: date) -> list[DecisionRow]:
    """The decisions of meetings held before ``before`` (every meeting when None) that are under
    control (``rules.under_control``) on ``today``, in the order of ``tracked_decisions``. For
    the department's own use (the follow-up agenda): no actor, no school scope."""
    return [d for d in await tracked_with_counts(before=before, today=today) if d.under_control]
