"""Administration pages for schools and groups, and the schools JSON API.

Pages are for the admin role only (a guard on each controller: any other role gets 403);
the services check the permission again for every change.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody
from litestar.response import Redirect, Template

from tracker.accounts.roles import Actor, Permission
from tracker.schools import services as schools
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import ApiController, PathId
from tracker.web.rendering import AnyRequest, Context, form_result, page


def _school_values(form: Form) -> Context:
    return {
        "name": form.text("name", max_length=500),
        "short_name": form.text("short_name", max_length=200),
        "email": form.text("email", max_length=254),
        "groups": form.integers("groups"),
        "is_active": form.flag("is_active"),
    }


async def _schools_context(actor: Actor, **extra: Any) -> Context:
    context: Context = {
        "schools": await schools.list_schools(actor, include_inactive=True),
        "groups": await schools.list_groups(actor),
        "values": {"name": "", "short_name": "", "email": "", "groups": []},
        "errors": {},
    }
    return context | extra


async def _school_edit_context(
    actor: Actor, school_id: int, values: Context | None = None, **extra: Any
) -> Context:
    """The edit form: the school's own values, or ``values`` as they were submitted."""
    school = await schools.get_school(actor, school_id)
    context: Context = {
        "school": school,
        "groups": await schools.list_groups(actor),
        "values": values
        or {
            "name": school.name,
            "short_name": school.short_name,
            "email": school.email,
            "groups": list(school.group_ids),
            "is_active": school.is_active,
        },
        "errors": {},
    }
    return context | extra


class SchoolAdminController(Controller):
    path = "/admin/schools"
    guards = [requires(Permission.ADMINISTER)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = await _schools_context(actor)
        return page(request, "admin/schools.html", context, fragment="admin/_schools_table.html")

    @post("/")
    async def add(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        form = Form(await request.form())
        values = _school_values(form)

        async def save() -> None:
            form.check()
            await schools.create_school(
                actor,
                name=values["name"],
                short_name=values["short_name"],
                email=values["email"],
                group_ids=values["groups"],
            )

        return await form_result(
            request,
            save,
            template="admin/schools.html",
            form_fragment="admin/_school_add_form.html",
            invalid=lambda errors: _schools_context(actor, values=values, errors=errors),
            saved=lambda _: _schools_context(actor, saved=True),
            message=f"Школа «{values['short_name']}» добавлена.",
            back="/admin/schools",
        )

    @get("/{school_id:int}")
    async def edit_page(
        self, request: AnyRequest, actor: CurrentActor, school_id: PathId
    ) -> Template:
        context = await _school_edit_context(actor, school_id)
        return page(
            request, "admin/school_edit.html", context, fragment="admin/_school_edit_form.html"
        )

    @post("/{school_id:int}")
    async def save(
        self, request: AnyRequest, actor: CurrentActor, school_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        values = _school_values(form)

        async def save() -> None:
            form.check()
            await schools.update_school(
                actor,
                school_id,
                name=values["name"],
                short_name=values["short_name"],
                email=values["email"],
                is_active=values["is_active"],
                group_ids=values["groups"],
            )

        return await form_result(
            request,
            save,
            template="admin/school_edit.html",
            form_fragment="admin/_school_edit_form.html",
            invalid=lambda errors: _school_edit_context(actor, school_id, values, errors=errors),
            saved=lambda _: _school_edit_context(actor, school_id, values, saved=True),
            message="Сохранено.",
            back=f"/admin/schools/{school_id}",
        )


# ---------------------------------------------------------------------------- groups


async def _groups_context(actor: Actor, **extra: Any) -> Context:
    context: Context = {
        "groups": await schools.list_groups(actor),
        "values": {"name": ""},
        "errors": {},
        "renaming": None,
    }
    return context | extra


class GroupAdminController(Controller):
    path = "/admin/groups"
    guards = [requires(Permission.ADMINISTER)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = await _groups_context(actor)
        return page(request, "admin/groups.html", context, fragment="admin/_groups_table.html")

    @post("/")
    async def add(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        form = Form(await request.form())
        name = form.text("name", max_length=200)

        async def save() -> None:
            form.check()
            await schools.create_group(actor, name=name)

        return await form_result(
            request,
            save,
            template="admin/groups.html",
            form_fragment="admin/_group_add_form.html",
            invalid=lambda errors: _groups_context(actor, values={"name": name}, errors=errors),
            saved=lambda _: _groups_context(actor, saved=True),
            message=f"Группа «{name}» добавлена.",
            back="/admin/groups",
        )

    @post("/{group_id:int}")
    async def rename(
        self, request: AnyRequest, actor: CurrentActor, group_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        name = form.text("name", max_length=200)

        async def save() -> None:
            form.check()
            await schools.rename_group(actor, group_id, name=name)

        return await form_result(
            request,
            save,
            template="admin/groups.html",
            form_fragment="admin/_groups_table.html",
            invalid=lambda errors: _groups_context(
                actor, renaming={"id": group_id, "name": name, "errors": errors}
            ),
            saved=lambda _: _groups_context(actor, saved=True),
            message=f"Группа переименована: «{name}».",
            back="/admin/groups",
        )


# ---------------------------------------------------------------------------- users


SchoolName = Annotated[str, msgspec.Meta(max_length=500)]
ShortName = Annotated[str, msgspec.Meta(max_length=200)]


class SchoolIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new school; ``groups`` are names of existing groups."""

    name: SchoolName
    short_name: ShortName
    groups: list[str] = msgspec.field(default_factory=list)


class SchoolOut(msgspec.Struct):
    id: int
    name: str
    short_name: str
    groups: list[str]


class GroupOut(msgspec.Struct):
    id: int
    name: str
    school_count: int


def _school_out(school: schools.SchoolView) -> SchoolOut:
    return SchoolOut(
        id=school.id, name=school.name, short_name=school.short_name, groups=list(school.groups)
    )


class SchoolApiController(ApiController):
    path = "/api/v1"
    tags = ["schools"]  # noqa: RUF012 - Litestar's declaration style

    @get("/schools")
    async def list_schools(self, actor: CurrentActor) -> list[SchoolOut]:
        """Active schools by short name; a school user sees only their own school."""
        return [_school_out(s) for s in await schools.list_schools(actor)]

    @post("/schools")
    async def create_school(self, actor: CurrentActor, data: JSONBody[SchoolIn]) -> SchoolOut:
        """Add a school (admin only). Unknown group names are a 422 error."""
        school_id = await schools.create_school(
            actor, name=data.name, short_name=data.short_name, group_names=data.groups
        )
        return _school_out(await schools.get_school(actor, school_id))

    @get("/school-groups")
    async def list_groups(self, actor: CurrentActor) -> list[GroupOut]:
        """Groups of schools a decision can be addressed to, with their number of schools."""
        return [
            GroupOut(id=g.id, name=g.name, school_count=g.school_count)
            for g in await schools.list_groups(actor)
        ]
