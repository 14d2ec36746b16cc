"""Every administration page: the full page and its htmx fragment; admins only."""

from __future__ import annotations

import pytest

from tests.support.http import PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.schools import services as schools

# (url template, a marker of the fragment, a text the page must show)
PAGES = [
    ("/admin/schools", 'id="schools-table"', "МБОУ СОШ № 2"),
    ("/admin/schools/{school_a}", 'id="school-edit"', "МБОУ СОШ № 1"),
    ("/admin/groups", 'id="groups-table"', "ДОУ"),
    ("/admin/users", 'id="users-table"', "school_b@example.ru"),
    ("/admin/users/{school_a_user}", 'id="user-edit"', "school_a@example.ru"),
]


def url_of(template: str, world: World) -> str:
    return template.format(school_a=world.schools["a"], school_a_user=world.user_ids["school_a"])


@pytest.mark.parametrize(("template", "marker", "text"), PAGES)
async def test_full_page(
    world: World, admin_pages: PageClient, template: str, marker: str, text: str
) -> None:
    response = await admin_pages.get(url_of(template, world))

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<!doctype html>")
    assert '<nav aria-label="Главное меню">' in response.text
    assert marker in response.text
    assert text in response.text


@pytest.mark.parametrize(("template", "marker", "text"), PAGES)
async def test_htmx_fragment(
    world: World, admin_pages: PageClient, template: str, marker: str, text: str
) -> None:
    response = await admin_pages.get(url_of(template, world), htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<nav" not in response.text
    assert response.text.lstrip().startswith(("<div " + marker, "<form " + marker))
    assert text in response.text


async def test_boosted_navigation_gets_the_full_page(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.client.get(
        "/admin/schools", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )

    assert "<html" in response.text


WRITES = [
    ("/admin/schools", {"name": "Школа", "short_name": "Новая"}),
    ("/admin/schools/{school_a}", {"name": "Школа", "short_name": "Новая", "is_active": "on"}),
    ("/admin/groups", {"name": "Новая группа"}),
    ("/admin/groups/{group}", {"name": "Новая группа"}),
    ("/admin/users", {"email": "new@example.ru", "role": "head", "password": "pass-word-1"}),
    ("/admin/users/{school_a_user}", {"role": "admin", "is_active": "on"}),
]


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
async def test_other_roles_cannot_open_admin_pages(
    world: World, pages: PageClient, key: str, htmx: bool
) -> None:
    await pages.login(world.users[key])

    for template, _, _ in PAGES:
        response = await pages.get(url_of(template, world), htmx=htmx)
        assert response.status_code == 403, template
        assert "Недостаточно прав" in response.text
        assert "school_b@example.ru" not in response.text


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
async def test_other_roles_cannot_change_anything(
    world: World, pages: PageClient, key: str
) -> None:
    admin = await accounts.actor_for_user(world.user_ids["admin"])
    assert admin is not None
    schools_before = await schools.list_schools(admin, include_inactive=True)
    groups_before = await schools.list_groups(admin)
    users_before = await accounts.list_users(admin)
    await pages.login(world.users[key])

    for template, data in WRITES:
        url = template.format(
            school_a=world.schools["a"],
            group=world.groups["СОШ"],
            school_a_user=world.user_ids["school_a"],
        )
        response = await pages.post(url, data)
        assert response.status_code == 403, url

    assert await schools.list_schools(admin, include_inactive=True) == schools_before
    assert await schools.list_groups(admin) == groups_before
    assert await accounts.list_users(admin) == users_before


@pytest.mark.parametrize(
    "template", ["/admin/schools/999999", "/admin/users/999999"], ids=["school", "user"]
)
async def test_unknown_object_is_404(admin_pages: PageClient, template: str) -> None:
    response = await admin_pages.get(template)

    assert response.status_code == 404
    assert "не найден" in response.text


async def test_renaming_an_unknown_group_is_404(admin_pages: PageClient) -> None:
    response = await admin_pages.post("/admin/groups/999999", {"name": "Что-то"})

    assert response.status_code == 404
