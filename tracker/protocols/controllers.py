"""Protocol import: the review screen (``/protocols/import``) and ``POST /api/v1/protocols/parse``.

The screen keeps no state on the server: the upload answers with the preview as a form whose
fields hold the whole draft; «Обновить предпросмотр» sends it back to be resolved again and
«Создать совещание и поручения» to be written. Head and secretary only (a guard, and the
services check again).
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.plugins.flash import flash
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from tracker.accounts.roles import Actor, Permission
from tracker.calendar.deadlines import KIND_LABELS, DeadlineKind, DeadlineRule, Period
from tracker.errors import ConflictError, NotFoundError, PayloadTooLargeError, ValidationError
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.jobs.controllers import job_page
from tracker.meetings import services as meetings
from tracker.protocols import services as protocols
from tracker.protocols.addressees import Resolution, TargetKind
from tracker.protocols.model import ParsedProtocol
from tracker.protocols.schemas import ParsedProtocolOut, ParseOperation, ParseTextIn
from tracker.web.auth import CurrentActor
from tracker.web.errors import validation_message
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import UPLOAD_ERROR_RESPONSES, ApiController, PathId
from tracker.web.rendering import AnyRequest, Context, fragment, is_htmx, page
from tracker.web.templating import plural_ru

MEETING_KINDS = [(k.value, label) for k, label in meetings.MEETING_KIND_LABELS.items()]
DECISION_KINDS = [(k.value, label) for k, label in meetings.DECISION_KIND_LABELS.items()]
DEADLINE_KINDS = [(k.value, label) for k, label in KIND_LABELS.items()]
PERIODS = [(p.value, label) for p, label in meetings.PERIOD_LABELS.items()]
SPEAKER_SEPARATORS = re.compile(r"[,;\n]")
MAX_ITEMS = 1000
"""Agenda items or decisions one form may carry."""
BODY_LIMIT = protocols.MAX_DOCUMENT_BYTES + 4 * 1024 * 1024
"""The largest request read: the file, the form around it and some room. A file over
``MAX_DOCUMENT_BYTES`` within it gets the form back with the message (413); a larger body is
refused before it is read (413 too)."""
TOO_LARGE = f"Файл больше {protocols.MAX_DOCUMENT_MB} МБ: загрузите протокол поменьше или вставьте его текст."


# ---------------------------------------------------------------------------- the draft in a form


def _count(form: Form, name: str) -> int:
    value = form.integer(name)
    return min(value or 0, MAX_ITEMS)


def _deadline(form: Form, prefix: str) -> DeadlineRule:
    """A decision's deadline fieldset: a kind, and only the fields that kind uses."""
    text = form.text(f"{prefix}deadline_text", max_length=500)
    try:
        kind = DeadlineKind(form.text(f"{prefix}deadline_kind") or DeadlineKind.NONE.value)
    except ValueError:
        form.errors[f"{prefix}deadline_kind"] = "Неизвестный вид срока."
        return DeadlineRule(text=text)
    if kind is DeadlineKind.DATE:
        return DeadlineRule(kind=kind, text=text, date=form.date(f"{prefix}deadline_date"))
    if kind is DeadlineKind.RELATIVE:
        days = form.integer(f"{prefix}deadline_days")
        if form.flag(f"{prefix}deadline_working"):
            return DeadlineRule(kind=kind, text=text, working_days=days)
        return DeadlineRule(kind=kind, text=text, days=days)
    if kind is DeadlineKind.PERIODIC:
        period = None
        raw_period = form.text(f"{prefix}deadline_period")
        try:
            period = Period(raw_period) if raw_period else None
        except ValueError:
            form.errors[f"{prefix}deadline_period"] = "Неизвестный период."
        day = form.integer(f"{prefix}deadline_day")
        if day is not None and not 1 <= day <= 31:
            form.errors[f"{prefix}deadline_day"] = "День месяца — от 1 до 31."
        return DeadlineRule(kind=kind, text=text, period=period, days=day)
    return DeadlineRule(kind=kind, text=text)


