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
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet

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


def _cell(sheet: Worksheet, value: object = None, **style: Any) -> WriteOnlyCell:
    """A styled cell for ``sheet.append`` (``font``, ``fill``, ``alignment``, ``border``,
    ``number_format``)."""
    made = WriteOnlyCell(sheet, value=value)
    for name, given in style.items():
        setattr(made, name, given)
    return made


def _start(sheet: Worksheet, widths: Sequence[float], *, freeze: str) -> None:
    """What a write-only sheet needs before its first row: the column widths, the frozen
    panes and the header row's height."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = freeze
    sheet.row_dimensions[HEADER_ROW].height = 45


def _heading(sheet: Worksheet, title: str, subtitle: str, titles: Sequence[str]) -> None:
    """Rows 1–4: the title, the subtitle, a blank row and the header."""
    sheet.append([_cell(sheet, title, font=_TITLE)])
    sheet.append([subtitle])
    sheet.append([])
    sheet.append(
        [
            _cell(sheet, t, font=_BOLD, fill=_HEADER_FILL, alignment=_HEADER_ALIGN, border=_BORDER)
            for t in titles
        ]
    )


# ---------------------------------------------------------------- the matrix


def compliance_workbook(c: Compliance, *, title: str) -> bytes:
    """The compliance matrix as an ``.xlsx`` (see the module's docstring). Written row by row
    (openpyxl's write-only mode): a region's 50 × 1,000 matrix is 50,000 cells, which a
    workbook kept whole holds as objects until it is saved."""
    book = Workbook(write_only=True)
    _matrix(book.create_sheet(MATRIX_SHEET), c, title)
    _school_totals(book.create_sheet(SCHOOLS_SHEET), c, title)
    return _to_bytes(book)


def _matrix(sheet: Worksheet, c: Compliance, title: str) -> None:
    schools = c.schools
    titles = ["№", "Решение", "Совещание", *(s.name for s in schools), "Исполнено", "Просрочено"]
    last_column = len(titles)
    _start(
        sheet,
        [7, 60, 12, *(18 for _ in schools), 13, 12],
        freeze=f"{get_column_letter(FIXED_COLUMNS + 1)}{HEADER_ROW + 1}",
    )
    _heading(sheet, title, f"По состоянию на {c.today:%d.%m.%Y}", titles)

    row = HEADER_ROW
    top = Alignment(vertical="top")
    for row, line in enumerate(matrix_rows(c), start=HEADER_ROW + 1):  # noqa: B007 - row: the last
        decision, totals = line.decision, line.counts
        cells = [
            _cell(sheet, decision.number, alignment=_WRAP, border=_BORDER),
            _cell(sheet, shorten(decision.text), alignment=_WRAP, border=_BORDER),
            _cell(
                sheet,
                decision.meeting_date,
                alignment=_WRAP,
                border=_BORDER,
                number_format=_DATE,
            ),
        ]
        for shown in line.cells:
            coloured = {"fill": fill(shown.bucket)} if shown.bucket is not None else {}
            cells.append(
                _cell(sheet, shown.text or None, alignment=_WRAP, border=_BORDER, **coloured)
            )
        cells.append(
            _cell(sheet, f"{totals.done} из {totals.total}", alignment=top, border=_BORDER)
        )
        late = {"fill": fill(Bucket.OVERDUE)} if totals.overdue else {}
        cells.append(_cell(sheet, totals.overdue, alignment=top, border=_BORDER, **late))
        sheet.append(cells)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last_column)}{row}"

    sheet.append([])
    sheet.append([None, _cell(sheet, "Условные обозначения", font=_BOLD)])
    for bucket, label in LABELS.items():
        sheet.append([_cell(sheet, fill=fill(bucket), border=_BORDER), label])
    sheet.append(
        [
            None,
            "Несколько поручений в ячейке (периодическое решение): «исполнено N из M»; "
            "цвет — по худшему из статусов.",
        ]
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
    titles = ["Школа", *_COUNT_TITLES, "Доля в срок", "Доля исполненных", "Доля просроченных"]
    _start(sheet, [34, *(14 for _ in _COUNT_TITLES), 12, 14, 14], freeze=f"B{HEADER_ROW + 1}")
    _heading(sheet, title, f"Итоги по школам на {c.today:%d.%m.%Y}", titles)
    rows: list[tuple[Sequence[object], Counts]] = [
        ([s.name], c.by_school.get(s.id, Counts())) for s in c.schools
    ]
    last = _count_rows(sheet, [*rows, (["Итого"], c.total)], shares=_matrix_shares)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(titles))}{last - 1}"


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
    dates: Sequence[int] = (),
) -> int:
    """Append ``rows`` (leading cells, then the counts and their three shares) under the
    header, the last one bold (the total), the columns ``dates`` (1-based) as dates; return
    the last row's number."""
    row = HEADER_ROW
    for row, (lead, counts) in enumerate(rows, start=HEADER_ROW + 1):
        values = [*lead, *_count_values(counts), *shares(counts)]
        last = row - HEADER_ROW == len(rows)
        cells = []
        for column, value in enumerate(values, start=1):
            style: dict[str, Any] = {"border": _BORDER}
            if column > len(values) - 3:
                style["number_format"] = _PERCENT
            elif column in dates and not last:
                style["number_format"] = _DATE
            if last:
                style["font"] = _BOLD
            cells.append(_cell(sheet, value, **style))
        sheet.append(cells)
    return row


# ---------------------------------------------------------------- the discipline report


def discipline_workbook(report: DisciplineReport) -> bytes:
    """The execution-discipline report: sheet «По школам» (place, school, counts, shares) and
    sheet «По решениям» (place, decision, its meeting's date, counts, shares), each ranked by
    the share done on time, with a total row."""
    book = Workbook(write_only=True)
    title = (
        f"Исполнительская дисциплина за период с {report.start:%d.%m.%Y} по {report.end:%d.%m.%Y}"
    )
    _discipline_sheet(
        book.create_sheet("По школам"), report, title=title, what=["Школа"], ranked=report.schools
    )
    _discipline_sheet(
        book.create_sheet("По решениям"),
        report,
        title=title,
        what=["Решение", "Совещание"],
        ranked=report.decisions,
    )
    return _to_bytes(book)


def _discipline_sheet(
    sheet: Worksheet,
    report: DisciplineReport,
    *,
    title: str,
    what: Sequence[str],
    ranked: Sequence[DisciplineRow],
) -> None:
    titles = [
        "Место",
        *what,
        *_COUNT_TITLES,
        "Доля в срок",
        "Доля с нарушением срока",
        "Доля просроченных",
    ]
    with_meeting = len(what) > 1
    first = [8, 60, 12] if with_meeting else [8, 34]
    _start(sheet, [*first, *(14 for _ in _COUNT_TITLES), 12, 14, 14], freeze=f"C{HEADER_ROW + 1}")
    _heading(
        sheet,
        title,
        f"Поручения со сроком исполнения в периоде; по состоянию на {report.today:%d.%m.%Y}",
        titles,
    )

    def lead(place: int | None, row_name: str, held: object) -> list[object]:
        return [place, row_name, held] if with_meeting else [place, row_name]

    rows: list[tuple[Sequence[object], Counts]] = [
        (lead(place, r.name, r.meeting_date), r.counts) for place, r in enumerate(ranked, start=1)
    ]
    total: tuple[Sequence[object], Counts] = (lead(None, "Итого", None), report.total)
    last = _count_rows(
        sheet, [*rows, total], shares=_discipline_shares, dates=(3,) if with_meeting else ()
    )
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(titles))}{last - 1}"
