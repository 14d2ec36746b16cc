"""The Jinja2 environment: autoescape on, gettext in the request's language, date filters.

Templates write Russian msgids: ``_("Совещания")``, ``ngettext("%(num)d школа", "%(num)d школ",
n)``; the catalogs (``tracker.i18n.catalog``) give the English and the Russian plural forms.
A message made in Python (a flash, a validation error) is looked up at display time with the
``translated`` filter, which never %-formats: ``{{ message | translated }}``.

Locale: the request's (``tracker.i18n.locales.current_locale``, set by the middleware); with
none set, the browser's cookie or ``Accept-Language`` from the template's ``request`` (pages
Litestar answers before any middleware runs, such as an unknown path). ``templates/emails/`` is
always Russian: a reminder goes to someone whose language the sender does not know.

The Python functions ``ru_date``, ``ru_long_date``, ``ru_datetime`` and ``plural_ru`` stay
Russian (documents and e-mails use them); in templates the filters of the same names follow the
reader's language.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from tracker.calendar.deadlines import period_label
from tracker.i18n import catalog, formats
from tracker.i18n.locales import (
    DEFAULT_LOCALE,
    LOCALE_NAMES,
    LOCALES,
    current_locale,
    negotiate,
)
from tracker.settings import REPO_ROOT

TEMPLATES_DIR = REPO_ROOT / "templates"
RUSSIAN_ONLY_TEMPLATES = ("emails/",)


def ru_date(value: date | datetime | None) -> str:
    """05.02.2020 — the form Russian official documents use."""
    return formats.short_date(value, "ru")


def ru_datetime(value: datetime | None) -> str:
    return formats.short_datetime(value, "ru")


def ru_long_date(value: date | None) -> str:
    """5 февраля 2020 г."""
    return formats.long_date(value, "ru")


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """«1 школа», «3 школы», «5 школ» (Russian only: templates use ``ngettext``)."""
    return formats.plural(n, one, few, many)


def template_locale(context: Context) -> str:
    """The language a template renders in (see the module's docstring)."""
    if (context.name or "").startswith(RUSSIAN_ONLY_TEMPLATES):
        return DEFAULT_LOCALE
    locale = current_locale.get()
    if locale is not None:
        return locale
    request = context.get("request")
    if request is None:
        return DEFAULT_LOCALE
    cookies = getattr(request, "cookies", {}) or {}
    return negotiate(None, cookies.get("lang"), request.headers.get("accept-language"))


@pass_context
def _gettext(context: Context, message: str) -> str:
    return catalog.gettext(message, template_locale(context))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return catalog.ngettext(singular, plural, n, template_locale(context))


@pass_context
def translated(context: Context, message: Any) -> str:
    """A message made in Python, in the reader's language when the catalog has it; never
    %-formatted, so «100%» or «%(x)s» in a message shows as written."""
    if message is None:
        return ""
    return catalog.gettext(str(message), template_locale(context))


@pass_context
def _short_date(context: Context, value: date | datetime | None) -> str:
    return formats.short_date(value, template_locale(context))


@pass_context
def _short_datetime(context: Context, value: datetime | None) -> str:
    return formats.short_datetime(value, template_locale(context))


@pass_context
def _long_date(context: Context, value: date | datetime | None) -> str:
    return formats.long_date(value, template_locale(context))


@pass_context
def _page_locale(context: Context) -> str:
    return template_locale(context)


def make_environment() -> Environment:
    catalog.load_all()
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    filters: dict[str, Any] = {
        "ru_date": _short_date,
        "ru_datetime": _short_datetime,
        "ru_long_date": _long_date,
        "translated": translated,
        "period_label": period_label,
    }
    env.filters.update(filters)
    env.globals["plural_ru"] = plural_ru
    env.globals["page_locale"] = _page_locale
    env.globals["locales"] = [(code, LOCALE_NAMES[code]) for code in LOCALES]
    return env
