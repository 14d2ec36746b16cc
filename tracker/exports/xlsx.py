"""The ``.xlsx`` documents: the compliance matrix and the execution-discipline report.
Pure: they take the computed figures and return the bytes of the workbook.

The matrix (sheet «Исполнение»):

    row 1   the title            row 2   «По состоянию на DD.MM.YYYY»
    row 4   the header: «№», «Решение», «Совещание», one column per school,
            «Исполнено» («N из M»), «Просрочено»
    row 5…  one row per decision; a school's cell says the status there (``cells.cell``:
            the bucket's name, or «исполнено N из M[, просрочено K]» for a periodic decision
            whose assignments differ) filled with the colour of its dominant bucket
    below   a blank row, then the legend: each colour with its meaning

Panes are frozen below the header and right of the three decision columns; the header carries
the autofilter. Sheet «Итоги по школам»: per school the counts by bucket and the shares done
on time, done and overdue, with a total row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.compliance.rules import Bucket, Counts
from tracker.compliance.services import Compliance
from tracker.exports.cells import COLOURS, LABELS, matrix_rows, share, shorten
from tracker.exports.discipline import DisciplineReport, DisciplineRow

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MATRIX_SHEET = "Исполнение"
SCHOOLS_SHEET = "Итоги по школам"
HEADER_ROW = 4
"""The matrix's header row; decisions start on the next one."""
FIXED_COLUMNS = 3
"""«№», «Решение», «Совещание»: kept in view when scrolling right."""

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_PERCENT = "0%"
_DATE = "DD.MM.YYYY"


def fill(bucket: Bucket) -> PatternFill:
    return PatternFill("solid", fgColor=COLOURS[bucket])


def _to_bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        c = sheet.cell(row=row, column=column, value=title)
        c.font, c.fill, c.alignment, c.border = _BOLD, _HEADER_FILL, _HEADER_ALIGN, _BORDER


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


# ---------------------------------------------------------------- the matrix


def compliance_workbook(c: Compliance, *, title: str) -> bytes:
    """The compliance matrix as an ``.xlsx`` (see the module's docstring)."""
    book = Workbook()
    sheet = book.active
    sheet.title = MATRIX_SHEET
    _matrix(sheet, c, title)
    _school_totals(book.create_sheet(SCHOOLS_SHEET), c, title)
    return _to_bytes(book)


def _matrix(sheet: Worksheet, c: Compliance, title: str) -> None:
    sheet["A1"] = title
    sheet["A1"].font = _TITLE
    sheet["A2"] = f"По состоянию на {c.today:%d.%m.%Y}"
    schools = c.schools
    titles = ["№", "Решение", "Совещание", *(s.name for s in schools), "Исполнено", "Просрочено"]
    _header(sheet, HEADER_ROW, titles)
    last_column = len(titles)

    row = HEADER_ROW
    for row, line in enumerate(matrix_rows(c), start=HEADER_ROW + 1):
        decision, totals = line.decision, line.counts
        values: list[object] = [decision.number, shorten(decision.text), decision.meeting_date]
        for column, value in enumerate(values, start=1):
            target = sheet.cell(row=row, column=column, value=value)
            target.alignment, target.border = _WRAP, _BORDER
        sheet.cell(row=row, column=3).number_format = _DATE
        for column, shown in enumerate(line.cells, start=FIXED_COLUMNS + 1):
            target = sheet.cell(row=row, column=column, value=shown.text or None)
            target.alignment, target.border = _WRAP, _BORDER
            if shown.bucket is not None:
                target.fill = fill(shown.bucket)
        done = sheet.cell(row=row, column=last_column - 1, value=f"{totals.done} из {totals.total}")
        overdue = sheet.cell(row=row, column=last_column, value=totals.overdue)
        for target in (done, overdue):
            target.border, target.alignment = _BORDER, Alignment(vertical="top")
        if totals.overdue:
            overdue.fill = fill(Bucket.OVERDUE)

    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=FIXED_COLUMNS + 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last_column)}{row}"
    sheet.row_dimensions[HEADER_ROW].height = 45
    _widths(sheet, [7, 60, 12, *(18 for _ in schools), 13, 12])

    legend = row + 2
    sheet.cell(row=legend, column=2, value="Условные обозначения").font = _BOLD
    for offset, (bucket, label) in enumerate(LABELS.items(), start=1):
        sheet.cell(row=legend + offset, column=1).fill = fill(bucket)
        sheet.cell(row=legend + offset, column=1).border = _BORDER
        sheet.cell(row=legend + offset, column=2, value=label)
    sheet.cell(
        row=legend + len(LABELS) + 1,
        column=2,
        value="Несколько поручений в ячейке (периодическое решение): «исполнено N из M»; "
        "цвет — по худшему из статусов.",
    )


