"""The schools API: GET/POST /api/v1/schools and GET /api/v1/school-groups."""

from __future__ import annotations

import pytest

from tests.support.http import ApiClient
from tests.support.world import World
from tracker.accounts.roles import Actor
from tracker.schools import services as schools


async def short_names(admin: Actor) -> set[str]:
    return {s.short_name for s in await schools.list_schools(admin, include_inactive=True)}


@pytest.mark.parametrize("key", ["head", "secretary", "admin"])
async def test_staff_see_every_active_school(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])

    response = await api.get("/api/v1/schools")

    assert response.status_code == 200
    body = response.json()
    assert [s["short_name"] for s in body] == [
        "МБДОУ «Детский сад № 4»",
        "МБОУ СОШ № 1",
        "МБОУ СОШ № 2",
    ]
    first = next(s for s in body if s["id"] == world.schools["a"])
    assert first == {
        "id": world.schools["a"],
        "name": "Муниципальное учреждение МБОУ СОШ № 1",
        "short_name": "МБОУ СОШ № 1",
        "groups": ["СОШ"],
    }


async def test_school_user_sees_only_their_school(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_b"])

    response = await api.get("/api/v1/schools")

    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [world.schools["b"]]


async def test_inactive_schools_are_left_out(world: World, api: ApiClient, admin: Actor) -> None:
    school = await schools.get_school(admin, world.schools["c"])
    await schools.update_school(
        admin,
        school.id,
        name=school.name,
        short_name=school.short_name,
        email=school.email,
        is_active=False,
        group_ids=school.group_ids,
    )
    await api.login(world.users["head"])

    response = await api.get("/api/v1/schools")

    assert world.schools["c"] not in [s["id"] for s in response.json()]


async def test_admin_creates_a_school_with_groups(
    world: World, api: ApiClient, admin: Actor
) -> None:
    await api.login(world.users["admin"])

    response = await api.post(
        "/api/v1/schools",
        {
            "name": "Муниципальное бюджетное учреждение ДО «ЦДО»",
            "short_name": "МБУ ДО «ЦДО»",
            "groups": ["ДОУ", "СОШ"],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["short_name"] == "МБУ ДО «ЦДО»"
    assert body["name"] == "Муниципальное бюджетное учреждение ДО «ЦДО»"
    assert sorted(body["groups"]) == ["ДОУ", "СОШ"]
    stored = await schools.get_school(admin, body["id"])
    assert set(stored.group_ids) == {world.groups["ДОУ"], world.groups["СОШ"]}
    # and the list now includes it
    listed = (await api.get("/api/v1/schools")).json()
    assert body in listed


async def test_groups_are_optional(world: World, api: ApiClient) -> None:
    await api.login(world.users["admin"])

    response = await api.post("/api/v1/schools", {"name": "Школа", "short_name": "Ш"})

    assert response.status_code == 201
    assert response.json()["groups"] == []


@pytest.mark.parametrize(
    "case",
    [
        ({"name": "", "short_name": "Ш"}, "name", "Укажите полное наименование."),
        (
            {"name": "Школа", "short_name": "МБОУ СОШ № 1"},
            "short_name",
            "Школа с таким кратким наименованием уже есть.",
        ),
        (
            {"name": "Школа", "short_name": "Ш", "groups": ["СОШ", "Лицеи"]},
            "groups",
            "Нет таких групп: Лицеи.",
        ),
    ],
    ids=["empty-name", "duplicate-short-name", "unknown-group"],
)
async def test_bad_school_is_422_and_nothing_is_written(
    world: World, api: ApiClient, admin: Actor, case: tuple[dict[str, object], str, str]
) -> None:
    payload, field, message = case
    before = await short_names(admin)
    await api.login(world.users["admin"])

    response = await api.post("/api/v1/schools", payload)

    assert response.status_code == 422
    body = response.json()
    assert body["errors"][field] == message
    assert message in body["detail"]
    assert await short_names(admin) == before


@pytest.mark.parametrize(
    "payload",
    [
        {"short_name": "Ш"},
        {"name": "Школа", "short_name": 7},
        {"name": "Школа", "short_name": "Ш", "groups": "СОШ"},
        {"name": "Ш" * 501, "short_name": "Ш"},
        {"name": "Школа", "short_name": "Ш", "group": ["СОШ"]},
    ],
    ids=["missing-name", "number", "groups-not-a-list", "too-long", "unknown-field"],
)
async def test_malformed_body_is_400(
    world: World, api: ApiClient, admin: Actor, payload: dict[str, object]
) -> None:
    before = await short_names(admin)
    await api.login(world.users["admin"])

    response = await api.post("/api/v1/schools", payload)

    assert response.status_code == 400
    assert response.json()["status_code"] == 400
    assert await short_names(admin) == before


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
async def test_other_roles_cannot_create_schools(
    world: World, api: ApiClient, admin: Actor, key: str
) -> None:
    before = await short_names(admin)
    await api.login(world.users[key])

    response = await api.post("/api/v1/schools", {"name": "Школа", "short_name": "Ш"})

    assert response.status_code == 403
    assert response.json()["detail"] == "Недостаточно прав для этого действия."
    assert await short_names(admin) == before


async def test_anonymous_cannot_create_schools(world: World, api: ApiClient) -> None:
    response = await api.post("/api/v1/schools", {"name": "Школа", "short_name": "Ш"})

    assert response.status_code == 401


@pytest.mark.parametrize("key", ["head", "secretary", "admin", "school_a"])
async def test_groups_with_counts(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])

    response = await api.get("/api/v1/school-groups")

    assert response.status_code == 200
    assert response.json() == [
        {"id": world.groups["СОШ"], "name": "СОШ", "school_count": 2},
        {"id": world.groups["ДОУ"], "name": "ДОУ", "school_count": 1},
    ]


async def test_groups_need_a_token(world: World, api: ApiClient) -> None:
    assert (await api.get("/api/v1/school-groups")).status_code == 401


async def test_openapi_documents_the_schemas(clean_db: None, api: ApiClient) -> None:
    response = await api.get("/schema/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/schools"])
    assert "get" in paths["/api/v1/school-groups"]
    schemas = spec["components"]["schemas"]
    school_out = next(v for k, v in schemas.items() if k.endswith("SchoolOut"))
    assert set(school_out["properties"]) == {"id", "name", "short_name", "groups"}
    school_in = next(v for k, v in schemas.items() if k.endswith("SchoolIn"))
    assert set(school_in["required"]) == {"name", "short_name"}
    group_out = next(v for k, v in schemas.items() if k.endswith("GroupOut"))
    assert set(group_out["properties"]) == {"id", "name", "school_count"}
    assert "201" in paths["/api/v1/schools"]["post"]["responses"]
    # the admin pages are not part of the API description
    assert not any(p.startswith("/admin") for p in paths)
