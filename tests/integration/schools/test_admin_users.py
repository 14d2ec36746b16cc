"""Accounts on the admin pages: add, edit, switch off, reset a password."""

from __future__ import annotations

from tests.support.http import PASSWORD, PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor, Role


async def emails(admin: Actor) -> set[str]:
    return {u.email for u in await accounts.list_users(admin)}


async def test_list_shows_roles_and_schools(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.get("/admin/users")

    assert "school_a@example.ru" in response.text
    assert "Руководитель ОО" in response.text
    assert "Начальник отдела образования" in response.text
    assert "МБОУ СОШ № 1" in response.text


async def test_add_school_user_who_can_then_sign_in(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    response = await admin_pages.post(
        "/admin/users",
        {
            "email": "Director7@Example.ru",
            "full_name": "Иванова Мария Петровна",
            "position": "Директор",
            "role": "school",
            "school_id": str(world.schools["b"]),
            "password": "new-pass-77",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users"
    user = next(u for u in await accounts.list_users(admin) if u.email == "director7@example.ru")
    assert (user.role, user.school_id, user.position) == (
        Role.SCHOOL,
        world.schools["b"],
        "Директор",
    )
    assert await accounts.authenticate("director7@example.ru", "new-pass-77") is not None


async def test_add_user_with_htmx(world: World, admin_pages: PageClient, admin: Actor) -> None:
    response = await admin_pages.post(
        "/admin/users",
        {"email": "sec2@example.ru", "role": "secretary", "password": "sec-pass-2"},
        htmx=True,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="user-add"')
    assert 'id="users-table" class="table-wrap" hx-swap-oob="true"' in response.text
    assert "sec2@example.ru" in response.text
    assert "sec2@example.ru" in await emails(admin)


async def test_school_role_needs_a_school(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    before = await emails(admin)

    response = await admin_pages.post(
        "/admin/users",
        {"email": "x@example.ru", "role": "school", "school_id": "", "password": "pass-word-1"},
    )

    assert response.status_code == 422
    assert (
        '<p class="field-error" id="user-add-school_id-error">'
        "Руководитель ОО должен быть привязан к школе.</p>" in response.text
    )
    assert 'value="x@example.ru"' in response.text
    assert "pass-word-1" not in response.text  # a password is never echoed back
    assert await emails(admin) == before


async def test_duplicate_email_and_weak_password_are_422(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    before = await emails(admin)

    response = await admin_pages.post(
        "/admin/users",
        {"email": world.users["head"], "role": "head", "password": "short"},
        htmx=True,
    )

    assert response.status_code == 422
    assert 'id="user-add-email-error">Пользователь с таким адресом уже есть.' in response.text
    assert 'id="user-add-password-error">Пароль должен быть не короче 10 символов.' in response.text
    assert await emails(admin) == before


async def test_edit_page_preselects_role_and_school(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.get(f"/admin/users/{world.user_ids['school_a']}")

    assert '<option value="school" selected>' in response.text
    assert f'<option value="{world.schools["a"]}" selected>' in response.text
    assert 'name="is_active" type="checkbox" value="on" checked' in response.text


async def test_edit_user_moves_them_to_the_department(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    user_id = world.user_ids["school_b"]

    response = await admin_pages.post(
        f"/admin/users/{user_id}",
        {
            "full_name": "Петров П.П.",
            "position": "Методист",
            "role": "secretary",
            "school_id": "",
            "is_active": "on",
            "password": "",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/users/{user_id}"
    user = await accounts.get_user(admin, user_id)
    assert (user.full_name, user.position, user.role, user.school_id) == (
        "Петров П.П.",
        "Методист",
        Role.SECRETARY,
        None,
    )
    # an empty password field keeps the old password
    assert await accounts.authenticate(world.users["school_b"], PASSWORD) is not None


async def test_switching_a_user_off_and_setting_a_new_password(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    user_id = world.user_ids["head"]
    email = world.users["head"]

    await admin_pages.post(
        f"/admin/users/{user_id}", {"role": "head", "password": "fresh-pass-9"}, htmx=True
    )

    assert not (await accounts.get_user(admin, user_id)).is_active
    assert await accounts.authenticate(email, "fresh-pass-9") is None  # off: no sign-in
    await admin_pages.post(f"/admin/users/{user_id}", {"role": "head", "is_active": "on"})
    assert await accounts.authenticate(email, "fresh-pass-9") is not None
    assert await accounts.authenticate(email, PASSWORD) is None


async def test_edit_with_htmx_returns_the_form_and_a_message(
    world: World, admin_pages: PageClient
) -> None:
    response = await admin_pages.post(
        f"/admin/users/{world.user_ids['secretary']}",
        {"full_name": "Секретарь Сидорова", "role": "secretary", "is_active": "on"},
        htmx=True,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="user-edit"')
    assert 'value="Секретарь Сидорова"' in response.text
    assert "Сохранено." in response.text


async def test_admin_cannot_switch_themselves_off(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    response = await admin_pages.post(
        f"/admin/users/{world.user_ids['admin']}", {"role": "admin", "full_name": "Я"}
    )

    assert response.status_code == 422
    assert "Нельзя отключить себя или сменить себе роль." in response.text
    user = await accounts.get_user(admin, world.user_ids["admin"])
    assert user.is_active
    assert user.full_name == "Admin"


async def test_unknown_school_is_422_not_a_crash(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    user_id = world.user_ids["school_a"]

    response = await admin_pages.post(
        f"/admin/users/{user_id}", {"role": "school", "school_id": "999999", "is_active": "on"}
    )

    assert response.status_code == 422
    assert 'id="user-edit-school_id-error"' in response.text
    assert (await accounts.get_user(admin, user_id)).school_id == world.schools["a"]


async def test_unknown_role_is_422(world: World, admin_pages: PageClient, admin: Actor) -> None:
    user_id = world.user_ids["secretary"]

    response = await admin_pages.post(
        f"/admin/users/{user_id}", {"role": "superuser", "is_active": "on"}
    )

    assert response.status_code == 422
    assert 'id="user-edit-role-error">Выберите роль' in response.text
    assert (await accounts.get_user(admin, user_id)).role is Role.SECRETARY
