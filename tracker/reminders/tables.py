"""Reminders (one row per assignment, kind and key date: sent once) and the reminder policy."""

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from tracker.accounts.tables import User
from tracker.assignments.tables import Assignment


class Reminder(Table, tablename="reminder"):
    """One reminder about one assignment. Unique (assignment, kind, key_on): see migration 0005.

    ``key_on`` is the due date for the once-per-due-date kinds (before, due, overdue notice,
    escalation) and the sweep date for the repeating overdue reminder, so a sweep run twice,
    or on two workers, finds the row there and sends nothing again.
    """

    id: Serial
    assignment = ForeignKey(Assignment, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    """See ``tracker.reminders.policy.Kind``."""
    key_on = Date()
    due_on = Date(null=True, default=None)
    created_on = Date(index=True)
    """The sweep date that made the row."""
    composed = Boolean(default=False, index=True)
    """True once the row went into messages (a digest or a message of its own)."""


class ReminderPolicyRow(Table, tablename="reminder_policy"):
    """The admin's reminder policy: one row (id 1); absent means the defaults."""

    id: Serial
    before_working_days = JSON(default=[3, 1])
    on_due_day = Boolean(default=True)
    overdue_every_working_days = Integer(default=3)
    escalate_after_days = Integer(default=7)
    notify_head_on_overdue = Boolean(default=True)
    daily_digest = Boolean(default=True)
    digest_hour = Integer(default=9)
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    updated_at = Timestamptz()
