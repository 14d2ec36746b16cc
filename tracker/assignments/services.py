"""Assignments: addressing a decision to schools, reporting, review, extensions.

Every change is one transaction that checks the status it expects in its UPDATE, so two
people acting at once cannot both succeed; the audit event commits with the change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker import clock, db
from tracker.accounts.roles import Actor, Permission
from tracker.assignments import files
from tracker.assignments.lifecycle import (
    OPEN_STATUSES,
    Action,
    Status,
    allowed_actions,
    can_request_extension,
    is_overdue,
    next_status,
)
from tracker.assignments.tables import Assignment, ExtensionRequest, Report, ReportFile
from tracker.audit import services as audit
from tracker.calendar.deadlines import DeadlineKind, due_date, period_span, span_due_near
from tracker.calendar.services import effective_calendar
from tracker.calendar.workdays import WorkCalendar
from tracker.errors import (
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ValidationError,
)
from tracker.meetings.services import DecisionView, MeetingView, decision_view, list_meetings
from tracker.meetings.tables import Decision, Meeting
from tracker.schools import services as schools
from tracker.schools.services import SchoolView
from tracker.settings import get_settings

MAX_TEXT = 20_000
MAX_LINKS = 20
MAX_FILES = 10
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class AssignmentSummary:
    id: int
    decision_id: int
    decision_number: str
    decision_text: str
    meeting_id: int
    meeting_title: str
    meeting_date: date
    school_id: int
    school_name: str
    due_on: date | None
    status: Status
    overdue: bool
    reported_at: datetime | None
    accepted_at: datetime | None
    accepted_on_time: bool | None
    period: str = ""
    """The period of a periodic obligation ("2024-Q1"), else ""."""

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class FileView:
    id: int
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ReportView:
    id: int
    text: str
    links: tuple[str, ...]
    author_name: str
    created_at: datetime
    outcome: str
    review_comment: str
    reviewed_at: datetime | None
    files: tuple[FileView, ...]
    assignment_id: int = 0


@dataclass(frozen=True)
class ExtensionView:
    id: int
    assignment_id: int
    previous_due_on: date | None
    due_on: date
    reason: str
    status: str
    requested_by: str
    created_at: datetime
    comment: str
    decided_at: datetime | None

    @property
    def status_label(self) -> str:
        return EXTENSION_LABELS.get(self.status, self.status)


EXTENSION_LABELS = {"pending": "Ожидает решения", "approved": "Одобрен", "rejected": "Отклонён"}


@dataclass(frozen=True)
class AssignmentDetail:
    summary: AssignmentSummary
    decision: DecisionView
    reports: tuple[ReportView, ...]
    extensions: tuple[ExtensionView, ...]
    history: tuple[audit.HistoryEntry, ...]
    can_start: bool
    can_report: bool
    can_review: bool
    can_request_extension: bool

    @property
    def pending_extension(self) -> ExtensionView | None:
        return next((e for e in self.extensions if e.status == "pending"), None)


@dataclass(frozen=True)
class Progress:
    total: int = 0
    accepted: int = 0
    reported: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.accepted / self.total) if self.total else 0


@dataclass(frozen=True)
class ReviewQueue:
    reports: tuple[AssignmentSummary, ...]
    extensions: tuple[tuple[ExtensionView, AssignmentSummary], ...]
    pending_reports: Mapping[int, ReportView] = field(default_factory=dict)
    """Assignment id → the report waiting for review, so the head can read it in the queue."""


@dataclass(frozen=True)
class FilterOptions:
    """What the department's list can be filtered by."""

    schools: tuple[SchoolView, ...]
    meetings: tuple[MeetingView, ...]


@dataclass(frozen=True)
class FileDownload:
    name: str
    content_type: str
    data: bytes


# ---------------------------------------------------------------- reading

_SUMMARY_COLUMNS = (
    Assignment.id,
    Assignment.decision,
    Assignment.decision.number.as_alias("decision_number"),
    Assignment.decision.text.as_alias("decision_text"),
    Assignment.decision.meeting.as_alias("meeting_id"),
    Assignment.decision._.meeting._.title.as_alias("meeting_title"),
    Assignment.decision._.meeting._.date.as_alias("meeting_date"),
    Assignment.school,
    Assignment.school.short_name.as_alias("school_name"),
    Assignment.due_on,
    Assignment.status,
    Assignment.reported_at,
    Assignment.accepted_at,
    Assignment.accepted_on_time,
    Assignment.period,
)


