"""The calendar subscription: the school leader's page (/my/calendar) and the public feed.

The feed (``GET /calendar/{secret}.ics``) is opened by calendar applications, which carry no
session: the secret in the path is the only credential, so its path is public (see
``tracker.web.auth.PUBLIC_PATHS``) and an unknown secret gets a bare 404 with no hint.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker.accounts.roles import Actor, Role
from tracker.feeds import services as feeds
from tracker.web.auth import CurrentActor
from tracker.web.guards import roles_only
from tracker.web.rendering import AnyRequest, Context, back_to, fragment, page

PAGE = "/my/calendar"
FRESH_KEY = "feed_token"
"""Where a new secret waits in the session for the one page view after a redirect (no JS)."""
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


async def _context(actor: Actor, token: str | None = None) -> Context:
    url = feeds.feed_url(token) if token else ""
    return {
        "state": await feeds.feed_state(actor),
        "token": token,
        "feed_url": url,
        "webcal_url": feeds.webcal_url(url) if url else "",
    }


def _pop_fresh(request: AnyRequest) -> str | None:
    session: dict[str, Any] = request.session if "session" in request.scope else {}
    token = session.pop(FRESH_KEY, None)
    return token if isinstance(token, str) else None


class FeedPagesController(Controller):
    path = PAGE
    guards = [roles_only(Role.SCHOOL)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def subscription(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """«Подписка на календарь»: the address, shown in full once, right after it is made."""
        context = await _context(actor, _pop_fresh(request))
        response = page(
            request, "feeds/calendar.html", context, fragment="feeds/_subscription.html"
        )
        response.headers.update(NO_STORE)
        return response

    @post("/")
    async def issue(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        """Make the address (or a new one, which stops the old one working)."""
        had_one = await feeds.feed_state(actor) is not None
        token = await feeds.issue_feed_token(actor)
        message = (
            "Создан новый адрес календаря; старый больше не работает."
            if had_one
            else "Адрес календаря создан."
        )
        flash(request, message, category="success")
        swap = fragment(
            "feeds/_subscription.html", await _context(actor, token) | {"oob_messages": True}
        )
        swap.headers.update(NO_STORE)
        answer = back_to(request, PAGE, swap)
        if isinstance(answer, Redirect):
            request.session[FRESH_KEY] = token
        return answer

    @post("/revoke")
    async def revoke(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        """Switch the subscription off: the address stops working."""
        revoked = await feeds.revoke_feed_token(actor)
        flash(
            request,
            "Подписка отключена: адрес календаря больше не работает."
            if revoked
            else "Подписки на календарь не было.",
            category="success",
        )
        swap = fragment("feeds/_subscription.html", await _context(actor) | {"oob_messages": True})
        return back_to(request, PAGE, swap)


class FeedController(Controller):
    """The feed itself, for calendar applications (no session, no CSRF: GET only)."""

    path = "/calendar"
    include_in_schema = False

    @get("/{name:str}")
    async def feed(self, name: FromPath[str]) -> Response[bytes]:
        token = name.removesuffix(".ics")
        found = await feeds.school_feed(token) if token != name else None
        if found is None:
            return Response(
                "Не найдено.".encode(),
                status_code=404,
                media_type="text/plain",
                headers=NO_STORE,
            )
        return Response(
            feeds.render_feed(found),
            media_type="text/calendar",
            headers=NO_STORE | {"Content-Disposition": 'inline; filename="calendar.ics"'},
        )
