"""The meeting's .docx downloads over HTTP: pages and API, with their permissions."""

from __future__ import annotations

import io

from docx import Document

from tests.support.http import ApiClient, PageClient
from tests.support.world import World
from tracker.followup.document_services import DOCX


async def test_the_head_downloads_the_agenda(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/meetings/{world.meeting_id}/agenda.docx")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(DOCX)
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "ПОВЕСТКА ДНЯ" in [p.text for p in Document(io.BytesIO(response.content)).paragraphs]


async def test_the_api_serves_the_agenda_to_a_token(world: World, api: ApiClient) -> None:
    await api.login(world.users["secretary"])

    response = await api.get(f"/api/v1/meetings/{world.meeting_id}/agenda.docx")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(DOCX)


async def test_a_school_downloads_its_own_extract_only(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    base = f"/meetings/{world.meeting_id}/extracts"

    own = await pages.get(f"{base}/{world.schools['a']}")
    other = await pages.get(f"{base}/{world.schools['b']}")
    agenda = await pages.get(f"/meetings/{world.meeting_id}/agenda.docx")

    assert own.status_code == 200
    assert "Для: МБОУ СОШ № 1" in [p.text for p in Document(io.BytesIO(own.content)).paragraphs]
    assert other.status_code == 404
    assert agenda.status_code == 403