def _target(form: Form, prefix: str) -> Resolution:
    """The target select: «all», «group:ID», «schools» (the ticked ones), «staff», «none»,
    or nothing (not resolved). Ticked schools with nothing selected mean those schools."""
    choice = form.text(f"{prefix}target", max_length=30)
    schools = tuple(form.integers(f"{prefix}schools"))
    if not choice and schools:
        choice = "schools"
    if choice == "all":
        return Resolution(TargetKind.ALL)
    if choice.startswith("group:") and choice[6:].isdigit() and len(choice) < 20:
        return Resolution(TargetKind.GROUP, (int(choice[6:]),))
    if choice == "schools":
        return Resolution(TargetKind.SCHOOLS, schools)
    if choice == "staff":
        return Resolution(TargetKind.STAFF)
    if choice == "none":
        return Resolution(TargetKind.NONE)
    return Resolution(TargetKind.UNRESOLVED)


def _warnings(form: Form) -> tuple[str, ...]:
    try:
        found = json.loads(form.text("warnings", max_length=200_000) or "[]")
    except ValueError:
        return ()
    if not isinstance(found, list):
        return ()
    return tuple(str(w)[:2000] for w in found[:MAX_ITEMS] if isinstance(w, str))


def _draft(form: Form) -> protocols.ImportDraft:
    """The draft as the review form sends it back; what cannot be read is in ``form.errors``."""
    agenda = []
    for i in range(_count(form, "agenda_count")):
        prefix = f"agenda.{i}."
        agenda.append(
            meetings.AgendaDraft(
                title=form.text(f"{prefix}title", max_length=5000),
                number=form.integer(f"{prefix}number"),
                speakers=tuple(
                    s.strip()
                    for s in SPEAKER_SEPARATORS.split(form.text(f"{prefix}speakers"))
                    if s.strip()
                ),
            )
        )
    decisions = []
    for i in range(_count(form, "decision_count")):
        prefix = f"decisions.{i}."
        resolved_for = form.data.get(f"{prefix}resolved_for")
        decisions.append(
            protocols.DraftDecision(
                draft=meetings.DecisionDraft(
                    text=form.text(f"{prefix}text", max_length=meetings.MAX_TEXT),
                    number=form.text(f"{prefix}number", max_length=20),
                    kind=form.text(f"{prefix}kind", max_length=20)
                    or meetings.DecisionKind.INSTRUCTION.value,
                    addressee=form.text(f"{prefix}addressee", max_length=2000),
                    agenda_item=form.integer(f"{prefix}agenda_item"),
                    deadline=_deadline(form, prefix),
                ),
                target=_target(form, prefix),
                resolved_for=resolved_for.strip() if isinstance(resolved_for, str) else None,
                include=not form.flag(f"{prefix}skip"),
            )
        )
    sha = form.text("source_sha256", max_length=64).lower()
    return protocols.ImportDraft(
        meeting=meetings.MeetingDraft(
            kind=form.text("kind", max_length=20) or meetings.MeetingKind.PROTOCOL.value,
            title=form.text("title", max_length=2000),
            number=form.text("number", max_length=50),
            date=form.date("date"),
            place=form.text("place", max_length=500),
            agenda=tuple(agenda),
        ),
        decisions=tuple(decisions),
        source_sha256=sha if protocols.SHA256.fullmatch(sha) else "",
        source_name=form.text("source_name", max_length=500),
        warnings=_warnings(form),
    )


def _review_context(
    preview: protocols.Preview,
    *,
    errors: dict[str, str] | None = None,
    raw: Any = None,
    reimport: bool = False,
) -> Context:
    return {
        "preview": preview,
        "errors": errors or {},
        "raw": raw or {},
        "reimport": reimport,
        "warnings_json": json.dumps(list(preview.draft.warnings), ensure_ascii=False),
        "meeting_kinds": MEETING_KINDS,
        "decision_kinds": DECISION_KINDS,
        "deadline_kinds": DEADLINE_KINDS,
        "periods": PERIODS,
    }


