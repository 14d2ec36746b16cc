"""The department's dashboard (the decision × school matrix of a meeting or a period), a
school's card and the search across decisions and schools.

For the department: every service requires ``Permission.SEE_ALL_SCHOOLS``. The matrix's
figures come from ``tracker.compliance`` (one aggregate query); the assignment ids behind the
cells of one page of schools from one more query, not one per cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from piccolo.engine.postgres import PostgresEngine

from tracker import db
from tracker.accounts.roles import Actor, Permission
from tracker.assignments.lifecycle import Status, is_overdue
from tracker.assignments.tables import Assignment
from tracker.charts import svg
from tracker.compliance.rules import ZERO, Counts, percent, sum_counts
from tracker.compliance.services import Compliance, DecisionRef, SchoolRef, compliance
from tracker.dashboard.rules import (
    MIN_QUERY,
    Page,
    StatusFilter,
    glob_pattern,
    mark,
    normalise_query,
    page_of,
    paginate,
    regex_pattern,
)
from tracker.errors import ValidationError
from tracker.exports.cells import Cell, cell, shorten
from tracker.meetings import services as meetings
from tracker.meetings.services import MeetingView
from tracker.schools import services as schools
from tracker.schools.services import GroupView, SchoolView
from tracker.schools.tables import SchoolGroupMember

RANKING_LIMIT = 15
CARD_LIMIT = 200
"""Assignments listed on a school's card, newest first."""
SEARCH_LIMIT = 50
"""Results of each kind the search shows."""


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: a meeting (with a period it may be None: every meeting), a
    period of due dates, a group of schools, a status, a page of schools."""

    meeting_id: int | None = None
    period: tuple[date, date] | None = None
    group_id: int | None = None
    status: StatusFilter = StatusFilter.ALL
    page: int = 1

    def query(self, page: int | None = None) -> str:
        """The filters as the dashboard's query string (``page``: another page of them)."""
        params: dict[str, object] = {}
        if self.meeting_id is not None:
            params["meeting"] = self.meeting_id
        if self.period is not None:
            params["start"], params["end"] = (d.isoformat() for d in self.period)
        if self.group_id is not None:
            params["group"] = self.group_id
        if self.status is not StatusFilter.ALL:
            params["status"] = self.status.value
        params["page"] = self.page if page is None else page
        return urlencode(params)


@dataclass(frozen=True)
class Options:
    """What the dashboard can be filtered by."""

    meetings: tuple[MeetingView, ...]
    groups: tuple[GroupView, ...]


async def filter_options(actor: Actor) -> Options:
    actor.require(Permission.SEE_ALL_SCHOOLS)
    return Options(
        meetings=tuple(await meetings.list_meetings(actor)),
        groups=tuple(await schools.list_groups(actor)),
    )


@dataclass(frozen=True)
class MatrixCell:
    counts: Counts
    cell: Cell
    """The wording and dominant bucket, as the .xlsx and the print view have them."""
    mark: str
    """The short wording shown in the cell."""
    url: str
    """The one assignment, or the list of the cell's assignments (a periodic decision); ""
    for an empty cell."""


EMPTY_CELL = MatrixCell(counts=ZERO, cell=cell(ZERO), mark="", url="")


@dataclass(frozen=True)
class MatrixRow:
    decision: DecisionRef
    cells: tuple[MatrixCell, ...]
    """In the order of the page's schools."""
    counts: Counts
    """Over every school in view, not only the page's."""


@dataclass(frozen=True)
class Dashboard:
    today: date
    filters: Filters
    meeting: MeetingView | None
    """The meeting shown: the chosen one, or by default the latest with assignments."""
    rows: tuple[MatrixRow, ...]
    schools: tuple[SchoolRef, ...]
    """The schools of this page."""
    school_totals: tuple[Counts, ...]
    """Each page school's counts over every decision in view."""
    school_count: int
    """Schools in view, over all pages."""
    page: Page
    total: Counts
    ranking: svg.Ranking
    options: Options

    @property
    def on_time_percent(self) -> int:
        return percent(self.total.accepted_on_time, self.total.total)

    @property
    def overdue_percent(self) -> int:
        return percent(self.total.overdue, self.total.total)


