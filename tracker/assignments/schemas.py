"""The JSON shapes of the assignments API (msgspec), and the conversions from service views.

The names and fields are part of the public contract (CONTRACT.md): add, never rename.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    RequestBody,
    Schema,
)

from tracker.assignments import services
from tracker.assignments.lifecycle import Status
from tracker.audit.services import HistoryEntry
from tracker.meetings.schemas import DeadlineOut
from tracker.meetings.services import DecisionKind
from tracker.web.openapi import operation_with_body

Comment = Annotated[str, msgspec.Meta(max_length=services.MAX_TEXT)]
LongText = Annotated[str, msgspec.Meta(max_length=services.MAX_TEXT)]


# ---------------------------------------------------------------- in


class ReportIn(msgspec.Struct, forbid_unknown_fields=True):
    """A report as JSON; the same fields (plus ``files``) may come as multipart/form-data."""

    text: LongText
    links: list[str] = msgspec.field(default_factory=list)


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    """Accept (comment optional) or return for rework (comment required)."""

    comment: Comment = ""


class ExtensionRequestIn(msgspec.Struct, forbid_unknown_fields=True):
    due_on: date
    """The due date asked for: later than today and than the current one."""
    reason: LongText


class ExtensionDecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    comment: Comment = ""


# ---------------------------------------------------------------- out


class AssignmentDecisionOut(msgspec.Struct):
    """The decision an assignment carries out (its meeting's page has the rest)."""

    id: int
    meeting_id: int
    number: str
    text: str
    kind: DecisionKind
    addressee: str
    deadline: DeadlineOut
    """The deadline as the protocol set it; ``label`` is its wording («до 01.03.2030»)."""


class FileOut(msgspec.Struct):
    id: int
    name: str
    content_type: str
    size: int
    url: str
    """Where to download it with the same bearer token (``/api/v1/files/{id}``)."""


class ReportOut(msgspec.Struct):
    id: int
    assignment_id: int
    text: str
    links: list[str]
    author: str
    created_at: datetime
    outcome: str
    """pending, accepted or returned."""
    review_comment: str
    reviewed_at: datetime | None
    files: list[FileOut]


class ExtensionRequestOut(msgspec.Struct):
    id: int
    assignment_id: int
    previous_due_on: date | None
    due_on: date
    reason: str
    status: str
    """pending, approved or rejected."""
    requested_by: str
    created_at: datetime
    comment: str
    decided_at: datetime | None


class HistoryOut(msgspec.Struct):
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AssignmentSummaryOut(msgspec.Struct):
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
    """None for an ongoing obligation («постоянно»): never overdue."""
    status: Status
    overdue: bool
    """Derived: waiting for the school and past its due date."""
    reported_at: datetime | None
    accepted_at: datetime | None
    accepted_on_time: bool | None


class AssignmentDetailOut(AssignmentSummaryOut):
    decision: AssignmentDecisionOut
    reports: list[ReportOut]
    """Newest first."""
    extension_requests: list[ExtensionRequestOut]
    """Newest first."""
    history: list[HistoryOut]
    """Oldest first: who changed what, and when."""


# ---------------------------------------------------------------- conversions


def assignment_out(item: services.AssignmentSummary) -> AssignmentSummaryOut:
    return AssignmentSummaryOut(**_summary_fields(item))


def _summary_fields(item: services.AssignmentSummary) -> dict[str, Any]:
    return {
        "id": item.id,
        "decision_id": item.decision_id,
        "decision_number": item.decision_number,
        "decision_text": item.decision_text,
        "meeting_id": item.meeting_id,
        "meeting_title": item.meeting_title,
        "meeting_date": item.meeting_date,
        "school_id": item.school_id,
        "school_name": item.school_name,
        "due_on": item.due_on,
        "status": item.status,
        "overdue": item.overdue,
        "reported_at": item.reported_at,
        "accepted_at": item.accepted_at,
        "accepted_on_time": item.accepted_on_time,
    }


def report_out(report: services.ReportView) -> ReportOut:
    return ReportOut(
        id=report.id,
        assignment_id=report.assignment_id,
        text=report.text,
        links=list(report.links),
        author=report.author_name,
        created_at=report.created_at,
        outcome=report.outcome,
        review_comment=report.review_comment,
        reviewed_at=report.reviewed_at,
        files=[
            FileOut(
                id=f.id,
                name=f.name,
                content_type=f.content_type,
                size=f.size,
                url=f"/api/v1/files/{f.id}",
            )
            for f in report.files
        ],
    )


def extension_out(request: services.ExtensionView) -> ExtensionRequestOut:
    return ExtensionRequestOut(
        id=request.id,
        assignment_id=request.assignment_id,
        previous_due_on=request.previous_due_on,
        due_on=request.due_on,
        reason=request.reason,
        status=request.status,
        requested_by=request.requested_by,
        created_at=request.created_at,
        comment=request.comment,
        decided_at=request.decided_at,
    )


def history_out(entry: HistoryEntry) -> HistoryOut:
    return HistoryOut(
        at=entry.at,
        actor=entry.actor_name,
        action=entry.action,
        before=entry.before,
        after=entry.after,
    )


def detail_out(detail: services.AssignmentDetail) -> AssignmentDetailOut:
    decision = detail.decision
    return AssignmentDetailOut(
        **_summary_fields(detail.summary),
        decision=AssignmentDecisionOut(
            id=decision.id,
            meeting_id=decision.meeting_id,
            number=decision.number,
            text=decision.text,
            kind=decision.kind,
            addressee=decision.addressee,
            deadline=DeadlineOut.of(decision),
        ),
        reports=[report_out(r) for r in detail.reports],
        extension_requests=[extension_out(e) for e in detail.extensions],
        history=[history_out(h) for h in detail.history],
    )


# ---------------------------------------------------------------- OpenAPI

_TEXT = Schema(type=OpenAPIType.STRING, description="Что сделано (обязательно).")

REPORT_REQUEST_BODY = RequestBody(
    required=True,
    description="JSON, or multipart/form-data when files are attached.",
    content={
        "application/json": OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.OBJECT,
                required=["text"],
                properties={
                    "text": _TEXT,
                    "links": Schema(
                        type=OpenAPIType.ARRAY,
                        items=Schema(type=OpenAPIType.STRING),
                        description="Ссылки http:// или https://.",
                    ),
                },
                additional_properties=False,
            )
        ),
        "multipart/form-data": OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.OBJECT,
                required=["text"],
                properties={
                    "text": _TEXT,
                    "links": Schema(
                        type=OpenAPIType.STRING,
                        description="Ссылки, по одной в строке (или поле повторяется).",
                    ),
                    "files": Schema(
                        type=OpenAPIType.ARRAY,
                        items=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
                        description="Файлы отчёта, каждый не больше TRACKER_MAX_UPLOAD_MB.",
                    ),
                },
            )
        ),
    },
)


ReportUploadOperation = operation_with_body(REPORT_REQUEST_BODY)
