"""Tell the page when something changed, so the parts that watch for it refresh themselves.

After every successful htmx POST the response carries ``HX-Trigger: attention-changed``: the
attention badge in the header (``templates/attention/_badge.html``) listens for it and asks
again at once instead of within the minute. One place for every action, present and future.
"""

from __future__ import annotations

import json

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

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
    """ASGI middleware: adds the event to successful htmx POST responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "POST" or not _is_htmx(scope):
            await self.app(scope, receive, send)
            return

        async def announce(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                headers = MutableScopeHeaders(message)
                headers["HX-Trigger"] = with_event(headers.get("HX-Trigger"))
            await send(message)

        await self.app(scope, receive, announce)


def _is_htmx(scope: Scope) -> bool:
    return any(name == b"hx-request" and value == b"true" for name, value in scope["headers"])
