"""Bearer tokens for the JSON API; the session cookie is for pages only."""

from __future__ import annotations

import pytest

from tests.support.http import PASSWORD, ApiClient, PageClient
from tests.support.world import World
from tracker.accounts import services as accounts


async def test_token_opens_the_api(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.get("/api/v1/schools")

    assert response.status_code == 200


async def test_wrong_password_gets_no_token(world: World, api: ApiClient) -> None:
    response = await api.post(
        "/api/v1/auth/token", {"email": world.users["head"], "password": "wrong-pass-1"}
    )

    assert response.status_code == 401
    assert response.json()["detail"] == "Неверный адрес или пароль."
    assert "token" not in response.json()


async def test_token_request_without_a_password_is_400(world: World, api: ApiClient) -> None:
    response = await api.post("/api/v1/auth/token", {"email": world.users["head"]})

    assert response.status_code == 400
    assert "password" in response.text


async def test_missing_token_is_401_json(world: World, api: ApiClient) -> None:
    response = await api.get("/api/v1/schools")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == 401
    assert "Bearer" in body["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-real-token", "Bearer ", "Basic aGVhZDpwYXNz", "not-a-scheme"],
)
async def test_invalid_authorization_is_401_json(world: World, api: ApiClient, header: str) -> None:
    response = await api.get("/api/v1/schools", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["status_code"] == 401


async def test_token_of_a_disabled_user_stops_working(world: World, api: ApiClient) -> None:
    # Given a school director with a working token
    await api.login(world.users["school_a"])
    assert (await api.get("/api/v1/schools")).status_code == 200

    # When the admin disables the account
    admin = await accounts.actor_for_user(world.user_ids["admin"])
    assert admin is not None
    user = await accounts.get_user(admin, world.user_ids["school_a"])
    await accounts.update_user(
        admin,
        user.id,
        full_name=user.full_name,
        position=user.position,
        role=user.role,
        school_id=user.school_id,
        is_active=False,
    )

    # Then the token is refused
    response = await api.get("/api/v1/schools")
    assert response.status_code == 401


async def test_session_cookie_does_not_open_the_api(world: World, pages: PageClient) -> None:
    # A signed-in browser has no CSRF protection on /api: the API must not trust its cookie.
    await pages.login(world.users["admin"])

    response = await pages.get("/api/v1/schools")

    assert response.status_code == 401


async def test_token_does_not_open_the_pages(world: World, api: ApiClient) -> None:
    await api.login(world.users["admin"])

    response = await api.get("/admin/schools", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_api_post_needs_no_csrf_token(world: World, api: ApiClient) -> None:
    await api.login(world.users["admin"])

    response = await api.post("/api/v1/schools", {"name": "Новая школа", "short_name": "НШ"})

    assert response.status_code == 201


async def test_each_login_issues_a_distinct_token(world: World, api: ApiClient) -> None:
    tokens = set()
    for _ in range(2):
        response = await api.post(
            "/api/v1/auth/token", {"email": world.users["head"], "password": PASSWORD}
        )
        tokens.add(response.json()["token"])

    assert len(tokens) == 2
