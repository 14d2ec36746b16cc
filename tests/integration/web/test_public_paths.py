"""Only the public pages skip sign-in: a protected path that merely contains a public one
(``…/healthz``, ``…/login``) still asks for it."""

from __future__ import annotations

import pytest

from tests.support.http import PageClient


@pytest.mark.parametrize(
    "path",
    [
        "/admin/calendar/days/healthz",
        "/admin/calendar/days/login",
        "/admin/calendar/days/language",
        "/admin/calendar/days/schema",
    ],
)
async def test_a_protected_path_containing_a_public_one_needs_sign_in(
    pages: PageClient, path: str
) -> None:
    # the admin's «mark a day» form, whose day is any word: the path ends in a public one
    response = await pages.post(path, {"kind": "holiday"})
    assert response.status_code in {302, 303, 401}, response.text
    assert response.status_code == 401 or response.headers["location"].startswith("/login")


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/app.css"])
async def test_the_public_pages_open_without_sign_in(pages: PageClient, path: str) -> None:
    assert (await pages.get(path)).status_code == 200
