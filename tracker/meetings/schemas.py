"""The meetings API's bodies and answers (msgspec, so /schema/openapi.json describes them),
and their conversion to and from the services' plain values.

The body of ``POST /api/v1/meetings`` is the parsed protocol of CONTRACT.md: only ``title``
and ``date`` are required; anything else may be absent, empty or null. Fields this API does
not use (``signatures``, ``warnings``, and any a newer parser adds) are accepted and ignored,
so the parser's output can be sent back as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from tracker.assignments.lifecycle import Status
from tracker.assignments.services import AssignmentRow, Progress
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule, Period
from tracker.meetings.services import (
    MAX_TEXT,
    AgendaDraft,
    CreatedMeeting,
    DecisionDraft,
    DecisionKind,
    DecisionView,
    MeetingDraft,
    MeetingKind,
    MeetingPage,
    MeetingView,
)
from tracker.schools.services import AllSchools, ChosenSchools, GroupOfSchools, SchoolTarget
from tracker.web.openapi import Id

# ---------------------------------------------------------------- in


class DeadlineIn(msgspec.Struct, kw_only=True):
    """When the decision falls due. ``days`` is calendar days for a relative deadline and the
    day of the month for a periodic one."""

    kind: DeadlineKind = DeadlineKind.NONE
    date: dt.date | None = None
    text: str | None = None
    period: Period | None = None
    working_days: int | None = None
    days: int | None = None

    def to_rule(self) -> DeadlineRule:
        return DeadlineRule(
            kind=self.kind,
            date=self.date,
            text=self.text or "",
            period=self.period,
            working_days=self.working_days,
            days=self.days,
        )


class AgendaItemIn(msgspec.Struct, kw_only=True):
    title: str
    number: int | None = None
    speakers: list[str] | None = None


class DecisionIn(msgspec.Struct, kw_only=True):
    text: str
    number: str | None = None
    agenda_item: int | None = None
    """The number of the agenda item (its ``number`` in ``agenda``, else its place, from 1)."""
    kind: DecisionKind = DecisionKind.INSTRUCTION
    addressee: str | None = None
    deadline: DeadlineIn | None = None


class Signature(msgspec.Struct, kw_only=True):
    position: str | None = None
    name: str | None = None


class MeetingIn(msgspec.Struct, kw_only=True):
    """A parsed protocol, possibly edited by hand."""

    title: str
    date: dt.date
    kind: MeetingKind | None = None
    number: str | None = None
    place: str | None = None
    agenda: list[AgendaItemIn] | None = None
    decisions: list[DecisionIn] | None = None
    signatures: list[Signature] | None = None
    """Accepted for round trips from the parser; not stored."""
    warnings: list[str] | None = None
    """Accepted for round trips from the parser; not stored."""

    def to_draft(self) -> MeetingDraft:
        return MeetingDraft(
            title=self.title,
            date=self.date,
            kind=self.kind or MeetingKind.PROTOCOL,
            number=self.number or "",
            place=self.place or "",
            agenda=tuple(
                AgendaDraft(title=a.title, number=a.number, speakers=tuple(a.speakers or ()))
                for a in self.agenda or ()
            ),
            decisions=tuple(
                DecisionDraft(
                    text=d.text,
                    number=d.number or "",
                    kind=d.kind,
                    addressee=d.addressee or "",
                    agenda_item=d.agenda_item,
                    deadline=d.deadline.to_rule() if d.deadline else DeadlineRule(),
                )
                for d in self.decisions or ()
            ),
        )


class GroupRef(msgspec.Struct, forbid_unknown_fields=True):
    group: Id
    """The id of a group of schools (``GET /api/v1/school-groups``)."""


class AssignIn(msgspec.Struct, forbid_unknown_fields=True):
    """Whom to assign a decision to: ``"all"`` active schools, a list of school ids, or
    ``{"group": id}``. Without ``due_on`` the decision's deadline applies, else the
    department's default term."""

    schools: Literal["all"] | list[Id] | GroupRef
    due_on: dt.date | None = None

    def target(self) -> SchoolTarget:
        if isinstance(self.schools, GroupRef):
            return GroupOfSchools(self.schools.group)
        if isinstance(self.schools, list):
            return ChosenSchools(tuple(self.schools))
        return AllSchools()


class RemoveFromControlIn(msgspec.Struct, forbid_unknown_fields=True):
    """«Снять решение с контроля»: why, or by which protocol (optional)."""

    comment: Annotated[str, msgspec.Meta(max_length=MAX_TEXT)] = ""


