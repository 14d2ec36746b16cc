"""Signing in and out of the pages: sessions, the `next` target, CSRF."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.support.http import PASSWORD, PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.schools import services as schools

WRONG = "Неверный адрес или пароль."


async def admin_actor(world: World) -> Actor:
    actor = await accounts.actor_for_user(world.user_ids["admin"])
    assert actor is not None
    return actor


async def disable(world: World, key: str) -> None:
    admin = await admin_actor(world)
    user = await accounts.get_user(admin, world.user_ids[key])
    await accounts.update_user(
        admin,
        user.id,
        full_name=user.full_name,
        position=user.position,
        role=user.role,
        school_id=user.school_id,
        is_active=False,
    )


async def test_login_page_is_a_form_with_csrf(clean_db: None, pages: PageClient) -> None:
    response = await pages.get("/login")

    assert response.status_code == 200
    assert "Вход в систему" in response.text
    assert 'name="_csrf_token"' in response.text
    assert 'name="password"' in response.text


@pytest.mark.parametrize(
    ("key", "home"),
    [
        ("admin", "/admin/schools"),
        ("head", "/dashboard"),
        ("secretary", "/dashboard"),
        ("school_a", "/my"),
    ],
)
async def test_login_sends_each_role_home(
    world: World, pages: PageClient, key: str, home: str
) -> None:
    response = await pages.login(world.users[key])

    assert response.status_code == 303
    assert response.headers["location"] == home


async def test_login_opens_a_session(world: World, pages: PageClient) -> None:
    # Given a signed-in admin
    await pages.login(world.users["admin"])

    # When they open a page that needs a session
    response = await pages.get("/admin/schools")

    # Then it is there, with their name in the header
    assert response.status_code == 200
    assert "Admin" in response.text
    assert "Выйти" in response.text


async def test_email_is_not_case_sensitive(world: World, pages: PageClient) -> None:
    response = await pages.login(world.users["admin"].upper())

    assert response.headers["location"] == "/admin/schools"


async def test_wrong_password_is_401_with_a_message(world: World, pages: PageClient) -> None:
    await pages.get("/login")

    response = await pages.post(
        "/login", {"email": world.users["admin"], "password": "not-the-password-1"}
    )

    assert response.status_code == 401
    assert WRONG in response.text
    assert f'value="{world.users["admin"]}"' in response.text  # the e-mail is kept for a retry
    # and no session was opened
    follow = await pages.get("/admin/schools")
    assert follow.status_code == 303
    assert follow.headers["location"].startswith("/login")


async def test_unknown_email_gets_the_same_answer(world: World, pages: PageClient) -> None:
    response = await pages.post("/login", {"email": "nobody@example.ru", "password": PASSWORD})

    assert response.status_code == 401
    assert WRONG in response.text


async def test_disabled_user_cannot_sign_in(world: World, pages: PageClient) -> None:
    # Given a head whose account the admin switched off
    await disable(world, "head")

    # When they try the right password
    response = await pages.post("/login", {"email": world.users["head"], "password": PASSWORD})

    # Then the answer does not reveal that the password was right
    assert response.status_code == 401
    assert WRONG in response.text


async def test_disabling_a_user_ends_their_open_session(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])
    await disable(world, "secretary")

    response = await pages.get("/")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_logout_ends_the_session(world: World, pages: PageClient) -> None:
    await pages.login(world.users["admin"])

    response = await pages.post("/logout")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    after = await pages.get("/admin/users")
    assert after.status_code == 303
    assert after.headers["location"] == "/login?next=" + quote("/admin/users")


async def test_anonymous_page_request_goes_to_login_with_next(
    clean_db: None, pages: PageClient
) -> None:
    response = await pages.get("/admin/groups?sort=name")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote("/admin/groups?sort=name")


async def test_anonymous_htmx_request_is_told_to_redirect(
    clean_db: None, pages: PageClient
) -> None:
    response = await pages.get("/admin/schools", htmx=True)

    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


async def test_next_brings_the_user_back(world: World, pages: PageClient) -> None:
    await pages.get("/login")

    response = await pages.post(
        "/login",
        {"email": world.users["admin"], "password": PASSWORD, "next": "/admin/users?page=2"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users?page=2"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/phish",
        "https://evil.example/phish",
        "http:/evil.example",
        "evil.example",
        "javascript:alert(1)",
    ],
)
async def test_next_never_leaves_the_site(world: World, pages: PageClient, target: str) -> None:
    response = await pages.post(
        "/login", {"email": world.users["admin"], "password": PASSWORD, "next": target}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/schools"


@pytest.mark.parametrize("target", ["/\\evil.example", "/\t/evil.example"])
async def test_next_refuses_backslash_and_control_tricks(
    world: World, pages: PageClient, target: str
) -> None:
    response = await pages.post(
        "/login", {"email": world.users["admin"], "password": PASSWORD, "next": target}
    )

    assert response.headers["location"] == "/admin/schools"


async def test_login_without_csrf_token_is_refused(world: World, pages: PageClient) -> None:
    await pages.get("/login")

    response = await pages.post(
        "/login", {"email": world.users["admin"], "password": PASSWORD}, csrf=False
    )

    assert response.status_code == 403
    assert (await pages.get("/admin/schools")).status_code == 303


async def test_logout_without_csrf_token_is_refused(world: World, pages: PageClient) -> None:
    await pages.login(world.users["admin"])

    response = await pages.post("/logout", csrf=False)

    assert response.status_code == 403
    assert (await pages.get("/admin/schools")).status_code == 200  # still signed in


async def test_form_post_without_csrf_token_writes_nothing(world: World, pages: PageClient) -> None:
    # Given a signed-in admin (a valid session cookie)
    await pages.login(world.users["admin"])
    admin = await admin_actor(world)
    before = await schools.list_schools(admin, include_inactive=True)

    # When a form is posted without the CSRF token (a forged cross-site request)
    response = await pages.post(
        "/admin/schools", {"name": "Школа-призрак", "short_name": "Призрак"}, csrf=False
    )

    # Then it is refused and nothing is written
    assert response.status_code == 403
    assert await schools.list_schools(admin, include_inactive=True) == before


async def test_form_post_with_a_wrong_csrf_token_is_refused(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["admin"])

    response = await pages.client.post(
        "/admin/groups", data={"name": "Подделка", "_csrf_token": "0" * 64}
    )

    assert response.status_code == 403
    names = [g.name for g in await schools.list_groups(await admin_actor(world))]
    assert "Подделка" not in names
