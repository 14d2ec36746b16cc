"""A page view reads the session; it does not write it back when nothing changed, and the JSON
API keeps no session at all (it signs in with bearer tokens)."""

from __future__ import annotations

from tests.support.http import ApiClient, PageClient
from tests.support.querycount import count_queries
from tests.support.world import World
from tracker.web.tables import WebSession


async def test_a_second_page_view_writes_no_session(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    await pages.get("/my")
    with count_queries() as log:
        response = await pages.get("/my")
    assert response.status_code == 200
    writes = [s for s in log.statements if "web_session" in s and "SELECT" not in s.upper()[:10]]
    assert writes == []


async def test_the_api_keeps_no_session(world: World, api: ApiClient) -> None:
    await api.login(world.users["school_a"])
    before = await WebSession.count()
    for _ in range(3):
        assert (await api.get("/api/v1/assignments")).status_code == 200
    assert await WebSession.count() == before
