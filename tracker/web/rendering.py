"""One piece of markup for the full page and its htmx swap."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from litestar import Request
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker.errors import ValidationError

AnyRequest = Request[Any, Any, Any]
Context = dict[str, Any]
T = TypeVar("T")


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


async def form_result(
    request: AnyRequest,
    save: Callable[[], Awaitable[T]],
    *,
    template: str,
    form_fragment: str,
    invalid: Callable[[dict[str, str]], Awaitable[Context]],
    message: str | Callable[[T], str],
    back: str | Callable[[T], str],
    saved: Callable[[T], Awaitable[Context]] | None = None,
) -> Template | Redirect:
    """Answer a submitted form. ``save`` checks the form and calls the service.

    Refused (a ``ValidationError``): the page again with the ``invalid`` context (it gets the
    messages), or only ``form_fragment`` for htmx, status 422. Saved: ``message`` flashed, then
    ``form_fragment`` with the ``saved`` context for htmx, a 303 redirect to ``back`` without JS
    (or always, when there is no ``saved``). ``message``, ``back`` and ``saved`` may be computed
    from what ``save`` returned.
    """
    try:
        result = await save()
    except ValidationError as exc:
        context = await invalid(exc.errors)
        return page(request, template, context, fragment=form_fragment, status_code=422)
    flash(request, message if isinstance(message, str) else message(result), category="success")
    swap = None
    if saved is not None and is_htmx(request):
        swap = fragment(form_fragment, await saved(result))
    return back_to(request, back if isinstance(back, str) else back(result), swap)
