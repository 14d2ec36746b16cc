"""One piece of markup for the full page and its htmx swap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

AnyRequest = Request[Any, Any, Any]
Context = dict[str, Any]


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """An htmx swap. Not a boosted navigation, nor htmx restoring a pushed URL from history:
    both want the whole page."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def page(
    request: Request[Any, Any, Any],
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
) -> Template:
    """The page, or only its ``fragment`` when htmx asks for it."""
    name = fragment if fragment and is_htmx(request) else template
    return Template(template_name=name, context=dict(context or {}), status_code=status_code)


def back_to(
    request: Request[Any, Any, Any], url: str, fragment: Template | None = None
) -> Template | Redirect:
    """After a successful form: the updated fragment for htmx, a 303 redirect without JS."""
    if fragment is not None and is_htmx(request):
        return fragment
    return Redirect(path=url, status_code=303)


def fragment(template: str, context: Mapping[str, Any], status_code: int = 200) -> Template:
    """Only a fragment, whoever asks (for the htmx answer to a form)."""
    return Template(template_name=template, context=dict(context), status_code=status_code)
