"""Meetings, their agenda and their decisions."""

from piccolo.columns import (
    JSON,
    Date,
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


class Meeting(Table, tablename="meeting"):
    id: Serial
    kind = Varchar(length=20, default="protocol")
    """protocol, resolution or decision (the kind of document that records it)."""
    title = Text()
    number = Varchar(length=50, default="")
    date = Date(index=True)
    place = Varchar(length=500, default="")
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    source_sha256 = Varchar(length=64, null=True, default=None, index=True)
    """SHA-256 of the imported document (of its normalised text when pasted); None when typed in."""


class AgendaItem(Table, tablename="agenda_item"):
    id: Serial
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    position = Integer()
    title = Text()
    speakers = JSON(default=[])
    """A list of names as printed: ["Рыбина Л.Д."]."""


class Decision(Table, tablename="decision"):
    id: Serial
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    agenda_item = ForeignKey(AgendaItem, null=True, on_delete=OnDelete.set_null)
    position = Integer()
    """Order within the meeting."""
    number = Varchar(length=20, default="")
    """The number as printed: "1", "1.2", "а)"."""
    text = Text()
    kind = Varchar(length=20, default="instruction")
    """instruction, recommendation, information or control."""
    addressee = Text(default="")
    """As written: «Руководителям образовательных учреждений»."""
    deadline_kind = Varchar(length=20, default="none")
    """date, relative, ongoing, periodic or none (see ``tracker.calendar.deadlines``)."""
    deadline_date = Date(null=True, default=None)
    deadline_text = Text(default="")
    deadline_period = Varchar(length=20, null=True, default=None)
    deadline_working_days = Integer(null=True, default=None)
    deadline_days = Integer(null=True, default=None)
    created_at = Timestamptz()
    removed_from_control_at = Timestamptz(null=True, default=None)
    """Set when the department removes the decision from control («снять с контроля»):
    ongoing and periodic obligations end then, and nothing of it is reminded any more."""
