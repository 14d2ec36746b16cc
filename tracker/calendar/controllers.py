"""The admin's production calendar: a year day by day, each day a button that flips it.

For the admin role only (a guard on the controller: any other role gets 403); the services
check the permission again for every read and change.
"""

from __future__ import annotations

import re
from datetime import date

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker import clock
from tracker.accounts.roles import Actor, Permission
from tracker.calendar import services as calendar
from tracker.errors import ValidationError
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.rendering import AnyRequest, Context, back_to, form_result, fragment, is_htmx, page
from tracker.web.templating import ru_long_date

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
PAGE = "/admin/calendar"


def _year(value: str | None) -> int:
    if value is None or not value.strip():
        return clock.today().year
    value = value.strip()
    if not value.isdigit() or len(value) != 4:
        raise ValidationError.single("year", "Год указывается четырьмя цифрами, например 2025.")
    return int(value)


def _day(value: str) -> date:
    try:
        if ISO_DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValidationError.single("day", "Неверная дата: ожидается ГГГГ-ММ-ДД, например 2025-05-05.")


def _working(form: Form) -> bool | None:
    value = form.text("working")
    if value not in {"0", "1"}:
        form.errors["working"] = "Укажите, рабочий это день или выходной."
        return None
    return value == "1"


def _year_url(day: date) -> str:
    return f"{PAGE}?year={day.year}#day-{day.isoformat()}"


def _saved_message(result: calendar.DayView) -> str:
    when = ru_long_date(result.day)
    status = "рабочий день" if result.working else "выходной"
    if result.corrected:
        return f"{when} — {status} (изменено вручную)."
    return f"{when} — {status}, как в производственном календаре."


async def _page_context(actor: Actor, year: int, **extra: object) -> Context:
    context: Context = {
        "view": await calendar.calendar_year(actor, year),
        "today": clock.today(),
        "values": {"day": "", "working": "0", "note": ""},
        "errors": {},
    }
    return context | extra


async def _after_change(
    request: AnyRequest, actor: Actor, result: calendar.DayView
) -> Template | Redirect:
    """The day's cell for htmx, with the totals, the corrections and the message out of band;
    a redirect back to the day without JS."""
    flash(request, _saved_message(result), category="success")
    swap = None
    if is_htmx(request):
        view = await calendar.calendar_year(actor, result.day.year)
        context: Context = {
            "d": result,
            "today": clock.today(),
            "saved": True,
            "view": view,
            "month": view.months[result.day.month - 1],
        }
        swap = fragment("calendar/_day.html", context)
    return back_to(request, _year_url(result.day), swap)


class CalendarAdminController(Controller):
    path = PAGE
    guards = [requires(Permission.ADMINISTER)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def year_page(
        self, request: AnyRequest, actor: CurrentActor, year: FromQuery[str | None] = None
    ) -> Template:
        context = await _page_context(actor, _year(year))
        return page(request, "calendar/calendar.html", context, fragment="calendar/_year.html")

    @post("/days")
    async def set_with_note(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        """The form under the grid: any date, its status and a note (a decree, an order)."""
        form = Form(await request.form())
        when = form.date("day", required=True)
        working = _working(form)
        note = form.text("note", max_length=calendar.MAX_NOTE)
        values = {
            "day": when.isoformat() if when else form.text("day"),  # what <input type=date> shows
            "working": form.text("working"),
            "note": note,
        }

        async def save() -> calendar.DayView:
            form.check()
            assert when is not None  # required: checked above
            assert working is not None
            return await calendar.set_day(actor, when, working, note)

        async def invalid(errors: dict[str, str]) -> Context:
            year = (
                when.year
                if when and calendar.FIRST_YEAR <= when.year <= calendar.LAST_YEAR
                else None
            )
            # the service checks the date's year: its message belongs beside the date
            by_field = {("day" if k == "year" else k): v for k, v in errors.items()}
            return await _page_context(
                actor, year or clock.today().year, values=values, errors=by_field
            )

        return await form_result(
            request,
            save,
            template="calendar/calendar.html",
            form_fragment="calendar/_day_form.html",
            invalid=invalid,
            message=_saved_message,
            back=lambda result: _year_url(result.day),
        )

    @post("/days/{day:str}")
    async def flip(
        self, request: AnyRequest, actor: CurrentActor, day: FromPath[str]
    ) -> Template | Redirect:
        """One day's button: ``working`` is the status wanted (1 or 0), ``note`` optional."""
        when = _day(day)
        form = Form(await request.form())
        working = _working(form)
        note = form.text("note", max_length=calendar.MAX_NOTE)
        form.check()
        assert working is not None  # checked above
        result = await calendar.set_day(actor, when, working, note)
        return await _after_change(request, actor, result)

    @post("/days/{day:str}/clear")
    async def clear(
        self, request: AnyRequest, actor: CurrentActor, day: FromPath[str]
    ) -> Template | Redirect:
        """Drop the correction: the shipped calendar decides the day again."""
        result = await calendar.clear_day(actor, _day(day))
        return await _after_change(request, actor, result)
