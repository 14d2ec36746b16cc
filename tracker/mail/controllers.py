"""The outbox: the admin's pages (every message, one message, send a failed one again) and
``GET /api/v1/outbox`` (CONTRACT.md).

In embedded mode (no ``SMTP_URL``) nothing leaves the machine and these pages are where the
mail is read; with SMTP they show what was delivered and what failed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, cast
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.params import FromQuery, Parameter
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker.accounts.roles import Actor, Permission
from tracker.mail import outbox
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import MAX_ID, ApiController, PathId
from tracker.web.rendering import AnyRequest, Context, back_to, fragment, is_htmx, page

LIST_URL = "/admin/outbox"
TOTAL_HEADER = "X-Total-Count"


# ---------------------------------------------------------------- pages


def _list_url(*, to: str = "", status: str = "", page_number: int = 1) -> str:
    query = {"status": status, "to": to, "page": page_number if page_number > 1 else ""}
    encoded = urlencode({k: v for k, v in query.items() if v})
    return f"{LIST_URL}?{encoded}" if encoded else LIST_URL


def _back(form: Form, default: str) -> str:
    """Where to return after a change without JS: the outbox page it came from, else
    ``default`` (never another site)."""
    back = form.text("back", max_length=2000)
    return back if back.startswith(LIST_URL) and "//" not in back else default


async def _list_context(actor: Actor, query: Form) -> Context:
    """The outbox page for the filters in ``query``; a bad value is reported and ignored."""
    to = query.text("to", max_length=outbox.MAX_ADDRESS)
    status = query.text("status")
    if status and status not in outbox.STATUS_LABELS:
        query.errors["status"] = "Нет такого состояния."
        status = ""
    page_number = max(query.integer("page") or 1, 1)
    if "to" in query.errors:
        to = ""
    found = await outbox.list_messages(
        actor,
        to=to,
        status=status,
        limit=outbox.PAGE_SIZE,
        offset=(page_number - 1) * outbox.PAGE_SIZE,
    )
    previous_url = next_url = None
    if found.previous_offset is not None:
        previous_url = _list_url(to=to, status=status, page_number=page_number - 1)
    if found.next_offset is not None:
        next_url = _list_url(to=to, status=status, page_number=page_number + 1)
    return {
        "mail": found,
        "counts": await outbox.counts(actor),
        "statuses": list(outbox.STATUS_LABELS.items()),
        "filters": {"to": to, "status": status},
        "errors": query.errors,
        "this_url": _list_url(to=to, status=status, page_number=page_number),
        "previous_url": previous_url,
        "next_url": next_url,
    }


class OutboxAdminController(Controller):
    path = LIST_URL
    guards = [requires(Permission.ADMINISTER)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        """Every message, newest first, 50 a page; filtered by status and address."""
        query = Form(request.query_params)
        context = await _list_context(actor, query)
        return page(
            request,
            "mail/outbox.html",
            context,
            fragment="mail/_outbox_table.html",
            status_code=422 if query.errors else 200,
        )

    @get("/{message_id:int}")
    async def message_page(
        self, request: AnyRequest, actor: CurrentActor, message_id: PathId
    ) -> Template:
        """One message: its headers, the text, the HTML version shown inert."""
        context: Context = {"m": await outbox.get_message(actor, message_id)}
        return page(request, "mail/message.html", context, fragment="mail/_message_view.html")

    @get("/{message_id:int}/html")
    async def message_html(self, actor: CurrentActor, message_id: PathId) -> Response[str]:
        """The HTML version alone, for the message page's sandboxed frame. The site's
        Content-Security-Policy refuses inline styles, and a frame's ``srcdoc`` inherits it;
        this answer has a policy of its own: the e-mail's inline styles and nothing else (no
        script, no request out, sandboxed even when opened directly), framed by this site only."""
        message = await outbox.get_message(actor, message_id)
        return Response(
            message.body_html,
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": (
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                    "sandbox; frame-ancestors 'self'"
                ),
                "X-Frame-Options": "SAMEORIGIN",
                "Cache-Control": "private, no-store",
            },
        )

    @post("/{message_id:int}/retry")
    async def retry(
        self, request: AnyRequest, actor: CurrentActor, message_id: PathId
    ) -> Template | Redirect:
        """Queue a failed message again (409 for any other). htmx gets the row back, a plain
        form a redirect to where it came from."""
        form = Form(await request.form())
        back = _back(form, f"{LIST_URL}/{message_id}")
        message = await outbox.retry(actor, message_id)
        flash(
            request,
            f"Письмо для {message.to_address} снова в очереди на отправку.",
            category="success",
        )
        swap = None
        if is_htmx(request):
            context: Context = {
                "m": message,
                "this_url": back,
                "counts": await outbox.counts(actor),
                "statuses": list(outbox.STATUS_LABELS.items()),
                "oob": True,
            }
            swap = fragment("mail/_outbox_row.html", context)
        return back_to(request, back, swap)


# ---------------------------------------------------------------- JSON API

OutboxStatus = Literal["queued", "sending", "sent", "failed"]


class OutboxMessageOut(msgspec.Struct):
    """One message of the outbox. The first six fields are the contract (CONTRACT.md)."""

    to: str
    subject: str
    body: str
    """The plain-text body."""
    status: OutboxStatus
    created_at: datetime
    sent_at: datetime | None
    id: int
    attempts: int
    """Delivery attempts so far."""
    last_error: str
    """Why the last attempt failed ("" when none did)."""
    transport: str
    """``smtp``, or ``outbox`` when no SMTP server is configured ("" until the first attempt)."""


def _message_out(m: outbox.MessageView) -> OutboxMessageOut:
    return OutboxMessageOut(
        to=m.to_address,
        subject=m.subject,
        body=m.body_text,
        status=cast(OutboxStatus, m.status),  # one of outbox.STATUS_LABELS
        created_at=m.created_at,
        sent_at=m.sent_at,
        id=m.id,
        attempts=m.attempts,
        last_error=m.last_error,
        transport=m.transport,
    )


class OutboxApiController(ApiController):
    path = "/api/v1"
    tags = ["outbox"]  # noqa: RUF012 - Litestar's declaration style

    @get(
        "/outbox",
        response_headers=[
            ResponseHeader(
                name=TOTAL_HEADER,
                description="How many messages match the filter in all (beyond this page).",
                documentation_only=True,
            )
        ],
    )
    async def list_outbox(
        self,
        actor: CurrentActor,
        to: FromQuery[str | None] = None,
        status: FromQuery[OutboxStatus | None] = None,
        limit: Annotated[
            int, Parameter(ge=1, le=outbox.MAX_LIMIT, description="Messages per answer.")
        ] = 100,
        offset: Annotated[int, Parameter(ge=0, le=MAX_ID, description="Messages to skip.")] = 0,
    ) -> Response[list[OutboxMessageOut]]:
        """Every message the system queued, newest first (admin only), in embedded mode and
        with SMTP alike. ``to`` is one address, matched whole in any letter case. The total
        number of matching messages is in the ``X-Total-Count`` header."""
        found = await outbox.list_messages(actor, to=to, status=status, limit=limit, offset=offset)
        return Response(
            [_message_out(m) for m in found.items],
            headers={TOTAL_HEADER: str(found.total)},
        )
