"""Adding and editing schools on the admin pages."""

from __future__ import annotations

from tests.support.http import PageClient
from tests.support.world import World
from tracker.accounts.roles import Actor
from tracker.schools import services as schools


async def by_short_name(admin: Actor) -> dict[str, schools.SchoolView]:
    return {s.short_name: s for s in await schools.list_schools(admin, include_inactive=True)}


async def test_add_school_without_js(world: World, admin_pages: PageClient, admin: Actor) -> None:
    # When the admin submits the form (no htmx)
    response = await admin_pages.post(
        "/admin/schools",
        {
            "name": "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 7»",
            "short_name": " МБОУ СОШ № 7 ",
            "email": "sch7@example.ru",
            "groups": [str(world.groups["СОШ"]), str(world.groups["ДОУ"])],
        },
    )

    # Then they are sent back to the list, which shows the school and a message
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/schools"
    page = await admin_pages.get("/admin/schools")
    assert "МБОУ СОШ № 7" in page.text
    assert "Школа «МБОУ СОШ № 7» добавлена." in page.text
    # and the school is stored, trimmed, in both groups
    school = (await by_short_name(admin))["МБОУ СОШ № 7"]
    assert school.email == "sch7@example.ru"
    assert set(school.group_ids) == {world.groups["СОШ"], world.groups["ДОУ"]}
    assert school.is_active


async def test_flash_message_is_shown_once(world: World, admin_pages: PageClient) -> None:
    await admin_pages.post("/admin/schools", {"name": "Школа", "short_name": "Ш-1"})

    first = await admin_pages.get("/admin/schools")
    second = await admin_pages.get("/admin/schools")

    assert "добавлена" in first.text
    assert "добавлена" not in second.text


async def test_add_school_with_htmx(world: World, admin_pages: PageClient, admin: Actor) -> None:
    response = await admin_pages.post(
        "/admin/schools",
        {"name": "Центр детского творчества", "short_name": "МБУ ДО «ЦДО»"},
        htmx=True,
    )

    # The swap: a fresh form, and out of band the new table and the message
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<form id="school-add"')
    assert 'id="schools-table" class="table-wrap" hx-swap-oob="true"' in response.text
    assert "МБУ ДО «ЦДО»" in response.text  # autoescaped quotes are still the text
    assert 'hx-swap-oob="innerHTML"' in response.text
    assert "Школа «МБУ ДО «ЦДО»» добавлена." in response.text
    assert "МБУ ДО «ЦДО»" in await by_short_name(admin)


async def test_empty_name_is_422_beside_the_field(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    before = await by_short_name(admin)

    response = await admin_pages.post("/admin/schools", {"name": "  ", "short_name": "Ш-2"})

    assert response.status_code == 422
    assert "<html" in response.text  # without JS: the whole page again
    assert (
        '<p class="field-error" id="school-add-name-error">Укажите полное наименование.</p>'
        in response.text
    )
    assert 'aria-describedby="school-add-name-error"' in response.text
    assert 'value="Ш-2"' in response.text  # what was typed is kept
    assert await by_short_name(admin) == before


async def test_duplicate_short_name_is_422_and_nothing_is_written(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    before = await by_short_name(admin)

    response = await admin_pages.post(
        "/admin/schools", {"name": "Другая школа", "short_name": "МБОУ СОШ № 1"}, htmx=True
    )

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="school-add"')
    assert (
        '<p class="field-error" id="school-add-short_name-error">'
        "Школа с таким кратким наименованием уже есть.</p>" in response.text
    )
    assert 'value="Другая школа"' in response.text
    assert await by_short_name(admin) == before


async def test_too_long_name_is_422(world: World, admin_pages: PageClient, admin: Actor) -> None:
    response = await admin_pages.post("/admin/schools", {"name": "Ш" * 501, "short_name": "Ш"})

    assert response.status_code == 422
    assert "Не длиннее 500 символов." in response.text
    assert "Ш" not in await by_short_name(admin)


async def test_edit_page_shows_the_school(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.get(f"/admin/schools/{world.schools['c']}")

    assert 'value="МБДОУ «Детский сад № 4»"' in response.text
    doy, sosh = world.groups["ДОУ"], world.groups["СОШ"]
    assert f'name="groups" value="{doy}" checked' in response.text
    assert f'name="groups" value="{sosh}">' in response.text
    assert 'name="is_active" type="checkbox" value="on" checked' in response.text


async def test_edit_school_groups_and_deactivate(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    school_id = world.schools["a"]

    # When the admin moves the school to ДОУ and unticks «Действует»
    response = await admin_pages.post(
        f"/admin/schools/{school_id}",
        {
            "name": "Новое полное имя",
            "short_name": "МБОУ СОШ № 1",
            "email": "",
            "groups": [str(world.groups["ДОУ"])],
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/schools/{school_id}"
    school = await schools.get_school(admin, school_id)
    assert school.name == "Новое полное имя"
    assert school.group_ids == (world.groups["ДОУ"],)
    assert not school.is_active
    # an inactive school is no longer offered for new assignments
    assert school_id not in {s.id for s in await schools.list_schools(admin)}
    # the page it returns to confirms, and the list marks the school
    assert "Сохранено." in (await admin_pages.get(f"/admin/schools/{school_id}")).text
    assert "Отключена" in (await admin_pages.get("/admin/schools")).text


async def test_edit_school_with_htmx_keeps_the_form(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    school_id = world.schools["b"]

    response = await admin_pages.post(
        f"/admin/schools/{school_id}",
        {"name": "Школа № 2", "short_name": "СОШ № 2", "is_active": "on"},
        htmx=True,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="school-edit"')
    assert 'value="СОШ № 2"' in response.text
    assert "Сохранено." in response.text
    school = await schools.get_school(admin, school_id)
    assert (school.short_name, school.group_ids, school.is_active) == ("СОШ № 2", (), True)


async def test_edit_to_a_taken_short_name_is_422(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    school_id = world.schools["b"]

    response = await admin_pages.post(
        f"/admin/schools/{school_id}",
        {"name": "Х", "short_name": "МБОУ СОШ № 1", "is_active": "on"},
    )

    assert response.status_code == 422
    assert "Школа с таким кратким наименованием уже есть." in response.text
    assert 'id="school-edit-short_name-error"' in response.text
    assert (await schools.get_school(admin, school_id)).short_name == "МБОУ СОШ № 2"


async def test_unknown_group_id_is_422(world: World, admin_pages: PageClient, admin: Actor) -> None:
    school_id = world.schools["b"]

    response = await admin_pages.post(
        f"/admin/schools/{school_id}",
        {"name": "Х", "short_name": "Х", "groups": ["999999"], "is_active": "on"},
    )

    assert response.status_code == 422
    assert 'id="school-edit-groups-error"' in response.text
    assert (await schools.get_school(admin, school_id)).short_name == "МБОУ СОШ № 2"


async def test_text_is_escaped(world: World, admin_pages: PageClient) -> None:
    await admin_pages.post(
        "/admin/schools", {"name": "<script>alert(1)</script>", "short_name": "<b>X</b>"}
    )

    page = await admin_pages.get("/admin/schools")

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
