"""The attention counter: a badge in the page header that htmx refreshes, and its JSON twin.

``GET /attention`` answers the badge fragment (``templates/attention/_badge.html``) to anyone
signed in; it re-asks every minute and whenever the page fires ``attention-changed``.
``templates/attention/_slot.html`` is the placeholder ``base.html`` includes: it loads the badge
once the page is shown and, without JavaScript, shows nothing.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.exceptions import NotAuthorizedException
from litestar.response import Template

from tracker import clock
from tracker.attention import services
from tracker.web.auth import CurrentActor
from tracker.web.errors import not_authorized
from tracker.web.openapi import ApiController
from tracker.web.rendering import fragment, is_htmx


class AttentionOut(msgspec.Struct):
    count: int
    """How many things wait for the user (0: nothing)."""
    title: str
    """What they are, in Russian («Просрочено: 1; возвращено на доработку: 2.»)."""
    url: str | None
    """The page that lists them; null for a role with nothing to attend to."""


def _quiet_when_signed_out(
    request: Request[Any, Any, Any], exc: NotAuthorizedException
) -> Response[Any]:
    """The badge asks in the background: once the session has ended it stays as it is (204,
    htmx swaps nothing) rather than taking the user to the login page in the middle of a form."""
    if is_htmx(request):
        return Response(None, status_code=204)
    return not_authorized(request, exc)


class AttentionController(Controller):
    path = "/attention"
    include_in_schema = False
    exception_handlers = {NotAuthorizedException: _quiet_when_signed_out}  # noqa: RUF012 - Litestar's declaration style

    @get("/")
    async def badge(self, actor: CurrentActor) -> Template:
        found = await services.attention(actor, today=clock.today())
        return fragment("attention/_badge.html", {"attention": found})


class AttentionApiController(ApiController):
    path = "/api/v1"
    tags = ["attention"]  # noqa: RUF012 - Litestar's declaration style

    @get("/attention")
    async def attention(self, actor: CurrentActor) -> AttentionOut:
        """What needs the user's attention now: a school's overdue, returned and soon due
        assignments; the head's reports and extension requests to decide; the admin's failed
        e-mail. The secretary always gets 0."""
        found = await services.attention(actor, today=clock.today())
        return AttentionOut(count=found.count, title=found.title, url=found.url)
