"""The frozen figures of one decision in a follow-up, and the draft proposal about it. Pure.

A snapshot is stored as JSON when the follow-up is compiled, so that the agenda printed a year
later reads the same whatever reports arrived since.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
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
    overdue_school_ids: tuple[int, ...]
    """Schools overdue on the snapshot's date (some of the lagging ones)."""
    overdue_schools: tuple[str, ...]
    """Their short names."""
    lagging_school_ids: tuple[int, ...]
    """Schools not done (overdue, open or reported): the addressees of a new instruction."""
    lagging_schools: tuple[str, ...]

    @property
    def done(self) -> int:
        return self.on_time + self.late

    def to_json(self) -> dict[str, Any]:
        """The stored form. The schools go as ids: their names are stored once for the whole
        follow-up (``school_names``), a district's decision names hundreds."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NAMES}
        data["meeting_date"] = self.meeting_date.isoformat()
        data["due_on"] = self.due_on.isoformat() if self.due_on else None
        data["lagging_school_ids"] = list(self.lagging_school_ids)
        data["overdue_school_ids"] = list(self.overdue_school_ids)
        return data

    def school_names(self) -> dict[int, str]:
        """Id → name of the schools it names (what ``from_json`` is given back)."""
        return dict(zip(self.lagging_school_ids, self.lagging_schools, strict=True))

    @classmethod
    def from_json(cls, data: dict[str, Any], names: Mapping[Any, str]) -> DecisionSnapshot:
        """Back from ``to_json``, the names found in ``names`` (id → name, the ids as JSON keys
        or ints). Snapshots stored before the ids-only form carry their names themselves."""
        values = {f.name: data[f.name] for f in fields(cls) if f.name not in _SCHOOLS}
        values["meeting_date"] = date.fromisoformat(data["meeting_date"])
        values["due_on"] = date.fromisoformat(data["due_on"]) if data["due_on"] else None
        lagging = tuple(data["lagging_school_ids"])
        if "lagging_schools" in data:
            named = dict(zip(lagging, data["lagging_schools"], strict=True))
            late = set(data["overdue_schools"])
            overdue = tuple(i for i in lagging if named[i] in late)
        else:
            named = {i: _name(names, i) for i in lagging}
            overdue = tuple(data["overdue_school_ids"])
        values["lagging_school_ids"] = lagging
        values["lagging_schools"] = tuple([named[i] for i in lagging])
        values["overdue_school_ids"] = overdue
        values["overdue_schools"] = tuple([named[i] for i in overdue])
        return cls(**values)


def _name(names: Mapping[Any, str], school_id: int) -> str:
    found = names.get(school_id)
    if found is None:
        found = names.get(str(school_id), f"№ {school_id}")
    return found


_NAMES = frozenset({"overdue_schools", "lagging_schools"})
_SCHOOLS = _NAMES | {"overdue_school_ids", "lagging_school_ids"}