_COUNT_TITLES = [
    "Всего поручений",
    "Исполнено в срок",
    "Исполнено с нарушением срока",
    "Отчёт на проверке",
    "Просрочено",
    "В работе",
]


def _count_values(counts: Counts) -> list[object]:
    return [
        counts.total,
        counts.accepted_on_time,
        counts.accepted_late,
        counts.reported,
        counts.overdue,
        counts.open,
    ]


def _school_totals(sheet: Worksheet, c: Compliance, title: str) -> None:
    sheet["A1"] = title
    sheet["A1"].font = _TITLE
    sheet["A2"] = f"Итоги по школам на {c.today:%d.%m.%Y}"
    titles = ["Школа", *_COUNT_TITLES, "Доля в срок", "Доля исполненных", "Доля просроченных"]
    _header(sheet, HEADER_ROW, titles)
    rows: list[tuple[Sequence[object], Counts]] = [
        ([s.name], c.by_school.get(s.id, Counts())) for s in c.schools
    ]
    last = _count_rows(sheet, [*rows, (["Итого"], c.total)], shares=_matrix_shares)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(titles))}{last - 1}"
    _widths(sheet, [34, *(14 for _ in _COUNT_TITLES), 12, 14, 14])


def _matrix_shares(counts: Counts) -> list[float]:
    return [
        share(counts.accepted_on_time, counts.total),
        share(counts.done, counts.total),
        share(counts.overdue, counts.total),
    ]


def _discipline_shares(counts: Counts) -> list[float]:
    return [
        share(counts.accepted_on_time, counts.total),
        share(counts.accepted_late, counts.total),
        share(counts.overdue, counts.total),
    ]


def _count_rows(
    sheet: Worksheet,
    rows: Sequence[tuple[Sequence[object], Counts]],
    *,
    shares: Callable[[Counts], list[float]],
) -> int:
    """Write ``rows`` (leading cells, then the counts and their three shares) under the header,
    the last one bold (the total); return the last row's number."""
    row = HEADER_ROW
    for row, (lead, counts) in enumerate(rows, start=HEADER_ROW + 1):
        values = [*lead, *_count_values(counts), *shares(counts)]
        for column, value in enumerate(values, start=1):
            target = sheet.cell(row=row, column=column, value=value)
            target.border = _BORDER
            if column > len(values) - 3:
                target.number_format = _PERCENT
            if row - HEADER_ROW == len(rows):
                target.font = _BOLD
    return row


# ---------------------------------------------------------------- the discipline report


def discipline_workbook(report: DisciplineReport) -> bytes:
    """The execution-discipline report: sheet «По школам» (place, school, counts, shares) and
    sheet «По решениям» (place, decision, its meeting's date, counts, shares), each ranked by
    the share done on time, with a total row."""
    book = Workbook()
    title = (
        f"Исполнительская дисциплина за период с {report.start:%d.%m.%Y} по {report.end:%d.%m.%Y}"
    )
    _discipline_sheet(
        book.active, "По школам", report, title=title, what=["Школа"], ranked=report.schools
    )
    _discipline_sheet(
        book.create_sheet(),
        "По решениям",
        report,
        title=title,
        what=["Решение", "Совещание"],
        ranked=report.decisions,
    )
    return _to_bytes(book)


def _discipline_sheet(
    sheet: Worksheet,
    name: str,
    report: DisciplineReport,
    *,
    title: str,
    what: Sequence[str],
    ranked: Sequence[DisciplineRow],
) -> None:
    sheet.title = name
    sheet["A1"] = title
    sheet["A1"].font = _TITLE
    sheet["A2"] = (
        f"Поручения со сроком исполнения в периоде; по состоянию на {report.today:%d.%m.%Y}"
    )
    titles = [
        "Место",
        *what,
        *_COUNT_TITLES,
        "Доля в срок",
        "Доля с нарушением срока",
        "Доля просроченных",
    ]
    _header(sheet, HEADER_ROW, titles)
    with_meeting = len(what) > 1

    def lead(place: int | None, row_name: str, held: object) -> list[object]:
        return [place, row_name, held] if with_meeting else [place, row_name]

    rows: list[tuple[Sequence[object], Counts]] = [
        (lead(place, r.name, r.meeting_date), r.counts) for place, r in enumerate(ranked, start=1)
    ]
    total: tuple[Sequence[object], Counts] = (lead(None, "Итого", None), report.total)
    last = _count_rows(sheet, [*rows, total], shares=_discipline_shares)
    if with_meeting:
        for row in range(HEADER_ROW + 1, last):
            sheet.cell(row=row, column=3).number_format = _DATE
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(titles))}{last - 1}"
    first = [8, 60, 12] if with_meeting else [8, 34]
    _widths(sheet, [*first, *(14 for _ in _COUNT_TITLES), 12, 14, 14])
