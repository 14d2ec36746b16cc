"""Meetings and decisions: the department's pages and the meetings JSON API.

Pages and API are for the head and the secretary (a guard on each controller: any other role
gets 403); the services check the permission again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from litestar import Controller, get, post
from litestar.params import JSONBody
from litestar.plugins.flash import flash
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from tracker.accounts.roles import Actor, Permission
from tracker.assignments import services as assignments
from tracker.calendar.deadlines import KIND_LABELS, DeadlineKind, DeadlineRule, Period
from tracker.errors import ValidationError
from tracker.meetings import services as meetings
from tracker.meetings.schemas import (
    AssignIn,
    AssignmentOut,
    DecisionOut,
    MeetingCreatedOut,
    MeetingIn,
    MeetingOut,
    MeetingSummaryOut,
    RemoveFromControlIn,
)
from tracker.schools.services import AllSchools, ChosenSchools, GroupOfSchools, SchoolTarget
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import ApiController, PathId
from tracker.web.rendering import AnyRequest, Context, form_result, is_htmx, page
from tracker.web.templating import plural_ru

MEETING_KINDS = [(k.value, label) for k, label in meetings.MEETING_KIND_LABELS.items()]
DECISION_KINDS = [(k.value, label) for k, label in meetings.DECISION_KIND_LABELS.items()]
DEADLINE_KINDS = [(k.value, label) for k, label in KIND_LABELS.items()]
PERIODS = [(p.value, label) for p, label in meetings.PERIOD_LABELS.items()]
ADDRESSEE = "Руководителям образовательных учреждений"
SPEAKER_SEPARATORS = re.compile(r"[,;\n]")


def _invalid(form: Form, checked: Mapping[str, str]) -> ValidationError:
    """What the form could not read wins over what the service says of the value it got."""
    return ValidationError(dict(checked) | form.errors)


# ---------------------------------------------------------------------------- forms


def _blank_meeting() -> Context:
    return {"kind": meetings.MeetingKind.PROTOCOL.value, "title": "", "number": ""}


def _meeting_form(form: Form) -> tuple[Context, meetings.MeetingDraft]:
    values = {
        "kind": form.text("kind", max_length=20) or meetings.MeetingKind.PROTOCOL.value,
        "title": form.text("title", max_length=2000),
        "number": form.text("number", max_length=50),
        "date": form.text("date", max_length=20),
        "place": form.text("place", max_length=500),
    }
    draft = meetings.MeetingDraft(
        kind=values["kind"],
        title=values["title"],
        number=values["number"],
        date=form.date("date"),
        place=values["place"],
    )
    return values, draft


def _blank_decision() -> Context:
    return {
        "kind": meetings.DecisionKind.INSTRUCTION.value,
        "addressee": ADDRESSEE,
        "deadline_kind": DeadlineKind.NONE.value,
    }


def _deadline(form: Form) -> DeadlineRule:
    """The deadline fieldset: a kind, and only the fields that kind uses."""
    text = form.text("deadline_text", max_length=500)
    try:
        kind = DeadlineKind(form.text("deadline_kind") or DeadlineKind.NONE.value)
    except ValueError:
        form.errors["deadline_kind"] = "Неизвестный вид срока."
        return DeadlineRule(text=text)
    if kind is DeadlineKind.DATE:
        return DeadlineRule(kind=kind, text=text, date=form.date("deadline_date"))
    if kind is DeadlineKind.RELATIVE:
        days = form.integer("deadline_days")
        if form.flag("deadline_working"):
            return DeadlineRule(kind=kind, text=text, working_days=days)
        return DeadlineRule(kind=kind, text=text, days=days)
    if kind is DeadlineKind.PERIODIC:
        period = None
        try:
            period = Period(form.text("deadline_period")) if form.text("deadline_period") else None
        except ValueError:
            form.errors["deadline_period"] = "Неизвестный период."
        day = form.integer("deadline_day")
        if day is not None and not 1 <= day <= 31:
            form.errors["deadline_day"] = "День месяца — от 1 до 31."
        return DeadlineRule(kind=kind, text=text, period=period, days=day)
    return DeadlineRule(kind=kind, text=text)


def _decision_form(form: Form) -> tuple[Context, meetings.DecisionDraft, int | None]:
    values: Context = {
        name: form.text(name, max_length=20_000)
        for name in (
            "number",
            "kind",
            "addressee",
            "text",
            "agenda_item_id",
            "deadline_kind",
            "deadline_date",
            "deadline_days",
            "deadline_period",
            "deadline_day",
            "deadline_text",
        )
    }
    values["deadline_working"] = form.flag("deadline_working")
    draft = meetings.DecisionDraft(
        number=values["number"],
        kind=values["kind"] or meetings.DecisionKind.INSTRUCTION.value,
        addressee=values["addressee"],
        text=values["text"],
        deadline=_deadline(form),
    )
    return values, draft, form.integer("agenda_item_id")


def _assign_form(form: Form) -> tuple[Context, SchoolTarget | None]:
    values: Context = {
        "target": form.text("target", max_length=10),
        "group": form.text("group", max_length=12),
        "schools": form.integers("schools"),
        "due_on": form.text("due_on", max_length=20),
    }
    if not values["target"]:
        # Without JavaScript a user may pick a group or tick schools and forget the radio
        # button: when only one of them is filled in, that is the choice.
        if values["group"] and not values["schools"]:
            values["target"] = "group"
        elif values["schools"] and not values["group"]:
            values["target"] = "chosen"
    target: SchoolTarget | None = None
    if values["target"] == "all":
        target = AllSchools()
    elif values["target"] == "group":
        group_id = form.integer("group")
        if group_id is None:
            form.errors.setdefault("group", "Выберите группу школ.")
        else:
            target = GroupOfSchools(group_id)
    elif values["target"] == "chosen":
        target = ChosenSchools(tuple(values["schools"]))
    else:
        form.errors["target"] = "Выберите, кому назначить решение."
    return values, target


def _assigned_message(rows: list[assignments.AssignmentRow]) -> str:
    created = sum(1 for r in rows if r.created)
    message = "Создано " + plural_ru(created, "поручение", "поручения", "поручений")
    if existed := len(rows) - created:
        message += f"; у {plural_ru(existed, 'школы', 'школ', 'школ')} поручение уже было"
    return message + "."


# ---------------------------------------------------------------------------- meeting pages


async def _meeting_context(actor: Actor, meeting_id: int, **extra: Any) -> Context:
    context: Context = {
        "page": await meetings.meeting_page(actor, meeting_id),
        "decision_kinds": DECISION_KINDS,
        "deadline_kinds": DEADLINE_KINDS,
        "periods": PERIODS,
        "agenda_values": {},
        "agenda_errors": {},
        "decision_values": _blank_decision(),
        "decision_errors": {},
    }
    return context | extra


class MeetingPagesController(Controller):
    path = "/meetings"
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = {"meetings": await meetings.list_meetings(actor)}
        return page(
            request, "meetings/list.html", context, fragment="meetings/_meetings_table.html"
        )

    @get("/new")
    async def new_page(self, request: AnyRequest) -> Template:
        context = {"kinds": MEETING_KINDS, "values": _blank_meeting(), "errors": {}}
        return page(request, "meetings/new.html", context, fragment="meetings/_meeting_form.html")

    @post("/", status_code=200)
    async def create(
        self, request: AnyRequest, actor: CurrentActor
    ) -> Template | Redirect | ClientRedirect:
        form = Form(await request.form())
        values, draft = _meeting_form(form)
        try:
            if form.errors:
                raise _invalid(form, meetings.check_meeting(draft))
            created = await meetings.create_meeting(actor, draft)
        except ValidationError as exc:
            context = {"kinds": MEETING_KINDS, "values": values, "errors": exc.errors}
            return page(
                request,
                "meetings/new.html",
                context,
                fragment="meetings/_meeting_form.html",
                status_code=422,
            )
        flash(request, "Совещание записано. Добавьте повестку и решения.", category="success")
        url = f"/meetings/{created.id}"
        if is_htmx(request):
            return ClientRedirect(url)
        return Redirect(path=url, status_code=303)

    @get("/{meeting_id:int}")
    async def meeting(
        self, request: AnyRequest, actor: CurrentActor, meeting_id: PathId
    ) -> Template:
        context = await _meeting_context(actor, meeting_id)
        return page(request, "meetings/meeting.html", context, fragment="meetings/_decisions.html")

    @post("/{meeting_id:int}/agenda", status_code=200)
    async def add_agenda_item(
        self, request: AnyRequest, actor: CurrentActor, meeting_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        values = {"title": form.text("title", max_length=5000), "speakers": form.text("speakers")}
        speakers = SPEAKER_SEPARATORS.split(values["speakers"])

        async def save() -> None:
            form.check()
            await meetings.add_agenda_item(
                actor, meeting_id, title=values["title"], speakers=speakers
            )

        return await form_result(
            request,
            save,
            template="meetings/meeting.html",
            form_fragment="meetings/_agenda_form.html",
            invalid=lambda errors: _meeting_context(
                actor, meeting_id, agenda_values=values, agenda_errors=errors
            ),
            saved=lambda _: _meeting_context(actor, meeting_id, saved=True),
            message="Вопрос повестки добавлен.",
            back=f"/meetings/{meeting_id}",
        )

    @post("/{meeting_id:int}/decisions", status_code=200)
    async def add_decision(
        self, request: AnyRequest, actor: CurrentActor, meeting_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        values, draft, agenda_item_id = _decision_form(form)

        async def save() -> None:
            if form.errors:
                raise _invalid(form, meetings.check_decision(draft))
            await meetings.add_decision(actor, meeting_id, draft, agenda_item_id=agenda_item_id)

        number = f" № {draft.number.strip()}" if draft.number.strip() else ""
        return await form_result(
            request,
            save,
            template="meetings/meeting.html",
            form_fragment="meetings/_decision_form.html",
            invalid=lambda errors: _meeting_context(
                actor, meeting_id, decision_values=values, decision_errors=errors
            ),
            saved=lambda _: _meeting_context(actor, meeting_id, saved=True),
            message=f"Решение{number} добавлено.",
            back=f"/meetings/{meeting_id}",
        )


# ---------------------------------------------------------------------------- decision page


async def _decision_context(actor: Actor, decision_id: int, **extra: Any) -> Context:
    context: Context = {
        "page": await meetings.decision_page(actor, decision_id),
        "values": {"target": "", "group": "", "schools": [], "due_on": ""},
        "errors": {},
        "control_values": {"comment": ""},
        "control_errors": {},
    }
    return context | extra


class DecisionPagesController(Controller):
    path = "/decisions"
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/{decision_id:int}")
    async def decision(
        self, request: AnyRequest, actor: CurrentActor, decision_id: PathId
    ) -> Template:
        context = await _decision_context(actor, decision_id)
        return page(request, "meetings/decision.html", context, fragment="meetings/_schools.html")

    @post("/{decision_id:int}/assignments", status_code=200)
    async def assign(
        self, request: AnyRequest, actor: CurrentActor, decision_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        values, target = _assign_form(form)
        due_on = form.date("due_on")

        async def save() -> list[assignments.AssignmentRow]:
            form.check()
            assert target is not None  # the form reported a missing target
            return await assignments.assign(actor, decision_id, target, due_on=due_on)

        return await form_result(
            request,
            save,
            template="meetings/decision.html",
            form_fragment="meetings/_assign_form.html",
            invalid=lambda errors: _decision_context(
                actor, decision_id, values=values, errors=errors
            ),
            saved=lambda _: _decision_context(actor, decision_id, saved=True),
            message=_assigned_message,
            back=f"/decisions/{decision_id}",
        )

    @post(
        "/{decision_id:int}/remove-from-control",
        status_code=200,
        guards=[requires(Permission.REVIEW)],
    )
    async def remove_from_control(
        self, request: AnyRequest, actor: CurrentActor, decision_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        values = {"comment": form.text("comment", max_length=meetings.MAX_TEXT)}

        async def save() -> None:
            form.check()
            await meetings.remove_from_control(actor, decision_id, comment=values["comment"])

        return await form_result(
            request,
            save,
            template="meetings/decision.html",
            form_fragment="meetings/_control.html",
            invalid=lambda errors: _decision_context(
                actor, decision_id, control_values=values, control_errors=errors
            ),
            saved=lambda _: _decision_context(actor, decision_id, saved_control=True),
            message="Решение снято с контроля.",
            back=f"/decisions/{decision_id}",
        )


# ---------------------------------------------------------------------------- JSON API


class MeetingApiController(ApiController):
    path = "/api/v1"
    tags = ["meetings"]  # noqa: RUF012 - Litestar's declaration style
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style

    @get("/meetings")
    async def list_meetings(self, actor: CurrentActor) -> list[MeetingSummaryOut]:
        """Every meeting, newest first, with its number of decisions (head and secretary)."""
        return [MeetingSummaryOut.of(m) for m in await meetings.list_meetings(actor)]

    @post("/meetings")
    async def create_meeting(
        self, actor: CurrentActor, data: JSONBody[MeetingIn]
    ) -> MeetingCreatedOut:
        """Record a meeting from a parsed protocol (possibly edited): the meeting, its agenda
        and its decisions, all or nothing; no assignments. Only ``title`` and ``date`` are
        required. A decision's ``agenda_item`` is the number of its agenda item."""
        return MeetingCreatedOut.of(await meetings.create_meeting(actor, data.to_draft()))

    @get("/meetings/{meeting_id:int}")
    async def get_meeting(self, actor: CurrentActor, meeting_id: PathId) -> MeetingOut:
        """The meeting with its agenda and decisions; each decision with its deadline and the
        progress of its assignments."""
        return MeetingOut.of(await meetings.meeting_page(actor, meeting_id))

    @post("/decisions/{decision_id:int}/assignments")
    async def assign(
        self, actor: CurrentActor, decision_id: PathId, data: JSONBody[AssignIn]
    ) -> list[AssignmentOut]:
        """One assignment per school addressed. A school that already has one for this
        decision keeps it (returned with ``created: false``). A decision of a kind that needs
        no action («Принять к сведению», control) is a 409."""
        rows = await assignments.assign(actor, decision_id, data.target(), due_on=data.due_on)
        return [AssignmentOut.of(r) for r in rows]

    @post(
        "/decisions/{decision_id:int}/remove-from-control",
        status_code=200,
        guards=[requires(Permission.REVIEW)],
    )
    async def remove_from_control(
        self,
        actor: CurrentActor,
        decision_id: PathId,
        data: JSONBody[RemoveFromControlIn | None] = None,
    ) -> DecisionOut:
        """«Снять решение с контроля» (the head only): an ongoing obligation ends, a periodic
        one gets no more periods, nothing of it is reminded. Open assignments stay as they
        are. Answers the decision with ``removed_from_control_at``; 409 when it is already
        removed or is of a kind that is not tracked."""
        await meetings.remove_from_control(actor, decision_id, comment=data.comment if data else "")
        page = await meetings.decision_page(actor, decision_id)
        return DecisionOut.of(
            page.decision,
            agenda_item=page.agenda_item.position if page.agenda_item else None,
            progress=page.progress,
        )
