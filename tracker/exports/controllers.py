"""Downloads and print views of the compliance figures: a meeting's matrix (``.xlsx`` and a print
page) and the execution-discipline report (a page and ``.xlsx``).

For the head and the secretary (a guard on each controller: any other role gets 403); the
services check the permission again.
"""

from __future__ import annotations

from datetime import date

from litestar import Controller, Response, get, post
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker import clock
from tracker.accounts.roles import Actor, Permission
from tracker.errors import ValidationError
from tracker.exports import services as exports
from tracker.exports.cells import COLOURS, LABELS, matrix_rows
from tracker.exports.discipline import DisciplineReport, discipline
from tracker.exports.xlsx import MEDIA_TYPE, compliance_workbook, discipline_workbook
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.meetings import services as meetings
from tracker.web.auth import CurrentActor
from tracker.web.downloads import attachment
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import ApiController, PathId
from tracker.web.rendering import AnyRequest, Context, fragment, is_htmx, page


def xlsx_response(data: bytes, filename: str) -> Response[bytes]:
    """A workbook as an attachment under its Russian name (RFC 5987)."""
    return attachment(filename, MEDIA_TYPE, data)


async def _matrix_xlsx(actor: Actor, meeting_id: int) -> Response[bytes]:
    found = await exports.meeting_matrix(actor, meeting_id, today=clock.today())
    return xlsx_response(compliance_workbook(found.compliance, title=found.title), found.filename)


def _period(request: AnyRequest) -> tuple[Form, date | None, date | None]:
    """The period from the query; no dates at all means this year so far."""
    form = Form(request.query_params)
    start, end = form.date("start"), form.date("end")
    if not form.errors and start is None and end is None:
        today = clock.today()
        start, end = date(today.year, 1, 1), today
    return form, start, end


async def _report(request: AnyRequest, actor: Actor) -> tuple[Context, DisciplineReport]:
    form, start, end = _period(request)
    if form.errors:
        raise ValidationError(form.errors)
    report = await discipline(actor, start=start, end=end, today=clock.today())
    values = {"start": f"{report.start:%Y-%m-%d}", "end": f"{report.end:%Y-%m-%d}"}
    return values, report


class MatrixPagesController(Controller):
    path = "/meetings"
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/{meeting_id:int}/compliance.xlsx")
    async def compliance_xlsx(self, actor: CurrentActor, meeting_id: PathId) -> Response[bytes]:
        return await _matrix_xlsx(actor, meeting_id)

    @post("/{meeting_id:int}/compliance.xlsx/job", status_code=200)
    async def compliance_xlsx_job(
        self, request: AnyRequest, actor: CurrentActor, meeting_id: PathId
    ) -> Template | Redirect | Response[None]:
        """«Сформировать .xlsx»: a large district's workbook is made in the background (the
        progress bar, then the download); a small one is downloaded at once."""
        await meetings.get_meeting(actor, meeting_id)  # 404 before anything is started
        direct = f"/meetings/{meeting_id}/compliance.xlsx"
        if not jobs.in_background(await jobs.meeting_cells(meeting_id)):
            if is_htmx(request):
                return Response(None, status_code=204, headers={"HX-Redirect": direct})
            return Redirect(path=direct, status_code=303)
        job = await jobs.start(actor, kinds.COMPLIANCE_XLSX, {"meeting_id": meeting_id})
        if is_htmx(request):
            return fragment("jobs/_job.html", {"job": job, "poll_url": f"/jobs/{job.id}"})
        flash(request, "Файл формируется: когда он будет готов, здесь появится ссылка.", "info")
        return Redirect(path=f"/jobs/{job.id}", status_code=303)

    @get("/{meeting_id:int}/compliance/print")
    async def compliance_print(self, actor: CurrentActor, meeting_id: PathId) -> Template:
        found = await exports.meeting_matrix(actor, meeting_id, today=clock.today())
        context = {
            "matrix": found,
            "rows": matrix_rows(found.compliance),
            "labels": LABELS,
            "colours": COLOURS,
        }
        return Template(template_name="exports/compliance_print.html", context=context)


class ReportPagesController(Controller):
    path = "/reports"
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/discipline")
    async def discipline_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        try:
            values, report = await _report(request, actor)
        except ValidationError as exc:
            refused: Context = {
                "values": {k: request.query_params.get(k, "") for k in ("start", "end")},
                "errors": exc.errors,
                "report": None,
            }
            return page(
                request,
                "exports/discipline.html",
                refused,
                fragment="exports/_discipline.html",
                status_code=422,
            )
        context: Context = {"values": values, "errors": {}, "report": report}
        return page(
            request, "exports/discipline.html", context, fragment="exports/_discipline.html"
        )

    @get("/discipline.xlsx")
    async def discipline_xlsx(self, request: AnyRequest, actor: CurrentActor) -> Response[bytes]:
        _, report = await _report(request, actor)
        return xlsx_response(discipline_workbook(report), exports.discipline_filename(report))


class ExportApiController(ApiController):
    path = "/api/v1"
    tags = ["meetings"]  # noqa: RUF012 - Litestar's declaration style
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style

    @get(
        "/meetings/{meeting_id:int}/compliance.xlsx",
        media_type=MEDIA_TYPE,
        response_description="The compliance matrix as an .xlsx workbook",
    )
    async def compliance_xlsx(self, actor: CurrentActor, meeting_id: PathId) -> Response[bytes]:
        """The compliance matrix of the meeting's decisions (decision × school, statuses in
        Russian and in colour, totals per school on a second sheet) as ``.xlsx``."""
        return await _matrix_xlsx(actor, meeting_id)