def _summary(row: dict[str, Any], today: date) -> AssignmentSummary:
    status = Status(row["status"])
    return AssignmentSummary(
        id=row["id"],
        decision_id=row["decision"],
        decision_number=row["decision_number"],
        decision_text=row["decision_text"],
        meeting_id=row["meeting_id"],
        meeting_title=row["meeting_title"],
        meeting_date=row["meeting_date"],
        school_id=row["school"],
        school_name=row["school_name"],
        due_on=row["due_on"],
        status=status,
        overdue=is_overdue(status, row["due_on"], today),
        reported_at=row["reported_at"],
        accepted_at=row["accepted_at"],
        accepted_on_time=row["accepted_on_time"],
        period=row["period"],
    )


def urgency(item: AssignmentSummary) -> tuple[int, date, int]:
    """Overdue first, then returned for rework, then by due date (no date last)."""
    rank = 0 if item.overdue else 1 if item.status is Status.RETURNED else 2
    if item.status is Status.ACCEPTED:
        rank = 4
    elif item.status is Status.REPORTED:
        rank = 3
    return (rank, item.due_on or date.max, item.id)


async def list_assignments(
    actor: Actor,
    *,
    school_id: int | None = None,
    decision_id: int | None = None,
    meeting_id: int | None = None,
    status: Status | None = None,
    overdue_only: bool = False,
    today: date | None = None,
    limit: int = 1000,
) -> list[AssignmentSummary]:
    """The assignments the actor may see, most urgent first. A school user sees only their
    school's, whatever ``school_id`` says."""
    today = today or clock.today()
    query = Assignment.select(*_SUMMARY_COLUMNS)
    scope = actor.school_scope
    if scope is not None:
        if school_id is not None and school_id != scope:
            return []
        school_id = scope
    elif not actor.can(Permission.SEE_ALL_SCHOOLS):
        return []
    if school_id is not None:
        query = query.where(Assignment.school == school_id)
    if decision_id is not None:
        query = query.where(Assignment.decision == decision_id)
    if meeting_id is not None:
        query = query.where(Assignment.decision.meeting == meeting_id)
    if status is not None:
        query = query.where(Assignment.status == status.value)
    if overdue_only:
        query = query.where(
            Assignment.status.is_in([s.value for s in OPEN_STATUSES]) & (Assignment.due_on < today)
        )
    rows = await query.limit(limit)
    return sorted((_summary(r, today) for r in rows), key=urgency)


# ---------------------------------------------------------------- the school leader's home

REPORTABLE = frozenset(s for s in Status if Action.REPORT in allowed_actions(s))
"""Statuses in which the school may send a report (the «Отчитаться» button)."""


@dataclass(frozen=True)
class HomeSection:
    """One section of the school leader's home: its first cards and how many it has."""

    items: tuple[AssignmentSummary, ...]
    total: int

    @property
    def more(self) -> bool:
        return len(self.items) < self.total


HOME_SECTIONS = ("overdue", "returned", "week", "open", "review")
"""The home's sections in the order they are shown; each open assignment is in one."""


@dataclass(frozen=True)
class SchoolHome:
    """A school's open assignments, split the way its leader reads them."""

    today: date
    week_end: date
    """The last day counted as «this week» (see ``working_week_end``)."""
    overdue: HomeSection
    returned: HomeSection
    this_week: HomeSection
    other_open: HomeSection
    on_review: HomeSection
    """Reported: waiting for the department, nothing for the school to do."""
    done: int
    """Removed from control («снято с контроля»)."""

    @property
    def open_count(self) -> int:
        return (
            self.overdue.total + self.returned.total + self.this_week.total + self.other_open.total
        )


def working_week_end(today: date, calendar: WorkCalendar) -> date:
    """The last working day of the working week ``today`` belongs to. On a day off after the
    week's last working day (a weekend, the New Year holidays) that is the coming working
    week's. Pure."""
    first = today
    for _ in range(31):
        if calendar.is_working_day(first):
            break
        first += timedelta(days=1)
    last = first + timedelta(days=6 - first.weekday())  # that week's Sunday
    while last > first and not calendar.is_working_day(last):
        last -= timedelta(days=1)
    return last


