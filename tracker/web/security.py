"""Web hardening that sits around every handler: security headers on every answer, and
server-side sessions that get a new id when someone signs in.

Headers (``SecurityHeadersMiddleware``, a plain ASGI wrapper around the whole application, so
404s, 405s, errors, static files, the API and downloads all get them):

- ``Content-Security-Policy``: scripts and styles from this site only, no inline script, no
  inline style, no plugins, no ``<base>`` elsewhere, forms post only here, and no framing by
  anyone (``frame-ancestors 'none'``). htmx's own indicator ``<style>`` is switched off in
  ``base.html`` (``includeIndicatorStyles: false``) and its rules live in ``app.css``.
  An answer that sets its own policy keeps it (downloads: ``default-src 'none'; sandbox``).
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (older browsers),
  ``Referrer-Policy: same-origin`` (addresses of assignments never leave the site, e.g. when a
  report's link is followed), ``Permissions-Policy`` switching off what the app never uses,
  ``Cross-Origin-Opener-Policy: same-origin``.
- ``Strict-Transport-Security`` when the app is served over TLS (``TRACKER_SECURE_COOKIES=1``).

Sessions (``SessionConfig``): Litestar's server-side backend keeps the id the browser sent even
after ``clear_session`` + ``set_session``, so an id planted before sign-in would be signed in
too (session fixation). ``renew_session`` marks the request; the backend then stores the data
under a fresh id, deletes the old entry and sends the new cookie. An empty session (a visitor
who is not signed in and has nothing to keep) is not stored at all: requests without a cookie
cannot fill the session table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty
from litestar.utils.dataclass import extract_dataclass_items

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.types import ASGIApp, Message, Receive, Scope, ScopeSession, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "accelerometer=(), gyroscope=(), magnetometer=()"
)
HSTS = "max-age=31536000"
"""One year. No ``includeSubDomains``: the department's other hosts are not ours to decide."""


def security_headers(*, tls: bool) -> list[tuple[bytes, bytes]]:
    """The headers every answer gets (unless it sets the same header itself)."""
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "permissions-policy": PERMISSIONS_POLICY,
        "cross-origin-opener-policy": "same-origin",
    }
    if tls:
        headers["strict-transport-security"] = HSTS
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def _with_defaults(
    present: Iterable[tuple[bytes, bytes]], defaults: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    headers = list(present)
    names = {name.lower() for name, _ in headers}
    headers.extend(header for header in defaults if header[0] not in names)
    return headers


class SecurityHeadersMiddleware:
    """A plain ASGI wrapper: adds ``security_headers`` to the start of every HTTP answer.

    It does no more than one list copy and one small set per answer (no parsing of the request,
    no per-request allocation of the headers themselves), so it costs nothing measurable at the
    app's 200 requests/s."""

    __slots__ = ("app", "headers")

    def __init__(self, app: ASGIApp, *, tls: bool) -> None:
        self.app = app
        self.headers = security_headers(tls=tls)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        defaults = self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _with_defaults(message.get("headers") or (), defaults)
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ------------------------------------------------------------------------------------ sessions

RENEW_STATE_KEY = "tracker.session.renew"


def renew_session(connection: ASGIConnection[Any, Any, Any, Any], data: dict[str, Any]) -> None:
    """Replace the session with ``data`` under a new id (signing in): the id the browser had
    before, whoever chose it, is deleted and never signed in."""
    connection.clear_session()
    connection.set_session(data)
    connection.scope["state"][RENEW_STATE_KEY] = True


class RenewingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, plus a new id on ``renew_session`` and no row for an
    empty session."""

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        sent_id = connection.cookies.get(self.config.key)
        if sent_id == "null":  # what Litestar sends to delete the cookie
            sent_id = None
        renew = bool(connection.scope["state"].get(RENEW_STATE_KEY))
        if scope_session is not Empty and not scope_session:
            if sent_id:
                # Nothing left to keep (e.g. the user was switched off): forget the old entry.
                await super().store_in_message(Empty, message, connection)
            return  # nothing to keep and no cookie sent: no row, no cookie
        if not renew or scope_session is Empty:
            await super().store_in_message(scope_session, message, connection)
            return
        store = self.config.get_store_from_app(connection.scope["app"])
        if sent_id:
            await self.delete(sent_id, store=store)
        session_id = self.generate_session_id()
        await self.set(session_id, self.serialize_data(scope_session, connection.scope), store)
        cookie_params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        MutableScopeHeaders.from_message(message).add(
            "Set-Cookie",
            Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header=""),
        )


@dataclass
class SessionConfig(ServerSideSessionConfig):
    """``ServerSideSessionConfig`` with ``RenewingSessionBackend``."""

    _backend_class = RenewingSessionBackend