@dataclass(frozen=True)
class Narrowed:
    """The cells a status filter keeps, and the decisions and schools that still have one."""

    cells: Mapping[tuple[int, int], Counts]
    decisions: tuple[DecisionRef, ...]
    schools: tuple[SchoolRef, ...]
    by_decision: Mapping[int, Counts]
    by_school: Mapping[int, Counts]


def narrow(c: Compliance, status: StatusFilter) -> Narrowed:
    """Keep the cells ``status`` keeps; the decisions and schools without one drop out, and
    the row totals sum the kept cells only. Pure."""
    if status is StatusFilter.ALL:  # every cell of the matrix holds an assignment: all kept
        return Narrowed(
            cells=c.cells,
            decisions=c.decisions,
            schools=c.schools,
            by_decision=c.by_decision,
            by_school=c.by_school,
        )
    kept = {key: counts for key, counts in c.cells.items() if status.keeps(counts)}
    per_decision: dict[int, list[Counts]] = defaultdict(list)
    per_school: dict[int, list[Counts]] = defaultdict(list)
    for (decision_id, school_id), counts in kept.items():
        per_decision[decision_id].append(counts)
        per_school[school_id].append(counts)
    return Narrowed(
        cells=kept,
        decisions=tuple(d for d in c.decisions if d.id in per_decision),
        schools=tuple(s for s in c.schools if s.id in per_school),
        by_decision={key: sum_counts(parts) for key, parts in per_decision.items()},
        by_school={key: sum_counts(parts) for key, parts in per_school.items()},
    )


def cell_url(ids: Sequence[int], *, decision_id: int, school_id: int, meeting_id: int) -> str:
    """Where a cell leads: its one assignment, or the department's list narrowed to the cell
    (the periods of a periodic decision)."""
    if len(ids) == 1:
        return f"/assignments/{ids[0]}"
    return f"/assignments?meeting={meeting_id}&school={school_id}&decision={decision_id}"


async def latest_meeting_with_assignments() -> int | None:
    """The latest meeting (by date, then id) any of whose decisions was assigned."""
    rows = await db.fetch_rows(
        """SELECT m.id FROM meeting m
           WHERE EXISTS (SELECT 1 FROM decision d JOIN assignment a ON a.decision = d.id
                         WHERE d.meeting = m.id)
           ORDER BY m.date DESC, m.id DESC LIMIT 1"""
    )
    return int(rows[0][0]) if rows else None


async def _cell_ids(
    decision_ids: Sequence[int], school_ids: Sequence[int], period: tuple[date, date] | None
) -> dict[tuple[int, int], list[int]]:
    """(decision, school) → the ids of the cell's assignments, for the schools of one page:
    one query."""
    if not decision_ids or not school_ids:
        return {}
    query = Assignment.select(Assignment.id, Assignment.decision, Assignment.school).where(
        Assignment.decision.is_in(list(decision_ids)) & Assignment.school.is_in(list(school_ids))
    )
    if period is not None:
        query = query.where((Assignment.due_on >= period[0]) & (Assignment.due_on <= period[1]))
    found: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in await query.order_by(Assignment.id):
        found[(row["decision"], row["school"])].append(row["id"])
    return found