def home_section(status: Status, due_on: date | None, *, today: date, week_end: date) -> str | None:
    """Which section of the home an assignment is in: overdue, else returned, else due by
    ``week_end`` («week»), else the other open ones («open»); reported ones wait for review
    («review»); accepted ones are in none (only counted). Pure."""
    if is_overdue(status, due_on, today):
        return "overdue"
    if status is Status.RETURNED:
        return "returned"
    if status in OPEN_STATUSES:
        return "week" if due_on is not None and today <= due_on <= week_end else "open"
    if status is Status.REPORTED:
        return "review"
    return None


def split_home(
    rows: Sequence[tuple[int, Status, date | None]],
    *,
    today: date,
    week_end: date,
    limit: int | None,
    whole: str | None = None,
) -> dict[str, tuple[list[int], int]]:
    """The ids of each section's first ``limit`` assignments (all of them in section
    ``whole``; all everywhere when ``limit`` is None), nearest due date first (no date last),
    and the section's size, from (id, status, due date) rows. Pure."""
    grouped: dict[str, list[tuple[date, int]]] = {key: [] for key in HOME_SECTIONS}
    for assignment_id, status, due_on in rows:
        key = home_section(status, due_on, today=today, week_end=week_end)
        if key is not None:
            grouped[key].append((due_on or date.max, assignment_id))
    split: dict[str, tuple[list[int], int]] = {}
    for key, found in grouped.items():
        found.sort()
        shown = found if limit is None or key == whole else found[:limit]
        split[key] = ([assignment_id for _, assignment_id in shown], len(found))
    return split


async def school_home(
    actor: Actor,
    *,
    today: date | None = None,
    limit: int | None = None,
    whole: str | None = None,
) -> SchoolHome:
    """The school leader's home: their own school's assignments that are not yet closed, in
    sections, and how many are; each section's first ``limit`` cards (all of section
    ``whole``). Staff have no school: they get PermissionDeniedError.

    Only the id, status and due date of the school's open assignments are read to sort them
    into sections; the cards shown are read whole afterwards (a region's school has hundreds
    of open assignments and its leader sees a few dozen)."""
    school_id = actor.school_scope
    if school_id is None:
        raise PermissionDeniedError
    today = today or clock.today()
    closed = Status.ACCEPTED.value
    mine = Assignment.school == school_id
    rows = await Assignment.select(Assignment.id, Assignment.status, Assignment.due_on).where(
        mine & (Assignment.status != closed)
    )
    done = await Assignment.count().where(mine & (Assignment.status == closed))
    week_end = working_week_end(today, await effective_calendar())
    split = split_home(
        [(r["id"], Status(r["status"]), r["due_on"]) for r in rows],
        today=today,
        week_end=week_end,
        limit=limit,
        whole=whole,
    )
    shown = [i for ids, _ in split.values() for i in ids]
    cards = {}
    if shown:
        found = await Assignment.select(*_SUMMARY_COLUMNS).where(Assignment.id.is_in(shown))
        cards = {r["id"]: _summary(r, today) for r in found}

    def section(key: str) -> HomeSection:
        ids, total = split[key]
        return HomeSection(tuple(cards[i] for i in ids if i in cards), total)

    return SchoolHome(
        today=today,
        week_end=week_end,
        overdue=section("overdue"),
        returned=section("returned"),
        this_week=section("week"),
        other_open=section("open"),
        on_review=section("review"),
        done=done,
    )


async def _load(actor: Actor, assignment_id: int) -> dict[str, Any]:
    row = await Assignment.select(*_SUMMARY_COLUMNS).where(Assignment.id == assignment_id).first()
    if row is None:
        raise NotFoundError("Поручение не найдено.")
    actor.require_school(row["school"])
    return row


