"""The assignments JSON API (CONTRACT.md): shapes, the loop, status codes."""

from __future__ import annotations

import hashlib

import pytest

from tests.support.http import ApiClient
from tests.support.world import World

PDF = b"%PDF-1.4 report\n" * 100


async def report(api: ApiClient, assignment_id: int, text: str = "Сделано") -> dict[str, object]:
    response = await api.post(f"/api/v1/assignments/{assignment_id}/reports", {"text": text})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


# ---------------------------------------------------------------- reading


async def test_list_for_school_user_is_limited_to_their_school(
    world: World, api: ApiClient
) -> None:
    await api.login(world.users["school_a"])

    own = await api.get("/api/v1/assignments")
    other = await api.get(f"/api/v1/assignments?school_id={world.schools['b']}")

    assert own.status_code == 200
    assert [a["id"] for a in own.json()] == [world.assignments["a"]]
    assert other.json() == []


async def test_list_for_the_department_with_filters(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])
    await report(api, world.assignments["a"])
    await api.login(world.users["secretary"])

    everything = (await api.get("/api/v1/assignments")).json()
    by_school = (await api.get(f"/api/v1/assignments?school_id={world.schools['b']}")).json()
    by_decision = (await api.get(f"/api/v1/assignments?decision_id={world.decisions[0]}")).json()
    by_status = (await api.get("/api/v1/assignments?status=reported")).json()
    bad_status = await api.get("/api/v1/assignments?status=done")

    assert {a["id"] for a in everything} == set(world.assignments.values())
    first = next(a for a in everything if a["id"] == world.assignments["a"])
    assert first["school_name"] == "МБОУ СОШ № 1"
    assert first["due_on"] == "2030-03-01"
    assert first["meeting_date"] == "2026-02-05"
    assert first["status"] == "reported"
    assert first["overdue"] is False
    assert [a["id"] for a in by_school] == [world.assignments["b"]]
    assert len(by_decision) == 3
    assert [a["id"] for a in by_status] == [world.assignments["a"]]
    assert bad_status.status_code == 400


async def test_detail_has_decision_reports_extensions_and_history(
    world: World, api: ApiClient
) -> None:
    aid = world.assignments["a"]
    await api.login(world.users["school_a"])
    await api.post(
        f"/api/v1/assignments/{aid}/extension-requests",
        {"due_on": "2030-04-01", "reason": "Ремонт"},
    )
    await report(api, aid)

    response = await api.get(f"/api/v1/assignments/{aid}")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == aid
    assert body["decision"]["text"] == "Обеспечить участие педагогов в семинарах."
    assert body["decision"]["kind"] == "instruction"
    assert body["decision"]["deadline"]["label"] == "до 01.03.2030"
    assert body["decision"]["deadline"]["date"] == "2030-03-01"
    assert body["reports"][0]["text"] == "Сделано"
    assert body["reports"][0]["outcome"] == "pending"
    assert body["extension_requests"][0]["due_on"] == "2030-04-01"
    assert body["extension_requests"][0]["status"] == "pending"
    assert [h["action"] for h in body["history"]] == ["create", "extension_requested", "report"]
    assert body["history"][1]["after"]["requested_due_on"] == "2030-04-01"


async def test_another_schools_objects_are_404(world: World, api: ApiClient) -> None:
    aid = world.assignments["a"]
    await api.login(world.users["school_a"])
    created = await api.post(
        f"/api/v1/assignments/{aid}/reports",
        data={"text": "Сделано"},
        files=[("files", ("план.pdf", PDF, "application/pdf"))],
    )
    file_id = created.json()["files"][0]["id"]
    extension = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/extension-requests",
        {"due_on": "2030-04-01", "reason": "Ремонт"},
    )
    await api.login(world.users["school_b"])

    assert (await api.get(f"/api/v1/assignments/{aid}")).status_code == 404
    assert (await api.get(f"/api/v1/files/{file_id}")).status_code == 404
    assert (await api.post(f"/api/v1/assignments/{aid}/start")).status_code == 404
    response = await api.post(f"/api/v1/assignments/{aid}/reports", {"text": "чужое"})
    assert response.status_code == 404
    assert response.json()["detail"]
    assert extension.status_code == 409  # reported: no extension any more
    missing = await api.get("/api/v1/assignments/999999")
    assert missing.status_code == 404


async def test_unauthenticated_is_401(world: World, api: ApiClient) -> None:
    assert (await api.get("/api/v1/assignments")).status_code == 401
    assert (
        await api.post(f"/api/v1/assignments/{world.assignments['a']}/accept")
    ).status_code == 401


# ---------------------------------------------------------------- the loop


