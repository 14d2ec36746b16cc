"""The outbox: every message the system means to send, and what became of it."""

from piccolo.columns import (
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from tracker.accounts.tables import User


class OutboxMessage(Table, tablename="outbox_message"):
    """One e-mail to one address. ``key`` is unique: the same message is never queued twice."""

    id: Serial
    key = Varchar(length=200, unique=True)
    """What the message is, e.g. ``digest:12:2026-11-24``."""
    user = ForeignKey(User, null=True, on_delete=OnDelete.set_null, index=True)
    to_address = Varchar(length=320, index=True)
    subject = Text()
    body_text = Text()
    body_html = Text(default="")
    status = Varchar(length=20, default="queued")
    """queued, sending, sent or failed (see ``tracker.mail.services``)."""
    transport = Varchar(length=20, default="")
    """smtp, or outbox when no SMTP server is configured (the message is only kept here)."""
    attempts = Integer(default=0)
    last_error = Text(default="")
    next_attempt_at = Timestamptz()
    locked_until = Timestamptz(null=True, default=None)
    """While a worker sends it: past this time another worker may take it over."""
    created_at = Timestamptz(index=True)
    sent_at = Timestamptz(null=True, default=None)
