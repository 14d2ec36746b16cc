from __future__ import annotations

import pytest

from tests.support.http import PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor


@pytest.fixture
async def admin(world: World) -> Actor:
    """The world's admin, for reading the calendar back through the services."""
    actor = await accounts.actor_for_user(world.user_ids["admin"])
    assert actor is not None
    return actor


@pytest.fixture
async def admin_pages(world: World, pages: PageClient) -> PageClient:
    """The page client, signed in as the admin."""
    await pages.login(world.users["admin"])
    return pages