# ---------------------------------------------------------------- out


class CreatedDecisionOut(msgspec.Struct):
    id: int
    number: str


class MeetingCreatedOut(msgspec.Struct):
    id: int
    decisions: list[CreatedDecisionOut]

    @classmethod
    def of(cls, created: CreatedMeeting) -> MeetingCreatedOut:
        return cls(
            id=created.id,
            decisions=[CreatedDecisionOut(id=i, number=n) for i, n in created.decisions],
        )


class MeetingSummaryOut(msgspec.Struct):
    id: int
    kind: MeetingKind
    title: str
    number: str
    date: dt.date
    place: str
    decision_count: int

    @classmethod
    def of(cls, meeting: MeetingView) -> MeetingSummaryOut:
        return cls(
            id=meeting.id,
            kind=meeting.kind,
            title=meeting.title,
            number=meeting.number,
            date=meeting.date,
            place=meeting.place,
            decision_count=meeting.decision_count,
        )


class AgendaItemOut(msgspec.Struct):
    id: int
    number: int
    title: str
    speakers: list[str]


class DeadlineOut(msgspec.Struct):
    kind: DeadlineKind
    date: dt.date | None
    text: str
    period: Period | None
    working_days: int | None
    days: int | None
    label: str
    """The wording as printed, else a Russian description («до 01.03.2026»)."""

    @classmethod
    def of(cls, decision: DecisionView) -> DeadlineOut:
        rule = decision.deadline
        return cls(
            kind=rule.kind,
            date=rule.date,
            text=rule.text,
            period=rule.period,
            working_days=rule.working_days,
            days=rule.days,
            label=decision.deadline_label,
        )


class ProgressOut(msgspec.Struct):
    total: int
    """Schools the decision is assigned to."""
    accepted: int
    reported: int
    overdue: int
    percent: int
    """Accepted, in per cent of ``total``."""

    @classmethod
    def of(cls, progress: Progress) -> ProgressOut:
        return cls(
            total=progress.total,
            accepted=progress.accepted,
            reported=progress.reported,
            overdue=progress.overdue,
            percent=progress.percent,
        )


class DecisionOut(msgspec.Struct):
    id: int
    position: int
    number: str
    agenda_item: int | None
    """The number of its agenda item, as in ``agenda[].number``."""
    agenda_item_id: int | None
    kind: DecisionKind
    addressee: str
    text: str
    deadline: DeadlineOut
    progress: ProgressOut
    removed_from_control_at: dt.datetime | None = None
    """When it was removed from control («снято с контроля»); null while under control."""

    @classmethod
    def of(
        cls, decision: DecisionView, *, agenda_item: int | None, progress: Progress
    ) -> DecisionOut:
        return cls(
            id=decision.id,
            position=decision.position,
            number=decision.number,
            agenda_item=agenda_item,
            agenda_item_id=decision.agenda_item_id,
            kind=decision.kind,
            addressee=decision.addressee,
            text=decision.text,
            deadline=DeadlineOut.of(decision),
            progress=ProgressOut.of(progress),
            removed_from_control_at=decision.removed_from_control_at,
        )


class MeetingOut(msgspec.Struct):
    id: int
    kind: MeetingKind
    title: str
    number: str
    date: dt.date
    place: str
    agenda: list[AgendaItemOut]
    decisions: list[DecisionOut]

    @classmethod
    def of(cls, page: MeetingPage) -> MeetingOut:
        meeting = page.detail.meeting
        return cls(
            id=meeting.id,
            kind=meeting.kind,
            title=meeting.title,
            number=meeting.number,
            date=meeting.date,
            place=meeting.place,
            agenda=[
                AgendaItemOut(id=a.id, number=a.position, title=a.title, speakers=list(a.speakers))
                for a in page.detail.agenda
            ],
            decisions=[
                DecisionOut.of(
                    d,
                    agenda_item=page.agenda_number(d.agenda_item_id),
                    progress=page.progress[d.id],
                )
                for d in page.detail.decisions
            ],
        )


class AssignmentOut(msgspec.Struct):
    id: int
    school_id: int
    due_on: dt.date | None
    """None for an ongoing obligation («постоянно»)."""
    status: Status
    created: bool
    """False when the school already had this assignment: kept as it was, not duplicated."""

    @classmethod
    def of(cls, row: AssignmentRow) -> AssignmentOut:
        return cls(
            id=row.id,
            school_id=row.school_id,
            due_on=row.due_on,
            status=row.status,
            created=row.created,
        )