async def get_assignment(
    actor: Actor, assignment_id: int, *, today: date | None = None
) -> AssignmentDetail:
    today = today or clock.today()
    row = await _load(actor, assignment_id)
    summary = _summary(row, today)
    decision_row = await Decision.select().where(Decision.id == summary.decision_id).first()
    assert decision_row is not None  # the foreign key guarantees it
    reports = await _reports([assignment_id])
    extensions = await _extensions([assignment_id])
    history = await audit.history("assignment", assignment_id)
    actions = allowed_actions(summary.status)
    return AssignmentDetail(
        summary=summary,
        decision=decision_view(decision_row),
        reports=tuple(reports),
        extensions=tuple(extensions),
        history=tuple(history),
        can_start=actor.can(Permission.REPORT) and Action.START in actions,
        can_report=actor.can(Permission.REPORT) and Action.REPORT in actions,
        can_review=actor.can(Permission.REVIEW) and Action.ACCEPT in actions,
        can_request_extension=actor.can(Permission.REPORT)
        and can_request_extension(summary.status)
        and not any(e.status == "pending" for e in extensions),
    )


async def _reports(
    assignment_ids: Sequence[int], *, pending_only: bool = False
) -> list[ReportView]:
    query = (
        Report.select(
            Report.id,
            Report.assignment,
            Report.text,
            Report.links,
            Report.created_at,
            Report.outcome,
            Report.review_comment,
            Report.reviewed_at,
            Report.author.full_name.as_alias("author_name"),
            Report.author.email.as_alias("author_email"),
        )
        .where(Report.assignment.is_in(list(assignment_ids)))
        .order_by(Report.created_at, ascending=False)
        .order_by(Report.id, ascending=False)
        .output(load_json=True)
    )
    if pending_only:
        query = query.where(Report.outcome == "pending")
    rows = await query
    report_ids = [r["id"] for r in rows]
    by_report: dict[int, list[FileView]] = {}
    if report_ids:
        for f in (
            await ReportFile.select(
                ReportFile.id,
                ReportFile.report,
                ReportFile.original_name,
                ReportFile.content_type,
                ReportFile.size,
            )
            .where(ReportFile.report.is_in(report_ids))
            .order_by(ReportFile.id)
        ):
            by_report.setdefault(f["report"], []).append(
                FileView(
                    id=f["id"],
                    name=f["original_name"],
                    content_type=f["content_type"],
                    size=f["size"],
                )
            )
    return [
        ReportView(
            id=r["id"],
            text=r["text"],
            links=tuple(r["links"] or ()),
            author_name=r["author_name"] or r["author_email"] or "",
            created_at=r["created_at"],
            outcome=r["outcome"],
            review_comment=r["review_comment"],
            reviewed_at=r["reviewed_at"],
            files=tuple(by_report.get(r["id"], ())),
            assignment_id=r["assignment"],
        )
        for r in rows
    ]


async def _extensions(
    assignment_ids: Sequence[int] | None = None, *, pending_only: bool = False
) -> list[ExtensionView]:
    query = ExtensionRequest.select(
        ExtensionRequest.id,
        ExtensionRequest.assignment,
        ExtensionRequest.previous_due_on,
        ExtensionRequest.due_on,
        ExtensionRequest.reason,
        ExtensionRequest.status,
        ExtensionRequest.created_at,
        ExtensionRequest.comment,
        ExtensionRequest.decided_at,
        ExtensionRequest.requested_by.full_name.as_alias("requested_by_name"),
        ExtensionRequest.requested_by.email.as_alias("requested_by_email"),
    ).order_by(ExtensionRequest.id, ascending=False)
    if assignment_ids is not None:
        query = query.where(ExtensionRequest.assignment.is_in(list(assignment_ids)))
    if pending_only:
        query = query.where(ExtensionRequest.status == "pending")
    return [
        ExtensionView(
            id=r["id"],
            assignment_id=r["assignment"],
            previous_due_on=r["previous_due_on"],
            due_on=r["due_on"],
            reason=r["reason"],
            status=r["status"],
            requested_by=r["requested_by_name"] or r["requested_by_email"] or "",
            created_at=r["created_at"],
            comment=r["comment"],
            decided_at=r["decided_at"],
        )
        for r in await query
    ]


