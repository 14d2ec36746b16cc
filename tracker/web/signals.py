"""Tell the page when something changed, so the parts that watch for it refresh themselves.

After every successful htmx POST the response carries ``HX-Trigger: attention-changed``: the
attention badge in the header (``templates/attention/_badge.html``) listens for it and asks
again at once instead of within the minute. One place for every action, present and future.

The same middleware, the outermost of ours, also keeps a database outage a clean 503 when it
strikes while the answer is being started: the session is written to the database as the
response starts (``tracker.web.sessions``), after the handler, and Litestar takes an error
there for one "after the response started" and lets it out as a bare 500 with no page. Nothing
has left for the client yet at that point, so the error is handed back to the app's own
handlers (``tracker.web.errors``: 503, a Russian page or JSON, ``Retry-After``).
"""

from __future__ import annotations

import json

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from tracker import db

EVENT = "attention-changed"


def with_event(existing: str | None, event: str = EVENT) -> str:
    """``existing`` HX-Trigger value (names, or a JSON object of name → detail) plus ``event``."""
    if not existing:
        return event
    if existing.lstrip().startswith("{"):
        triggers = json.loads(existing)
        triggers.setdefault(event, None)
        return json.dumps(triggers, ensure_ascii=False)
    names = [name.strip() for name in existing.split(",")]
    return existing if event in names else f"{existing}, {event}"


class AnnounceChanges:
    """ASGI middleware: adds the event to successful htmx POST responses; a database outage
    met while the response starts is answered by the app's error handlers (module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        announcing = scope.get("method") == "POST" and _is_htmx(scope)
        started = False

        async def announce(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if announcing and message["status"] < 400:
                    headers = MutableScopeHeaders(message)
                    headers["HX-Trigger"] = with_event(headers.get("HX-Trigger"))
            await send(message)

        try:
            await self.app(scope, receive, announce)
        except Exception as exc:
            if started or not db.unavailable(exc):
                raise
            # nothing was sent: the app's exception handling (outside us) may still answer
            ScopeState.from_scope(scope).response_started = False
            raise


def _is_htmx(scope: Scope) -> bool:
    return any(name == b"hx-request" and value == b"true" for name, value in scope["headers"])
