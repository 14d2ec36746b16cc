"""The meetings JSON API (CONTRACT.md): list, create from a parsed protocol, read one meeting,
assign a decision. Bad shapes are 400/422 with a readable message, unknown ids 404, the wrong
role 403, a decision that needs no action 409."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.meetings.helpers import ADDRESSEE, SEED_DECISIONS, seed_protocol
from tests.support.http import ApiClient
from tests.support.world import World


async def meeting_ids(api: ApiClient) -> list[int]:
    response = await api.get("/api/v1/meetings")
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()]


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("key", ["head", "secretary"])
async def test_list_meetings(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])

    response = await api.get("/api/v1/meetings")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": world.meeting_id,
            "kind": "protocol",
            "title": "Совещание руководителей образовательных учреждений",
            "number": "1",
            "date": "2026-02-05",
            "place": "актовый зал",
            "decision_count": 3,
        }
    ]


async def test_get_meeting_with_agenda_decisions_and_progress(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.get(f"/api/v1/meetings/{world.meeting_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == world.meeting_id
    assert body["date"] == "2026-02-05"
    [item] = body["agenda"]
    assert item["number"] == 1
    assert item["title"] == "Итоги мониторинга"
    assert item["speakers"] == ["Рыбина Л.Д."]
    assert [d["id"] for d in body["decisions"]] == world.decisions
    first, second, third = body["decisions"]
    assert first["number"] == "1"
    assert first["agenda_item"] == 1
    assert first["agenda_item_id"] == item["id"]
    assert first["kind"] == "instruction"
    assert first["addressee"] == ADDRESSEE
    assert first["deadline"] == {
        "kind": "date",
        "date": "2030-03-01",
        "text": "до 01.03.2030",
        "period": None,
        "working_days": None,
        "days": None,
        "label": "до 01.03.2030",
    }
    assert first["progress"] == {
        "total": 3,
        "accepted": 0,
        "reported": 0,
        "overdue": 0,
        "percent": 0,
    }
    assert second["kind"] == "recommendation"
    assert second["progress"]["total"] == 0
    assert second["deadline"]["kind"] == "none"
    assert third["kind"] == "information"


async def test_unknown_meeting_is_404(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.get("/api/v1/meetings/999999")

    assert response.status_code == 404
    assert response.json()["detail"] == "Совещание не найдено."


# ---------------------------------------------------------------- creating


async def test_create_from_the_seed_protocol(world: World, api: ApiClient) -> None:
    # Given the parsed protocol of shared/seeds/004, as `tracker protocol parse` prints it
    await api.login(world.users["secretary"])

    # When it is posted
    response = await api.post("/api/v1/meetings", json=seed_protocol())

    # Then the meeting, its agenda item and its nine decisions are recorded, in order
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == {"id", "decisions"}
    assert [d["number"] for d in created["decisions"]] == [str(n) for n in range(1, 10)]
    detail = (await api.get(f"/api/v1/meetings/{created['id']}")).json()
    assert detail["date"] == "2020-02-05"
    assert detail["place"] == "актовый зал администрации района"
    [item] = detail["agenda"]
    assert item["speakers"] == ["Рыбина Л.Д."]
    assert [d["id"] for d in detail["decisions"]] == [d["id"] for d in created["decisions"]]
    assert [d["text"] for d in detail["decisions"]] == list(SEED_DECISIONS)
    assert {d["addressee"] for d in detail["decisions"]} == {ADDRESSEE}
    assert {d["agenda_item_id"] for d in detail["decisions"]} == {item["id"]}
    assert {d["deadline"]["label"] for d in detail["decisions"]} == {"срок не указан"}
    # No assignments yet.
    assert {d["progress"]["total"] for d in detail["decisions"]} == {0}
    assert len(await meeting_ids(api)) == 2


async def test_create_with_title_and_date_only(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.post(
        "/api/v1/meetings", json={"title": "Оперативное совещание", "date": "2026-03-02"}
    )

    assert response.status_code == 201, response.text
    assert response.json()["decisions"] == []
    detail = (await api.get(f"/api/v1/meetings/{response.json()['id']}")).json()
    assert detail["kind"] == "protocol"
    assert detail["agenda"] == []


async def test_create_accepts_nulls_and_empty_lists(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.post(
        "/api/v1/meetings",
        json={
            "kind": None,
            "title": "Совещание",
            "number": None,
            "date": "2026-03-02",
            "place": None,
            "agenda": [],
            "decisions": [
                {"text": "Обеспечить", "number": None, "agenda_item": None, "deadline": None}
            ],
            "signatures": None,
            "warnings": ["Не найден номер протокола."],
        },
    )

    assert response.status_code == 201, response.text
    assert response.json()["decisions"][0]["number"] == ""


async def test_create_keeps_every_kind_of_deadline(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])
    deadlines: list[dict[str, Any]] = [
        {"kind": "date", "date": "2026-04-01", "text": "Срок: до 01.04.2026"},
        {"kind": "relative", "working_days": 10, "text": "в течение 10 рабочих дней"},
        {"kind": "relative", "days": 5},
        {"kind": "ongoing", "text": "постоянно"},
        {"kind": "periodic", "period": "monthly", "days": 5, "text": "ежемесячно до 5 числа"},
        {"kind": "periodic", "period": "quarterly"},
        {"kind": "none"},
    ]

    response = await api.post(
        "/api/v1/meetings",
        json={
            "title": "Совещание",
            "date": "2026-03-02",
            "decisions": [
                {"number": str(i), "text": "Обеспечить", "deadline": d}
                for i, d in enumerate(deadlines, start=1)
            ],
        },
    )

    assert response.status_code == 201, response.text
    detail = (await api.get(f"/api/v1/meetings/{response.json()['id']}")).json()
    stored = [d["deadline"] for d in detail["decisions"]]
    for sent, kept in zip(deadlines, stored, strict=True):
        assert {k: kept[k] for k in sent} == sent
    assert [d["label"] for d in stored] == [
        "Срок: до 01.04.2026",
        "в течение 10 рабочих дней",
        "в течение 5 дней",
        "постоянно",
        "ежемесячно до 5 числа",
        "ежеквартально",
        "срок не указан",
    ]


async def test_decisions_refer_to_agenda_items_by_number(world: World, api: ApiClient) -> None:
    # Given an agenda numbered 2 and 3 (an edited protocol: item 1 was removed)
    await api.login(world.users["head"])
    body = {
        "title": "Совещание",
        "date": "2026-03-02",
        "agenda": [{"number": 2, "title": "Второй"}, {"number": 3, "title": "Третий"}],
        "decisions": [{"text": "По третьему", "agenda_item": 3}],
    }

    # When it is posted
    response = await api.post("/api/v1/meetings", json=body)

    # Then the decision belongs to the item numbered 3
    assert response.status_code == 201, response.text
    detail = (await api.get(f"/api/v1/meetings/{response.json()['id']}")).json()
    third = next(a for a in detail["agenda"] if a["number"] == 3)
    assert detail["decisions"][0]["agenda_item_id"] == third["id"]
    assert detail["decisions"][0]["agenda_item"] == 3


@pytest.mark.parametrize(
    ("change", "status", "where"),
    [
        ({"title": None}, 400, "title"),
        ({"date": "05.02.2020"}, 400, "date"),
        ({"date": "2026-02-31"}, 400, "date"),
        ({"decisions": [{"number": "1"}]}, 400, "text"),
        ({"decisions": [{"text": "Обеспечить", "deadline": {"kind": "soon"}}]}, 400, "kind"),
        ({"decisions": [{"text": "Обеспечить", "kind": "order"}]}, 400, "kind"),
        (
            {
                "decisions": [
                    {"text": "Обеспечить", "deadline": {"kind": "periodic", "period": "daily"}}
                ]
            },
            400,
            "period",
        ),
        ({"agenda": "Итоги"}, 400, "agenda"),
    ],
)
async def test_bad_shapes_are_400_naming_the_field(
    world: World, api: ApiClient, change: dict[str, Any], status: int, where: str
) -> None:
    await api.login(world.users["head"])
    body = {"title": "Совещание", "date": "2026-03-02"} | change
    body = {k: v for k, v in body.items() if v is not None}

    response = await api.post("/api/v1/meetings", json=body)

    assert response.status_code == status, response.text
    answer = response.json()
    assert answer["status_code"] == status
    assert answer["detail"].startswith("Некорректный запрос.")
    # The envelope names the field and what is wrong with it.
    assert any(where in key or where in message for key, message in answer["errors"].items())
    assert await meeting_ids(api) == [world.meeting_id]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "Введите название совещания."),
        ({"date": "1900-01-01"}, "date", "Дата совещания вне разумных пределов."),
        ({"kind": "resolution", "number": "x" * 51}, "number", "Номер протокола не длиннее 50"),
        ({"decisions": [{"text": " "}]}, "decisions.0.text", "Введите текст решения."),
        (
            {"decisions": [{"text": "Обеспечить", "deadline": {"kind": "date"}}]},
            "decisions.0.deadline",
            "Для срока «к дате» укажите дату.",
        ),
        (
            {"decisions": [{"text": "Обеспечить", "deadline": {"kind": "relative", "days": 0}}]},
            "decisions.0.deadline",
            "Число дней должно быть от 1 до 3660.",
        ),
        (
            {"decisions": [{"text": "Обеспечить", "agenda_item": 2}]},
            "decisions.0.agenda_item",
            "Нет такого вопроса повестки.",
        ),
        ({"agenda": [{"title": ""}]}, "agenda.0.title", "Введите формулировку вопроса повестки."),
    ],
)
async def test_invalid_values_are_422_per_field(
    world: World, api: ApiClient, change: dict[str, Any], field: str, message: str
) -> None:
    await api.login(world.users["secretary"])
    body = {"title": "Совещание", "date": "2026-03-02"} | change

    response = await api.post("/api/v1/meetings", json=body)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][field].startswith(message)
    assert await meeting_ids(api) == [world.meeting_id]


async def test_one_bad_decision_records_nothing(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])
    body = seed_protocol()
    body["decisions"][8]["text"] = ""

    response = await api.post("/api/v1/meetings", json=body)

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"decisions.8.text"}
    assert await meeting_ids(api) == [world.meeting_id]


async def test_body_that_is_not_json_is_400(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.client.post(
        "/api/v1/meetings", content=b"title=x", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["status_code"] == 400


# ---------------------------------------------------------------- assigning


async def assign(api: ApiClient, decision_id: int, body: Any) -> Any:
    return await api.post(f"/api/v1/decisions/{decision_id}/assignments", json=body)


async def test_assign_to_all_schools(world: World, api: ApiClient) -> None:
    await api.login(world.users["secretary"])

    response = await assign(api, world.decisions[1], {"schools": "all", "due_on": "2026-04-15"})

    assert response.status_code == 201, response.text
    rows = response.json()
    assert sorted(r["school_id"] for r in rows) == sorted(world.schools.values())
    assert {r["due_on"] for r in rows} == {"2026-04-15"}
    assert {r["status"] for r in rows} == {"assigned"}
    assert {r["created"] for r in rows} == {True}
    assert set(rows[0]) == {"id", "school_id", "due_on", "status", "created"}


async def test_assign_to_chosen_schools(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await assign(
        api, world.decisions[1], {"schools": [world.schools["b"], world.schools["c"]]}
    )

    assert response.status_code == 201, response.text
    assert sorted(r["school_id"] for r in response.json()) == sorted(
        [world.schools["b"], world.schools["c"]]
    )


async def test_assign_to_a_group_with_the_decisions_deadline(world: World, api: ApiClient) -> None:
    # Given a meeting whose decision is due on a date
    await api.login(world.users["head"])
    created = await api.post(
        "/api/v1/meetings",
        json={
            "title": "Совещание",
            "date": "2026-03-02",
            "decisions": [
                {"text": "Обеспечить", "deadline": {"kind": "date", "date": "2026-05-20"}}
            ],
        },
    )
    decision_id = created.json()["decisions"][0]["id"]

    # When it is assigned to a group without a due date
    response = await assign(api, decision_id, {"schools": {"group": world.groups["ДОУ"]}})

    # Then the group's school has it, due on the decision's date
    assert response.status_code == 201, response.text
    assert [(r["school_id"], r["due_on"]) for r in response.json()] == [
        (world.schools["c"], "2026-05-20")
    ]


async def test_assigning_again_returns_the_existing_assignments(
    world: World, api: ApiClient
) -> None:
    # Given decision 1, assigned to all three schools by the world
    await api.login(world.users["head"])

    # When it is assigned to all schools again
    response = await assign(api, world.decisions[0], {"schools": "all"})

    # Then the same three assignments come back, none created
    assert response.status_code == 201
    rows = response.json()
    assert {r["id"] for r in rows} == set(world.assignments.values())
    assert {r["created"] for r in rows} == {False}
    detail = (await api.get(f"/api/v1/meetings/{world.meeting_id}")).json()
    assert detail["decisions"][0]["progress"]["total"] == 3


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ({}, 400, "schools"),
        ({"schools": "some"}, 400, "schools"),
        ({"schools": ["one"]}, 400, "schools"),
        ({"schools": {"groups": 1}}, 400, "schools"),
        ({"schools": "all", "due_on": "15.04.2026"}, 400, "due_on"),
        ({"schools": "all", "extra": 1}, 400, "extra"),
        ({"schools": []}, 422, "Выберите хотя бы одну школу."),
        ({"schools": [999999]}, 422, "Нет таких действующих школ: 999999."),
        ({"schools": {"group": 999999}}, 422, "Такой группы нет."),
        (
            {"schools": "all", "due_on": "2026-01-01"},
            422,
            "Срок исполнения не может быть раньше даты совещания.",
        ),
    ],
)
async def test_bad_assignment_bodies(
    world: World, api: ApiClient, body: Any, status: int, text: str
) -> None:
    await api.login(world.users["head"])

    response = await assign(api, world.decisions[1], body)

    assert response.status_code == status, response.text
    assert text in json.dumps(response.json(), ensure_ascii=False)
    detail = (await api.get(f"/api/v1/meetings/{world.meeting_id}")).json()
    assert detail["decisions"][1]["progress"]["total"] == 0


async def test_assigning_an_unknown_decision_is_404(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await assign(api, 999999, {"schools": "all"})

    assert response.status_code == 404
    assert response.json()["detail"] == "Решение не найдено."


async def test_assigning_an_information_decision_is_409(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await assign(api, world.decisions[2], {"schools": "all"})

    assert response.status_code == 409
    assert "не требует исполнения" in response.json()["detail"]


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_other_roles_are_forbidden(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])

    answers = [
        await api.get("/api/v1/meetings"),
        await api.get(f"/api/v1/meetings/{world.meeting_id}"),
        await api.post("/api/v1/meetings", json=seed_protocol()),
        await assign(api, world.decisions[1], {"schools": "all"}),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert {a.json()["detail"] for a in answers} == {"Недостаточно прав для этого действия."}
    api.logout()
    await api.login(world.users["head"])
    assert await meeting_ids(api) == [world.meeting_id]
    detail = (await api.get(f"/api/v1/meetings/{world.meeting_id}")).json()
    assert detail["decisions"][1]["progress"]["total"] == 0


async def test_school_user_learns_nothing_of_unknown_meetings(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])

    response = await api.get("/api/v1/meetings/999999")

    assert response.status_code in {403, 404}


async def test_without_a_token_is_401(world: World, api: ApiClient) -> None:
    assert (await api.get("/api/v1/meetings")).status_code == 401
    assert (await api.post("/api/v1/meetings", json=seed_protocol())).status_code == 401
    assert (await assign(api, world.decisions[1], {"schools": "all"})).status_code == 401


# ---------------------------------------------------------------- documented


async def test_openapi_describes_the_meetings_api(clean_db: None, api: ApiClient) -> None:
    response = await api.get("/schema/openapi.json")

    schema = response.json()
    paths = schema["paths"]
    assert set(paths["/api/v1/meetings"]) == {"get", "post"}
    assert "get" in paths["/api/v1/meetings/{meeting_id}"]
    assert "post" in paths["/api/v1/decisions/{decision_id}/assignments"]
    components = schema["components"]["schemas"]
    assert {"MeetingIn", "DecisionIn", "DeadlineIn", "MeetingOut", "AssignIn"} <= set(components)
    assert components["MeetingIn"]["required"] == ["title", "date"] or set(
        components["MeetingIn"]["required"]
    ) == {"title", "date"}
    # No page route leaks into the API description.
    assert not any(path.startswith(("/meetings", "/decisions")) for path in paths)
