"""Dates and plural forms in the reader's language, by Babel's CLDR data. Pure.

Russian: «05.02.2020» in tables, «5 февраля 2020 г.» in running text, «1 школа», «3 школы»,
«5 школ». English: «5 Feb 2020» (a numeric date reads differently in London and New York),
«5 February 2020», «1 school», «5 schools».
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_time

from tracker.i18n.locales import DEFAULT_LOCALE, ENGLISH, RUSSIAN, known
from tracker.settings import get_settings

SHORT_DATE = {RUSSIAN: "dd.MM.y", ENGLISH: "d MMM y"}
LONG_DATE = {RUSSIAN: "d MMMM y 'г.'", ENGLISH: "d MMMM y"}


def _locale(locale: str | None) -> str:
    return known(locale) or DEFAULT_LOCALE


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(get_settings().tz).date()
    return value


@lru_cache(maxsize=4096)
def _formatted(day: date, pattern: str, locale: str) -> str:
    """Babel's date formatting, remembered: a page shows the same few due dates on many rows,
    and each formatting is several microseconds of pattern work."""
    return format_date(day, pattern, locale=locale)


def short_date(value: date | datetime | None, locale: str | None = None) -> str:
    """«05.02.2020» / «5 Feb 2020»; a moment is taken on the department's clock."""
    if value is None:
        return ""
    loc = _locale(locale)
    return _formatted(_local_day(value), SHORT_DATE[loc], loc)


def long_date(value: date | datetime | None, locale: str | None = None) -> str:
    """«5 февраля 2020 г.» / «5 February 2020»."""
    if value is None:
        return ""
    loc = _locale(locale)
    return _formatted(_local_day(value), LONG_DATE[loc], loc)


def short_datetime(
    value: datetime | None, locale: str | None = None, *, tz: tzinfo | None = None
) -> str:
    """«05.02.2020 14:30» / «5 Feb 2020, 14:30», on the department's clock (or ``tz``'s)."""
    if value is None:
        return ""
    loc = _locale(locale)
    moment = value.astimezone(tz or get_settings().tz)
    time = format_time(moment, "HH:mm", locale=loc)
    separator = " " if loc == RUSSIAN else ", "
    return f"{short_date(moment, loc)}{separator}{time}"


@cache
def _plural_rule(locale: str) -> Locale:
    return Locale.parse(locale)


def plural_category(n: int, locale: str = RUSSIAN) -> str:
    """CLDR's category of ``n``: Russian one/few/many, English one/other."""
    return str(_plural_rule(_locale(locale)).plural_form(abs(n)))


def plural(n: int, one: str, few: str, many: str) -> str:
    """A Russian count with its noun, for code (templates use ``ngettext``): «21 школа»,
    «22 школы», «25 школ»."""
    word = {"one": one, "few": few}.get(plural_category(n, RUSSIAN), many)
    return f"{n} {word}"
