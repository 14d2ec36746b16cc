"""The dashboard's rules. Pure: no database, no clock.

- which cells of the compliance matrix a status filter keeps (``StatusFilter.keeps``);
- the short mark a cell shows beside its colour (``mark``), so that colour is never the only
  signal;
- the pages of the schools (``paginate``);
- the period's check (``check_period``);
- the search's patterns, matching any case of Cyrillic and Latin letters on SQLite and
  PostgreSQL alike (``glob_pattern``, ``regex_pattern``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from math import ceil
from typing import TypeVar

from tracker.compliance.rules import Bucket, Counts
from tracker.errors import ValidationError
from tracker.exports.cells import SEVERITY, bucket_count

T = TypeVar("T")

PAGE_SIZE = 40
"""Schools per page of the matrix."""

MIN_QUERY = 2
"""A search shorter than this gets a hint, not every decision of the district."""


class StatusFilter(StrEnum):
    ALL = "all"
    OVERDUE = "overdue"
    REPORTED = "reported"
    OPEN = "open"
    DONE = "done"

    @property
    def label(self) -> str:
        return STATUS_FILTER_LABELS[self]

    def keeps(self, counts: Counts) -> bool:
        """Whether a cell with these counts stays in the matrix: it holds at least one
        assignment in the chosen state (any assignment for «все»)."""
        if self is StatusFilter.ALL:
            return counts.total > 0
        if self is StatusFilter.DONE:
            return counts.done > 0
        return bool(getattr(counts, self.value))


STATUS_FILTER_LABELS = {
    StatusFilter.ALL: "все",
    StatusFilter.OVERDUE: "просроченные",
    StatusFilter.REPORTED: "отчёт на проверке",
    StatusFilter.OPEN: "в работе, срок не истёк",
    StatusFilter.DONE: "исполненные (сняты с контроля)",
}


MARKS: dict[Bucket, str] = {
    Bucket.ACCEPTED_ON_TIME: "в срок",
    Bucket.ACCEPTED_LATE: "поздно",
    Bucket.REPORTED: "отчёт",
    Bucket.OVERDUE: "просроч.",
    Bucket.OPEN: "в работе",
}
"""The short mark of a cell all of whose assignments are in one bucket (the legend gives the
full wording, ``exports.cells.LABELS``)."""


def mark(counts: Counts) -> str:
    """What a cell shows in words: the bucket's mark when all its assignments share it,
    otherwise «done/total», with «!overdue» when some are overdue; "" for an empty cell."""
    if counts.total == 0:
        return ""
    present = [b for b in SEVERITY if bucket_count(counts, b)]
    if len(present) == 1:
        return MARKS[present[0]]
    text = f"{counts.done}/{counts.total}"
    if counts.overdue:
        text += f" !{counts.overdue}"
    return text


@dataclass(frozen=True)
class Page:
    number: int
    """From 1; a number past the end is the last page."""
    count: int
    """How many pages (at least 1)."""
    start: int
    """Index of the first item on the page."""
    stop: int

    @property
    def numbers(self) -> range:
        return range(1, self.count + 1)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def paginate(total: int, number: int, size: int = PAGE_SIZE) -> Page:
    """The page ``number`` of ``total`` items, ``size`` per page, kept within the pages."""
    if size < 1:
        raise ValueError("size must be positive")
    count = max(1, ceil(total / size))
    number = min(max(1, number), count)
    start = (number - 1) * size
    return Page(number=number, count=count, start=start, stop=min(total, start + size))


def page_of(items: Sequence[T], page: Page) -> Sequence[T]:
    return items[page.start : page.stop]


def check_period(start: date | None, end: date | None) -> tuple[date, date] | None:
    """The due dates' period from the filter: none when both ends are empty; both ends are
    needed otherwise, the start not after the end."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = "start" if start is None else "end"
        what = "начало" if start is None else "конец"
        raise ValidationError.single(missing, f"Укажите {what} периода или очистите оба поля.")
    if start > end:
        raise ValidationError.single("end", "Конец периода раньше его начала.")
    return start, end


YO = frozenset("еЕёЁ")
"""«е» and «ё» match each other: people type either."""


def letter_cases(char: str) -> str:
    """Every form of ``char`` the search matches: both cases of a letter (any script: Python
    folds Cyrillic, which SQLite's ``LOWER``/``LIKE`` do not), «е» and «ё» alike."""
    if char in YO:
        return "еЕёЁ"
    forms = dict.fromkeys(f for f in (char, char.lower(), char.upper()) if len(f) == 1)
    return "".join(forms)


def glob_pattern(query: str) -> str:
    """SQLite's ``GLOB`` pattern (case-sensitive) for text containing ``query`` in any case:
    each letter as a class of its forms, ``*``, ``?`` and ``[`` taken literally."""
    parts = []
    for char in query:
        forms = letter_cases(char)
        parts.append(f"[{forms}]" if len(forms) > 1 or char in "*?[" else char)
    return f"*{''.join(parts)}*"


REGEX_SPECIAL = frozenset(".^$*+?()[]{}|\\")


def regex_pattern(query: str) -> str:
    """PostgreSQL's ``~`` pattern (case-sensitive, whatever the cluster's locale) for text
    containing ``query`` in any case, as ``glob_pattern``."""
    parts = []
    for char in query:
        forms = letter_cases(char)
        if len(forms) > 1:
            parts.append(f"[{forms}]")
        elif char in REGEX_SPECIAL:
            parts.append(f"\\{char}")
        else:
            parts.append(char)
    return "".join(parts)


def normalise_query(text: str) -> str:
    """The query as searched: spaces collapsed, at most 200 characters."""
    return " ".join(text.split())[:200]
