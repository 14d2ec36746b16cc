"""The OpenAPI description lists every endpoint CONTRACT.md promises, and pages stay out of it."""

import pytest

from tests.support.http import ApiClient

CONTRACT = [
    ("get", "/api/v1/outbox"),
    ("get", "/api/v1/meetings/{meeting_id}/agenda.docx"),
    ("get", "/api/v1/meetings/{meeting_id}/compliance.xlsx"),
    ("post", "/api/v1/auth/token"),
    ("get", "/api/v1/schools"),
    ("post", "/api/v1/schools"),
    ("post", "/api/v1/protocols/parse"),
    ("post", "/api/v1/meetings"),
    ("get", "/api/v1/meetings/{meeting_id}"),
    ("post", "/api/v1/decisions/{decision_id}/assignments"),
    ("get", "/api/v1/assignments"),
    ("get", "/api/v1/assignments/{assignment_id}"),
    ("post", "/api/v1/assignments/{assignment_id}/reports"),
    ("post", "/api/v1/assignments/{assignment_id}/accept"),
    ("post", "/api/v1/assignments/{assignment_id}/return"),
    ("post", "/api/v1/assignments/{assignment_id}/extension-requests"),
    ("post", "/api/v1/extension-requests/{request_id}/approve"),
    ("post", "/api/v1/extension-requests/{request_id}/reject"),
]


@pytest.fixture
async def schema(clean_db: None, api: ApiClient) -> dict[str, dict[str, object]]:
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    paths: dict[str, dict[str, object]] = response.json()["paths"]
    return paths


@pytest.mark.parametrize(("method", "path"), CONTRACT)
async def test_contract_endpoint_is_described(
    schema: dict[str, dict[str, object]], method: str, path: str
) -> None:
    assert method in schema.get(path, {}), f"{method.upper()} {path} missing from OpenAPI"


async def test_pages_are_not_in_the_api_description(schema: dict[str, dict[str, object]]) -> None:
    assert all(path.startswith("/api/v1/") for path in schema)
