"""Assignments (a decision × a school), their reports, files and extension requests."""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from tracker.accounts.tables import User
from tracker.meetings.tables import Decision
from tracker.schools.tables import School


class Assignment(Table, tablename="assignment"):
    """One school's part of one decision, for one period when the decision is periodic.

    (decision, school, period) is unique: see migration 0005."""

    id: Serial
    decision = ForeignKey(Decision, on_delete=OnDelete.cascade, index=True)
    school = ForeignKey(School, on_delete=OnDelete.cascade, index=True)
    period = Varchar(length=10, default="")
    """For a periodic obligation the period it is for ("2024-03", "2024-Q1", "2024"), else ""."""
    due_on = Date(null=True, default=None, index=True)
    """None for an ongoing («постоянно») obligation: never overdue."""
    status = Varchar(length=20, default="assigned", index=True)
    """See ``tracker.assignments.lifecycle``; overdue is derived, never stored."""
    created_at = Timestamptz()
    updated_at = Timestamptz()
    reported_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    accepted_on_time = Boolean(null=True, default=None)
    """True/False once accepted: was the accepted report in by the due date."""


class Report(Table, tablename="report"):
    id: Serial
    assignment = ForeignKey(Assignment, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    text = Text()
    links = JSON(default=[])
    created_at = Timestamptz()
    outcome = Varchar(length=20, default="pending")
    """pending, accepted or returned."""
    review_comment = Text(default="")
    reviewed_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    reviewed_at = Timestamptz(null=True, default=None)


class ReportFile(Table, tablename="report_file"):
    """A file attached to a report, stored on disk under ``TRACKER_DATA_DIR/files``."""

    id: Serial
    report = ForeignKey(Report, on_delete=OnDelete.cascade, index=True)
    original_name = Varchar(length=255)
    stored_name = Varchar(length=100, unique=True)
    content_type = Varchar(length=200)
    size = BigInt()
    sha256 = Varchar(length=64)


class ExtensionRequest(Table, tablename="extension_request"):
    id: Serial
    assignment = ForeignKey(Assignment, on_delete=OnDelete.cascade, index=True)
    requested_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    previous_due_on = Date(null=True, default=None)
    due_on = Date()
    """The date asked for."""
    reason = Text()
    status = Varchar(length=20, default="pending", index=True)
    """pending, approved or rejected."""
    created_at = Timestamptz()
    decided_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
    comment = Text(default="")
