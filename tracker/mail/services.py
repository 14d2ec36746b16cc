"""Queueing and delivering e-mail through the outbox.

Every message is first a row of ``outbox_message`` with a unique ``key``: queueing the same
message twice (a sweep run twice, two workers at once) inserts it once. Delivery then takes
rows in small batches:

    queued ──claim──► sending ──SMTP accepts──► sent
                         │ ──refused for good (5xx, bad address)──► failed
                         └──server down, 4xx──► queued again, later (backoff), or failed
                                                 after MAX_ATTEMPTS

A claim holds a row for ``TRACKER_MAIL_LEASE_SECONDS``; a worker that dies (SIGKILL) leaves its
rows in ``sending`` and another worker takes them over once the lease is past. A live worker
sends from a batch only during the first half of its lease and puts the rest back, so a slow
server never has two workers sending one message; the claim counts an attempt, and a worker
writes a message's outcome only while the count is still its claim's. Each message is
marked sent right after the server accepted it, so a dead worker can at most have the one
message it was handing over at that instant sent again — with the same ``Message-ID``, which
mail systems use to drop such a repeat. Without ``SMTP_URL`` nothing leaves the machine: a
message is marked sent with the transport ``outbox`` and read on the admin's outbox page.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.generator import BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from piccolo.engine.postgres import PostgresEngine

from tracker import clock, db
from tracker.mail.tables import OutboxMessage
from tracker.settings import Settings, get_settings

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
MAX_ATTEMPTS = 25
"""With the backoff below: about a day of retries before a message is given up."""
BATCH = 50
SMTP_TIMEOUT = 30


@dataclass(frozen=True)
class Outgoing:
    """A message to queue."""

    key: str
    to: str
    subject: str
    text: str
    html: str = ""
    user_id: int | None = None


async def queue(messages: Sequence[Outgoing], *, now: datetime | None = None) -> list[int]:
    """Queue messages; one whose key is already in the outbox is skipped. Returns the new ids.

    Call it inside the transaction that decided to send them: they are queued or not with it."""
    if not messages:
        return []
    now = now or clock.now()
    return await db.insert_new(
        OutboxMessage,
        [
            {
                "key": m.key,
                "user": m.user_id,
                "to_address": m.to,
                "subject": m.subject,
                "body_text": m.text,
                "body_html": m.html,
                "status": QUEUED,
                "next_attempt_at": now,
                "created_at": now,
            }
            for m in messages
        ],
        unique=(OutboxMessage.key,),
        returning=OutboxMessage.id,
    )


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most an hour."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


# ---------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool = False
    """TLS from the first byte (``smtps://``)."""
    starttls: bool = False
    user: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp://[user:password@]host[:port][?starttls=1]`` or ``smtps://…`` (port 465)."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError(f"SMTP_URL must look like smtp://host:port, got {url!r}")
    tls = parts.scheme == "smtps"
    query = parse_qs(parts.query)
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=query.get("starttls", ["0"])[0] in {"1", "true", "yes"},
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


class Temporary(Exception):  # noqa: N818 - reads as "a temporary failure"
    """The message may go through later (4xx for it)."""


class Unreachable(Temporary):
    """The server is down or the session broke: no message can go now."""


class Permanent(Exception):  # noqa: N818
    """This message will never go through (5xx for it, a malformed address)."""


class Connection:
    """One SMTP session, reused for a batch. Blocking: run it in a thread."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        server = self.server
        try:
            if server.tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    server.host,
                    server.port,
                    timeout=SMTP_TIMEOUT,
                    context=ssl.create_default_context(),
                )
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
            if server.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if server.user:
                smtp.login(server.user, server.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"SMTP-сервер недоступен: {exc}") from exc
        self.smtp = smtp

    def envelope(self, message: Message) -> bytes:
        """Open the message's SMTP transaction (MAIL FROM, RCPT TO): nothing is accepted yet.
        Returns the message's bytes for :meth:`finish`."""
        if self.smtp is None:
            self.open()
        assert self.smtp is not None
        sender, recipient = parseaddr(message["From"])[1], parseaddr(message["To"])[1]
        with io.BytesIO() as buffer:
            BytesGenerator(buffer, policy=compat32.clone(linesep="\r\n")).flatten(message)
            data = buffer.getvalue()
        try:
            self.smtp.ehlo_or_helo_if_needed()
            for code, reply in (self.smtp.mail(sender), self.smtp.rcpt(recipient)):
                if code not in {250, 251}:
                    self.smtp.rset()
                    raise _by_code(code, reply)
        except (OSError, smtplib.SMTPException) as exc:
            raise self._broken(exc) from exc
        return data

    def finish(self, data: bytes) -> None:
        """Send the content: when this returns, the server has accepted the message."""
        assert self.smtp is not None
        try:
            self.smtp.data(data)
        except smtplib.SMTPDataError as exc:
            raise _by_code(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise self._broken(exc) from exc

    def _broken(self, exc: Exception) -> Unreachable:
        self.smtp = None  # the session is gone; the next message opens a new one
        return Unreachable(f"Соединение с SMTP-сервером прервано: {exc}")

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


def _by_code(code: int, reply: bytes | str) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    error = f"SMTP {code}: {text}"
    return Permanent(error) if 500 <= code < 600 else Temporary(error)


def build_email(row: dict[str, Any], settings: Settings) -> Message:
    """The e-mail of an outbox row; Permanent when its address cannot be used.

    Built with the classic MIME classes: a tenth of the time of ``EmailMessage``'s header
    registry, which matters at hundreds of messages a second."""
    name, address = parseaddr(row["to_address"])
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or not address.isascii() or " " in address:
        raise Permanent(f"Некорректный адрес: {row['to_address']!r}")
    text = MIMEText(row["body_text"], "plain", "utf-8")
    message: Message = text
    if row["body_html"]:
        message = MIMEMultipart("alternative")
        message.attach(text)
        message.attach(MIMEText(row["body_html"], "html", "utf-8"))
    sender_name, sender = parseaddr(settings.mail_from)
    message["From"] = formataddr((sender_name, sender), charset="utf-8")
    message["To"] = formataddr((name, address), charset="utf-8")
    message["Subject"] = Header(row["subject"], "utf-8")  # type: ignore[assignment]
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id(row["key"], settings)
    message["Auto-Submitted"] = "auto-generated"
    return message


def _prepare(connection: Connection, row: dict[str, Any], settings: Settings) -> bytes:
    """Build a row's e-mail and open its SMTP transaction (in the sending thread)."""
    return connection.envelope(build_email(row, settings))


def message_id(key: str, settings: Settings) -> str:
    """Stable per message: a message sent again after a crash carries the same Message-ID."""
    host = urlsplit(settings.base_url).hostname or "localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{host}>"


# ---------------------------------------------------------------- delivery


@dataclass
class DeliverySummary:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    """Put back for a later attempt (server down, 4xx)."""

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed, "deferred": self.deferred}


def _ready(now: datetime) -> Any:
    return ((OutboxMessage.status == QUEUED) & (OutboxMessage.next_attempt_at <= now)) | (
        (OutboxMessage.status == SENDING) & (OutboxMessage.locked_until < now)
    )


async def claim(limit: int, *, now: datetime, lease: timedelta) -> list[dict[str, Any]]:
    """Take up to ``limit`` messages that are ready to send; no other worker gets them until
    the lease runs out. On PostgreSQL, rows another worker is taking are skipped; on SQLite
    the write lock makes claims one at a time."""
    async with db.transaction():
        select = (
            OutboxMessage.select(OutboxMessage.id)
            .where(_ready(now))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if isinstance(db.engine(), PostgresEngine):
            select = select.lock_rows("UPDATE", skip_locked=True)
        ids = [r["id"] for r in await select]
        if not ids:
            return []
        return await (
            OutboxMessage.update(
                {
                    OutboxMessage.status: SENDING,
                    OutboxMessage.locked_until: now + lease,
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                }
            )
            .where(OutboxMessage.id.is_in(ids) & _ready(now))
            .returning(
                OutboxMessage.id,
                OutboxMessage.key,
                OutboxMessage.to_address,
                OutboxMessage.subject,
                OutboxMessage.body_text,
                OutboxMessage.body_html,
                OutboxMessage.attempts,
            )
        )


def _held(row: dict[str, Any]) -> Any:
    """The message is still in the hands of the claim that returned ``row``."""
    return (
        (OutboxMessage.id == row["id"])
        & (OutboxMessage.status == SENDING)
        & (OutboxMessage.attempts == row["attempts"])
    )


async def _finish(row: dict[str, Any], values: dict[Any, Any]) -> None:
    await OutboxMessage.update(values | {OutboxMessage.locked_until: None}).where(_held(row))


async def _sent(row: dict[str, Any], transport: str) -> None:
    await _finish(
        row,
        {
            OutboxMessage.status: SENT,
            OutboxMessage.transport: transport,
            OutboxMessage.sent_at: clock.now(),
            OutboxMessage.last_error: "",
        },
    )


async def _failed(row: dict[str, Any], error: str) -> None:
    log.warning("message %s failed: %s", row["id"], error)
    await _finish(row, {OutboxMessage.status: FAILED, OutboxMessage.last_error: error})


async def _release(row: dict[str, Any]) -> None:
    """Back to the queue, ready at once, the claim's attempt not counted: it was not tried."""
    await _finish(
        row,
        {
            OutboxMessage.status: QUEUED,
            OutboxMessage.attempts: row["attempts"] - 1,
            OutboxMessage.next_attempt_at: clock.now(),
        },
    )


async def _deferred(row: dict[str, Any], error: str, *, tried: bool) -> bool:
    """Back to the queue for a later attempt; True when it was given up instead."""
    attempts = row["attempts"] if tried else row["attempts"] - 1
    if attempts >= MAX_ATTEMPTS:
        await _failed(row, f"{error} (попыток: {attempts})")
        return True
    await _finish(
        row,
        {
            OutboxMessage.status: QUEUED,
            OutboxMessage.attempts: attempts,
            OutboxMessage.next_attempt_at: clock.now() + retry_delay(max(attempts, 1)),
            OutboxMessage.last_error: error,
        },
    )
    return False


async def deliver(*, limit: int | None = None, settings: Settings | None = None) -> DeliverySummary:
    """Send what is ready, batch after batch, until nothing is left (or ``limit`` were taken)."""
    settings = settings or get_settings()
    lease = timedelta(seconds=settings.mail_lease_seconds)
    server = parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
    summary = DeliverySummary()
    taken = 0
    connection = Connection(server) if server else None
    try:
        while limit is None or taken < limit:
            size = BATCH if limit is None else min(BATCH, limit - taken)
            claimed_at = clock.now()
            batch = await claim(size, now=claimed_at, lease=lease)
            if not batch:
                break
            taken += len(batch)
            if connection is None:
                await _keep(batch, summary)
            else:
                await _send_batch(
                    batch, connection, settings, summary, until=claimed_at + lease / 2
                )
    finally:
        if connection is not None:
            await asyncio.to_thread(connection.close)
    return summary


async def _keep(batch: list[dict[str, Any]], summary: DeliverySummary) -> None:
    """No SMTP server configured: the outbox is where the message is read."""
    for row in batch:
        await _sent(row, "outbox")
        summary.sent += 1


async def _send_batch(
    batch: list[dict[str, Any]],
    connection: Connection,
    settings: Settings,
    summary: DeliverySummary,
    *,
    until: datetime,
) -> None:
    """Send a claimed batch. Past ``until`` (half the lease) the rest goes back to the queue
    untried, so a slow server never lets the lease run out under a message still to be sent.

    Pipelined, and still one message in doubt at most: while message n+1's envelope goes out
    (nothing the server could deliver yet), message n — accepted — is marked sent; n+1's
    content goes only once n's mark has committed."""
    marking: asyncio.Future[None] | None = None
    try:
        for index, row in enumerate(batch):
            if clock.now() > until:
                for waiting in batch[index:]:
                    await _release(waiting)
                return
            try:
                opening = asyncio.ensure_future(
                    asyncio.to_thread(_prepare, connection, row, settings)
                )
                try:
                    if marking is not None:
                        await marking
                        marking = None
                finally:
                    data = await opening
                await asyncio.to_thread(connection.finish, data)
            except Permanent as exc:
                await _failed(row, str(exc))
                summary.failed += 1
            except Unreachable as exc:
                # the server is down: this message and the rest of the batch wait
                for position, waiting in enumerate(batch[index:]):
                    given_up = await _deferred(waiting, str(exc), tried=position == 0)
                    summary.failed += given_up
                    summary.deferred += not given_up
                log.warning("SMTP unavailable, %d message(s) deferred: %s", len(batch) - index, exc)
                return
            except Temporary as exc:  # 4xx for this message only
                given_up = await _deferred(row, str(exc), tried=True)
                summary.failed += given_up
                summary.deferred += not given_up
            else:
                marking = asyncio.ensure_future(_sent(row, "smtp"))
                summary.sent += 1
    finally:
        if marking is not None:
            await marking


async def pending_count() -> int:
    """Messages still to send (queued or being sent)."""
    return int(await OutboxMessage.count().where(OutboxMessage.status.is_in([QUEUED, SENDING])))
