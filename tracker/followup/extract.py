"""«Выписка из протокола» for one school: the meeting's header and only the decisions addressed
to that school, with their due dates (ГОСТ Р 7.0.97-2016 layout, as the agenda). Pure."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from tracker.followup.documents import add_paragraph, apply_style, set_margins
from tracker.web.templating import ru_long_date


@dataclass(frozen=True)
class ExtractDecision:
    number: str
    text: str
    due: str
    """«до 01.03.2020», «постоянно», «ежеквартально до 5 числа» …"""


@dataclass(frozen=True)
class Extract:
    organisation: str
    meeting_kind: str
    """«протокола», «решения» …: what the extract is taken from, in the genitive."""
    meeting_title: str
    meeting_number: str
    meeting_date: date
    school_name: str
    decisions: tuple[ExtractDecision, ...]
    signed_by: str = ""


def extract_docx(extract: Extract) -> bytes:
    document = Document()
    apply_style(document)
    set_margins(document.sections[0])
    add_paragraph(
        document, extract.organisation.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    add_paragraph(document)
    number = f" № {extract.meeting_number}" if extract.meeting_number else ""
    add_paragraph(
        document,
        f"ВЫПИСКА ИЗ {extract.meeting_kind.upper()}{number}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    add_paragraph(document, extract.meeting_title, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(document, ru_long_date(extract.meeting_date), align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(document)
    add_paragraph(document, f"Для: {extract.school_name}")
    add_paragraph(document)
    add_paragraph(document, "РЕШИЛИ:", bold=True)
    for decision in extract.decisions:
        label = f"{decision.number}. " if decision.number else ""
        item = add_paragraph(document, f"{label}{decision.text}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        item.paragraph_format.first_line_indent = Mm(12.5)  # type: ignore[attr-defined]
        due = add_paragraph(document, f"Срок исполнения: {decision.due}")
        due.paragraph_format.first_line_indent = Mm(12.5)  # type: ignore[attr-defined]
    if not extract.decisions:
        add_paragraph(document, "Решений, адресованных учреждению, нет.")
    add_paragraph(document)
    add_paragraph(document, "Выписка верна")
    if extract.signed_by:
        add_paragraph(document, extract.signed_by)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
