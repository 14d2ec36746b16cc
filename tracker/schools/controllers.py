"""Administration pages (schools, groups, users) and the schools JSON API.

Pages are for the admin role only (a guard on each controller: any other role gets 403);
the services check the permission again for every change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor, Permission, Role
from tracker.errors import ValidationError
from tracker.schools import services as schools
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.rendering import back_to, is_htmx, page

AnyRequest = Request[Any, Any, Any]
Context = dict[str, Any]

ROLES = [(role.value, role.label) for role in Role]


def admin_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    """Guard: the administration pages exist for the admin role only (403 for the others)."""
    actor = connection.scope.get("user")
    if not isinstance(actor, Actor):
        raise NotAuthorizedException("Войдите в систему.")
    actor.require(Permission.ADMINISTER)


def _fragment(template: str, context: Context) -> Template:
    return Template(template_name=template, context=context)


# ---------------------------------------------------------------------------- schools


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


class SchoolAdminController(Controller):
    path = "/admin/schools"
    guards = [admin_only]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = await _schools_context(actor)
        return page(request, "admin/schools.html", context, fragment="admin/_schools_table.html")

    @post("/")
    async def add(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        form = Form(await request.form())
        values = _school_values(form)
        try:
            form.check()
            await schools.create_school(
                actor,
                name=values["name"],
                short_name=values["short_name"],
                email=values["email"],
                group_ids=values["groups"],
            )
        except ValidationError as exc:
            context = await _schools_context(actor, values=values, errors=exc.errors)
            return page(
                request,
                "admin/schools.html",
                context,
                fragment="admin/_school_add_form.html",
                status_code=422,
            )
        flash(request, f"Школа «{values['short_name']}» добавлена.", category="success")
        fragment = None
        if is_htmx(request):
            context = await _schools_context(actor, saved=True)
            fragment = _fragment("admin/_school_add_form.html", context)
        return back_to(request, "/admin/schools", fragment)  # type: ignore[no-any-return]

    @get("/{school_id:int}")
    async def edit_page(
        self, request: AnyRequest, actor: CurrentActor, school_id: FromPath[int]
    ) -> Template:
        school = await schools.get_school(actor, school_id)
        context: Context = {
            "school": school,
            "groups": await schools.list_groups(actor),
            "values": {
                "name": school.name,
                "short_name": school.short_name,
                "email": school.email,
                "groups": list(school.group_ids),
                "is_active": school.is_active,
            },
            "errors": {},
        }
        return page(
            request, "admin/school_edit.html", context, fragment="admin/_school_edit_form.html"
        )

    @post("/{school_id:int}")
    async def save(
        self, request: AnyRequest, actor: CurrentActor, school_id: FromPath[int]
    ) -> Template | Redirect:
        form = Form(await request.form())
        values = _school_values(form)
        try:
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
        except ValidationError as exc:
            context = {
                "school": await schools.get_school(actor, school_id),
                "groups": await schools.list_groups(actor),
                "values": values,
                "errors": exc.errors,
            }
            return page(
                request,
                "admin/school_edit.html",
                context,
                fragment="admin/_school_edit_form.html",
                status_code=422,
            )
        flash(request, "Сохранено.", category="success")
        url = f"/admin/schools/{school_id}"
        fragment = None
        if is_htmx(request):
            school = await schools.get_school(actor, school_id)
            context = {
                "school": school,
                "groups": await schools.list_groups(actor),
                "values": values,
                "errors": {},
                "saved": True,
            }
            fragment = _fragment("admin/_school_edit_form.html", context)
        return back_to(request, url, fragment)  # type: ignore[no-any-return]


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
    guards = [admin_only]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = await _groups_context(actor)
        return page(request, "admin/groups.html", context, fragment="admin/_groups_table.html")

    @post("/")
    async def add(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        form = Form(await request.form())
        name = form.text("name", max_length=200)
        try:
            form.check()
            await schools.create_group(actor, name=name)
        except ValidationError as exc:
            context = await _groups_context(actor, values={"name": name}, errors=exc.errors)
            return page(
                request,
                "admin/groups.html",
                context,
                fragment="admin/_group_add_form.html",
                status_code=422,
            )
        flash(request, f"Группа «{name}» добавлена.", category="success")
        fragment = None
        if is_htmx(request):
            fragment = _fragment(
                "admin/_group_add_form.html", await _groups_context(actor, saved=True)
            )
        return back_to(request, "/admin/groups", fragment)  # type: ignore[no-any-return]

    @post("/{group_id:int}")
    async def rename(
        self, request: AnyRequest, actor: CurrentActor, group_id: FromPath[int]
    ) -> Template | Redirect:
        form = Form(await request.form())
        name = form.text("name", max_length=200)
        try:
            form.check()
            await schools.rename_group(actor, group_id, name=name)
        except ValidationError as exc:
            context = await _groups_context(
                actor, renaming={"id": group_id, "name": name, "errors": exc.errors}
            )
            return page(
                request,
                "admin/groups.html",
                context,
                fragment="admin/_groups_table.html",
                status_code=422,
            )
        flash(request, f"Группа переименована: «{name}».", category="success")
        fragment = None
        if is_htmx(request):
            fragment = _fragment(
                "admin/_groups_table.html", await _groups_context(actor, saved=True)
            )
        return back_to(request, "/admin/groups", fragment)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- users


def _user_values(form: Form, *, new: bool) -> Context:
    values: Context = {
        "full_name": form.text("full_name", max_length=200),
        "position": form.text("position", max_length=200),
        "role": form.text("role", max_length=20),
        "school_id": form.integer("school_id"),
        "is_active": form.flag("is_active"),
        "password": form.text("password", max_length=200),
    }
    if new:
        values["email"] = form.text("email", max_length=254)
    return values


def _blank_user() -> Context:
    return {
        "email": "",
        "full_name": "",
        "position": "",
        "role": "",
        "school_id": None,
        "is_active": True,
    }


async def _users_context(actor: Actor, **extra: Any) -> Context:
    context: Context = {
        "users": await accounts.list_users(actor),
        "schools": await schools.list_schools(actor, include_inactive=True),
        "roles": ROLES,
        "values": _blank_user(),
        "errors": {},
    }
    return context | extra


async def _user_edit_context(actor: Actor, user_id: int, **extra: Any) -> Context:
    user = await accounts.get_user(actor, user_id)
    context: Context = {
        "user": user,
        "schools": await schools.list_schools(actor, include_inactive=True),
        "roles": ROLES,
        "values": {
            "full_name": user.full_name,
            "position": user.position,
            "role": user.role.value,
            "school_id": user.school_id,
            "is_active": user.is_active,
        },
        "errors": {},
    }
    return context | extra


def _without_password(values: Mapping[str, Any]) -> Context:
    """What is echoed back into a form: never the password."""
    return {k: v for k, v in values.items() if k != "password"}


class UserAdminController(Controller):
    path = "/admin/users"
    guards = [admin_only]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = await _users_context(actor)
        return page(request, "admin/users.html", context, fragment="admin/_users_table.html")

    @post("/")
    async def add(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        form = Form(await request.form())
        values = _user_values(form, new=True)
        try:
            form.check()
            await accounts.create_user(
                actor,
                email=values["email"],
                role=values["role"],
                password=values["password"],
                full_name=values["full_name"],
                position=values["position"],
                school_id=values["school_id"],
            )
        except ValidationError as exc:
            context = await _users_context(
                actor, values=_without_password(values), errors=exc.errors
            )
            return page(
                request,
                "admin/users.html",
                context,
                fragment="admin/_user_add_form.html",
                status_code=422,
            )
        flash(request, f"Пользователь {values['email'].lower()} добавлен.", category="success")
        fragment = None
        if is_htmx(request):
            fragment = _fragment(
                "admin/_user_add_form.html", await _users_context(actor, saved=True)
            )
        return back_to(request, "/admin/users", fragment)  # type: ignore[no-any-return]

    @get("/{user_id:int}")
    async def edit_page(
        self, request: AnyRequest, actor: CurrentActor, user_id: FromPath[int]
    ) -> Template:
        context = await _user_edit_context(actor, user_id)
        return page(request, "admin/user_edit.html", context, fragment="admin/_user_edit_form.html")

    @post("/{user_id:int}")
    async def save(
        self, request: AnyRequest, actor: CurrentActor, user_id: FromPath[int]
    ) -> Template | Redirect:
        form = Form(await request.form())
        values = _user_values(form, new=False)
        try:
            form.check()
            await accounts.update_user(
                actor,
                user_id,
                full_name=values["full_name"],
                position=values["position"],
                role=values["role"],
                school_id=values["school_id"],
                is_active=values["is_active"],
                password=values["password"] or None,
            )
        except ValidationError as exc:
            context = await _user_edit_context(
                actor, user_id, values=_without_password(values), errors=exc.errors
            )
            return page(
                request,
                "admin/user_edit.html",
                context,
                fragment="admin/_user_edit_form.html",
                status_code=422,
            )
        flash(request, "Сохранено.", category="success")
        fragment = None
        if is_htmx(request):
            fragment = _fragment(
                "admin/_user_edit_form.html", await _user_edit_context(actor, user_id, saved=True)
            )
        return back_to(request, f"/admin/users/{user_id}", fragment)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- JSON API

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


class SchoolApiController(Controller):
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
