"""The message catalogs: ``translations/<locale>/LC_MESSAGES/messages.po``, read at start-up.

Why the ``.po`` and no committed ``.mo``: the text file is the one people edit and review, so a
compiled copy beside it could only fall out of date (a translation fixed in the ``.po`` but not
recompiled). Babel reads each ``.po`` once per process (``read_po``) and writes it into an
in-memory ``.mo`` (``write_mo``), which the standard ``gettext.GNUTranslations`` then reads: the
lookups and the plural rules (from the catalog's ``Plural-Forms`` header, e.g. Russian's
one/few/many) are the standard library's, and the cost is a few milliseconds at start-up.

Russian is the source language: every msgid is Russian. The Russian catalog holds only what a
msgid cannot say by itself, the three plural forms of ``ngettext`` entries; the English catalog
translates everything. A message with no translation shows as it is (in Russian).
"""

from __future__ import annotations

import gettext as stdlib_gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tracker.i18n.locales import DEFAULT_LOCALE, LOCALES, get_locale
from tracker.settings import REPO_ROOT

TRANSLATIONS_DIR = REPO_ROOT / "translations"
DOMAIN = "messages"


def po_path(locale: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str, directory: Path = TRANSLATIONS_DIR) -> Catalog:
    """The catalog of ``locale`` as Babel reads it (tests inspect its entries)."""
    with po_path(locale, directory).open("rb") as po:
        return read_po(po, locale=locale, domain=DOMAIN)


@cache
def translations(locale: str) -> stdlib_gettext.NullTranslations:
    """The compiled catalog of ``locale`` (read once per process)."""
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    if not po_path(locale).exists():
        return stdlib_gettext.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, read_catalog(locale))
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)


def load_all() -> None:
    """Read every catalog now (at start-up), so a broken ``.po`` stops the app, not a page."""
    for locale in LOCALES:
        translations(locale)


def gettext(message: str, locale: str | None = None) -> str:
    """``message`` in ``locale`` (default: the current request's), without any formatting."""
    return translations(locale or get_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int, locale: str | None = None) -> str:
    """The form of ``singular``/``plural`` for ``n`` by the locale's plural rules, unformatted."""
    return translations(locale or get_locale()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate"
    """Mark a message for extraction (``pybabel extract -k N_``) without translating it."""
    return message
