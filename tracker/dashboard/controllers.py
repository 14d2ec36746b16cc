"""The department's dashboard, a school's card and the search: pages (and their htmx
fragments) for the head and the secretary; any other role gets 403 (the services check
``SEE_ALL_SCHOOLS`` again).
"""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from tracker import clock
from tracker.accounts.roles import Permission
from tracker.dashboard import services
from tracker.dashboard.rules import (
    MARKS,
    MIN_QUERY,
    STATUS_FILTER_LABELS,
    StatusFilter,
    check_period,
)
from tracker.errors import ValidationError
from tracker.exports.cells import LABELS, shorten
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import PathId
from tracker.web.rendering import AnyRequest, Context, page
from tracker.web.templating import ru_date

FILTERS = ("meeting", "start", "end", "group", "status")
STATUSES = [(s.value, label) for s, label in STATUS_FILTER_LABELS.items()]


def read_filters(request: AnyRequest) -> services.Filters:
    """The dashboard's filters from the query; a bad value: ``ValidationError``."""
    form = Form(request.query_params)
    meeting_id = form.integer("meeting")
    group_id = form.integer("group")
    start, end = form.date("start"), form.date("end")
    raw_status = form.text("status") or StatusFilter.ALL.value
    if raw_status not in {s.value for s in StatusFilter}:
        form.errors["status"] = "Выберите состояние из списка."
    page_number = form.integer("page") or 1
    form.check()
    return services.Filters(
        meeting_id=meeting_id,
        period=check_period(start, end),
        group_id=group_id,
        status=StatusFilter(raw_status),
        page=page_number,
    )


def _choices(options: services.Options) -> Context:
    """The filter form's lists, as (value, label) pairs."""
    return {
        "meeting_choices": [
            (
                m.id,
                f"{ru_date(m.date)}{f' № {m.number}' if m.number else ''} — {shorten(m.title, 60)}",
            )
            for m in options.meetings
        ],
        "group_choices": [(g.id, g.name) for g in options.groups],
    }


def _values(board: services.Dashboard) -> dict[str, str]:
    f = board.filters
    return {
        "meeting": "" if f.meeting_id is None else str(f.meeting_id),
        "start": "" if f.period is None else f.period[0].isoformat(),
        "end": "" if f.period is None else f.period[1].isoformat(),
        "group": "" if f.group_id is None else str(f.group_id),
        "status": f.status.value,
    }


class DashboardController(Controller):
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/dashboard")
    async def dashboard(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """The matrix of a meeting or a period; for htmx (the filter form, the page links)
        only the results."""
        context: Context = {"statuses": STATUSES, "labels": LABELS, "marks": MARKS}
        try:
            board = await services.dashboard(actor, read_filters(request), today=clock.today())
        except ValidationError as exc:
            context |= _choices(await services.filter_options(actor))
            context |= {
                "board": None,
                "values": {k: request.query_params.get(k, "") for k in FILTERS},
                "errors": exc.errors,
            }
            return page(
                request,
                "dashboard/dashboard.html",
                context,
                fragment="dashboard/_results.html",
                status_code=422,
            )
        context |= _choices(board.options)
        context |= {"board": board, "values": _values(board), "errors": {}}
        return page(
            request, "dashboard/dashboard.html", context, fragment="dashboard/_results.html"
        )

    @get("/schools/{school_id:int}")
    async def school(self, request: AnyRequest, actor: CurrentActor, school_id: PathId) -> Template:
        card = await services.school_card(actor, school_id, today=clock.today())
        return page(
            request, "dashboard/school.html", {"card": card}, fragment="dashboard/_school.html"
        )

    @get("/search")
    async def search(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """Decisions and schools; a query too short gets a hint, not an error."""
        text = request.query_params.get("q", "")
        found = await services.search(actor, text)
        context: Context = {"found": found, "min_query": MIN_QUERY}
        return page(
            request, "dashboard/search.html", context, fragment="dashboard/_search_results.html"
        )
