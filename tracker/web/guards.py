"""Route guards: which roles may open a page at all (403 for the others).

They are a first line for pages; the services check the same permissions again, so a
fragment or an API call cannot get around them.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from tracker.accounts.roles import Actor, Permission, Role
from tracker.errors import PermissionDeniedError

Guard = Callable[[ASGIConnection, BaseRouteHandler], None]  # type: ignore[type-arg]


def _actor(connection: ASGIConnection) -> Actor:  # type: ignore[type-arg]
    actor = connection.scope.get("user")
    if not isinstance(actor, Actor):
        raise NotAuthorizedException("Войдите в систему.")
    return actor


def requires(permission: Permission) -> Guard:
    """Guard: the actor's role must grant ``permission``."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
        _actor(connection).require(permission)

    return guard


def roles_only(*roles: Role) -> Guard:
    """Guard: the page is for these roles only."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
        if _actor(connection).role not in roles:
            raise PermissionDeniedError

    return guard