async def test_start_report_accept(world: World, api: ApiClient) -> None:
    aid = world.assignments["a"]
    await api.login(world.users["school_a"])

    started = await api.post(f"/api/v1/assignments/{aid}/start")
    created = await api.post(
        f"/api/v1/assignments/{aid}/reports",
        {"text": "Проведены семинары", "links": ["https://school1.example.ru/news/1"]},
    )

    assert started.status_code == 200
    assert started.json()["status"] == "in_progress"
    assert created.status_code == 201
    body = created.json()
    assert isinstance(body["id"], int)
    assert body["links"] == ["https://school1.example.ru/news/1"]
    assert body["outcome"] == "pending"

    await api.login(world.users["head"])
    accepted = await api.post(f"/api/v1/assignments/{aid}/accept", {"comment": "Принято"})

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_on_time"] is True
    assert accepted.json()["reports"][0]["review_comment"] == "Принято"


async def test_accept_without_body(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])
    await report(api, world.assignments["a"])
    await api.login(world.users["head"])

    response = await api.post(f"/api/v1/assignments/{world.assignments['a']}/accept")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"


async def test_multipart_report_with_files_and_download(world: World, api: ApiClient) -> None:
    aid = world.assignments["a"]
    await api.login(world.users["school_a"])

    response = await api.post(
        f"/api/v1/assignments/{aid}/reports",
        data={"text": "С файлами", "links": "https://a.example.ru/1\nhttps://a.example.ru/2"},
        files=[
            ("files", ("протокол.pdf", PDF, "application/pdf")),
            ("files", ("list.csv", b"a;b\n1;2\n", "text/csv")),
        ],
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["links"] == ["https://a.example.ru/1", "https://a.example.ru/2"]
    assert [f["name"] for f in body["files"]] == ["протокол.pdf", "list.csv"]
    download = await api.get(body["files"][0]["url"])
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(PDF).hexdigest()
    assert download.headers["x-content-type-options"] == "nosniff"
    assert (
        "filename*=UTF-8''%D0%BF%D1%80%D0%BE%D1%82%D0%BE%D0%BA%D0%BE%D0%BB.pdf"
        in (download.headers["content-disposition"])
    )
    await api.login(world.users["head"])
    assert (await api.get(body["files"][0]["url"])).status_code == 200


async def test_return_then_report_again(world: World, api: ApiClient) -> None:
    aid = world.assignments["a"]
    await api.login(world.users["school_a"])
    await report(api, aid, "Первый отчёт")
    await api.login(world.users["head"])

    without_comment = await api.post(f"/api/v1/assignments/{aid}/return", {})
    returned = await api.post(f"/api/v1/assignments/{aid}/return", {"comment": "Нет плана"})

    assert without_comment.status_code == 422
    assert without_comment.json()["errors"]["comment"]
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    await api.login(world.users["school_a"])
    again = await report(api, aid, "Второй отчёт")
    assert again["text"] == "Второй отчёт"


async def test_extension_request_approve_and_reject(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])
    created = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/extension-requests",
        {"due_on": "2030-04-01", "reason": "Ремонт спортзала"},
    )
    second = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/extension-requests",
        {"due_on": "2030-05-01", "reason": "Ещё"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending"
    assert created.json()["previous_due_on"] == "2030-03-01"
    assert second.status_code == 409
    request_id = created.json()["id"]

    await api.login(world.users["head"])
    approved = await api.post(f"/api/v1/extension-requests/{request_id}/approve")
    again = await api.post(f"/api/v1/extension-requests/{request_id}/reject", {"comment": "x"})

    assert approved.status_code == 200, approved.text
    assert approved.json()["due_on"] == "2030-04-01"
    assert approved.json()["extension_requests"][0]["status"] == "approved"
    assert again.status_code == 409

    await api.login(world.users["school_b"])
    other = await api.post(
        f"/api/v1/assignments/{world.assignments['b']}/extension-requests",
        {"due_on": "2030-06-01", "reason": "Нет кадров"},
    )
    await api.login(world.users["head"])
    rejected = await api.post(
        f"/api/v1/extension-requests/{other.json()['id']}/reject", {"comment": "Срок не меняем"}
    )
    assert rejected.status_code == 200
    assert rejected.json()["due_on"] == "2030-03-01"
    assert rejected.json()["extension_requests"][0]["comment"] == "Срок не меняем"


# ---------------------------------------------------------------- refusals


async def test_wrong_roles_are_403(world: World, api: ApiClient) -> None:
    aid = world.assignments["a"]
    await api.login(world.users["school_a"])
    await report(api, aid)
    created = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/extension-requests",
        {"due_on": "2030-04-01", "reason": "x"},
    )
    assert created.status_code == 409

    await api.login(world.users["secretary"])
    assert (await api.post(f"/api/v1/assignments/{aid}/accept")).status_code == 403
    assert (
        await api.post(f"/api/v1/assignments/{aid}/return", {"comment": "x"})
    ).status_code == 403
    await api.login(world.users["head"])
    response = await api.post(
        f"/api/v1/assignments/{world.assignments['b']}/reports", {"text": "x"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Недостаточно прав для этого действия."
    assert (
        await api.post(
            f"/api/v1/assignments/{world.assignments['b']}/extension-requests",
            {"due_on": "2030-04-01", "reason": "x"},
        )
    ).status_code == 403
    await api.login(world.users["school_a"])
    assert (await api.post(f"/api/v1/assignments/{aid}/accept")).status_code == 403


async def test_school_cannot_approve_extension(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])
    created = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/extension-requests",
        {"due_on": "2030-04-01", "reason": "x"},
    )
    response = await api.post(f"/api/v1/extension-requests/{created.json()['id']}/approve")
    assert response.status_code == 403


