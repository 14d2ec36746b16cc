"""The agenda of a meeting with its annex «Информация о ходе исполнения решений», as a Word
document laid out the way Russian official documents are (ГОСТ Р 7.0.97-2016): Times New Roman
14, margins 30/10/20/20 mm, the header block, the numbered agenda, the annex as a table.

Pure: it takes plain values (the frozen snapshots, never live figures) and returns the bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from tracker.followup.snapshot import DecisionSnapshot
from tracker.web.templating import ru_long_date

FONT = "Times New Roman"
SIZE = Pt(14)
TABLE_SIZE = Pt(11)


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnnexRow:
    snapshot: DecisionSnapshot
    proposal: str


@dataclass(frozen=True)
class AgendaDocument:
    organisation: str
    meeting_title: str
    meeting_date: date
    place: str
    entries: tuple[AgendaEntry, ...]
    annex: tuple[AnnexRow, ...]
    as_of: date | None = None
    """The date the annex's figures were counted on."""


def apply_style(document: object) -> None:
    normal = document.styles["Normal"]  # type: ignore[attr-defined]
    normal.font.name = FONT
    normal.font.size = SIZE
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def set_margins(section: object, *, landscape: bool = False) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE  # type: ignore[attr-defined]
        section.page_width, section.page_height = Mm(297), Mm(210)  # type: ignore[attr-defined]
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)  # type: ignore[attr-defined]
    section.left_margin = Mm(30)  # type: ignore[attr-defined]
    section.right_margin = Mm(10)  # type: ignore[attr-defined]
    section.top_margin = Mm(20)  # type: ignore[attr-defined]
    section.bottom_margin = Mm(20)  # type: ignore[attr-defined]


def add_paragraph(
    document: object, text: str = "", *, bold: bool = False, align: int | None = None
) -> object:
    paragraph = document.add_paragraph()  # type: ignore[attr-defined]
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _cell(cell: object, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = TABLE_SIZE


ANNEX_HEADER = (
    "№ п/п",
    "Решение (совещание, пункт)",
    "Срок",
    "Исполнено / всего",
    "В срок / с нарушением срока",
    "Не исполнили (просрочено)",
    "Предложение",
)


def _due(snapshot: DecisionSnapshot) -> str:
    if snapshot.due_on is not None:
        return snapshot.due_on.strftime("%d.%m.%Y")
    return snapshot.deadline_text or "постоянно"


def annex_rows(rows: Sequence[AnnexRow]) -> list[tuple[str, ...]]:
    """The annex table's body, one tuple of cell texts per decision."""
    body: list[tuple[str, ...]] = []
    for position, row in enumerate(rows, start=1):
        s = row.snapshot
        number = f"п. {s.number}" if s.number else "без номера"
        body.append(
            (
                str(position),
                f"{number} решения совещания от {s.meeting_date:%d.%m.%Y}"
                f"{f' № {s.meeting_number}' if s.meeting_number else ''}: {s.text}",
                _due(s),
                f"{s.done} из {s.total}",
                f"{s.on_time} / {s.late}",
                ", ".join(s.overdue_schools) or "—",
                row.proposal,
            )
        )
    return body


def agenda_docx(doc: AgendaDocument) -> bytes:
    document = Document()
    apply_style(document)
    set_margins(document.sections[0])
    add_paragraph(document, doc.organisation.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(document)
    add_paragraph(document, "ПОВЕСТКА ДНЯ", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(document, doc.meeting_title, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(document)
    when = add_paragraph(document, ru_long_date(doc.meeting_date))
    if doc.place:
        when.add_run("\t" + doc.place)  # type: ignore[attr-defined]
    add_paragraph(document)
    for number, entry in enumerate(doc.entries, start=1):
        item = add_paragraph(document, f"{number}. {entry.title}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        item.paragraph_format.first_line_indent = Mm(12.5)  # type: ignore[attr-defined]
        if entry.speakers:
            speakers = add_paragraph(document, "Докладчик: " + ", ".join(entry.speakers))
            speakers.paragraph_format.first_line_indent = Mm(12.5)  # type: ignore[attr-defined]
    if doc.annex:
        section = document.add_section()
        set_margins(section, landscape=True)
        add_paragraph(document, "Приложение", align=WD_ALIGN_PARAGRAPH.RIGHT)
        add_paragraph(
            document,
            f"к повестке дня совещания от {doc.meeting_date:%d.%m.%Y}",
            align=WD_ALIGN_PARAGRAPH.RIGHT,
        )
        add_paragraph(document)
        add_paragraph(
            document,
            "Информация о ходе исполнения решений",
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        if doc.as_of:
            add_paragraph(
                document, f"по состоянию на {doc.as_of:%d.%m.%Y}", align=WD_ALIGN_PARAGRAPH.CENTER
            )
        add_paragraph(document)
        table = document.add_table(rows=1, cols=len(ANNEX_HEADER))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, ANNEX_HEADER, strict=True):
            _cell(cell, text, bold=True)
        for values in annex_rows(doc.annex):
            for cell, text in zip(table.add_row().cells, values, strict=True):
                _cell(cell, text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
