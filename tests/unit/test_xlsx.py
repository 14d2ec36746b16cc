"""The .xlsx documents built from figures made by hand, read back with openpyxl."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tracker.compliance.rules import ZERO, Bucket, Counts
from tracker.compliance.services import Compliance, DecisionRef, SchoolRef
from tracker.errors import ValidationError
from tracker.exports.cells import COLOURS, LABELS, cell, shorten
from tracker.exports.discipline import DisciplineReport, DisciplineRow, check_period, rank
from tracker.exports.xlsx import (
    HEADER_ROW,
    MATRIX_SHEET,
    SCHOOLS_SHEET,
    compliance_workbook,
    discipline_workbook,
)

TODAY = date(2030, 4, 1)
LONG = "Обеспечить " + "проведение мероприятий по профилактике " * 6 + "в срок."

ON_TIME = Counts(total=1, accepted_on_time=1)
LATE = Counts(total=1, accepted_late=1)
REPORTED = Counts(total=1, reported=1)
OVERDUE = Counts(total=1, overdue=1)
OPEN = Counts(total=1, open=1)
PERIODIC = Counts(total=3, accepted_on_time=1, accepted_late=1, overdue=1)
"""A quarterly decision at one school: two quarters done (one late), one overdue."""


def _compliance() -> Compliance:
    decisions = (
        DecisionRef(1, 10, date(2030, 1, 15), "1", 1, "1.1", "Провести собрание."),
        DecisionRef(2, 10, date(2030, 1, 15), "1", 2, "1.2", LONG),
    )
    schools = (SchoolRef(100, "МБОУ СОШ № 1"), SchoolRef(200, "МБОУ СОШ № 2"))
    cells = {
        (1, 100): ON_TIME,
        (1, 200): OVERDUE,
        (2, 100): PERIODIC,
        # (2, 200): not addressed
    }
    return Compliance.of_cells(TODAY, decisions, schools, cells)


def _open(data: bytes) -> dict[str, Worksheet]:
    book = load_workbook(BytesIO(data))
    return {sheet.title: sheet for sheet in book.worksheets}


def _fill(sheet: Worksheet, ref: str) -> str:
    return str(sheet[ref].fill.fgColor.rgb)[-6:]


# ---------------------------------------------------------------- the cell rule


@pytest.mark.parametrize(
    ("counts", "text", "bucket"),
    [
        (ON_TIME, "исполнено в срок", Bucket.ACCEPTED_ON_TIME),
        (LATE, "исполнено с нарушением срока", Bucket.ACCEPTED_LATE),
        (REPORTED, "отчёт на проверке", Bucket.REPORTED),
        (OVERDUE, "просрочено", Bucket.OVERDUE),
        (OPEN, "в работе", Bucket.OPEN),
        (Counts(total=2, accepted_on_time=2), "исполнено в срок", Bucket.ACCEPTED_ON_TIME),
        (PERIODIC, "исполнено 2 из 3, просрочено 1", Bucket.OVERDUE),
        (Counts(total=2, accepted_on_time=1, open=1), "исполнено 1 из 2", Bucket.OPEN),
        (Counts(total=2, accepted_on_time=1, reported=1), "исполнено 1 из 2", Bucket.REPORTED),
        (ZERO, "", None),
    ],
)
def test_a_cell_says_its_status_and_is_coloured_by_the_worst_bucket(
    counts: Counts, text: str, bucket: Bucket | None
) -> None:
    shown = cell(counts)
    assert (shown.text, shown.bucket) == (text, bucket)


def test_long_wording_is_cut_at_a_word() -> None:
    short = shorten(LONG)
    assert len(short) <= 120
    assert short.endswith("…")
    assert LONG.startswith(short[:-1])
    assert shorten("  Провести\n собрание. ") == "Провести собрание."


# ---------------------------------------------------------------- the matrix


def test_the_matrix_sheet_holds_a_row_per_decision_and_a_column_per_school() -> None:
    # Given the figures, when the workbook is built
    sheets = _open(compliance_workbook(_compliance(), title="Решения совещания от 15.01.2030"))

    # Then two sheets, the matrix first
    assert list(sheets) == [MATRIX_SHEET, SCHOOLS_SHEET]
    sheet = sheets[MATRIX_SHEET]
    assert sheet["A1"].value == "Решения совещания от 15.01.2030"
    assert sheet["A2"].value == "По состоянию на 01.04.2030"
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == [
        "№",
        "Решение",
        "Совещание",
        "МБОУ СОШ № 1",
        "МБОУ СОШ № 2",
        "Исполнено",
        "Просрочено",
    ]
    assert [c.value for c in sheet[5]][:2] == ["1.1", "Провести собрание."]
    assert sheet["C5"].value.date() == date(2030, 1, 15)
    assert sheet["C5"].number_format == "DD.MM.YYYY"
    assert sheet["B6"].value == shorten(LONG)
    # the statuses, in colour
    assert (sheet["D5"].value, _fill(sheet, "D5")) == (
        "исполнено в срок",
        COLOURS[Bucket.ACCEPTED_ON_TIME],
    )
    assert (sheet["E5"].value, _fill(sheet, "E5")) == ("просрочено", COLOURS[Bucket.OVERDUE])
    assert (sheet["D6"].value, _fill(sheet, "D6")) == (
        "исполнено 2 из 3, просрочено 1",
        COLOURS[Bucket.OVERDUE],
    )
    assert sheet["E6"].value is None
    assert sheet["E6"].fill.fill_type is None
    # per decision totals
    assert [sheet["F5"].value, sheet["G5"].value] == ["1 из 2", 1]
    assert [sheet["F6"].value, sheet["G6"].value] == ["2 из 3", 1]
    # frozen header and decision columns, a filter on the header
    assert sheet.freeze_panes == "D5"
    assert sheet.auto_filter.ref == "A4:G6"
    assert sheet.column_dimensions["B"].width >= 40


def test_the_matrix_has_a_legend_of_every_colour() -> None:
    sheet = _open(compliance_workbook(_compliance(), title="Т"))[MATRIX_SHEET]
    # the legend starts two rows under the last decision (row 6)
    assert sheet["B8"].value == "Условные обозначения"
    legend = {sheet[f"B{row}"].value: _fill(sheet, f"A{row}") for row in range(9, 9 + 5)}
    assert legend == {LABELS[b]: COLOURS[b] for b in Bucket}


def test_the_school_sheet_holds_totals_and_shares() -> None:
    sheet = _open(compliance_workbook(_compliance(), title="Т"))[SCHOOLS_SHEET]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[:3] == ["Школа", "Всего поручений", "Исполнено в срок"]
    assert header[-3:] == ["Доля в срок", "Доля исполненных", "Доля просроченных"]
    first = [c.value for c in sheet[5]]
    # school 1: on time + the periodic cell = 4 assignments, 2 on time, 1 late, 1 overdue
    assert first == ["МБОУ СОШ № 1", 4, 2, 1, 0, 1, 0, 0.5, 0.75, 0.25]
    assert [c.value for c in sheet[6]] == ["МБОУ СОШ № 2", 1, 0, 0, 0, 1, 0, 0, 0, 1]
    total = [c.value for c in sheet[7]]
    assert total == ["Итого", 5, 2, 1, 0, 2, 0, 0.4, 0.6, 0.4]
    assert sheet["A7"].font.bold
    assert sheet["H5"].number_format == "0%"
    assert sheet.freeze_panes == "B5"
    assert sheet.auto_filter.ref == "A4:J6"


def test_an_empty_matrix_still_opens() -> None:
    empty = Compliance.of_cells(TODAY, (), (), {})
    sheets = _open(compliance_workbook(empty, title="Пусто"))
    assert sheets[MATRIX_SHEET]["A1"].value == "Пусто"
    assert sheets[SCHOOLS_SHEET]["A5"].value == "Итого"


# ---------------------------------------------------------------- the discipline report


def test_the_discipline_workbook_ranks_schools_and_decisions() -> None:
    good = DisciplineRow(1, "МБОУ СОШ № 1", Counts(total=2, accepted_on_time=2))
    poor = DisciplineRow(2, "МБОУ СОШ № 2", Counts(total=2, accepted_late=1, overdue=1))
    decision = DisciplineRow(
        7, "1.1. Провести собрание.", good.counts.add(poor.counts), date(2030, 1, 15)
    )
    report = DisciplineReport(
        start=date(2030, 1, 1),
        end=date(2030, 3, 31),
        today=TODAY,
        schools=rank([poor, good]),
        decisions=(decision,),
        total=good.counts.add(poor.counts),
    )

    sheets = _open(discipline_workbook(report))

    assert list(sheets) == ["По школам", "По решениям"]
    sheet = sheets["По школам"]
    assert sheet["A1"].value == ("Исполнительская дисциплина за период с 01.01.2030 по 31.03.2030")
    assert [c.value for c in sheet[HEADER_ROW]][:3] == ["Место", "Школа", "Всего поручений"]
    assert [c.value for c in sheet[5]] == [1, "МБОУ СОШ № 1", 2, 2, 0, 0, 0, 0, 1, 0, 0]
    assert [c.value for c in sheet[6]] == [2, "МБОУ СОШ № 2", 2, 0, 1, 0, 1, 0, 0, 0.5, 0.5]
    assert [c.value for c in sheet[7]][:3] == [None, "Итого", 4]
    assert sheet.freeze_panes == "C5"
    assert sheet.auto_filter.ref == "A4:K6"
    by_decision = sheets["По решениям"]
    assert [c.value for c in by_decision[HEADER_ROW]][:4] == [
        "Место",
        "Решение",
        "Совещание",
        "Всего поручений",
    ]
    first = [c.value for c in by_decision[5]]
    assert first[:2] == [1, "1.1. Провести собрание."]
    assert first[2].date() == date(2030, 1, 15)
    assert first[3:] == [4, 2, 1, 0, 1, 0, 0.5, 0.25, 0.25]
    assert [c.value for c in by_decision[6]][:4] == [None, "Итого", None, 4]
    assert by_decision.freeze_panes == "C5"


def test_ranking_by_on_time_share_then_overdue_then_name() -> None:
    rows = [
        DisciplineRow(1, "Б", Counts(total=2, accepted_on_time=1, overdue=1)),
        DisciplineRow(2, "А", Counts(total=2, accepted_on_time=1, open=1)),
        DisciplineRow(3, "В", Counts(total=1, accepted_on_time=1)),
        DisciplineRow(4, "Г", Counts(total=4, accepted_on_time=2, open=2)),
    ]
    assert [r.name for r in rank(rows)] == ["В", "А", "Г", "Б"]


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (date(2030, 2, 1), date(2030, 1, 1), "end", "раньше его начала"),
        (date(2020, 1, 1), date(2026, 1, 1), "end", "пяти лет"),
        (None, date(2026, 1, 1), "start", "Укажите начало"),
        (date(2026, 1, 1), None, "end", "Укажите конец"),
    ],
)
def test_a_bad_period_is_refused_in_russian(
    start: date | None, end: date | None, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        check_period(start, end)
    assert message in refused.value.errors[field]


def test_a_period_of_five_years_is_accepted() -> None:
    assert check_period(date(2025, 1, 1), date(2029, 12, 31)) == (
        date(2025, 1, 1),
        date(2029, 12, 31),
    )


counts_strategy = st.builds(
    lambda on_time, late, reported, overdue, still_open: Counts(
        total=on_time + late + reported + overdue + still_open,
        accepted_on_time=on_time,
        accepted_late=late,
        reported=reported,
        overdue=overdue,
        open=still_open,
    ),
    *(st.integers(min_value=0, max_value=4) for _ in range(5)),
)


@given(counts_strategy)
def test_every_cell_is_empty_a_status_or_a_share_done(counts: Counts) -> None:
    shown = cell(counts)
    if counts.total == 0:
        assert shown == cell(ZERO)
        return
    assert shown.bucket is not None
    assert getattr(counts, shown.bucket.value) > 0
    # green only when everything was done on time; red whenever something is overdue
    assert (shown.bucket is Bucket.ACCEPTED_ON_TIME) == (counts.accepted_on_time == counts.total)
    assert (shown.bucket is Bucket.OVERDUE) == (counts.overdue > 0)
    if shown.text not in LABELS.values():
        assert shown.text.startswith(f"исполнено {counts.done} из {counts.total}")
        assert ("просрочено" in shown.text) == (counts.overdue > 0)
