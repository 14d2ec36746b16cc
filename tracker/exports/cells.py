"""What one cell of the compliance matrix says, for the ``.xlsx`` and the print view alike.
Pure: no database, no clock.

A cell (a decision at a school) may hold several assignments: one per period of a periodic
decision. It shows

- nothing when the school was not addressed (no assignment);
- the bucket's name when every assignment of the cell is in the same bucket
  («исполнено в срок», «просрочено»…);
- otherwise «исполнено N из M», followed by «, просрочено K» when some are overdue.

Its colour is the *dominant* bucket: the first present in the order overdue, open, reported,
accepted late, accepted on time — what still needs doing shows first, so a cell is green only
when everything in it was done on time.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.compliance.rules import ZERO, Bucket, Counts
from tracker.compliance.services import Compliance, DecisionRef

LABELS: dict[Bucket, str] = {
    Bucket.ACCEPTED_ON_TIME: "исполнено в срок",
    Bucket.ACCEPTED_LATE: "исполнено с нарушением срока",
    Bucket.REPORTED: "отчёт на проверке",
    Bucket.OVERDUE: "просрочено",
    Bucket.OPEN: "в работе",
}
"""The status of a cell in Russian, by bucket; also the legend, in this order."""

COLOURS: dict[Bucket, str] = {
    Bucket.ACCEPTED_ON_TIME: "C6EFCE",  # green
    Bucket.ACCEPTED_LATE: "E4EFA1",  # yellow-green
    Bucket.REPORTED: "BDD7EE",  # blue
    Bucket.OVERDUE: "FFC7CE",  # red
    Bucket.OPEN: "E7E6E6",  # grey
}
"""Fill colours (RGB hex) by bucket, shared by the workbook and the print view."""

SEVERITY: tuple[Bucket, ...] = (
    Bucket.OVERDUE,
    Bucket.OPEN,
    Bucket.REPORTED,
    Bucket.ACCEPTED_LATE,
    Bucket.ACCEPTED_ON_TIME,
)
"""The order in which a bucket dominates a mixed cell."""


def bucket_count(counts: Counts, which: Bucket) -> int:
    return int(getattr(counts, which.value))


@dataclass(frozen=True)
class Cell:
    text: str
    bucket: Bucket | None
    """The dominant bucket; None for an empty cell."""


EMPTY = Cell(text="", bucket=None)


def cell(counts: Counts) -> Cell:
    """The text and the dominant bucket of a cell (see the module's docstring)."""
    if counts.total == 0:
        return EMPTY
    present = [b for b in SEVERITY if bucket_count(counts, b)]
    dominant = present[0]
    if len(present) == 1:
        return Cell(text=LABELS[dominant], bucket=dominant)
    text = f"исполнено {counts.done} из {counts.total}"
    if counts.overdue:
        text += f", просрочено {counts.overdue}"
    return Cell(text=text, bucket=dominant)


def share(part: int, whole: int) -> float:
    """``part / whole``, 0 when there is nothing."""
    return part / whole if whole else 0.0


def shorten(text: str, limit: int = 120) -> str:
    """The wording on one line, cut at a word boundary with «…» past ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"


@dataclass(frozen=True)
class MatrixRow:
    """One decision of the matrix: its cells in the order of the schools, and its totals."""

    decision: DecisionRef
    cells: tuple[Cell, ...]
    counts: Counts


def matrix_rows(c: Compliance) -> list[MatrixRow]:
    """The matrix as rows, the way the workbook and the print view lay it out."""
    return [
        MatrixRow(
            decision=d,
            cells=tuple(cell(c.cell(d.id, s.id)) for s in c.schools),
            counts=c.by_decision.get(d.id, ZERO),
        )
        for d in c.decisions
    ]
