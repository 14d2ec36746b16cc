"""Form parsing and the Russian formatting helpers used by the templates."""

from datetime import date

import pytest
from litestar.response import Redirect, Template
from litestar.testing import RequestFactory

from tracker.errors import ValidationError
from tracker.web.forms import Form, parse_date
from tracker.web.rendering import AnyRequest, Context, form_result
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


# ---------------------------------------------------------------- form_result


def _request(*, htmx: bool) -> AnyRequest:
    headers = {"hx-request": "true"} if htmx else {}
    return RequestFactory().post("/form", headers=headers, session={})


async def _invalid(errors: dict[str, str]) -> Context:
    return {"values": {"name": "?"}, "errors": errors}


async def _saved(number: int) -> Context:
    return {"number": number, "saved": True}


async def _refuse() -> int:
    raise ValidationError.single("name", "Заполните это поле.")


async def _accept() -> int:
    return 7


@pytest.mark.parametrize(
    ("htmx", "template"), [(False, "things/page.html"), (True, "things/_form.html")]
)
async def test_form_result_refused_shows_the_form_again_with_422(htmx: bool, template: str) -> None:
    # Given a form whose save is refused
    request = _request(htmx=htmx)
    # When it is answered
    answer = await form_result(
        request,
        _refuse,
        template="things/page.html",
        form_fragment="things/_form.html",
        invalid=_invalid,
        saved=_saved,
        message="Сохранено.",
        back="/things",
    )
    # Then the page (or its form for htmx) again, with the messages, and nothing flashed
    assert isinstance(answer, Template)
    assert (answer.template_name, answer.status_code) == (template, 422)
    assert answer.context == {"values": {"name": "?"}, "errors": {"name": "Заполните это поле."}}
    assert "_messages" not in request.session


async def test_form_result_saved_swaps_the_form_for_htmx() -> None:
    request = _request(htmx=True)
    answer = await form_result(
        request,
        _accept,
        template="things/page.html",
        form_fragment="things/_form.html",
        invalid=_invalid,
        saved=_saved,
        message=lambda n: f"Сохранено: {n}.",
        back="/things",
    )
    assert isinstance(answer, Template)
    assert (answer.template_name, answer.status_code) == ("things/_form.html", 200)
    assert answer.context == {"number": 7, "saved": True}
    assert request.session["_messages"] == [{"message": "Сохранено: 7.", "category": "success"}]


@pytest.mark.parametrize("htmx", [False, True])
async def test_form_result_saved_redirects_without_js_or_without_a_swap(htmx: bool) -> None:
    # Given a plain form, or an htmx one with nothing to swap
    request = _request(htmx=htmx)
    answer = await form_result(
        request,
        _accept,
        template="things/page.html",
        form_fragment="things/_form.html",
        invalid=_invalid,
        saved=None if htmx else _saved,
        message="Сохранено.",
        back=lambda n: f"/things/{n}",
    )
    # Then a 303 back to where the form belongs, the message flashed
    assert isinstance(answer, Redirect)
    assert (answer.url, answer.status_code) == ("/things/7", 303)
    assert request.session["_messages"] == [{"message": "Сохранено.", "category": "success"}]
