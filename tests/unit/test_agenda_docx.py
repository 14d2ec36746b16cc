"""The agenda .docx: it opens with python-docx and reads as an official Russian document."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from docx import Document
from docx.shared import Pt

from tracker.followup.documents import AgendaDocument, AgendaEntry, AnnexRow, agenda_docx
from tracker.followup.snapshot import DecisionSnapshot

SNAPSHOT = DecisionSnapshot(
    decision_id=7,
    meeting_id=1,
    meeting_date=date(2020, 2, 5),
    meeting_number="1",
    meeting_title="Совещание руководителей",
    number="3",
    text="Обеспечить участие педагогов в семинарах.",
    deadline_kind="date",
    deadline_text="до 01.03.2020",
    due_on=date(2020, 3, 1),
    total=15,
    on_time=10,
    late=2,
    reported=1,
    overdue=2,
    open=0,
    returned=1,
    extension_pending=0,
    overdue_school_ids=(4, 9),
    overdue_schools=("МБОУ СОШ № 4", "МБДОУ «Детский сад № 2»"),
    lagging_school_ids=(4, 9, 11),
    lagging_schools=("МБОУ СОШ № 4", "МБДОУ «Детский сад № 2»", "МБОУ СОШ № 7"),
)

DOCUMENT = AgendaDocument(
    organisation="Отдел образования администрации Сосновского района",
    meeting_title="Совещание руководителей образовательных учреждений",
    meeting_date=date(2020, 4, 9),
    place="актовый зал",
    entries=(
        AgendaEntry("О ходе исполнения решений совещания от 05.02.2020", ("Рыбина Л.Д.",)),
        AgendaEntry("Об итогах мониторинга"),
    ),
    annex=(
        AnnexRow(
            SNAPSHOT, "Руководителям МБОУ СОШ № 4 … обеспечить исполнение в срок до 20.04.2020."
        ),
        AnnexRow(
            replace(SNAPSHOT, number="", due_on=None, deadline_text="постоянно"),
            "Оставить на контроле.",
        ),
    ),
    as_of=date(2020, 4, 1),
)


def opened() -> object:
    return Document(io.BytesIO(agenda_docx(DOCUMENT)))


def test_the_agenda_is_numbered_with_its_speakers() -> None:
    texts = [p.text for p in opened().paragraphs]  # type: ignore[attr-defined]
    assert "ПОВЕСТКА ДНЯ" in texts
    assert "1. О ходе исполнения решений совещания от 05.02.2020" in texts
    assert "Докладчик: Рыбина Л.Д." in texts
    assert "2. Об итогах мониторинга" in texts
    assert any(t.startswith("9 апреля 2020 г.") for t in texts)
    assert "по состоянию на 01.04.2020" in texts


def test_the_annex_is_a_table_with_a_row_per_decision() -> None:
    (table,) = opened().tables  # type: ignore[attr-defined]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][0] == "№ п/п"
    assert len(rows) == 3
    first = rows[1]
    assert first[1].startswith("п. 3 решения совещания от 05.02.2020 № 1: Обеспечить")
    assert first[2:6] == [
        "01.03.2020",
        "12 из 15",
        "10 / 2",
        "МБОУ СОШ № 4, МБДОУ «Детский сад № 2»",
    ]
    assert rows[2][1].startswith("без номера")
    assert rows[2][2] == "постоянно"
    assert rows[2][6] == "Оставить на контроле."


def test_gost_layout() -> None:
    document = opened()
    normal = document.styles["Normal"].font  # type: ignore[attr-defined]
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    first, annex = document.sections  # type: ignore[attr-defined]
    margins = (first.left_margin, first.right_margin, first.top_margin, first.bottom_margin)
    assert [round(m.mm) for m in margins] == [30, 10, 20, 20]  # stored in twips
    assert annex.page_width > annex.page_height  # the annex table is landscape


def test_no_annex_no_table() -> None:
    document = Document(io.BytesIO(agenda_docx(replace(DOCUMENT, annex=()))))
    assert document.tables == []
    assert len(document.sections) == 1
