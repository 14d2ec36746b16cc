"""The draft proposal about one decision of a follow-up, as a secretary would word it. Pure.

The rule, on the snapshot's figures:

    every school done (and the deadline is not standing)   remove  «Снять с контроля … в связи с
                                                                    исполнением.»
    ongoing («постоянно») or periodic («ежеквартально»)     keep    they stay until removed
    some school overdue                                     instruct the schools not done, named,
                                                                     to finish by a new date
    otherwise (not yet due, a report waits, none assigned)  keep

The new date of an instruction is ``INSTRUCT_WORKING_DAYS`` working days after ``today`` (the
later of the count date and the meeting date, as the service passes it), on the production
calendar given (weekends only without one).
"""

from __future__ import annotations

from datetime import date

from tracker.calendar.deadlines import DeadlineKind
from tracker.calendar.workdays import WEEKENDS_ONLY, WorkCalendar, add_working_days
from tracker.followup.snapshot import DecisionSnapshot, ProposalKind

INSTRUCT_WORKING_DAYS = 10
STANDING = frozenset({DeadlineKind.ONGOING.value, DeadlineKind.PERIODIC.value})
ALL_SCHOOLS = "образовательных учреждений"


def _d(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def decision_ref(snapshot: DecisionSnapshot) -> str:
    """«п. 3 решения совещания от 05.02.2026» (genitive), or «решения совещания от …»."""
    meeting = f"совещания от {_d(snapshot.meeting_date)}"
    number = snapshot.number.strip()
    return f"п. {number} решения {meeting}" if number else f"решения {meeting}"


def _ref_accusative(snapshot: DecisionSnapshot) -> str:
    meeting = f"совещания от {_d(snapshot.meeting_date)}"
    number = snapshot.number.strip()
    return f"п. {number} решения {meeting}" if number else f"решение {meeting}"


def _term(snapshot: DecisionSnapshot) -> str:
    """The decision's own deadline as the protocol says it, for a keep proposal."""
    text = snapshot.deadline_text.strip()
    if snapshot.deadline_kind == DeadlineKind.ONGOING.value:
        return text or "постоянно"
    if text:
        return text
    if snapshot.due_on is not None:
        return f"до {_d(snapshot.due_on)}"
    return ""


def proposal_text(kind: ProposalKind, snapshot: DecisionSnapshot, extend_to: date | None) -> str:
    """The wording of a proposal of ``kind`` (the draft, and what a changed kind starts from)."""
    if kind is ProposalKind.REMOVE:
        return f"Снять с контроля {_ref_accusative(snapshot)} в связи с исполнением."
    if kind is ProposalKind.KEEP:
        term = _term(snapshot)
        suffix = f" (срок исполнения — {term})" if term else ""
        return f"Оставить на контроле {_ref_accusative(snapshot)}{suffix}."
    until = f" до {_d(extend_to)}" if extend_to else ""
    if kind is ProposalKind.EXTEND:
        return f"Продлить срок исполнения {decision_ref(snapshot)}{until}."
    whom = ", ".join(snapshot.lagging_schools) or ALL_SCHOOLS
    until = f" в срок{until}" if until else ""
    return f"Руководителям {whom} обеспечить исполнение {decision_ref(snapshot)}{until}."


def draft_proposal(
    snapshot: DecisionSnapshot, *, today: date, calendar: WorkCalendar = WEEKENDS_ONLY
) -> tuple[ProposalKind, str, date | None]:
    """(kind, wording, new due date) proposed for the decision; the date only for an
    instruction, and always after ``today``."""
    standing = snapshot.deadline_kind in STANDING
    if snapshot.total > 0 and snapshot.done == snapshot.total and not standing:
        kind, extend_to = ProposalKind.REMOVE, None
    elif not standing and snapshot.overdue > 0:
        kind = ProposalKind.INSTRUCT
        extend_to = add_working_days(today, INSTRUCT_WORKING_DAYS, calendar)
    else:
        kind, extend_to = ProposalKind.KEEP, None
    return kind, proposal_text(kind, snapshot, extend_to), extend_to
