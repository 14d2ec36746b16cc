"""Form parsing and the Russian formatting helpers used by the templates."""

from datetime import date

import pytest

from tracker.web.forms import Form, parse_date
from tracker.web.templating import plural_ru, ru_date, ru_long_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.02.2020", date(2020, 2, 5)),
        ("2020-02-05", date(2020, 2, 5)),
        (" 1.3.2024 ", date(2024, 3, 1)),
        ("31.02.2026", None),
        ("2026-13-01", None),
        ("05.02.20", None),
        ("вчера", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_form_collects_one_message_per_field() -> None:
    form = Form({"title": "  ", "date": "31.02.2026", "n": "x", "ok": "Итоги"})
    assert form.text("title", required=True) == ""
    assert form.date("date", required=True) is None
    assert form.integer("n") is None
    assert form.text("ok", required=True) == "Итоги"
    assert set(form.errors) == {"title", "date", "n"}


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 школа"),
        (3, "3 школы"),
        (5, "5 школ"),
        (11, "11 школ"),
        (21, "21 школа"),
        (22, "22 школы"),
        (112, "112 школ"),
        (0, "0 школ"),
    ],
)
def test_russian_plurals(n: int, expected: str) -> None:
    assert plural_ru(n, "школа", "школы", "школ") == expected


def test_russian_dates() -> None:
    assert ru_date(date(2020, 2, 5)) == "05.02.2020"
    assert ru_long_date(date(2020, 2, 5)) == "5 февраля 2020 г."
