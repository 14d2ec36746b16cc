"""Reading the outbox and sending a failed message again: the admin's view of e-mail.

Queueing and delivery live in ``tracker.mail.services``; this module only reads the rows and
puts a failed one back in the queue, where the next delivery sweep picks it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.functions.string import Lower
from piccolo.querystring import QueryString

from tracker import clock, db
from tracker.accounts.roles import Actor, Permission
from tracker.audit import services as audit
from tracker.errors import ConflictError, NotFoundError, ValidationError
from tracker.mail.services import FAILED, QUEUED, SENDING, SENT
from tracker.mail.tables import OutboxMessage

STATUS_LABELS = {
    QUEUED: "в очереди",
    SENDING: "отправляется",
    SENT: "отправлено",
    FAILED: "ошибка",
}
"""Every status a message can have, in the order of its life, with its Russian name."""

PAGE_SIZE = 50
MAX_LIMIT = 1000
MAX_ADDRESS = 320


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    key: str
    to_address: str
    subject: str
    body_text: str
    body_html: str
    status: str
    transport: str
    attempts: int
    last_error: str
    next_attempt_at: datetime
    created_at: datetime
    sent_at: datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def can_retry(self) -> bool:
        return self.status == FAILED


@dataclass(frozen=True, slots=True)
class MessagePage:
    """One page of messages, newest first, and how many match the filter in all."""

    items: tuple[MessageView, ...]
    total: int
    limit: int
    offset: int

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None

    @property
    def page_number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def first_number(self) -> int:
        """The position of the first message shown, counting from 1 (0 when none is)."""
        return self.offset + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return self.offset + len(self.items)


_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.key,
    OutboxMessage.to_address,
    OutboxMessage.subject,
    OutboxMessage.body_text,
    OutboxMessage.body_html,
    OutboxMessage.status,
    OutboxMessage.transport,
    OutboxMessage.attempts,
    OutboxMessage.last_error,
    OutboxMessage.next_attempt_at,
    OutboxMessage.created_at,
    OutboxMessage.sent_at,
)


def _view(row: dict[str, Any]) -> MessageView:
    return MessageView(
        id=row["id"],
        key=row["key"],
        to_address=row["to_address"],
        subject=row["subject"],
        body_text=row["body_text"],
        body_html=row["body_html"],
        status=row["status"],
        transport=row["transport"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        next_attempt_at=row["next_attempt_at"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
    )


def _check_filter(
    *, to: str | None, status: str | None, limit: int, offset: int
) -> tuple[str | None, str | None]:
    """The address and status to filter by (blank means no filter), or a ValidationError."""
    errors: dict[str, str] = {}
    address = (to or "").strip() or None
    if address is not None and len(address) > MAX_ADDRESS:
        errors["to"] = f"Адрес длиннее {MAX_ADDRESS} символов."
    wanted = (status or "").strip() or None
    if wanted is not None and wanted not in STATUS_LABELS:
        errors["status"] = "Нет такого состояния: " + ", ".join(STATUS_LABELS) + "."
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = f"Число писем на странице — от 1 до {MAX_LIMIT}."
    if offset < 0:
        errors["offset"] = "Смещение не может быть отрицательным."
    if errors:
        raise ValidationError(errors)
    return address, wanted


async def list_messages(
    actor: Actor,
    *,
    to: str | None = None,
    status: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> MessagePage:
    """Messages newest first; ``to`` is one address, matched whole but in any letter case."""
    actor.require(Permission.ADMINISTER)
    address, wanted = _check_filter(to=to, status=status, limit=limit, offset=offset)
    query = OutboxMessage.select(*_COLUMNS)
    count = OutboxMessage.count()
    if address is not None:
        # lower() on both sides, so SQLite and PostgreSQL fold the same letters.
        same_address = Lower(OutboxMessage.to_address) == QueryString("lower({})", address)
        query = query.where(same_address)
        count = count.where(same_address)
    if wanted is not None:
        query = query.where(OutboxMessage.status == wanted)
        count = count.where(OutboxMessage.status == wanted)
    rows = await (
        query.order_by(OutboxMessage.created_at, ascending=False)
        .order_by(OutboxMessage.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    return MessagePage(
        items=tuple(_view(r) for r in rows), total=await count, limit=limit, offset=offset
    )


async def get_message(actor: Actor, message_id: int) -> MessageView:
    actor.require(Permission.ADMINISTER)
    row = await OutboxMessage.select(*_COLUMNS).where(OutboxMessage.id == message_id).first()
    if row is None:
        raise NotFoundError("Письмо не найдено.")
    return _view(row)


async def retry(actor: Actor, message_id: int) -> MessageView:
    """Queue a failed message again, due now. Its attempts and last error stay as a record of
    what happened; any other status is a conflict (it is queued, on its way, or sent)."""
    actor.require(Permission.ADMINISTER)
    now = clock.now()
    async with db.transaction():
        row = (
            await OutboxMessage.select(
                OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error
            )
            .where(OutboxMessage.id == message_id)
            .first()
        )
        if row is None:
            raise NotFoundError("Письмо не найдено.")
        changed = (
            await OutboxMessage.update(
                {
                    OutboxMessage.status: QUEUED,
                    OutboxMessage.next_attempt_at: now,
                    OutboxMessage.locked_until: None,
                }
            )
            .where((OutboxMessage.id == message_id) & (OutboxMessage.status == FAILED))
            .returning(OutboxMessage.id)
        )
        if not changed:
            label = STATUS_LABELS.get(row["status"], row["status"])
            raise ConflictError(
                f"Отправить повторно можно только письмо с ошибкой, а это письмо — «{label}»."
            )
        await audit.record(
            actor,
            "outbox_message",
            message_id,
            "retry",
            before={
                "status": FAILED,
                "attempts": row["attempts"],
                "last_error": row["last_error"],
            },
            after={"status": QUEUED, "next_attempt_at": now},
        )
    return await get_message(actor, message_id)


async def counts(actor: Actor) -> dict[str, int]:
    """How many messages are in each status (every status present, zero or more)."""
    actor.require(Permission.ADMINISTER)
    rows = await OutboxMessage.select(
        OutboxMessage.status, Count(OutboxMessage.id, alias="n")
    ).group_by(OutboxMessage.status)
    found = {r["status"]: r["n"] for r in rows}
    return {status: found.get(status, 0) for status in STATUS_LABELS}
