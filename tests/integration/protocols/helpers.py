"""Helpers for the protocol import tests: the seed document, a browser's reading of a form,
row counts, a small Word document."""

from __future__ import annotations

import io
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docx import Document

from tracker.assignments.tables import Assignment
from tracker.audit.tables import AuditEvent
from tracker.meetings.tables import AgendaItem, Decision, Meeting
from tracker.protocols.model import AgendaEntry, ParsedDecision, ParsedProtocol

DATA = Path(__file__).resolve().parent / "data"
SEED_004 = DATA / "004_98c1e272bfa50f87.txt"
"""shared/seeds/004, byte for byte: nine decisions for «Руководителям образовательных учреждений»."""
ADDRESSEE = "Руководителям образовательных учреждений"


def seed_bytes() -> bytes:
    return SEED_004.read_bytes()


def parsed_protocol(
    *addressees: str, kinds: tuple[str, ...] = (), day: date = date(2026, 3, 12)
) -> ParsedProtocol:
    """A protocol as the parser gives it, one decision per addressee (built by hand)."""
    return ParsedProtocol(
        kind="protocol",
        title="Совещание руководителей образовательных учреждений",
        number="7",
        date=day,
        place="актовый зал",
        agenda=(AgendaEntry(number=1, title="О подготовке к ГИА", speakers=("Рыбина Л.Д.",)),),
        decisions=tuple(
            ParsedDecision(
                number=str(i),
                text=f"Обеспечить выполнение пункта {i}.",
                kind=kinds[i - 1] if i <= len(kinds) else "instruction",
                addressee=addressee,
                agenda_item=1,
            )
            for i, addressee in enumerate(addressees, start=1)
        ),
    )


class _FormReader(HTMLParser):
    """What a browser would submit from one form: named controls, ticked boxes, chosen options."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text: list[str] = []
        self._in_option = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._in_option = True
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)
        if self._in_option:
            self._option_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "option" and self._in_option:
            value = self._option_value
            if value is None:
                value = "".join(self._option_text).strip()
            self._options.append((value, self._option_selected))
            self._in_option = False
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self.fields.extend((self._select, v) for v in chosen)
            self._select = None


def form_fields(html: str, form_id: str) -> dict[str, Any]:
    """The form's fields as a browser submits them (repeated names as lists), without the
    CSRF token (the test client adds its own)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.fields, f"no form #{form_id} in the page"
    found: dict[str, Any] = {}
    for name, value in reader.fields:
        if name == "_csrf_token":
            continue
        if name in found:
            previous = found[name]
            found[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            found[name] = value
    return found


async def counts() -> dict[str, int]:
    """Rows that an import writes (and a failed one must not)."""
    return {
        "meetings": await Meeting.count(),
        "agenda": await AgendaItem.count(),
        "decisions": await Decision.count(),
        "assignments": await Assignment.count(),
        "audit": await AuditEvent.count(),
    }


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SEED_AS_DOCX_PARAGRAPHS = (
    "Выписка из протокола совещания руководителей муниципальных образовательных учреждений "
    "от 05.02.2020 г.",
    "Место проведения: актовый зал администрации района",
    "Повестка дня:",
    "1. Итоги мониторинга организации работы по выявлению и поддержке одарённых детей",
    "Докладчик: методист Рыбина Л.Д.",
    "Приняли решение:",
    "Руководителям образовательных учреждений:",
    "1. Довести результаты мониторинга до сведения педагогического коллектива.",
    "2. Обеспечить условия для проведения проектной деятельности.",
    "Начальник отдела образования М.В.Нефёдова",
)
