"""The Jinja2 environment: autoescape on, gettext ready, Russian date filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from tracker.calendar.deadlines import period_label
from tracker.settings import REPO_ROOT, get_settings

TEMPLATES_DIR = REPO_ROOT / "templates"

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def ru_date(value: date | datetime | None) -> str:
    """05.02.2020 — the form Russian official documents use."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(get_settings().tz).date()
    return value.strftime("%d.%m.%Y")


def ru_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(get_settings().tz).strftime("%d.%m.%Y %H:%M")


def ru_long_date(value: date | None) -> str:
    """5 февраля 2020 г."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """«1 школа», «3 школы», «5 школ»."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    filters: dict[str, Any] = {
        "ru_date": ru_date,
        "ru_datetime": ru_datetime,
        "ru_long_date": ru_long_date,
        "period_label": period_label,
    }
    env.filters.update(filters)
    env.globals["plural_ru"] = plural_ru
    return env
