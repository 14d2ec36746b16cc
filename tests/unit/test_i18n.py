"""Locale choice, plural forms and dates in Russian and English (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from jinja2 import DictLoader

from tracker.i18n import catalog, formats
from tracker.i18n.locales import from_accept_language, get_locale, negotiate, use_locale
from tracker.web.templating import make_environment, plural_ru

# ------------------------------------------------------------------------ locale choice


@pytest.mark.parametrize(
    ("saved", "cookie", "accept", "expected"),
    [
        ("en", "ru", "ru", "en"),  # the user's saved choice first
        (None, "en", "ru-RU,ru;q=0.9", "en"),  # then the cookie
        (None, None, "en-US,en;q=0.9", "en"),  # then the browser
        (None, None, "de-DE,de;q=0.9", "ru"),  # anything else: Russian
        (None, None, None, "ru"),
        ("xx", "zz", "", "ru"),  # unknown values are ignored
        (None, "EN", None, "en"),
    ],
)
def test_negotiate_order(
    saved: str | None, cookie: str | None, accept: str | None, expected: str
) -> None:
    assert negotiate(saved, cookie, accept) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en;q=0.2, ru;q=0.8", "ru"),
        ("fr, en-GB;q=0.7, ru;q=0.6", "en"),
        ("ru;q=0, en;q=0.1", "en"),
        ("en;q=bad, ru;q=0.5", "ru"),
        ("*", None),
        ("", None),
    ],
)
def test_accept_language_weights(header: str, expected: str | None) -> None:
    assert from_accept_language(header) == expected


def test_use_locale_restores_the_previous_locale() -> None:
    assert get_locale() == "ru"
    with use_locale("en"):
        assert get_locale() == "en"
    assert get_locale() == "ru"


# --------------------------------------------------------------------------- plurals

COUNTS = (1, 2, 5, 11, 21, 22, 25)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("ru", ["1 школа", "2 школы", "5 школ", "11 школ", "21 школа", "22 школы", "25 школ"]),
        (
            "en",
            ["1 school", *(f"{n} schools" for n in (2, 5, 11, 21, 22, 25))],
        ),
    ],
)
def test_plural_forms_in_templates(locale: str, expected: list[str]) -> None:
    env = make_environment()
    template = env.from_string('{{ ngettext("%(num)d школа", "%(num)d школ", n) }}')
    with use_locale(locale):
        assert [template.render(n=n) for n in COUNTS] == expected


@pytest.mark.parametrize(
    ("singular", "plural", "ru", "en"),
    [
        ("%(num)d решение", "%(num)d решений", ("решение", "решения", "решений"), "decision"),
        (
            "%(num)d поручение",
            "%(num)d поручений",
            ("поручение", "поручения", "поручений"),
            "assignment",
        ),
        ("%(num)d день", "%(num)d дней", ("день", "дня", "дней"), "day"),
        (
            "%(num)d совещание",
            "%(num)d совещаний",
            ("совещание", "совещания", "совещаний"),
            "meeting",
        ),
    ],
)
def test_every_counted_noun_in_both_languages(
    singular: str, plural: str, ru: tuple[str, str, str], en: str
) -> None:
    one, few, many = ru
    russian = [catalog.ngettext(singular, plural, n, "ru") % {"num": n} for n in COUNTS]
    english = [catalog.ngettext(singular, plural, n, "en") % {"num": n} for n in COUNTS]

    assert russian == [f"1 {one}", f"2 {few}", f"5 {many}", f"11 {many}", f"21 {one}",
                       f"22 {few}", f"25 {many}"]  # fmt: skip
    assert english == [f"1 {en}"] + [f"{n} {en}s" for n in COUNTS[1:]]


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 школа"), (2, "2 школы"), (5, "5 школ"), (11, "11 школ"), (12, "12 школ"),
     (21, "21 школа"), (22, "22 школы"), (25, "25 школ"), (111, "111 школ"), (0, "0 школ")],
)  # fmt: skip
def test_python_plural_helper(n: int, expected: str) -> None:
    assert formats.plural(n, "школа", "школы", "школ") == expected
    assert plural_ru(n, "школа", "школы", "школ") == expected


def test_plural_categories_come_from_cldr() -> None:
    assert [formats.plural_category(n, "ru") for n in COUNTS] == [
        "one", "few", "many", "many", "one", "few", "many"
    ]  # fmt: skip
    assert [formats.plural_category(n, "en") for n in (1, 2, 21)] == ["one", "other", "other"]


# ----------------------------------------------------------------------------- dates

FEB_5 = date(2020, 2, 5)


def test_dates_in_both_languages() -> None:
    assert formats.short_date(FEB_5, "ru") == "05.02.2020"
    assert formats.long_date(FEB_5, "ru") == "5 февраля 2020 г."
    assert formats.short_date(FEB_5, "en") == "5 Feb 2020"
    assert formats.long_date(FEB_5, "en") == "5 February 2020"
    assert formats.long_date(date(2024, 5, 21), "ru") == "21 мая 2024 г."


def test_a_moment_is_shown_on_the_department_clock() -> None:
    late_evening_utc = datetime(2020, 2, 4, 22, 30, tzinfo=UTC)  # 01:30 on the 5th in Moscow

    assert formats.short_date(late_evening_utc, "ru") == "05.02.2020"
    assert formats.short_datetime(late_evening_utc, "ru") == "05.02.2020 01:30"
    assert formats.short_datetime(late_evening_utc, "en") == "5 Feb 2020, 01:30"


def test_template_filters_follow_the_locale() -> None:
    env = make_environment()
    template = env.from_string("{{ d | ru_date }} · {{ d | ru_long_date }}")

    with use_locale("ru"):
        assert template.render(d=FEB_5) == "05.02.2020 · 5 февраля 2020 г."
    with use_locale("en"):
        assert template.render(d=FEB_5) == "5 Feb 2020 · 5 February 2020"


# ------------------------------------------------------------------ messages, e-mails


def test_messages_made_in_python_are_looked_up_without_formatting() -> None:
    env = make_environment()
    template = env.from_string("{{ m | translated }}")

    with use_locale("en"):
        assert template.render(m="Опишите, что сделано.") == "Describe what has been done."
        assert template.render(m="Готово на 100% (%(x)s)") == "Готово на 100% (%(x)s)"
        assert template.render(m="<b>") == "&lt;b&gt;"
        assert template.render(m=None) == ""


def test_emails_stay_russian_whatever_the_reader_locale() -> None:
    env = make_environment()
    env.loader = DictLoader({"emails/x.txt": '{{ _("Совещания") }} {{ d | ru_long_date }}',
                             "page.html": '{{ _("Совещания") }} {{ d | ru_long_date }}'})  # fmt: skip

    with use_locale("en"):
        assert env.get_template("emails/x.txt").render(d=FEB_5) == "Совещания 5 февраля 2020 г."
        assert env.get_template("page.html").render(d=FEB_5) == "Meetings 5 February 2020"