async def dashboard(actor: Actor, filters: Filters, *, today: date) -> Dashboard:
    """The matrix for the department on ``today``. Without a meeting or a period: the latest
    meeting with assignments. A meeting or group that does not exist: ``ValidationError``."""
    actor.require(Permission.SEE_ALL_SCHOOLS)
    options = await filter_options(actor)
    meeting_options, group_options = options.meetings, options.groups
    errors: dict[str, str] = {}
    if filters.meeting_id is not None and all(m.id != filters.meeting_id for m in meeting_options):
        errors["meeting"] = "Нет такого совещания: выберите его из списка."
    if filters.group_id is not None and all(g.id != filters.group_id for g in group_options):
        errors["group"] = "Нет такой группы: выберите её из списка."
    if errors:
        raise ValidationError(errors)

    meeting_id = filters.meeting_id
    if meeting_id is None and filters.period is None:
        meeting_id = await latest_meeting_with_assignments()
    school_ids: list[int] | None = None
    if filters.group_id is not None:
        members = await SchoolGroupMember.select(SchoolGroupMember.school).where(
            SchoolGroupMember.group == filters.group_id
        )
        school_ids = [r["school"] for r in members]
    if meeting_id is None and filters.period is None:
        found = Compliance.of_cells(today, [], [], {})  # nothing assigned anywhere yet
    else:
        found = await compliance(
            actor,
            today=today,
            meeting_id=meeting_id,
            school_ids=school_ids,
            due_within=filters.period,
        )
    view = narrow(found, filters.status)
    page = paginate(len(view.schools), filters.page)
    shown = tuple(page_of(view.schools, page))
    ids = await _cell_ids([d.id for d in view.decisions], [s.id for s in shown], filters.period)

    def matrix_cell(decision: DecisionRef, school_id: int) -> MatrixCell:
        counts = view.cells.get((decision.id, school_id))
        if counts is None:
            return EMPTY_CELL
        url = cell_url(
            ids.get((decision.id, school_id), []),
            decision_id=decision.id,
            school_id=school_id,
            meeting_id=decision.meeting_id,
        )
        return MatrixCell(counts=counts, cell=cell(counts), mark=mark(counts), url=url)

    rows = tuple(
        MatrixRow(
            decision=d,
            cells=tuple(matrix_cell(d, s.id) for s in shown),
            counts=view.by_decision[d.id],
        )
        for d in view.decisions
    )
    school_totals = tuple(view.by_school.get(school.id, ZERO) for school in shown)
    return Dashboard(
        today=today,
        filters=Filters(
            meeting_id=meeting_id,
            period=filters.period,
            group_id=filters.group_id,
            status=filters.status,
            page=page.number,
        ),
        meeting=next((m for m in meeting_options if m.id == meeting_id), None),
        rows=rows,
        schools=shown,
        school_totals=school_totals,
        school_count=len(view.schools),
        page=page,
        total=sum_counts(list(view.by_decision.values())),
        ranking=svg.school_ranking(found, limit=RANKING_LIMIT),
        options=options,
    )


# ---------------------------------------------------------------- a school's card


@dataclass(frozen=True)
class CardAssignment:
    id: int
    decision_id: int
    decision_number: str
    decision_text: str
    """Shortened to one line."""
    meeting_id: int
    meeting_date: date
    due_on: date | None
    status: Status
    overdue: bool
    period: str

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class MeetingShare:
    """The school's assignments of one meeting."""

    meeting_id: int
    meeting_date: date
    meeting_number: str
    counts: Counts

    @property
    def on_time_percent(self) -> int:
        return percent(self.counts.accepted_on_time, self.counts.total)


@dataclass(frozen=True)
class SchoolCard:
    today: date
    school: SchoolView
    counts: Counts
    assignments: tuple[CardAssignment, ...]
    """Newest meeting first, at most ``CARD_LIMIT``."""
    assignment_count: int
    meetings: tuple[MeetingShare, ...]
    """Newest first."""


def shares_by_meeting(c: Compliance) -> list[MeetingShare]:
    """The counts of ``c`` summed per meeting, newest meeting first. Pure."""
    parts: dict[int, list[Counts]] = defaultdict(list)
    labels: dict[int, DecisionRef] = {}
    for d in c.decisions:
        parts[d.meeting_id].append(c.by_decision.get(d.id, ZERO))
        labels[d.meeting_id] = d
    found = [
        MeetingShare(
            meeting_id=m,
            meeting_date=labels[m].meeting_date,
            meeting_number=labels[m].meeting_number,
            counts=sum_counts(parts[m]),
        )
        for m in parts
    ]
    found.sort(key=lambda s: (s.meeting_date, s.meeting_id), reverse=True)
    return found


async def school_card(actor: Actor, school_id: int, *, today: date) -> SchoolCard:
    """A school as the department sees it: its counts, its assignments across meetings, its
    on-time share per meeting. 404 for an unknown school."""
    actor.require(Permission.SEE_ALL_SCHOOLS)
    school = await schools.get_school(actor, school_id)
    found = await compliance(actor, today=today, school_ids=[school_id])
    meeting = Assignment.decision._.meeting._
    rows = (
        await Assignment.select(
            Assignment.id,
            Assignment.decision,
            Assignment.decision._.number.as_alias("decision_number"),
            Assignment.decision._.text.as_alias("decision_text"),
            meeting.id.as_alias("meeting_id"),
            meeting.date.as_alias("meeting_date"),
            Assignment.due_on,
            Assignment.status,
            Assignment.period,
        )
        .where(Assignment.school == school_id)
        .order_by(meeting.date, ascending=False)
        .order_by(meeting.id, ascending=False)
        .order_by(Assignment.decision._.position)
        .order_by(Assignment.due_on, ascending=False)
        .order_by(Assignment.id, ascending=False)
        .limit(CARD_LIMIT)
    )
    items = []
    for r in rows:
        status = Status(r["status"])
        items.append(
            CardAssignment(
                id=r["id"],
                decision_id=r["decision"],
                decision_number=r["decision_number"],
                decision_text=shorten(r["decision_text"], 140),
                meeting_id=r["meeting_id"],
                meeting_date=r["meeting_date"],
                due_on=r["due_on"],
                status=status,
                overdue=is_overdue(status, r["due_on"], today),
                period=r["period"] or "",
            )
        )
    return SchoolCard(
        today=today,
        school=school,
        counts=found.by_school.get(school_id, ZERO),
        assignments=tuple(items),
        assignment_count=await Assignment.count().where(Assignment.school == school_id),
        meetings=tuple(shares_by_meeting(found)),
    )


