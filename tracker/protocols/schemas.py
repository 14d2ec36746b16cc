"""The protocols API's shapes (msgspec, so /schema/openapi.json describes them).

``ParsedProtocolOut`` is the parsed-protocol JSON of CONTRACT.md, field for field and in the
same order as ``tracker.protocols.model.to_json`` (which ``tracker protocol parse`` prints):
the API answer is that JSON converted, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    RequestBody,
    Schema,
)

from tracker.calendar.deadlines import DeadlineKind, Period
from tracker.meetings.services import DecisionKind, MeetingKind
from tracker.protocols.model import ParsedProtocol, to_json
from tracker.protocols.services import MAX_DOCUMENT_MB
from tracker.web.openapi import operation_with_body

# ---------------------------------------------------------------- in


class ParseTextIn(msgspec.Struct, forbid_unknown_fields=True):
    """A protocol's text, pasted."""

    text: str


# ---------------------------------------------------------------- out


class ParsedAgendaItemOut(msgspec.Struct):
    number: int
    title: str
    speakers: list[str]
    """As printed: «Рыбина Л.Д.»."""


class ParsedDeadlineOut(msgspec.Struct):
    kind: DeadlineKind
    date: dt.date | None
    text: str
    """The deadline as written («в срок до 01.03.2020»), empty when none."""
    period: Period | None
    working_days: int | None
    days: int | None
    """Calendar days of a relative deadline; the day of the month of a periodic one."""


class ParsedDecisionOut(msgspec.Struct):
    number: str
    """As printed: «1», «1.2», «а)»; Word's automatic number when the text has none."""
    agenda_item: int | None
    """The ``number`` of the agenda item it belongs to."""
    kind: DecisionKind
    addressee: str
    """As written: «Руководителям образовательных учреждений»."""
    text: str
    deadline: ParsedDeadlineOut


class ParsedSignatureOut(msgspec.Struct):
    position: str
    name: str


class ParsedProtocolOut(msgspec.Struct):
    """A protocol as the parser read it: send it (edited or not) to ``POST /api/v1/meetings``."""

    kind: MeetingKind
    title: str
    number: str
    date: dt.date | None
    place: str
    agenda: list[ParsedAgendaItemOut]
    decisions: list[ParsedDecisionOut]
    signatures: list[ParsedSignatureOut]
    warnings: list[str]
    """What the parser was unsure of, in Russian."""

    @classmethod
    def of(cls, parsed: ParsedProtocol) -> ParsedProtocolOut:
        return msgspec.convert(to_json(parsed), cls)


# ---------------------------------------------------------------- OpenAPI

PARSE_REQUEST_BODY = RequestBody(
    required=True,
    description=(
        "The protocol as JSON text, or as a file (.txt, .md, .docx; up to "
        f"{MAX_DOCUMENT_MB} MB) in multipart/form-data."
    ),
    content={
        "application/json": OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.OBJECT,
                required=["text"],
                properties={
                    "text": Schema(type=OpenAPIType.STRING, description="Текст протокола."),
                },
                additional_properties=False,
            )
        ),
        "multipart/form-data": OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.OBJECT,
                required=["file"],
                properties={
                    "file": Schema(
                        type=OpenAPIType.STRING,
                        format=OpenAPIFormat.BINARY,
                        description="Файл протокола: .txt, .md или .docx.",
                    ),
                },
            )
        ),
    },
)


ParseOperation = operation_with_body(PARSE_REQUEST_BODY)
