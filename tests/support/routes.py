"""The application's own route table, read from a built app: every (method, path) it answers.

Tests that must cover every route (the authorization matrix, the no-N+1 test) take their list
from here, so a route added to the app is covered without anyone listing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from litestar import Litestar

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
"""A path parameter in Litestar's notation: ``{assignment_id:int}``."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

AUTOMATIC = frozenset({"OPTIONS"})
"""Methods Litestar answers by itself on every path (the CORS preflight), not handlers of ours."""


@dataclass(frozen=True, order=True)
class Route:
    method: str
    path: str
    """As the route table spells it, parameters with their types: ``/files/{file_id:int}``."""

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(PARAM.findall(self.path))

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def unsafe(self) -> bool:
        return self.method not in SAFE_METHODS

    def url(self, values: Mapping[str, Any]) -> str:
        """The path with each parameter replaced by its value."""
        return fill(self.path, values)


def fill(path: str, values: Mapping[str, Any]) -> str:
    return PARAM.sub(lambda m: str(values[m.group(1)]), path)


def app_routes(app: Litestar, *, automatic: bool = False) -> list[Route]:
    """Every (method, path) of the app's HTTP routes, sorted; without the automatic OPTIONS
    answers unless ``automatic``."""
    found: set[Route] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            for method in getattr(handler, "http_methods", ()):
                if automatic or method not in AUTOMATIC:
                    found.add(Route(str(method), route.path))
    return sorted(found)
