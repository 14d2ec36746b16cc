"""``POST /api/v1/protocols/parse``: JSON text or a multipart file → the parsed protocol of
CONTRACT.md; bad input is 400/413/422 with a Russian ``detail``; head and secretary only."""

from __future__ import annotations

import re

import pytest

from tests.integration.protocols.helpers import (
    ADDRESSEE,
    SEED_AS_DOCX_PARAGRAPHS,
    counts,
    docx_bytes,
    seed_bytes,
)
from tests.support.http import ApiClient
from tests.support.world import World
from tracker.protocols import services as protocols

PARSE = "/api/v1/protocols/parse"
KEYS = ["kind", "title", "number", "date", "place", "agenda", "decisions", "signatures", "warnings"]
DECISION_KEYS = ["number", "agenda_item", "kind", "addressee", "text", "deadline"]
DEADLINE_KEYS = ["kind", "date", "text", "period", "working_days", "days"]


def assert_contract_shape(body: dict[str, object]) -> None:
    assert list(body) == KEYS
    decisions = body["decisions"]
    assert isinstance(decisions, list)
    for decision in decisions:
        assert list(decision) == DECISION_KEYS
        assert list(decision["deadline"]) == DEADLINE_KEYS


def assert_seed(body: dict[str, object]) -> None:
    assert_contract_shape(body)
    assert body["date"] == "2020-02-05"
    agenda = body["agenda"]
    assert isinstance(agenda, list)
    assert len(agenda) == 1
    assert agenda[0]["speakers"] == ["Рыбина Л.Д."]
    decisions = body["decisions"]
    assert isinstance(decisions, list)
    assert len(decisions) == 9
    assert {d["addressee"] for d in decisions} == {ADDRESSEE}
    assert {d["deadline"]["kind"] for d in decisions} == {"none"}


@pytest.mark.parametrize("key", ["head", "secretary"])
async def test_parse_text(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])
    before = await counts()

    response = await api.post(PARSE, {"text": seed_bytes().decode("utf-8")})

    assert response.status_code == 200, response.text
    assert_seed(response.json())
    assert await counts() == before


async def test_parse_a_multipart_file(world: World, api: ApiClient) -> None:
    await api.login(world.users["secretary"])

    response = await api.post(PARSE, files={"file": ("004.txt", seed_bytes(), "text/plain")})

    assert response.status_code == 200, response.text
    assert_seed(response.json())


async def test_parse_a_word_document(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.post(
        PARSE, files={"file": ("p.docx", docx_bytes(*SEED_AS_DOCX_PARAGRAPHS))}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert_contract_shape(body)
    assert len(body["decisions"]) == 2


async def test_the_parse_goes_back_to_the_meetings_api(world: World, api: ApiClient) -> None:
    await api.login(world.users["secretary"])
    parsed = (await api.post(PARSE, {"text": seed_bytes().decode("utf-8")})).json()

    created = await api.post("/api/v1/meetings", parsed)

    assert created.status_code == 201, created.text
    assert len(created.json()["decisions"]) == 9


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("what", "kwargs", "status"),
    [
        ("empty text", {"json": {"text": ""}}, 400),
        ("no text field", {"json": {"body": "x"}}, 400),
        ("not JSON", {"content": b"{oops", "headers": {"content-type": "application/json"}}, 400),
        ("empty file", {"files": {"file": ("e.txt", b"")}}, 400),
        ("no file", {"files": {"other": ("e.txt", b"x")}}, 400),
        ("binary", {"files": {"file": ("scan.png", PNG)}}, 422),
        ("truncated docx", {"files": {"file": ("p.docx", docx_bytes("Решили:")[:900])}}, 422),
        ("no decisions", {"json": {"text": "Уважаемые коллеги!\nПриглашаем на семинар."}}, 422),
        ("text/plain body", {"content": b"text", "headers": {"content-type": "text/plain"}}, 415),
    ],
)
async def test_bad_input_has_a_readable_russian_detail(
    world: World, api: ApiClient, what: str, kwargs: dict[str, object], status: int
) -> None:
    await api.login(world.users["secretary"])

    response = await api.client.post(PARSE, **kwargs)  # type: ignore[arg-type]

    assert response.status_code == status, (what, response.text)
    body = response.json()
    assert body["status_code"] == status
    assert re.search("[а-яА-Я]", body["detail"]), body


async def test_a_file_over_50_mb_is_413(world: World, api: ApiClient) -> None:
    await api.login(world.users["secretary"])

    response = await api.post(
        PARSE, files={"file": ("big.txt", b"a" * (protocols.MAX_DOCUMENT_BYTES + 1))}
    )

    assert response.status_code == 413
    assert "50 МБ" in response.json()["detail"]


async def test_a_body_beyond_the_limit_is_413(world: World, api: ApiClient) -> None:
    await api.login(world.users["secretary"])

    response = await api.post(
        PARSE, files={"file": ("huge.txt", b"a" * (protocols.MAX_DOCUMENT_BYTES + 5 * 2**20))}
    )

    assert response.status_code == 413
    assert re.search("[а-яА-Я]", response.json()["detail"])


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_other_roles_get_403(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])

    response = await api.post(PARSE, {"text": seed_bytes().decode("utf-8")})

    assert response.status_code == 403


async def test_without_a_token_401(world: World, api: ApiClient) -> None:
    assert (await api.post(PARSE, {"text": "x"})).status_code == 401


async def test_openapi_describes_both_bodies_and_the_answer(world: World, api: ApiClient) -> None:
    schema = (await api.get("/schema/openapi.json")).json()

    operation = schema["paths"][PARSE]["post"]
    content = operation["requestBody"]["content"]
    assert content["application/json"]["schema"]["required"] == ["text"]
    assert content["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = answer["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][name]["properties"]
    assert list(properties) == KEYS
    assert operation["tags"] == ["protocols"]
