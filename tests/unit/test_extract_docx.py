"""The per-school «Выписка из протокола»: only that school's decisions."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from tracker.followup.extract import Extract, ExtractDecision, extract_docx


def test_the_extract_holds_the_header_and_the_schools_decisions_only() -> None:
    data = extract_docx(
        Extract(
            organisation="Отдел образования",
            meeting_kind="протокола",
            meeting_title="Совещание руководителей образовательных учреждений",
            meeting_number="1",
            meeting_date=date(2020, 2, 5),
            school_name="МБОУ СОШ № 1",
            decisions=(
                ExtractDecision("1", "Обеспечить участие педагогов в семинарах.", "до 01.03.2020"),
                ExtractDecision("", "Принять к исполнению методические рекомендации.", "постоянно"),
            ),
            signed_by="Секретарь Иванова И.И.",
        )
    )
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]

    assert "ВЫПИСКА ИЗ ПРОТОКОЛА № 1" in texts
    assert "5 февраля 2020 г." in texts
    assert "Для: МБОУ СОШ № 1" in texts
    assert "1. Обеспечить участие педагогов в семинарах." in texts
    assert "Принять к исполнению методические рекомендации." in texts
    assert texts.count("Срок исполнения: до 01.03.2020") == 1
    assert "Срок исполнения: постоянно" in texts
    assert "Секретарь Иванова И.И." in texts


def test_a_school_with_nothing_addressed_gets_a_plain_sentence() -> None:
    data = extract_docx(
        Extract("Отдел образования", "протокола", "Совещание", "", date(2020, 2, 5), "ДОУ № 3", ())
    )
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "ВЫПИСКА ИЗ ПРОТОКОЛА" in texts
    assert "Решений, адресованных учреждению, нет." in texts