async def progress_by_decision(
    decision_ids: Sequence[int], *, today: date | None = None
) -> dict[int, Progress]:
    """Per decision: schools addressed, accepted, on review, overdue — two grouped queries."""
    from piccolo.query.functions.aggregate import Count  # noqa: PLC0415

    today = today or clock.today()
    if not decision_ids:
        return {}
    ids = list(decision_ids)
    counts: dict[int, dict[str, int]] = {}
    for r in (
        await Assignment.select(
            Assignment.decision, Assignment.status, Count(Assignment.id, alias="n")
        )
        .where(Assignment.decision.is_in(ids))
        .group_by(Assignment.decision, Assignment.status)
    ):
        counts.setdefault(r["decision"], {})[r["status"]] = r["n"]
    overdue = {
        r["decision"]: r["n"]
        for r in await Assignment.select(Assignment.decision, Count(Assignment.id, alias="n"))
        .where(
            Assignment.decision.is_in(ids)
            & Assignment.status.is_in([s.value for s in OPEN_STATUSES])
            & (Assignment.due_on < today)
        )
        .group_by(Assignment.decision)
    }
    return {
        decision_id: Progress(
            total=sum(by_status.values()),
            accepted=by_status.get(Status.ACCEPTED, 0),
            reported=by_status.get(Status.REPORTED, 0),
            overdue=overdue.get(decision_id, 0),
        )
        for decision_id, by_status in counts.items()
    }


async def review_queue(actor: Actor, *, today: date | None = None) -> ReviewQueue:
    """What waits for the head: reports to accept or return, extension requests to decide."""
    actor.require(Permission.REVIEW)
    today = today or clock.today()
    reports = await list_assignments(actor, status=Status.REPORTED, today=today)
    pending = await _extensions(pending_only=True)
    summaries: dict[int, AssignmentSummary] = {}
    if pending:
        rows = await Assignment.select(*_SUMMARY_COLUMNS).where(
            Assignment.id.is_in([e.assignment_id for e in pending])
        )
        summaries = {r["id"]: _summary(r, today) for r in rows}
    waiting = await _reports([a.id for a in reports], pending_only=True) if reports else []
    return ReviewQueue(
        reports=tuple(
            sorted(reports, key=lambda a: a.reported_at or datetime.max.replace(tzinfo=UTC))
        ),
        extensions=tuple((e, summaries[e.assignment_id]) for e in reversed(pending)),
        pending_reports={r.assignment_id: r for r in waiting},
    )


async def filter_options(actor: Actor) -> FilterOptions:
    """The schools and meetings the department's list of assignments can be narrowed to."""
    actor.require(Permission.SEE_ALL_SCHOOLS)
    return FilterOptions(
        schools=tuple(await schools.list_schools(actor)),
        meetings=tuple(await list_meetings(actor)),
    )


async def open_file(actor: Actor, file_id: int) -> FileDownload:
    row = (
        await ReportFile.select(
            ReportFile.original_name,
            ReportFile.content_type,
            ReportFile.stored_name,
            ReportFile.sha256,
            ReportFile.report._.assignment._.school.as_alias("school_id"),
        )
        .where(ReportFile.id == file_id)
        .first()
    )
    if row is None:
        raise NotFoundError("Файл не найден.")
    actor.require_school(row["school_id"])
    data = files.read_verified(row["stored_name"], row["sha256"])
    if data is None:
        await audit.record(
            actor,
            "report_file",
            file_id,
            "integrity_failed",
            after={"name": row["original_name"], "sha256": row["sha256"]},
            school_id=row["school_id"],
        )
        raise files.FileDamagedError(
            f"Файл «{row['original_name']}» повреждён или утерян: его содержимое не совпадает "
            "с загруженным. Файл не выдан; сообщите администратору."
        )
    name = row["original_name"]
    return FileDownload(name=name, content_type=files.served_type(name, data), data=data)


# ---------------------------------------------------------------- changing


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    school_id: int
    due_on: date | None
    status: Status
    created: bool
    """False when the school already had this assignment (kept, not duplicated)."""


