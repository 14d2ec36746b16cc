"""The audit trail: who changed what, when, from what to what. Append-only."""

from piccolo.columns import (
    JSON,
    BigInt,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from tracker.accounts.tables import User


class AuditEvent(Table, tablename="audit_event"):
    id: Serial
    at = Timestamptz(index=True)
    actor = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    entity = Varchar(length=40)
    """assignment, decision, meeting, school, user …"""
    entity_id = BigInt()
    action = Varchar(length=40)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    school_id = Integer(null=True, default=None, index=True)
    """The school the change concerns, so a school's history can be shown to it alone."""
