"""Signing in and out (pages) and getting an API token."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from tracker.accounts import attempts
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor, Permission, Role
from tracker.schools import services as schools
from tracker.web.auth import API_PREFIX, SESSION_USER_KEY, CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import ApiController, PathId, error_response
from tracker.web.rendering import AnyRequest, Context, form_result, page
from tracker.web.security import renew_session

HOME_BY_ROLE = {
    Role.SCHOOL: "/my",
    Role.HEAD: "/dashboard",
    Role.SECRETARY: "/dashboard",
    Role.ADMIN: "/admin/schools",
}


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect. Browsers read a backslash as a
    slash and drop tabs and newlines, so ``/\\host`` and ``/\t/host`` mean ``//host``:
    anything with those characters is refused outright."""
    if not target or not target.startswith("/"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return None
    return target


class LoginController(Controller):
    path = "/"
    include_in_schema = False

    @get("/login")
    async def login_form(
        self, next_url: Annotated[str | None, QueryParameter(name="next")] = None
    ) -> Template:
        return Template("accounts/login.html", context={"next": next_url or "", "email": ""})

    @post("/login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[dict[str, str]],
    ) -> Template | Redirect:
        email = data.get("email", "").strip()
        context = {"next": data.get("next", ""), "email": email}
        try:
            actor = await attempts.sign_in(email, data.get("password", ""), client_address(request))
        except attempts.LoginThrottledError as exc:
            return Template(
                "accounts/login.html",
                context=context | {"retry_minutes": exc.minutes},
                status_code=429,
                headers={"Retry-After": str(exc.retry_after)},
            )
        if actor is None:
            return Template(
                "accounts/login.html",
                context=context | {"error": "Неверный адрес или пароль."},
                status_code=401,
            )
        # A new session id: one the browser had before signing in (perhaps planted) stays out.
        renew_session(request, {SESSION_USER_KEY: actor.user_id})
        return Redirect(_safe_next(data.get("next")) or HOME_BY_ROLE[actor.role], status_code=303)

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        # The server-side entry is deleted and the cookie cleared (tracker.web.security).
        request.clear_session()
        return Redirect("/login", status_code=303)

    @get("/")
    async def home(self, actor: CurrentActor) -> Redirect:
        return Redirect(HOME_BY_ROLE[actor.role], status_code=303)


class TokenRequest(msgspec.Struct):
    email: str
    password: str


class TokenResponse(msgspec.Struct):
    token: str


def client_address(request: Request[Any, Any, Any]) -> str | None:
    """The client's address as uvicorn gives it: behind the proxy (``tracker serve`` runs with
    ``--proxy-headers``) the real client's, from the trusted proxy's X-Forwarded-For."""
    return request.client.host if request.client else None


def login_throttled(
    request: Request[Any, Any, Any], exc: attempts.LoginThrottledError
) -> Response[Any]:
    """The answer to a refused sign-in outside the login page (``POST /api/v1/auth/token``):
    the API's error body, with ``Retry-After``."""
    headers = {"Retry-After": str(exc.retry_after)}
    if request.url.path.startswith(API_PREFIX):
        body = {"status_code": exc.status_code, "detail": exc.message}
        return Response(body, status_code=exc.status_code, headers=headers)
    return Template(
        "error.html",
        context={"status": exc.status_code, "message": exc.message},
        status_code=exc.status_code,
        headers=headers,
    )


class TokenController(ApiController):
    path = "/api/v1/auth"
    tags = ("auth",)

    @post("/token", status_code=200, responses={429: error_response(429)})
    async def token(
        self, request: Request[Any, Any, Any], data: JSONBody[TokenRequest]
    ) -> TokenResponse:
        """Exchange an e-mail and password for a bearer token. Failed attempts are limited per
        account and per client address: 429 with ``Retry-After`` (seconds) while refused."""
        actor = await attempts.sign_in(data.email, data.password, client_address(request))
        if actor is None:
            raise NotAuthorizedException("Неверный адрес или пароль.")
        return TokenResponse(token=await accounts.issue_token(actor))


# ---------------------------------------------------------------- user administration

ROLES = [(role.value, role.label) for role in Role]


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
    guards = [requires(Permission.ADMINISTER)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def list_page(self, request: AnyRequest, actor: CurrentActor) -> Template:
        context = await _users_context(actor)
        return page(request, "admin/users.html", context, fragment="admin/_users_table.html")

    @post("/")
    async def add(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        form = Form(await request.form())
        values = _user_values(form, new=True)

        async def save() -> None:
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

        return await form_result(
            request,
            save,
            template="admin/users.html",
            form_fragment="admin/_user_add_form.html",
            invalid=lambda errors: _users_context(
                actor, values=_without_password(values), errors=errors
            ),
            saved=lambda _: _users_context(actor, saved=True),
            message=f"Пользователь {values['email'].lower()} добавлен.",
            back="/admin/users",
        )

    @get("/{user_id:int}")
    async def edit_page(
        self, request: AnyRequest, actor: CurrentActor, user_id: PathId
    ) -> Template:
        context = await _user_edit_context(actor, user_id)
        return page(request, "admin/user_edit.html", context, fragment="admin/_user_edit_form.html")

    @post("/{user_id:int}")
    async def save(
        self, request: AnyRequest, actor: CurrentActor, user_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        values = _user_values(form, new=False)

        async def save() -> None:
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

        return await form_result(
            request,
            save,
            template="admin/user_edit.html",
            form_fragment="admin/_user_edit_form.html",
            invalid=lambda errors: _user_edit_context(
                actor, user_id, values=_without_password(values), errors=errors
            ),
            saved=lambda _: _user_edit_context(actor, user_id, saved=True),
            message="Сохранено.",
            back=f"/admin/users/{user_id}",
        )


# ---------------------------------------------------------------------------- JSON API