def _review(request: AnyRequest, context: Context, status_code: int = 200) -> Template:
    return page(
        request,
        "protocols/review.html",
        context,
        fragment="protocols/_review.html",
        status_code=status_code,
    )


def _upload(
    request: AnyRequest, *, text: str = "", errors: dict[str, str] | None = None, status: int = 200
) -> Template:
    context = {
        "values": {"text": text},
        "errors": errors or {},
        "max_mb": protocols.MAX_DOCUMENT_MB,
    }
    return page(
        request,
        "protocols/import.html",
        context,
        fragment="protocols/_upload_form.html",
        status_code=status,
    )


def _imported_message(imported: protocols.Imported) -> str:
    decisions = plural_ru(imported.decisions, "решение", "решения", "решений")
    made = plural_ru(imported.assignments, "поручение", "поручения", "поручений")
    return f"Создано {decisions} и {made}."


async def _confirm(
    actor: Actor, form: Form, draft: protocols.ImportDraft, *, reimport: bool
) -> protocols.Imported:
    if form.errors:
        # What the form could not read wins over what the service says of the rest.
        raise ValidationError(await protocols.check(actor, draft) | form.errors)
    return await protocols.confirm(actor, draft, reimport=reimport)


def _job_url(job_id: int) -> str:
    return f"/protocols/import/jobs/{job_id}"


async def _parse_job(actor: Actor, content: bytes, filename: str) -> jobs.JobView | None:
    """A file large enough for the background parsed by a job (its bytes wait under the data
    dir); None for one to parse at once, and for one over the limit (refused at once)."""
    size = len(content)
    if size > protocols.MAX_DOCUMENT_BYTES or not jobs.in_background(jobs.file_cells(size)):
        return None
    actor.require(Permission.ASSIGN)
    path = kinds.upload_path(secrets.token_hex(16), filename)
    kinds.save_upload(path, content)
    return await jobs.start(actor, kinds.PROTOCOL_PARSE, {"path": path, "filename": filename})


def _retarget(answer: Template, job_id: int) -> Template:
    """The bar asked (htmx): what replaces it is the whole job region."""
    answer.headers.update({"HX-Retarget": f"#job-{job_id}", "HX-Reswap": "outerHTML"})
    return answer


# ---------------------------------------------------------------------------- pages


