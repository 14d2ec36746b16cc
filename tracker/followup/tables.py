"""The follow-up question of a meeting («О ходе исполнения решений…»): its frozen snapshot and
the proposals that become the meeting's decisions."""

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
from tracker.meetings.tables import AgendaItem, Decision, Meeting


class FollowUp(Table, tablename="follow_up"):
    """One compiled follow-up of one meeting (at most one per meeting: migration 0007)."""

    id: Serial
    meeting = ForeignKey(Meeting, on_delete=OnDelete.cascade, index=True)
    """The new meeting whose agenda holds the question."""
    agenda_item = ForeignKey(AgendaItem, null=True, on_delete=OnDelete.set_null)
    as_of = Date()
    """The date the figures are counted on."""
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    adopted_at = Timestamptz(null=True, default=None)
    """Set once the proposals became decisions: then nothing of it changes."""
    adopted_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    school_names = JSON()
    """School id → its short name when compiled, for the schools its items name: stored once
    here, the items keep only the ids (a district's decision names hundreds)."""


class FollowUpItem(Table, tablename="follow_up_item"):
    """One earlier decision in the follow-up: its frozen figures and the proposal about it."""

    id: Serial
    follow_up = ForeignKey(FollowUp, on_delete=OnDelete.cascade, index=True)
    decision = ForeignKey(Decision, null=True, on_delete=OnDelete.set_null, index=True)
    """The earlier decision (None if it was deleted since: the snapshot still reads the same)."""
    position = Integer()
    snapshot = JSON()
    """``tracker.followup.snapshot.DecisionSnapshot`` as JSON: frozen when compiled."""
    proposal = Varchar(length=20)
    """remove, keep, extend or instruct (``ProposalKind``)."""
    proposal_text = Text()
    """The wording proposed for the new decision, editable until adopted."""
    extend_to = Date(null=True, default=None)
    """The new due date of an extend or instruct proposal."""
    new_decision = ForeignKey(Decision, null=True, on_delete=OnDelete.set_null)
    """The decision of the new meeting that adopting made of the proposal."""
