"""Signing in and out (pages) and getting an API token."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from tracker.accounts import services as accounts
from tracker.accounts.roles import Role
from tracker.web.auth import SESSION_USER_KEY, CurrentActor

HOME_BY_ROLE = {
    Role.SCHOOL: "/my",
    Role.HEAD: "/review",
    Role.SECRETARY: "/meetings",
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
        actor = await accounts.authenticate(email, data.get("password", ""))
        if actor is None:
            return Template(
                "accounts/login.html",
                context={
                    "next": data.get("next", ""),
                    "email": email,
                    "error": "Неверный адрес или пароль.",
                },
                status_code=401,
            )
        request.clear_session()
        request.set_session({SESSION_USER_KEY: actor.user_id})
        return Redirect(_safe_next(data.get("next")) or HOME_BY_ROLE[actor.role], status_code=303)

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
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


class TokenController(Controller):
    path = "/api/v1/auth"
    tags = ("auth",)

    @post("/token", status_code=200)
    async def token(self, data: JSONBody[TokenRequest]) -> TokenResponse:
        """Exchange an e-mail and password for a bearer token."""
        actor = await accounts.authenticate(data.email, data.password)
        if actor is None:
            raise NotAuthorizedException("Неверный адрес или пароль.")
        return TokenResponse(token=await accounts.issue_token(actor))