class ProtocolImportController(Controller):
    path = "/protocols/import"
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def upload_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        actor.require(Permission.ASSIGN)
        return _upload(request)

    @post("/", status_code=200, request_max_body_size=BODY_LIMIT)
    async def upload(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        """A file or pasted text → the editable preview; bad input → the form with the message."""
        try:
            data = await request.form()
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            return _upload(request, errors={"file": TOO_LARGE}, status=413)
        upload = data.get("file")
        raw_text = data.get("text")
        text = raw_text if isinstance(raw_text, str) else ""
        field = "text"
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                field = "file"
                content = await upload.read()
                job = await _parse_job(actor, content, upload.filename)
                if job is not None:
                    if is_htmx(request):
                        context = {"job": job, "poll_url": _job_url(job.id)}
                        return fragment("jobs/_job.html", context)
                    return Redirect(path=_job_url(job.id), status_code=303)
                preview = await protocols.preview(actor, content, upload.filename)
            else:
                preview = await protocols.preview_text(actor, text)
        except ValidationError as exc:
            return _upload(request, text=text, errors=exc.errors, status=exc.status_code)
        except PayloadTooLargeError as exc:
            return _upload(request, text=text, errors={field: exc.message}, status=413)
        return _review(request, _review_context(preview))

    @get("/jobs/{job_id:int}")
    async def parsed(self, request: AnyRequest, actor: CurrentActor, job_id: PathId) -> Template:
        """A large file's parse: its progress while it runs, then the review of its draft as
        after any upload (or the upload form with the reason it failed)."""
        job = await jobs.get(actor, job_id)
        if job.kind != kinds.PROTOCOL_PARSE:
            raise NotFoundError("Работа не найдена.")
        if job.active:
            context = {"job": job, "poll_url": _job_url(job.id)}
            return job_page(request, job, "protocols/job.html", context)
        if job.state == jobs.FAILED:
            answer = _upload(request, errors={"file": job.error}, status=422)
        else:
            found = await jobs.result_file(actor, job_id)
            preview = await protocols.review(actor, kinds.protocol_draft(found.data))
            answer = _review(request, _review_context(preview))
        return _retarget(answer, job.id) if is_htmx(request) else answer

    @post("/review", status_code=200)
    async def refresh(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """The edited draft again: rewritten addressees resolved anew, due dates recomputed."""
        form = Form(await request.form())
        draft = _draft(form)
        preview = await protocols.review(actor, draft)
        status = 422 if form.errors else 200
        context = _review_context(
            preview, errors=form.errors, raw=form.data, reimport=form.flag("reimport")
        )
        return _review(request, context, status)

    @post("/confirm", status_code=200)
    async def confirm(
        self, request: AnyRequest, actor: CurrentActor
    ) -> Template | Redirect | ClientRedirect:
        """Create the meeting, its decisions and assignments; or the form with the messages."""
        form = Form(await request.form())
        draft = _draft(form)
        reimport = form.flag("reimport")
        try:
            imported = await _confirm(actor, form, draft, reimport=reimport)
        except (ValidationError, ConflictError) as exc:
            errors = exc.errors if isinstance(exc, ValidationError) else {"reimport": exc.message}
            preview = await protocols.review(actor, draft)
            context = _review_context(preview, errors=errors, raw=form.data, reimport=reimport)
            return _review(request, context, exc.status_code)
        flash(request, _imported_message(imported), category="success")
        url = f"/meetings/{imported.meeting_id}"
        if is_htmx(request):
            return ClientRedirect(url)
        return Redirect(path=url, status_code=303)


# ---------------------------------------------------------------------------- JSON API


async def _parse_request(request: AnyRequest, actor: CurrentActor) -> ParsedProtocol:
    content_type, _ = request.content_type
    if content_type == "multipart/form-data":
        data = await request.form()
        upload = data.get("file")
        if isinstance(upload, UploadFile):
            return protocols.parse_for(
                actor, data=await upload.read(), filename=upload.filename or ""
            )
        text = data.get("text")
        if isinstance(text, str):
            return protocols.parse_for(actor, text=text)
        raise protocols.EmptyInputError({"file": "Приложите файл протокола в поле file."})
    if content_type in {"application/json", ""}:
        try:
            body = msgspec.json.decode(await request.body(), type=ParseTextIn)
        except msgspec.ValidationError as exc:
            problem = validation_message(str(exc))
            raise protocols.EmptyInputError(
                {"text": f'Ожидается {{"text": "…"}}: {problem}.'}
            ) from exc
        except msgspec.DecodeError as exc:
            raise protocols.EmptyInputError({"text": "Тело запроса — не JSON."}) from exc
        return protocols.parse_for(actor, text=body.text)
    raise HTTPException(status_code=415, detail="Ожидается JSON или multipart/form-data.")


class ProtocolApiController(ApiController):
    path = "/api/v1/protocols"
    tags = ["protocols"]  # noqa: RUF012 - Litestar's declaration style
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style

    @post(
        "/parse",
        status_code=200,
        operation_class=ParseOperation,
        request_max_body_size=BODY_LIMIT,
        responses=UPLOAD_ERROR_RESPONSES,
    )
    async def parse(self, request: AnyRequest, actor: CurrentActor) -> ParsedProtocolOut:
        """Parse a protocol: ``{"text"}`` as JSON, or a multipart ``file`` (.txt, .md, .docx)
        → the parsed protocol (CONTRACT.md), nothing stored; send it, edited or not, to
        ``POST /api/v1/meetings``. 400 empty, 413 over 50 MB, 422 not a protocol or no
        decisions, each with a Russian ``detail``."""
        return ParsedProtocolOut.of(await _parse_request(request, actor))
