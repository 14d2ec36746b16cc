"""The documents of a meeting's compliance: what to put in them and what to call them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.accounts.roles import Actor
from tracker.compliance.services import Compliance, compliance
from tracker.exports.discipline import DisciplineReport
from tracker.meetings import services as meetings


@dataclass(frozen=True)
class MeetingMatrix:
    meeting: meetings.MeetingView
    compliance: Compliance
    """Only the decisions of this meeting that were addressed to schools."""

    @property
    def title(self) -> str:
        number = f" № {self.meeting.number}" if self.meeting.number else ""
        return f"Исполнение решений совещания от {self.meeting.date:%d.%m.%Y}{number}"

    @property
    def filename(self) -> str:
        return f"Исполнение решений совещания от {self.meeting.date:%d.%m.%Y}.xlsx"


async def meeting_matrix(actor: Actor, meeting_id: int, *, today: date) -> MeetingMatrix:
    """The compliance matrix of one meeting's decisions on ``today``, for the department (a
    school user is refused by ``get_meeting``); NotFoundError for an unknown meeting."""
    detail = await meetings.get_meeting(actor, meeting_id)
    return MeetingMatrix(
        meeting=detail.meeting,
        compliance=await compliance(actor, today=today, meeting_id=meeting_id),
    )


def discipline_filename(report: DisciplineReport) -> str:
    return f"Исполнительская дисциплина {report.start:%d.%m.%Y}–{report.end:%d.%m.%Y}.xlsx"
