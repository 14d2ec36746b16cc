"""The audit log: ``/audit`` (a page of the trail, filtered, newest first) and ``/audit.csv``
(every event the same filters match, streamed). For the head and the administrator; the
service checks the role again."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.response import Stream, Template

from tracker import clock
from tracker.accounts.roles import Actor, Role
from tracker.audit import export, rules, search
from tracker.audit.rules import AuditFilter
from tracker.settings import get_settings
from tracker.web.auth import CurrentActor
from tracker.web.downloads import streamed_attachment
from tracker.web.forms import Form
from tracker.web.guards import roles_only
from tracker.web.rendering import AnyRequest, Context, is_htmx, page

LOG_URL = "/audit"


def read_filters(form: Form) -> AuditFilter:
    """The filters of the query string; a bad value is noted in ``form.errors`` and ignored."""
    text = form.text("q", max_length=rules.MAX_TEXT)
    if "q" in form.errors:
        text = ""
    entity = form.text("entity", max_length=40)
    if entity and entity not in rules.ENTITY_LABELS:
        form.errors["entity"] = "Нет такого вида объектов."
        entity = ""
    object_id = form.integer("object") if entity else None
    user = form.text("user", max_length=20)
    system = user == "system"
    user_id = form.integer("user") if user and not system else None
    date_from, date_to = form.date("from"), form.date("to")
    if date_from and date_to and date_from > date_to:
        form.errors["to"] = "Конец периода раньше его начала."
        date_to = None
    return AuditFilter(
        text=text,
        entity=entity,
        object_id=object_id,
        user_id=user_id,
        system=system,
        date_from=date_from,
        date_to=date_to,
    )


def query_of(filters: AuditFilter, **cursor: int | None) -> str:
    """The query string that asks for ``filters`` (and a page cursor), empty values left out."""
    values: dict[str, Any] = {
        "q": filters.text,
        "entity": filters.entity,
        "object": filters.object_id if filters.entity else None,
        "user": "system" if filters.system else filters.user_id,
        "from": filters.date_from.isoformat() if filters.date_from else None,
        "to": filters.date_to.isoformat() if filters.date_to else None,
        **cursor,
    }
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _url(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


async def _log_context(request: AnyRequest, actor: Actor, form: Form) -> Context:
    filters = read_filters(form)
    before, after = form.integer("before"), form.integer("after")
    found = await search.search(actor, filters, before=before, after=after)
    context: Context = {
        "log": found,
        "filters": filters,
        "errors": form.errors,
        "export_url": _url(f"{LOG_URL}.csv", query_of(filters)),
        "older_url": _url(LOG_URL, query_of(filters, before=found.older)) if found.older else None,
        "newer_url": _url(LOG_URL, query_of(filters, after=found.newer)) if found.newer else None,
        "first_url": _url(LOG_URL, query_of(filters)),
        "entities": list(rules.ENTITY_LABELS.items()),
        "entity_labels": rules.ENTITY_LABELS,
    }
    if not is_htmx(request):
        context["users"] = await search.user_options(actor, filters.user_id)
    return context


class AuditController(Controller):
    path = "/"
    guards = [roles_only(Role.HEAD, Role.ADMIN)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get(LOG_URL)
    async def log_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """Every change, newest first, 50 a page; by text, kind of object, user, period."""
        form = Form(request.query_params)
        context = await _log_context(request, actor, form)
        return page(
            request,
            "audit/log.html",
            context,
            fragment="audit/_results.html",
            status_code=422 if form.errors else 200,
        )

    @get(f"{LOG_URL}.csv")
    async def log_csv(self, request: AnyRequest, actor: CurrentActor) -> Stream:
        """The events the same filters match, all of them, as CSV made while it is sent."""
        form = Form(request.query_params)
        batches = search.export(actor, read_filters(form))
        name = f"журнал-изменений-{clock.today():%Y-%m-%d}.csv"
        chunks = export.csv_chunks(batches, get_settings().tz)
        return streamed_attachment(name, "text/csv; charset=utf-8", chunks)
