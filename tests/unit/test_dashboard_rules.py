"""The dashboard's pure rules: the status filter, the cell's words, pages, the period, the
search's patterns (checked against Python's own matching of the same meaning)."""

from __future__ import annotations

import fnmatch
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.compliance.rules import Counts
from tracker.dashboard.rules import (
    StatusFilter,
    check_period,
    glob_pattern,
    mark,
    paginate,
    regex_pattern,
)
from tracker.errors import ValidationError


def test_a_status_keeps_the_cells_holding_it() -> None:
    mixed = Counts(total=3, accepted_late=1, overdue=1, open=1)
    assert StatusFilter.ALL.keeps(mixed)
    assert StatusFilter.OVERDUE.keeps(mixed)
    assert StatusFilter.OPEN.keeps(mixed)
    assert StatusFilter.DONE.keeps(mixed)
    assert not StatusFilter.REPORTED.keeps(mixed)
    assert not StatusFilter.ALL.keeps(Counts())


def test_a_cell_says_its_state_in_words() -> None:
    assert mark(Counts()) == ""
    assert mark(Counts(total=1, overdue=1)) == "просроч."
    assert mark(Counts(total=2, accepted_on_time=2)) == "в срок"
    assert mark(Counts(total=3, accepted_on_time=1, overdue=2)) == "1/3 !2"
    assert mark(Counts(total=2, accepted_late=1, reported=1)) == "1/2"


def test_pages_stay_within_the_schools() -> None:
    assert (paginate(0, 1).count, paginate(0, 5).number) == (1, 1)
    last = paginate(81, 9, size=40)
    assert (last.number, last.count, last.start, last.stop) == (3, 3, 80, 81)
    first = paginate(81, -2, size=40)
    assert (first.number, first.start, first.stop, first.has_previous) == (1, 0, 40, False)
    with pytest.raises(ValueError, match="size"):
        paginate(1, 1, size=0)


def test_a_period_needs_both_ends_in_order() -> None:
    assert check_period(None, None) is None
    assert check_period(date(2024, 1, 1), date(2024, 1, 1)) == (date(2024, 1, 1),) * 2
    with pytest.raises(ValidationError) as missing:
        check_period(date(2024, 1, 1), None)
    assert "end" in missing.value.errors
    with pytest.raises(ValidationError) as reversed_:
        check_period(date(2024, 2, 1), date(2024, 1, 1))
    assert reversed_.value.errors == {"end": "Конец периода раньше его начала."}


def _contains(text: str, query: str) -> bool:
    """The meaning: case-insensitive (per character), «ё» as «е»."""

    def norm(s: str) -> str:
        return "".join(c.lower() if len(c.lower()) == 1 else c for c in s).replace("ё", "е")

    return norm(query) in norm(text)


ALPHABET = st.sampled_from(list("шкОЛАаёЁеЕ №1.*?[]%_\\(|^$Zz"))


@given(text=st.text(ALPHABET, max_size=12), query=st.text(ALPHABET, min_size=1, max_size=4))
def test_the_patterns_match_what_the_search_means(text: str, query: str) -> None:
    expected = _contains(text, query)
    assert bool(re.search(regex_pattern(query), text)) is expected
    # fnmatchcase has GLOB's syntax for *, ? and [...] classes
    assert fnmatch.fnmatchcase(text, glob_pattern(query)) is expected


def test_cyrillic_case_is_folded() -> None:
    assert re.search(regex_pattern("ШКОЛА"), "Средняя школа № 1")
    assert fnmatch.fnmatchcase("Средняя школа № 1", glob_pattern("ШкОлА"))
    assert fnmatch.fnmatchcase("«Ёлочка»", glob_pattern("елочка"))
