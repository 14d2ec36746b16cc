"""The frozen figures of one decision in a follow-up, and the draft proposal about it. Pure.

A snapshot is stored as JSON when the follow-up is compiled, so that the agenda printed a year
later reads the same whatever reports arrived since.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any


class ProposalKind(StrEnum):
    REMOVE = "remove"  # снять с контроля: исполнено всеми
    KEEP = "keep"  # оставить на контроле (постоянные, периодические, ещё не наступил срок)
    EXTEND = "extend"  # продлить срок исполнения до …
    INSTRUCT = "instruct"  # поручить не исполнившим (named schools) исполнить к …

    @property
    def label(self) -> str:
        return PROPOSAL_LABELS[self]


PROPOSAL_LABELS = {
    ProposalKind.REMOVE: "Снять с контроля",
    ProposalKind.KEEP: "Оставить на контроле",
    ProposalKind.EXTEND: "Продлить срок",
    ProposalKind.INSTRUCT: "Поручить не исполнившим",
}


@dataclass(frozen=True)
class DecisionSnapshot:
    decision_id: int
    meeting_id: int
    meeting_date: date
    meeting_number: str
    meeting_title: str
    number: str
    """The decision's number as printed in its protocol."""
    text: str
    deadline_kind: str
    deadline_text: str
    due_on: date | None
    """The decision's due date (the latest of its assignments' when they differ); None: ongoing."""
    total: int
    on_time: int
    late: int
    reported: int
    overdue: int
    open: int
    returned: int
    extension_pending: int
    overdue_schools: tuple[str, ...]
    """Short names of the schools overdue on the snapshot's date."""
    lagging_school_ids: tuple[int, ...]
    """Schools not done (overdue, open or reported): the addressees of a new instruction."""
    lagging_schools: tuple[str, ...]

    @property
    def done(self) -> int:
        return self.on_time + self.late

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["meeting_date"] = self.meeting_date.isoformat()
        data["due_on"] = self.due_on.isoformat() if self.due_on else None
        for key in ("overdue_schools", "lagging_school_ids", "lagging_schools"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionSnapshot:
        values = {f.name: data[f.name] for f in fields(cls)}
        values["meeting_date"] = date.fromisoformat(data["meeting_date"])
        values["due_on"] = date.fromisoformat(data["due_on"]) if data["due_on"] else None
        for key in ("overdue_schools", "lagging_school_ids", "lagging_schools"):
            values[key] = tuple(data[key])
        return cls(**values)
