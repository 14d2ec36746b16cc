"""The log's pure rules (``tracker.audit.rules``): values in words, the object's page by role,
the department's days as moments, and the text a search looks for inside stored JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.accounts.roles import Role
from tracker.audit import rules
from tracker.audit.rules import Change, Related

MOSCOW = ZoneInfo("Europe/Moscow")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


def test_values_in_words() -> None:
    changes = rules.describe(
        "assignment",
        {"status": "in_progress", "due_on": "2030-03-01"},
        {
            "status": "reported",
            "reported_at": "2026-03-01T21:30:00+00:00",
            "accepted_on_time": False,
            "files": ["акт.pdf", "фото.jpg"],
            "due_on": "2030-03-01",
        },
        MOSCOW,
    )

    assert [c.as_text() for c in changes] == [
        "Состояние: В работе → На проверке",
        "Отчёт отправлен: 02.03.2026 00:30",
        "В срок: нет",
        "Файлы: акт.pdf, фото.jpg",
        "Срок: 01.03.2030",
    ]
    assert changes[0] == Change("status", "Состояние", "В работе", "На проверке", labelled=True)


def test_a_field_only_before_was_removed_and_long_text_is_cut() -> None:
    changes = rules.describe("calendar_day", {"note": "x" * 500}, {}, MOSCOW)

    assert changes[0].as_text() == f"Примечание: {'x' * 299}… → —"
    assert rules.describe("calendar_day", {"note": "x" * 500}, {}, MOSCOW, limit=None)[0].old == (
        "x" * 500
    )


@given(
    before=st.dictionaries(st.text(), json_values), after=st.dictionaries(st.text(), json_values)
)
def test_any_recorded_values_can_be_described(
    before: dict[str, object], after: dict[str, object]
) -> None:
    changes = rules.describe("user", before, after, MOSCOW)

    assert [c.field for c in changes] == [*after, *(k for k in before if k not in after)]
    assert all(isinstance(c.as_text(), str) for c in changes)


@pytest.mark.parametrize(
    ("role", "entity", "url"),
    [
        (Role.HEAD, "assignment", "/assignments/7"),
        (Role.ADMIN, "assignment", "/assignments/7"),
        (Role.HEAD, "decision", "/decisions/7"),
        (Role.ADMIN, "decision", None),
        (Role.HEAD, "school", "/schools/7"),
        (Role.ADMIN, "school", "/admin/schools/7"),
        (Role.HEAD, "user", None),
        (Role.ADMIN, "user", "/admin/users/7"),
        (Role.ADMIN, "outbox_message", "/admin/outbox/7"),
        (Role.HEAD, "follow_up", "/meetings/3/follow-up"),
        (Role.HEAD, "report_file", None),
    ],
)
def test_the_objects_page_is_one_the_reader_may_open(
    role: Role, entity: str, url: str | None
) -> None:
    found = rules.object_ref(entity, 7, role, Related(), after={"meeting_id": 3})

    assert found.url == url


def test_an_assignment_is_named_by_its_decision_and_school() -> None:
    related = Related(decision_number="1.2", school_name="МБОУ СОШ № 1")

    assert rules.object_ref("assignment", 7, Role.HEAD, related).label == (
        "Решение № 1.2 — МБОУ СОШ № 1"
    )


def test_a_period_of_days_is_in_the_departments_time() -> None:
    start, end = rules.period_bounds(date(2026, 3, 1), date(2026, 3, 1), MOSCOW)

    assert start == datetime(2026, 2, 28, 21, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 1, 21, 0, tzinfo=UTC)
    assert rules.period_bounds(None, None, MOSCOW) == (None, None)


@pytest.mark.parametrize(
    ("text", "number"),
    [("125", 125), ("№ 125", 125), ("#125", 125), ("№125", 125), ("12a", None), ("", None)],
)
def test_an_objects_number(text: str, number: int | None) -> None:
    assert rules.number_in(text) == number


def test_like_patterns_take_wildcards_literally() -> None:
    assert rules.like_pattern("100%_!") == "%100!%!_!!%"


@given(st.text(min_size=1, max_size=20).filter(str.strip))
def test_a_value_is_found_inside_its_stored_json(word: str) -> None:
    """Piccolo stores JSON with ``json.dumps`` (Cyrillic as \\u escapes); some needle of a
    word occurs in the stored text of any value that contains the word as written, in lower
    case or capitalised."""
    for stored_word in (word, word.lower(), word.upper()):
        stored = json.dumps({"comment": f"до {stored_word} после"})
        assert any(needle in stored for needle in rules.json_needles(word))


def test_actions_are_found_by_their_words() -> None:
    assert ("assignment", "return") in rules.actions_matching(rules.folded("ВОЗВРАЩЕНО"))
    assert ("school", "create") in rules.actions_matching(rules.folded("школ"))
    assert rules.actions_matching(rules.folded("ничего такого")) == []