# ---------------------------------------------------------------- search


def _on_postgres() -> bool:
    return isinstance(db.engine(), PostgresEngine)


def _matches(column: str) -> str:
    """``column`` contains the pattern (one parameter): ``GLOB`` on SQLite, ``~`` on
    PostgreSQL, each given its pattern by ``rules``; both compare case-sensitively, the
    patterns list every case of each letter."""
    operator = "~" if _on_postgres() else "GLOB"
    return f"{column} {operator} {{}}"


def _decisions_sql() -> str:
    return f"""
SELECT d.id, d.number, d.text, m.id, m.date, m.number
FROM decision d JOIN meeting m ON m.id = d.meeting
WHERE {_matches("d.text")} OR {_matches("d.number")}
ORDER BY m.date DESC, m.id DESC, d.position, d.id
LIMIT {{}}
"""  # noqa: S608 - our constants, values go as parameters


def _schools_sql() -> str:
    return f"""
SELECT s.id, s.short_name, s.name, s.is_active
FROM school s
WHERE {_matches("s.short_name")} OR {_matches("s.name")}
ORDER BY s.short_name, s.id
LIMIT {{}}
"""  # noqa: S608 - our constants, values go as parameters


@dataclass(frozen=True)
class DecisionHit:
    id: int
    number: str
    text: str
    """Shortened to one line."""
    meeting_id: int
    meeting_date: date
    meeting_number: str


@dataclass(frozen=True)
class SchoolHit:
    id: int
    short_name: str
    name: str
    is_active: bool


@dataclass(frozen=True)
class SearchResults:
    query: str
    too_short: bool
    decisions: tuple[DecisionHit, ...] = ()
    schools: tuple[SchoolHit, ...] = ()
    more_decisions: bool = False
    """More decisions match than are shown."""
    more_schools: bool = False
    limit: int = SEARCH_LIMIT

    @property
    def empty(self) -> bool:
        return not self.too_short and not self.decisions and not self.schools


async def search(actor: Actor, text: str, *, limit: int = SEARCH_LIMIT) -> SearchResults:
    """Decisions (by wording or number; newest meeting first) and schools (by short or full
    name) containing ``text``, whatever its case, at most ``limit`` of each. Shorter than
    ``MIN_QUERY`` characters: no search, ``too_short``."""
    actor.require(Permission.SEE_ALL_SCHOOLS)
    query = normalise_query(text)
    if len(query) < MIN_QUERY:
        return SearchResults(query=query, too_short=True, limit=limit)
    pattern = regex_pattern(query) if _on_postgres() else glob_pattern(query)
    decision_rows = await db.fetch_rows(_decisions_sql(), pattern, pattern, limit + 1)
    school_rows = await db.fetch_rows(_schools_sql(), pattern, pattern, limit + 1)
    return SearchResults(
        query=query,
        too_short=False,
        decisions=tuple(
            DecisionHit(
                id=r[0],
                number=str(r[1]),
                text=shorten(str(r[2]), 200),
                meeting_id=r[3],
                meeting_date=db.date_value(r[4]),
                meeting_number=str(r[5]),
            )
            for r in decision_rows[:limit]
        ),
        schools=tuple(
            SchoolHit(id=r[0], short_name=str(r[1]), name=str(r[2]), is_active=bool(r[3]))
            for r in school_rows[:limit]
        ),
        more_decisions=len(decision_rows) > limit,
        more_schools=len(school_rows) > limit,
        limit=limit,
    )
