"""The parsed protocol: what the parser returns and the review screen edits.

Its JSON form (``to_json``) is the contract of ``tracker protocol parse`` and
``POST /api/v1/protocols/parse`` (CONTRACT.md); ``POST /api/v1/meetings`` accepts it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.calendar.deadlines import DeadlineRule


class ProtocolError(ValueError):
    """The one error the parser raises: the input is not a protocol we can read.

    The message is Russian and fit to show to the user as it is."""


@dataclass(frozen=True)
class AgendaEntry:
    number: int
    title: str
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedDecision:
    number: str
    """As printed: "1", "1.2", "а)"; for Word's automatic numbering, the number Word shows."""
    text: str
    """The wording, without the addressee and the deadline phrase when those were separate."""
    kind: str = "instruction"
    """instruction, recommendation, information or control (CONTRACT.md)."""
    addressee: str = ""
    agenda_item: int | None = None
    deadline: DeadlineRule = field(default_factory=DeadlineRule)


@dataclass(frozen=True)
class Signature:
    position: str
    name: str


@dataclass(frozen=True)
class ParsedProtocol:
    kind: str = "protocol"
    """protocol, resolution or decision."""
    title: str = ""
    number: str = ""
    date: date | None = None
    place: str = ""
    agenda: tuple[AgendaEntry, ...] = ()
    decisions: tuple[ParsedDecision, ...] = ()
    signatures: tuple[Signature, ...] = ()
    warnings: tuple[str, ...] = ()


def deadline_json(rule: DeadlineRule) -> dict[str, Any]:
    return {
        "kind": rule.kind.value,
        "date": rule.date.isoformat() if rule.date else None,
        "text": rule.text,
        "period": rule.period.value if rule.period else None,
        "working_days": rule.working_days,
        "days": rule.days,
    }


def to_json(parsed: ParsedProtocol) -> dict[str, Any]:
    """The parsed-protocol JSON of CONTRACT.md."""
    return {
        "kind": parsed.kind,
        "title": parsed.title,
        "number": parsed.number,
        "date": parsed.date.isoformat() if parsed.date else None,
        "place": parsed.place,
        "agenda": [
            {"number": a.number, "title": a.title, "speakers": list(a.speakers)}
            for a in parsed.agenda
        ],
        "decisions": [
            {
                "number": d.number,
                "agenda_item": d.agenda_item,
                "kind": d.kind,
                "addressee": d.addressee,
                "text": d.text,
                "deadline": deadline_json(d.deadline),
            }
            for d in parsed.decisions
        ],
        "signatures": [{"position": s.position, "name": s.name} for s in parsed.signatures],
        "warnings": list(parsed.warnings),
    }


# ------------------------------------------------------------------ the document, before parsing


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (one line of a text file)."""

    text: str
    list_number: str | None = None
    """Word's automatic numbering as Word shows it ("1.", "1.2.", "а)", "•" for a bullet),
    which is not in the text itself; None when the paragraph is not in a Word list."""
    list_level: int = 0


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    """Cell texts, row by row (merged cells repeated as Word reports them)."""


Block = Paragraph | Table