async def assign(
    actor: Actor | None,
    decision_id: int,
    target: schools.SchoolTarget,
    *,
    due_on: date | None = None,
    today: date | None = None,
) -> list[AssignmentRow]:
    """One assignment per addressed school. A school that already has one keeps it.

    Without ``due_on`` the decision's deadline applies, else the department's default term.
    """
    if actor is not None:
        actor.require(Permission.ASSIGN)
    today = today or clock.today()
    row = await Decision.select().where(Decision.id == decision_id).first()
    if row is None:
        raise NotFoundError("Решение не найдено.")
    decision = decision_view(row)
    if row["removed_from_control_at"] is not None:
        raise ConflictError("Решение снято с контроля: новые поручения не назначаются.")
    if not decision.kind.is_tracked:
        raise ConflictError(
            f"Решение вида «{decision.kind.label}» не требует исполнения: поручения не создаются."
        )
    meeting_date = (
        await Meeting.select(Meeting.date).where(Meeting.id == decision.meeting_id).first()
    )["date"]  # type: ignore[index]
    if due_on is not None and due_on < meeting_date:
        raise ValidationError.single(
            "due_on", "Срок исполнения не может быть раньше даты совещания."
        )
    assigned_on = max(today, meeting_date)
    period = ""
    if decision.deadline.kind is DeadlineKind.PERIODIC and decision.deadline.period is not None:
        if due_on is None:
            span = period_span(decision.deadline.period, assigned_on)
            due_on = span.due(decision.deadline.days)
        else:  # a date chosen by hand: the period it is the due date of
            span = span_due_near(decision.deadline.period, decision.deadline.days, due_on)
        period = span.key
    if due_on is None:
        due_on = due_date(
            decision.deadline,
            assigned_on=assigned_on,
            default_term_days=get_settings().default_term_days,
            calendar=await effective_calendar(),
        )
    school_ids = await schools.resolve_target(target)
    if not school_ids:
        raise ValidationError.single("schools", "В выбранной группе нет действующих школ.")
    now = clock.now()
    async with db.transaction():
        inserted = await (
            Assignment.insert(
                *[
                    Assignment(
                        decision=decision_id,
                        school=school_id,
                        period=period,
                        due_on=due_on,
                        status=Status.ASSIGNED.value,
                        created_at=now,
                        updated_at=now,
                    )
                    for school_id in school_ids
                ]
            )
            .on_conflict(
                target=(Assignment.decision, Assignment.school, Assignment.period),
                action="DO NOTHING",
            )
            .returning(Assignment.id, Assignment.school)
        )
        await audit.record_many(
            actor,
            "assignment",
            "create",
            [
                (r["id"], r["school"], {"decision_id": decision_id, "due_on": due_on})
                for r in inserted
            ],
        )
    new_ids = {r["id"] for r in inserted}
    rows = (
        await Assignment.select(
            Assignment.id, Assignment.school, Assignment.due_on, Assignment.status
        )
        .where(
            (Assignment.decision == decision_id)
            & (Assignment.period == period)
            & Assignment.school.is_in(school_ids)
        )
        .order_by(Assignment.school)
    )
    return [
        AssignmentRow(
            id=r["id"],
            school_id=r["school"],
            due_on=r["due_on"],
            status=Status(r["status"]),
            created=r["id"] in new_ids,
        )
        for r in rows
    ]


async def _move(
    actor: Actor,
    row: dict[str, Any],
    action: Action,
    extra: dict[Any, Any] | None = None,
    *,
    note: dict[str, Any] | None = None,
) -> Status:
    """Change the status if it is still what we read; ConflictError when someone was faster."""
    current = Status(row["status"])
    new = next_status(current, action)
    values: dict[Any, Any] = {Assignment.status: new.value, Assignment.updated_at: clock.now()}
    values |= extra or {}
    changed = (
        await Assignment.update(values)
        .where((Assignment.id == row["id"]) & (Assignment.status == current.value))
        .returning(Assignment.id)
    )
    if not changed:
        raise ConflictError("Поручение только что изменили. Обновите страницу.")
    await audit.record(
        actor,
        "assignment",
        row["id"],
        action.value,
        before={"status": current.value},
        after={"status": new.value}
        | {k._meta.name: v for k, v in (extra or {}).items()}
        | (note or {}),
        school_id=row["school"],
    )
    return new


async def start(actor: Actor, assignment_id: int) -> None:
    """The school takes the assignment into work («Приступить к исполнению»)."""
    actor.require(Permission.REPORT)
    row = await _load(actor, assignment_id)
    async with db.transaction():
        await _move(actor, row, Action.START)


