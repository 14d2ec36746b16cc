"""Who is asking: a bearer token on ``/api``, the session cookie on pages.

The API takes tokens only, so it needs no CSRF token; pages take the cookie only, and every
unsafe request to them carries a CSRF token.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor

SESSION_USER_KEY = "user_id"
API_PREFIX = "/api/"

# Paths anyone may open: regular expressions that Litestar searches for anywhere in the path,
# so each is anchored at the start (``/x/login`` is not the login page).
PUBLIC_PATHS = [
    r"^/login$",
    r"^/static/",
    r"^/schema(/|$)",
    r"^/api/v1/auth/token$",
    r"^/healthz$",
    r"^/calendar/[A-Za-z0-9_-]+\.ics$",  # a school's iCalendar feed: the secret is the key
]


class AuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        if connection.url.path.startswith(API_PREFIX):
            header = connection.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthorizedException("Нужен заголовок Authorization: Bearer <токен>.")
            actor = await accounts.actor_for_token(token.strip())
            if actor is None:
                raise NotAuthorizedException("Токен недействителен.")
            return AuthenticationResult(user=actor, auth="token")
        user_id = connection.session.get(SESSION_USER_KEY) if connection.session else None
        actor = await accounts.actor_for_user(int(user_id)) if user_id else None
        if actor is None:
            raise NotAuthorizedException("Войдите в систему.")
        return AuthenticationResult(user=actor, auth="session")


async def provide_actor(request: ASGIConnection) -> Actor:  # type: ignore[type-arg]
    """The acting user, for handlers: ``actor: Actor``."""
    user = request.user
    if not isinstance(user, Actor):
        raise NotAuthorizedException("Войдите в систему.")
    return user


CurrentActor = NamedDependency[Actor]
"""Annotate a handler's parameter with this to receive the acting user: ``actor: CurrentActor``."""
