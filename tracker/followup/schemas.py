"""The follow-up API's bodies and answers (msgspec, so /schema/openapi.json describes them).

``decisions`` has the shape of CONTRACT.md (``POST /api/v1/meetings/{id}/follow-up``); each
entry also carries ``item_id`` (to edit its proposal), ``proposal_text``, ``extend_to``,
``reported`` (so that done + reported + overdue + open = total) and, once adopted,
``new_decision_id``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from tracker.followup.services import MAX_SPEAKER, FollowUpItemView, FollowUpView
from tracker.followup.snapshot import ProposalKind
from tracker.meetings.services import MAX_TEXT
from tracker.web.openapi import Id


class FollowUpIn(msgspec.Struct, forbid_unknown_fields=True):
    """Compile the follow-up question: figures counted on ``as_of`` (today when absent), of
    every decision still under control from earlier meetings, or only of ``decision_ids``.
    Recompiling a follow-up not yet adopted replaces it."""

    as_of: dt.date | None = None
    decision_ids: list[Id] | None = None
    speaker: Annotated[str, msgspec.Meta(max_length=MAX_SPEAKER)] = ""


class ProposalIn(msgspec.Struct, forbid_unknown_fields=True):
    """A changed proposal: ``extend_to`` is required for extend and instruct, and may not be
    before the meeting's date; an empty ``proposal_text`` is drafted from the kind."""

    proposal: ProposalKind
    proposal_text: Annotated[str, msgspec.Meta(max_length=MAX_TEXT)] = ""
    extend_to: dt.date | None = None


class FollowUpDecisionOut(msgspec.Struct):
    item_id: int
    decision_id: int | None
    number: str
    meeting_date: dt.date
    text: str
    due_on: dt.date | None
    total: int
    done: int
    on_time: int
    late: int
    reported: int
    overdue: int
    open: int
    overdue_schools: list[str]
    lagging_schools: list[str]
    proposal: str
    proposal_text: str
    extend_to: dt.date | None
    new_decision_id: int | None

    @classmethod
    def of(cls, item: FollowUpItemView) -> FollowUpDecisionOut:
        s = item.snapshot
        return cls(
            item_id=item.id,
            decision_id=item.decision_id,
            number=s.number,
            meeting_date=s.meeting_date,
            text=s.text,
            due_on=s.due_on,
            total=s.total,
            done=s.done,
            on_time=s.on_time,
            late=s.late,
            reported=s.reported,
            overdue=s.overdue,
            open=s.open,
            overdue_schools=list(s.overdue_schools),
            lagging_schools=list(s.lagging_schools),
            proposal=item.proposal.value,
            proposal_text=item.proposal_text,
            extend_to=item.extend_to,
            new_decision_id=item.new_decision_id,
        )


class FollowUpOut(msgspec.Struct):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    agenda_title: str
    as_of: dt.date
    adopted_at: dt.datetime | None
    decisions: list[FollowUpDecisionOut]

    @classmethod
    def of(cls, view: FollowUpView) -> FollowUpOut:
        return cls(
            id=view.id,
            meeting_id=view.meeting_id,
            agenda_item_id=view.agenda_item_id,
            agenda_title=view.agenda_title,
            as_of=view.as_of,
            adopted_at=view.adopted_at,
            decisions=[FollowUpDecisionOut.of(i) for i in view.items],
        )


FollowUpItemOut = FollowUpDecisionOut
"""One proposal, as ``POST /api/v1/follow-up-items/{id}`` answers it."""