def _check_report(text: str, links: Sequence[str], uploads: Sequence[files.Upload]) -> list[str]:
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Опишите, что сделано."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Текст отчёта длиннее {MAX_TEXT} символов."
    clean_links = [link.strip() for link in links if link.strip()]
    if len(clean_links) > MAX_LINKS:
        errors["links"] = f"Не больше {MAX_LINKS} ссылок."
    elif bad := [link for link in clean_links if not URL_RE.match(link) or len(link) > 2000]:
        errors["links"] = "Ссылка должна начинаться с http:// или https://: " + bad[0][:100]
    if len(uploads) > MAX_FILES:
        errors["files"] = f"Не больше {MAX_FILES} файлов в одном отчёте."
    elif empty := [u.filename for u in uploads if not u.data]:
        errors["files"] = f"Файл «{files.safe_filename(empty[0])}» пустой."
    if errors:
        raise ValidationError(errors)
    limit = get_settings().max_upload_bytes
    if too_big := [u.filename for u in uploads if len(u.data) > limit]:
        raise PayloadTooLargeError(
            f"Файл «{files.safe_filename(too_big[0])}» больше {get_settings().max_upload_mb} МБ."
        )
    return clean_links


async def submit_report(
    actor: Actor,
    assignment_id: int,
    *,
    text: str,
    links: Sequence[str] = (),
    uploads: Sequence[files.Upload] = (),
) -> int:
    """The school reports completion: text, links, files. The assignment goes to review."""
    actor.require(Permission.REPORT)
    row = await _load(actor, assignment_id)
    clean_links = _check_report(text, links, uploads)
    uploads = files.check_uploads(uploads)  # the type read from the bytes, or all refused
    next_status(Status(row["status"]), Action.REPORT)  # refuse before writing any file
    stored = files.store_all([u.data for u in uploads])
    try:
        now = clock.now()
        async with db.transaction():
            report = (
                await Report.insert(
                    Report(
                        assignment=assignment_id,
                        author=actor.user_id,
                        text=text.strip(),
                        links=clean_links,
                        created_at=now,
                    )
                ).returning(Report.id)
            )[0]
            if stored:
                await ReportFile.insert(
                    *[
                        ReportFile(
                            report=report["id"],
                            original_name=files.safe_filename(u.filename),
                            stored_name=s.stored_name,
                            content_type=(u.content_type or "application/octet-stream")[:200],
                            size=s.size,
                            sha256=s.sha256,
                        )
                        for u, s in zip(uploads, stored, strict=True)
                    ]
                )
            await _move(
                actor,
                row,
                Action.REPORT,
                {Assignment.reported_at: now},
                note={"files": [files.safe_filename(u.filename) for u in uploads]}
                if uploads
                else None,
            )
    except BaseException:
        for s in stored:
            files.discard(s.stored_name)
        raise
    return int(report["id"])


async def _review(
    actor: Actor, assignment_id: int, action: Action, comment: str, today: date
) -> None:
    actor.require(Permission.REVIEW)
    row = await _load(actor, assignment_id)
    now = clock.now()
    extra: dict[Any, Any] = {}
    if action is Action.ACCEPT:
        reported_on = (row["reported_at"] or now).astimezone(get_settings().tz).date()
        extra = {
            Assignment.accepted_at: now,
            Assignment.accepted_on_time: row["due_on"] is None or reported_on <= row["due_on"],
        }
    async with db.transaction():
        await _move(
            actor,
            row,
            action,
            extra,
            note={"comment": comment.strip()} if comment.strip() else None,
        )
        await Report.update(
            {
                Report.outcome: "accepted" if action is Action.ACCEPT else "returned",
                Report.review_comment: comment.strip(),
                Report.reviewed_by: actor.user_id,
                Report.reviewed_at: now,
            }
        ).where((Report.assignment == assignment_id) & (Report.outcome == "pending"))


async def accept(
    actor: Actor, assignment_id: int, *, comment: str = "", today: date | None = None
) -> None:
    """«Снять с контроля»: the report is accepted; on time or late is recorded."""
    await _review(actor, assignment_id, Action.ACCEPT, comment, today or clock.today())


