"""Assignment pages (a school's «Мои поручения», the department's list, one assignment, the
head's review queue, file downloads) and the assignments JSON API.

Handlers parse, call a service and pick a template. The services check every permission
(role and school); the role guards here only keep a page from opening for a role it is not for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker import clock
from tracker.accounts.roles import Actor, Permission, Role
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.assignments.lifecycle import Status
from tracker.assignments.schemas import (
    AssignmentDetailOut,
    AssignmentSummaryOut,
    ExtensionDecisionIn,
    ExtensionRequestIn,
    ExtensionRequestOut,
    ReportIn,
    ReportOut,
    ReportUploadOperation,
    ReviewIn,
    assignment_out,
    detail_out,
    extension_out,
    report_out,
)
from tracker.audit.services import HistoryEntry
from tracker.errors import PayloadTooLargeError, ValidationError
from tracker.settings import get_settings
from tracker.web.auth import CurrentActor
from tracker.web.downloads import attachment
from tracker.web.errors import validation_message
from tracker.web.forms import Form
from tracker.web.guards import roles_only
from tracker.web.openapi import (
    UPLOAD_ERROR_RESPONSES,
    ApiController,
    PathId,
    QueryId,
    error_response,
)
from tracker.web.rendering import AnyRequest, Context, back_to, fragment, is_htmx, page
from tracker.web.templating import ru_date

STATUSES = [(s.value, s.label) for s in Status]
MAX_LINKS_FIELD = assignments.MAX_LINKS * 2100


# ---------------------------------------------------------------- reading input


HOME_SECTION_LIMIT = 10
"""Cards a section of the school's home shows, most urgent first; «Показать все: N» opens that
section whole (``/my?section=overdue``). A school of a region's district has hundreds of open
assignments: ten a section (fifty at most) keep the page short on a phone and cheap to render
(a card is about 0.25 ms of Jinja)."""


def _status(form: Form) -> Status | None:
    raw = form.text("status")
    if not raw:
        return None
    try:
        return Status(raw)
    except ValueError:
        form.errors["status"] = "Нет такого состояния."
        return None


def _links(data: Mapping[str, Any]) -> list[str]:
    """Links one per line in a textarea, or the field repeated (API multipart)."""
    getall = getattr(data, "getall", None)
    values = getall("links", []) if getall else [data.get("links")]
    return [
        line.strip()
        for value in values
        if isinstance(value, str)
        for line in value.splitlines()
        if line.strip()
    ]


async def _uploads(data: Mapping[str, Any]) -> list[Upload]:
    """The chosen files; a file input left empty sends a part with no name, skipped here."""
    getall = getattr(data, "getall", None)
    values = getall("files", []) if getall else [data.get("files")]
    return [
        Upload(filename=f.filename, content_type=f.content_type or "", data=await f.read())
        for f in values
        if isinstance(f, UploadFile) and f.filename
    ]


# ---------------------------------------------------------------- history, as people read it

HISTORY_ACTIONS = {
    "create": "Поручение назначено",
    "start": "Принято в работу",
    "report": "Отправлен отчёт",
    "accept": "Снято с контроля",
    "return": "Возвращено на доработку",
    "extension_requested": "Запрошен перенос срока",
    "extension_approved": "Перенос срока одобрен",
    "extension_rejected": "Перенос срока отклонён",
}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    actor: str
    label: str
    details: tuple[str, ...]


def _as_date(value: Any) -> str:
    if not value:
        return "без срока"
    try:
        return ru_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _status_label(value: Any) -> str:
    try:
        return Status(str(value)).label
    except ValueError:
        return str(value)


def history_line(entry: HistoryEntry) -> HistoryLine:
    """One audit entry as a sentence and its changes, before → after."""
    before, after = entry.before or {}, entry.after or {}
    details: list[str] = []
    if "status" in after:
        old = f"{_status_label(before['status'])} → " if "status" in before else ""
        details.append(f"Состояние: {old}{_status_label(after['status'])}")
    if "due_on" in after and before.get("due_on", object()) != after["due_on"]:
        old = f"{_as_date(before['due_on'])} → " if "due_on" in before else ""
        details.append(f"Срок: {old}{_as_date(after['due_on'])}")
    if "requested_due_on" in after:
        details.append(f"Просит новый срок: {_as_date(after['requested_due_on'])}")
    if after.get("reason"):
        details.append(f"Причина: {after['reason']}")
    if after.get("comment"):
        details.append(f"Комментарий: {after['comment']}")
    return HistoryLine(
        at=entry.at,
        actor=entry.actor_name,
        label=HISTORY_ACTIONS.get(entry.action, entry.action),
        details=tuple(details),
    )


# ---------------------------------------------------------------- page contexts


async def _detail_context(actor: Actor, assignment_id: int, **extra: Any) -> Context:
    detail = await assignments.get_assignment(actor, assignment_id)
    context: Context = {
        "detail": detail,
        "a": detail.summary,
        "history": [history_line(h) for h in detail.history],
        "can_decide": actor.can(Permission.REVIEW),
        "max_upload_mb": get_settings().max_upload_mb,
        "min_due_on": (clock.today() + timedelta(days=1)).isoformat(),
        "failed": "",
        "errors": {},
        "values": {},
    }
    return context | extra


async def _review_context(actor: Actor, **extra: Any) -> Context:
    context: Context = {
        "queue": await assignments.review_queue(actor),
        "row_errors": {},
        "row_values": {},
    }
    return context | extra


def _came_from_review(form: Form) -> bool:
    return form.text("back") == "review"


# ---------------------------------------------------------------- pages


class AssignmentPagesController(Controller):
    path = "/"
    include_in_schema = False

    # ------------------------------------------------------------ lists

    @get("/my", guards=[roles_only(Role.SCHOOL)])
    async def my_assignments(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """The school leader's home: overdue, returned, due this week, the other open ones.
        With a filter (status, overdue only) the one list instead, most urgent first."""
        form = Form(request.query_params)
        status = _status(form)
        overdue = form.flag("overdue")
        whole = form.text("section", max_length=20)
        context: Context = {
            "show_school": False,
            "statuses": STATUSES,
            "filters": {"status": status.value if status else "", "overdue": overdue},
            "errors": form.errors,
            "reportable": assignments.REPORTABLE,
        }
        filtered = bool(form.errors or status or overdue)
        if filtered:
            context["items"] = await assignments.list_assignments(
                actor, status=status, overdue_only=overdue
            )
        else:
            context["home"] = await assignments.school_home(
                actor,
                limit=HOME_SECTION_LIMIT,
                whole=whole if whole in assignments.HOME_SECTIONS else None,
            )
        return page(
            request,
            "assignments/my.html",
            context,
            fragment="assignments/_list.html" if filtered else "assignments/_home.html",
            status_code=422 if form.errors else 200,
        )

    @get("/assignments", guards=[roles_only(Role.HEAD, Role.SECRETARY)])
    async def department_list(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """Every school's assignments, filtered by school, status, meeting, decision (the
        dashboard's link from a cell of several periods), overdue only."""
        form = Form(request.query_params)
        status = _status(form)
        school_id = form.integer("school")
        meeting_id = form.integer("meeting")
        decision_id = form.integer("decision")
        overdue = form.flag("overdue")
        items = await assignments.list_assignments(
            actor,
            school_id=school_id,
            meeting_id=meeting_id,
            decision_id=decision_id,
            status=status,
            overdue_only=overdue,
        )
        context: Context = {
            "items": items,
            "show_school": True,
            "statuses": STATUSES,
            "filters": {
                "status": status.value if status else "",
                "school": school_id,
                "meeting": meeting_id,
                "decision": decision_id,
                "overdue": overdue,
            },
            "errors": form.errors,
        }
        if not is_htmx(request):
            context["options"] = await assignments.filter_options(actor)
        return page(
            request,
            "assignments/list.html",
            context,
            fragment="assignments/_list.html",
            status_code=422 if form.errors else 200,
        )

    # ------------------------------------------------------------ one assignment

    @get("/assignments/{assignment_id:int}")
    async def detail(
        self, request: AnyRequest, actor: CurrentActor, assignment_id: PathId
    ) -> Template:
        context = await _detail_context(actor, assignment_id)
        return page(
            request, "assignments/detail.html", context, fragment="assignments/_detail.html"
        )

    async def _changed(
        self, request: AnyRequest, actor: Actor, assignment_id: int, message: str
    ) -> Template | Redirect:
        """After a change on the assignment page: its fragment for htmx, else a redirect."""
        flash(request, message, category="success")
        swap = None
        if is_htmx(request):
            context = await _detail_context(actor, assignment_id, oob_messages=True)
            swap = fragment("assignments/_detail.html", context)
        return back_to(request, f"/assignments/{assignment_id}", swap)

    async def _refused(
        self,
        request: AnyRequest,
        actor: Actor,
        assignment_id: int,
        *,
        failed: str,
        errors: Mapping[str, str],
        values: Context,
        status_code: int = 422,
    ) -> Template:
        """The assignment page again, with the messages beside the form's fields."""
        context = await _detail_context(
            actor, assignment_id, failed=failed, errors=dict(errors), values=values
        )
        return page(
            request,
            "assignments/detail.html",
            context,
            fragment="assignments/_detail.html",
            status_code=status_code,
        )

    @post("/assignments/{assignment_id:int}/start")
    async def start(
        self, request: AnyRequest, actor: CurrentActor, assignment_id: PathId
    ) -> Template | Redirect:
        await assignments.start(actor, assignment_id)
        return await self._changed(request, actor, assignment_id, "Поручение принято в работу.")

    @post("/assignments/{assignment_id:int}/reports")
    async def report(
        self, request: AnyRequest, actor: CurrentActor, assignment_id: PathId
    ) -> Template | Redirect:
        data = await request.form()
        form = Form(data)
        text = form.text("text", max_length=assignments.MAX_TEXT)
        links_raw = form.text("links", max_length=MAX_LINKS_FIELD)
        values = {"text": text, "links": links_raw}
        try:
            form.check()
            await assignments.submit_report(
                actor,
                assignment_id,
                text=text,
                links=_links(data),
                uploads=await _uploads(data),
            )
        except ValidationError as exc:
            return await self._refused(
                request, actor, assignment_id, failed="report", errors=exc.errors, values=values
            )
        except PayloadTooLargeError as exc:
            return await self._refused(
                request,
                actor,
                assignment_id,
                failed="report",
                errors={"files": exc.message},
                values=values,
                status_code=exc.status_code,
            )
        return await self._changed(
            request, actor, assignment_id, "Отчёт отправлен на проверку в отдел образования."
        )

    @post("/assignments/{assignment_id:int}/extension-requests")
    async def request_extension(
        self, request: AnyRequest, actor: CurrentActor, assignment_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        due_on = form.date("due_on", required=True)
        reason = form.text("reason", required=True, max_length=assignments.MAX_TEXT)
        values = {"due_on": form.text("due_on"), "reason": reason}
        try:
            form.check()
            await assignments.request_extension(actor, assignment_id, due_on=due_on, reason=reason)
        except ValidationError as exc:
            return await self._refused(
                request, actor, assignment_id, failed="extension", errors=exc.errors, values=values
            )
        return await self._changed(
            request, actor, assignment_id, "Запрос на перенос срока отправлен."
        )

    @post("/assignments/{assignment_id:int}/accept")
    async def accept(
        self, request: AnyRequest, actor: CurrentActor, assignment_id: PathId
    ) -> Template | Redirect:
        return await self._review(request, actor, assignment_id, accept=True)

    @post("/assignments/{assignment_id:int}/return")
    async def return_for_rework(
        self, request: AnyRequest, actor: CurrentActor, assignment_id: PathId
    ) -> Template | Redirect:
        return await self._review(request, actor, assignment_id, accept=False)

    async def _review(
        self, request: AnyRequest, actor: Actor, assignment_id: int, *, accept: bool
    ) -> Template | Redirect:
        form = Form(await request.form())
        comment = form.text("comment", max_length=assignments.MAX_TEXT)
        from_review = _came_from_review(form)
        try:
            form.check()
            if accept:
                await assignments.accept(actor, assignment_id, comment=comment)
            else:
                await assignments.return_for_rework(actor, assignment_id, comment=comment)
        except ValidationError as exc:
            if not from_review:
                return await self._refused(
                    request,
                    actor,
                    assignment_id,
                    failed="review",
                    errors=exc.errors,
                    values={"comment": comment},
                )
            return await _review_refused(
                request, actor, f"report-{assignment_id}", exc.errors, {"comment": comment}
            )
        message = "Снято с контроля." if accept else "Возвращено на доработку."
        if not from_review:
            return await self._changed(request, actor, assignment_id, message)
        flash(request, message, category="success")
        swap = None
        if is_htmx(request):
            detail = await assignments.get_assignment(actor, assignment_id)
            context: Context = {
                "item": detail.summary,
                "report": detail.reports[0] if detail.reports else None,
                "errors": {},
                "values": {},
                "oob_messages": True,
            }
            swap = fragment("assignments/_review_row.html", context)
        return back_to(request, "/review", swap)

    # ------------------------------------------------------------ the head's queue

    @get("/review", guards=[roles_only(Role.HEAD)])
    async def review_queue(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = await _review_context(actor)
        return page(
            request, "assignments/review.html", context, fragment="assignments/_review.html"
        )

    @post("/extension-requests/{request_id:int}/approve")
    async def approve_extension(
        self, request: AnyRequest, actor: CurrentActor, request_id: PathId
    ) -> Template | Redirect:
        return await self._decide(request, actor, request_id, approve=True)

    @post("/extension-requests/{request_id:int}/reject")
    async def reject_extension(
        self, request: AnyRequest, actor: CurrentActor, request_id: PathId
    ) -> Template | Redirect:
        return await self._decide(request, actor, request_id, approve=False)

    async def _decide(
        self, request: AnyRequest, actor: Actor, request_id: int, *, approve: bool
    ) -> Template | Redirect:
        form = Form(await request.form())
        comment = form.text("comment", max_length=assignments.MAX_TEXT)
        from_detail = form.text("back") == "detail"
        try:
            form.check()
            assignment_id = await assignments.decide_extension(
                actor, request_id, approve=approve, comment=comment
            )
        except ValidationError as exc:
            assignment = form.integer("assignment")
            if from_detail and assignment is not None:
                return await self._refused(
                    request,
                    actor,
                    assignment,
                    failed="decision",
                    errors=exc.errors,
                    values={"comment": comment},
                )
            return await _review_refused(
                request, actor, f"ext-{request_id}", exc.errors, {"comment": comment}
            )
        message = "Перенос срока одобрен." if approve else "В переносе срока отказано."
        if from_detail:
            return await self._changed(request, actor, assignment_id, message)
        flash(request, message, category="success")
        swap = None
        if is_htmx(request):
            detail = await assignments.get_assignment(actor, assignment_id)
            context: Context = {
                "ext": next(e for e in detail.extensions if e.id == request_id),
                "item": detail.summary,
                "errors": {},
                "values": {},
                "oob_messages": True,
            }
            swap = fragment("assignments/_extension_row.html", context)
        return back_to(request, "/review", swap)

    # ------------------------------------------------------------ files

    @get("/files/{file_id:int}")
    async def download(self, actor: CurrentActor, file_id: PathId) -> Response[bytes]:
        """A report's file as an attachment, under its original name."""
        found = await assignments.open_file(actor, file_id)
        return file_response(found)


async def _review_refused(
    request: AnyRequest, actor: Actor, key: str, errors: Mapping[str, str], values: Context
) -> Template:
    """A form in the review queue was refused: its row again (htmx) or the whole queue."""
    context = await _review_context(actor, row_errors={key: dict(errors)}, row_values={key: values})
    if not is_htmx(request):
        return fragment("assignments/review.html", context, status_code=422)
    queue: assignments.ReviewQueue = context["queue"]
    if key.startswith("report-"):
        item = next((a for a in queue.reports if f"report-{a.id}" == key), None)
        if item is not None:
            row: Context = {"item": item, "report": queue.pending_reports.get(item.id)}
            return fragment(
                "assignments/_review_row.html",
                context | row | {"errors": dict(errors), "values": values},
                status_code=422,
            )
    else:
        pair = next(((e, a) for e, a in queue.extensions if f"ext-{e.id}" == key), None)
        if pair is not None:
            row = {"ext": pair[0], "item": pair[1]}
            return fragment(
                "assignments/_extension_row.html",
                context | row | {"errors": dict(errors), "values": values},
                status_code=422,
            )
    return fragment("assignments/_review.html", context, status_code=422)


def file_response(found: assignments.FileDownload) -> Response[bytes]:
    return attachment(found.name, found.content_type, found.data)


# ---------------------------------------------------------------- JSON API


async def _report_input(request: AnyRequest) -> tuple[str, list[str], list[Upload]]:
    """The report from a JSON body or a multipart form (``text``, ``links``, ``files``)."""
    content_type, _ = request.content_type
    if content_type == "multipart/form-data":
        data = await request.form()
        text = data.get("text")
        return (text if isinstance(text, str) else ""), _links(data), await _uploads(data)
    if content_type in {"application/json", ""}:
        try:
            body = msgspec.json.decode(await request.body(), type=ReportIn)
        except msgspec.ValidationError as exc:
            raise ValidationError.single(
                "", f"Некорректные данные: {validation_message(str(exc))}."
            ) from exc
        except msgspec.DecodeError as exc:
            raise ValidationError.single("", "Тело запроса — не JSON.") from exc
        return body.text, body.links, []
    raise HTTPException(status_code=415, detail="Ожидается JSON или multipart/form-data.")


class AssignmentApiController(ApiController):
    path = "/api/v1"
    tags = ["assignments"]  # noqa: RUF012 - Litestar's declaration style

    @get("/assignments")
    async def list_assignments(
        self,
        actor: CurrentActor,
        school_id: QueryId = None,
        decision_id: QueryId = None,
        status: FromQuery[Status | None] = None,
    ) -> list[AssignmentSummaryOut]:
        """Assignments, most urgent first. A school user sees only their own school's."""
        items = await assignments.list_assignments(
            actor, school_id=school_id, decision_id=decision_id, status=status
        )
        return [assignment_out(a) for a in items]

    @get("/assignments/{assignment_id:int}")
    async def get_assignment(
        self, actor: CurrentActor, assignment_id: PathId
    ) -> AssignmentDetailOut:
        """One assignment with its decision, reports, extension requests and history."""
        return detail_out(await assignments.get_assignment(actor, assignment_id))

    @post("/assignments/{assignment_id:int}/start", status_code=200)
    async def start(self, actor: CurrentActor, assignment_id: PathId) -> AssignmentDetailOut:
        """The school takes the assignment into work («Приступить к исполнению»)."""
        await assignments.start(actor, assignment_id)
        return detail_out(await assignments.get_assignment(actor, assignment_id))

    @post(
        "/assignments/{assignment_id:int}/reports",
        status_code=201,
        operation_class=ReportUploadOperation,
        responses=UPLOAD_ERROR_RESPONSES,
    )
    async def report(
        self, request: AnyRequest, actor: CurrentActor, assignment_id: PathId
    ) -> ReportOut:
        """Report completion: ``{"text", "links"?}`` as JSON, or multipart with ``files``.
        The assignment goes to review. 413 when a file is over the limit."""
        text, links, uploads = await _report_input(request)
        report_id = await assignments.submit_report(
            actor, assignment_id, text=text, links=links, uploads=uploads
        )
        detail = await assignments.get_assignment(actor, assignment_id)
        return report_out(next(r for r in detail.reports if r.id == report_id))

    @post("/assignments/{assignment_id:int}/accept", status_code=200)
    async def accept(
        self,
        actor: CurrentActor,
        assignment_id: PathId,
        data: JSONBody[ReviewIn | None] = None,
    ) -> AssignmentDetailOut:
        """«Снять с контроля»: accept the report on review (409 when there is none)."""
        await assignments.accept(actor, assignment_id, comment=data.comment if data else "")
        return detail_out(await assignments.get_assignment(actor, assignment_id))

    @post("/assignments/{assignment_id:int}/return", status_code=200)
    async def return_for_rework(
        self,
        actor: CurrentActor,
        assignment_id: PathId,
        data: JSONBody[ReviewIn | None] = None,
    ) -> AssignmentDetailOut:
        """«Вернуть на доработку»: the comment says what to redo (422 without it)."""
        await assignments.return_for_rework(
            actor, assignment_id, comment=data.comment if data else ""
        )
        return detail_out(await assignments.get_assignment(actor, assignment_id))

    @post("/assignments/{assignment_id:int}/extension-requests", status_code=201)
    async def request_extension(
        self,
        actor: CurrentActor,
        assignment_id: PathId,
        data: JSONBody[ExtensionRequestIn],
    ) -> ExtensionRequestOut:
        """Ask for a later due date (one pending request at a time: 409 for a second)."""
        request_id = await assignments.request_extension(
            actor, assignment_id, due_on=data.due_on, reason=data.reason
        )
        detail = await assignments.get_assignment(actor, assignment_id)
        return extension_out(next(e for e in detail.extensions if e.id == request_id))

    @post("/extension-requests/{request_id:int}/approve", status_code=200)
    async def approve_extension(
        self,
        actor: CurrentActor,
        request_id: PathId,
        data: JSONBody[ExtensionDecisionIn | None] = None,
    ) -> AssignmentDetailOut:
        """Approve: the assignment's due date moves (the old one stays in the request and
        the history). Answers the assignment."""
        assignment_id = await assignments.decide_extension(
            actor, request_id, approve=True, comment=data.comment if data else ""
        )
        return detail_out(await assignments.get_assignment(actor, assignment_id))

    @post("/extension-requests/{request_id:int}/reject", status_code=200)
    async def reject_extension(
        self,
        actor: CurrentActor,
        request_id: PathId,
        data: JSONBody[ExtensionDecisionIn | None] = None,
    ) -> AssignmentDetailOut:
        """Reject: the due date stays. Answers the assignment."""
        assignment_id = await assignments.decide_extension(
            actor, request_id, approve=False, comment=data.comment if data else ""
        )
        return detail_out(await assignments.get_assignment(actor, assignment_id))

    @get(
        "/files/{file_id:int}",
        responses={
            200: ResponseSpec(
                data_container=bytes,
                generate_examples=False,
                media_type="*/*",
                description="The file, of the type it was uploaded with, as an attachment",
            ),
            410: error_response(410),
        },
    )
    async def download(self, actor: CurrentActor, file_id: PathId) -> Response[bytes]:
        """A report's file (the ``url`` of a report's file), as an attachment."""
        return file_response(await assignments.open_file(actor, file_id))
