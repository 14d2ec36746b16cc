"""The chart pages: a meeting's charts, and the trend across meetings.

Each is an htmx fragment that the meeting page (or the dashboard) loads into a placeholder,
and a whole page when opened directly. For the head and the secretary, like the meeting
pages: any other role gets 403 (the services check the permission again).
"""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from tracker import clock
from tracker.accounts.roles import Permission
from tracker.charts import services
from tracker.web.auth import CurrentActor
from tracker.web.guards import requires
from tracker.web.openapi import PathId
from tracker.web.rendering import AnyRequest, page


class ChartPagesController(Controller):
    path = "/"
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/meetings/{meeting_id:int}/charts")
    async def meeting_charts(
        self, request: AnyRequest, actor: CurrentActor, meeting_id: PathId
    ) -> Template:
        charts = await services.meeting_charts(actor, meeting_id, today=clock.today())
        return page(
            request, "charts/meeting.html", {"charts": charts}, fragment="charts/_meeting.html"
        )

    @get("/charts/trend")
    async def trend(self, request: AnyRequest, actor: CurrentActor) -> Template:
        found = await services.trend_across_meetings(actor, today=clock.today())
        return page(request, "charts/trend.html", {"trend": found}, fragment="charts/_trend.html")