async def return_for_rework(
    actor: Actor, assignment_id: int, *, comment: str, today: date | None = None
) -> None:
    """«Вернуть на доработку»: the school must know why, so a comment is required."""
    if not comment.strip():
        raise ValidationError.single("comment", "Напишите, что нужно доработать.")
    await _review(actor, assignment_id, Action.RETURN, comment, today or clock.today())


async def request_extension(
    actor: Actor,
    assignment_id: int,
    *,
    due_on: date | None,
    reason: str,
    today: date | None = None,
) -> int:
    """The school asks for a later due date; one pending request at a time."""
    actor.require(Permission.REPORT)
    today = today or clock.today()
    row = await _load(actor, assignment_id)
    errors: dict[str, str] = {}
    if due_on is None:
        errors["due_on"] = "Укажите новый срок."
    elif due_on <= today:
        errors["due_on"] = "Новый срок должен быть позже сегодняшнего дня."
    elif row["due_on"] is not None and due_on <= row["due_on"]:
        errors["due_on"] = "Новый срок должен быть позже текущего."
    if not reason.strip():
        errors["reason"] = "Объясните, почему нужен перенос срока."
    elif len(reason) > MAX_TEXT:
        errors["reason"] = "Слишком длинное объяснение."
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    if not can_request_extension(Status(row["status"])):
        raise ConflictError("Перенос срока можно просить только по поручению в работе.")
    async with db.transaction():
        # Touch the assignment first: on PostgreSQL this locks its row, so two requests
        # sent at once queue here and the second sees the first.
        await Assignment.update({Assignment.updated_at: clock.now()}).where(
            Assignment.id == assignment_id
        )
        if await ExtensionRequest.exists().where(
            (ExtensionRequest.assignment == assignment_id) & (ExtensionRequest.status == "pending")
        ):
            raise ConflictError("Запрос на перенос срока уже ждёт решения.")
        created = (
            await ExtensionRequest.insert(
                ExtensionRequest(
                    assignment=assignment_id,
                    requested_by=actor.user_id,
                    previous_due_on=row["due_on"],
                    due_on=due_on,
                    reason=reason.strip(),
                    status="pending",
                    created_at=clock.now(),
                )
            ).returning(ExtensionRequest.id)
        )[0]
        await audit.record(
            actor,
            "assignment",
            assignment_id,
            "extension_requested",
            before={"due_on": row["due_on"]},
            after={"requested_due_on": due_on, "reason": reason.strip()},
            school_id=row["school"],
        )
    return int(created["id"])


async def decide_extension(
    actor: Actor, request_id: int, *, approve: bool, comment: str = ""
) -> int:
    """Approve (the due date moves; the old one stays in the request and the audit) or reject.
    Returns the assignment id."""
    actor.require(Permission.REVIEW)
    request = await ExtensionRequest.select().where(ExtensionRequest.id == request_id).first()
    if request is None:
        raise NotFoundError("Запрос на перенос срока не найден.")
    assignment = await _load(actor, request["assignment"])
    if request["status"] != "pending":
        raise ConflictError("По этому запросу уже принято решение.")
    if approve and Status(assignment["status"]) is Status.ACCEPTED:
        raise ConflictError("Поручение уже снято с контроля: переносить срок незачем.")
    new_status = "approved" if approve else "rejected"
    async with db.transaction():
        changed = (
            await ExtensionRequest.update(
                {
                    ExtensionRequest.status: new_status,
                    ExtensionRequest.decided_by: actor.user_id,
                    ExtensionRequest.decided_at: clock.now(),
                    ExtensionRequest.comment: comment.strip(),
                }
            )
            .where((ExtensionRequest.id == request_id) & (ExtensionRequest.status == "pending"))
            .returning(ExtensionRequest.id)
        )
        if not changed:
            raise ConflictError("По этому запросу уже принято решение.")
        if approve:
            await Assignment.update(
                {Assignment.due_on: request["due_on"], Assignment.updated_at: clock.now()}
            ).where(Assignment.id == assignment["id"])
        await audit.record(
            actor,
            "assignment",
            assignment["id"],
            "extension_approved" if approve else "extension_rejected",
            before={"due_on": assignment["due_on"]},
            after={"due_on": request["due_on"] if approve else assignment["due_on"]}
            | ({"comment": comment.strip()} if comment.strip() else {}),
            school_id=assignment["school"],
        )
    return int(assignment["id"])
