"""Set each page request's locale (``locales.current_locale``) before the handler runs.

Mounted after the authentication middleware, so the signed-in user's saved choice is known;
the API (JSON for scripts) and static files are left alone.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from tracker.accounts.roles import Actor
from tracker.i18n.locales import COOKIE_NAME, current_locale, negotiate

SKIPPED_PREFIXES = ("/api/", "/static/")


def cookie_value(cookie_header: str | None, name: str = COOKIE_NAME) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def request_locale(scope: Scope) -> str:
    """The locale of this request: the user's saved choice (read with the user by the
    authentication middleware), the cookie, the browser."""
    headers = Headers.from_scope(scope)
    user = scope.get("user")
    saved = user.locale if isinstance(user, Actor) else None
    return negotiate(saved, cookie_value(headers.get("cookie")), headers.get("accept-language"))


class LocaleMiddleware:
    """ASGI middleware: the request's locale in ``current_locale`` for its whole handling."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith(SKIPPED_PREFIXES):
            await self.app(scope, receive, send)
            return
        token = current_locale.set(request_locale(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            current_locale.reset(token)
