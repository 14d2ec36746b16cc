"""Groups of schools on the admin pages: list with counts, add, rename."""

from __future__ import annotations

from tests.support.http import PageClient
from tests.support.world import World
from tracker.accounts.roles import Actor
from tracker.schools import services as schools


async def names(admin: Actor) -> list[str]:
    return [g.name for g in await schools.list_groups(admin)]


async def test_list_shows_school_counts(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.get("/admin/groups")

    assert "СОШ" in response.text
    assert "2 школы" in response.text  # СОШ № 1 and № 2
    assert "1 школа" in response.text  # the kindergarten


async def test_add_group(world: World, admin_pages: PageClient, admin: Actor) -> None:
    response = await admin_pages.post("/admin/groups", {"name": " Учреждения ДО "})

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/groups"
    assert "Учреждения ДО" in await names(admin)
    page = await admin_pages.get("/admin/groups")
    assert "Группа «Учреждения ДО» добавлена." in page.text
    assert "0 школ" in page.text


async def test_add_group_with_htmx(world: World, admin_pages: PageClient, admin: Actor) -> None:
    response = await admin_pages.post("/admin/groups", {"name": "Все ОО"}, htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="group-add"')
    assert 'id="groups-table" class="table-wrap" hx-swap-oob="true"' in response.text
    assert "Все ОО" in response.text
    assert "Все ОО" in await names(admin)


async def test_duplicate_group_is_422(world: World, admin_pages: PageClient, admin: Actor) -> None:
    response = await admin_pages.post("/admin/groups", {"name": "ДОУ"})

    assert response.status_code == 422
    assert (
        '<p class="field-error" id="group-add-name-error">Группа с таким названием уже есть.</p>'
        in response.text
    )
    assert await names(admin) == ["СОШ", "ДОУ"]


async def test_empty_group_name_is_422_with_htmx(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    response = await admin_pages.post("/admin/groups", {"name": ""}, htmx=True)

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="group-add"')
    assert "Укажите название группы." in response.text
    assert await names(admin) == ["СОШ", "ДОУ"]


async def test_rename_group(world: World, admin_pages: PageClient, admin: Actor) -> None:
    group_id = world.groups["СОШ"]

    response = await admin_pages.post(f"/admin/groups/{group_id}", {"name": "Все СОШ"})

    assert response.status_code == 303
    assert await names(admin) == ["Все СОШ", "ДОУ"]
    # the schools keep their membership under the new name
    school = await schools.get_school(admin, world.schools["a"])
    assert school.groups == ("Все СОШ",)


async def test_rename_group_with_htmx_swaps_the_table(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    group_id = world.groups["ДОУ"]

    response = await admin_pages.post(f"/admin/groups/{group_id}", {"name": "Сады"}, htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="groups-table"')
    assert 'value="Сады"' in response.text
    assert "Группа переименована: «Сады»." in response.text
    assert "Сады" in await names(admin)


async def test_rename_to_a_taken_name_shows_the_error_in_that_row(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    group_id = world.groups["ДОУ"]

    response = await admin_pages.post(f"/admin/groups/{group_id}", {"name": "СОШ"})

    assert response.status_code == 422
    assert (
        f'<p class="field-error" id="group-{group_id}-name-error">'
        "Группа с таким названием уже есть.</p>" in response.text
    )
    other = world.groups["СОШ"]
    assert f'id="group-{other}-name-error"' not in response.text
    assert await names(admin) == ["СОШ", "ДОУ"]
