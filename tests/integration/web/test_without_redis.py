"""Issue 4: with Redis down the web app still signs users in, shows their pages and accepts
reports. ``REDIS_URL`` points at a loopback port where nothing listens; sessions live in the
database, so no request needs Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from litestar import Litestar
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.support.http import PageClient
from tests.support.world import World
from tracker.settings import get_settings
from tracker.web.app import create_app
from tracker.web.tables import WebSession

DEAD_REDIS = "redis://127.0.0.1:1/0"
"""Port 1 on loopback: nothing listens there, a connection is refused at once."""


@pytest.fixture
def app_without_redis() -> Iterator[Litestar]:
    """The app made with ``REDIS_URL`` set to a Redis that is down."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REDIS_URL", DEAD_REDIS)
        get_settings.cache_clear()
        try:
            assert get_settings().redis_url == DEAD_REDIS
            yield create_app()
        finally:
            get_settings.cache_clear()  # still inside the context: no one reads the dead URL later
    get_settings.cache_clear()


@pytest.fixture
async def pages(app_without_redis: Litestar) -> AsyncIterator[PageClient]:
    async with PageClient.open(app_without_redis) as client:
        yield client


def no_server_errors(*responses: httpx.Response) -> None:
    failed = [(r.request.url.path, r.status_code) for r in responses if r.status_code >= 500]
    assert failed == []


async def test_the_redis_of_this_test_is_really_down() -> None:
    client = Redis.from_url(DEAD_REDIS)
    try:
        with pytest.raises(RedisConnectionError):
            await client.ping()
    finally:
        await client.aclose()


async def test_school_signs_in_opens_my_and_reports(world: World, pages: PageClient) -> None:
    aid = world.assignments["a"]

    # Given: Redis is down; the school signs in
    login_page = await pages.get("/login")
    login = await pages.login(world.users["school_a"])
    assert await WebSession.count() == 1  # the session went to the database

    # When: it opens its list (page and htmx fragment) and sends a report
    my = await pages.get("/my")
    fragment = await pages.get("/my", htmx=True)
    report = await pages.post(f"/assignments/{aid}/reports", {"text": "Сделано без Redis"})
    detail = await pages.get(f"/assignments/{aid}")

    # Then: every answer is the normal one
    no_server_errors(login_page, login, my, fragment, report, detail)
    assert login_page.status_code == 200
    assert login.headers["location"] == "/my"
    assert my.status_code == 200
    assert f'href="/assignments/{aid}"' in my.text
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="assignment-list"')
    assert report.status_code == 303, report.text
    assert report.headers["location"] == f"/assignments/{aid}"
    assert detail.status_code == 200
    assert "Сделано без Redis" in detail.text
    assert "На проверке" in detail.text


async def test_sign_out_removes_the_session_row(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    assert await WebSession.count() == 1

    response = await pages.post("/logout")

    no_server_errors(response)
    assert response.status_code == 303
    assert await WebSession.count() == 0
    assert (await pages.get("/my")).status_code in {302, 303}  # back to the login page
