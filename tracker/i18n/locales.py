"""Which locale a request gets, and the contextvar that carries it. Pure: no database.

Order (``negotiate``): the signed-in user's saved choice, else the ``lang`` cookie, else the
browser's ``Accept-Language`` (Russian or English; anything else means Russian).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

RUSSIAN = "ru"
ENGLISH = "en"
DEFAULT_LOCALE = RUSSIAN
LOCALES: tuple[str, ...] = (RUSSIAN, ENGLISH)
LOCALE_NAMES = {RUSSIAN: "Русский", ENGLISH: "English"}
"""Each language named in itself, as a language switcher shows it."""

COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60

current_locale: ContextVar[str | None] = ContextVar("current_locale", default=None)
"""The locale of the request being answered; None outside a request (workers, the CLI)."""


def known(value: str | None) -> str | None:
    """``value`` if it names one of our locales (``en``, ``EN``, ``en-GB``), else None."""
    if not value:
        return None
    language = value.strip().replace("_", "-").split("-")[0].lower()
    return language if language in LOCALES else None


def from_accept_language(header: str | None) -> str | None:
    """The first of our locales the browser prefers, by ``q`` weight, or None.

    >>> from_accept_language("de-DE,de;q=0.9,en;q=0.8,ru;q=0.7")
    'en'
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.partition(";")
        locale = known(tag)
        if locale is None:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranked.append((-weight, position, locale))
    return min(ranked)[2] if ranked else None


def negotiate(saved: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The locale for a request: the user's saved choice, the cookie, the browser, Russian."""
    return known(saved) or known(cookie) or from_accept_language(accept_language) or DEFAULT_LOCALE


def get_locale() -> str:
    """The current request's locale; Russian outside a request."""
    return current_locale.get() or DEFAULT_LOCALE


@contextmanager
def use_locale(locale: str) -> Iterator[str]:
    """Render or format in ``locale`` within the block (tests, code outside a request)."""
    token = current_locale.set(known(locale) or DEFAULT_LOCALE)
    try:
        yield current_locale.get() or DEFAULT_LOCALE
    finally:
        current_locale.reset(token)