async def test_accept_never_reported_is_409(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.post(f"/api/v1/assignments/{world.assignments['a']}/accept")

    assert response.status_code == 409
    assert "отчёт на проверке" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": ""}, 422),
        ({"text": "   "}, 422),
        ({"text": "Сделано", "links": ["ftp://example.ru/x"]}, 422),
        ({"text": "Сделано", "links": "https://example.ru"}, 422),  # not a list
        ({"links": []}, 422),
        ({"text": "Сделано", "extra": 1}, 422),
    ],
)
async def test_bad_report_is_refused_and_nothing_written(
    world: World, api: ApiClient, body: dict[str, object], status: int
) -> None:
    aid = world.assignments["a"]
    await api.login(world.users["school_a"])

    response = await api.post(f"/api/v1/assignments/{aid}/reports", body)

    assert response.status_code == status, response.text
    assert response.json()["detail"]
    detail = (await api.get(f"/api/v1/assignments/{aid}")).json()
    assert detail["reports"] == []
    assert detail["status"] == "assigned"


async def test_report_body_that_is_not_json(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])
    response = await api.client.post(
        f"/api/v1/assignments/{world.assignments['a']}/reports",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    plain = await api.client.post(
        f"/api/v1/assignments/{world.assignments['a']}/reports",
        content=b"text",
        headers={"content-type": "text/plain"},
    )
    assert plain.status_code == 415


@pytest.mark.parametrize(
    "body",
    [
        {"due_on": "2020-01-01", "reason": "Ремонт"},
        {"due_on": "2030-03-01", "reason": "Ремонт"},
        {"due_on": "2030-04-01", "reason": " "},
    ],
)
async def test_bad_extension_request_is_422(
    world: World, api: ApiClient, body: dict[str, str]
) -> None:
    await api.login(world.users["school_a"])
    response = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/extension-requests", body
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"]


async def test_extension_request_with_a_malformed_date_is_400(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])
    response = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/extension-requests",
        {"due_on": "01.04.2030", "reason": "x"},
    )
    assert response.status_code == 400
    assert "due_on" in response.text


async def test_file_over_the_limit_is_413_with_a_russian_message(
    world: World, api: ApiClient
) -> None:
    await api.login(world.users["school_a"])

    response = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/reports",
        data={"text": "Сделано"},
        files=[("files", ("big.bin", b"\0" * (20 * 1024 * 1024 + 1), "application/octet-stream"))],
    )

    assert response.status_code == 413
    assert response.json()["detail"] == "Файл «big.bin» больше 20 МБ."
    detail = (await api.get(f"/api/v1/assignments/{world.assignments['a']}")).json()
    assert detail["reports"] == []


async def test_openapi_describes_the_assignment_endpoints(world: World, api: ApiClient) -> None:
    schema = (await api.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    components = schema["components"]["schemas"]

    assert "/api/v1/assignments" in paths
    assert "/api/v1/assignments/{assignment_id}" in paths
    report_body = paths["/api/v1/assignments/{assignment_id}/reports"]["post"]["requestBody"]
    assert set(report_body["content"]) == {"application/json", "multipart/form-data"}
    assert "201" in paths["/api/v1/assignments/{assignment_id}/reports"]["post"]["responses"]
    assert "/api/v1/extension-requests/{request_id}/approve" in paths
    assert {
        "AssignmentSummaryOut",
        "AssignmentDetailOut",
        "ReportOut",
        "ExtensionRequestIn",
    } <= set(components)
    assert not any(p.startswith(("/my", "/review", "/files")) for p in paths)
