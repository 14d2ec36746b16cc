"""The dashboard's controller on the application, whether or not ``tracker/web/routes.py``
lists it yet."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tests.integration.compliance.district import District, make_district
from tests.support.world import World
from tracker.dashboard.controllers import DashboardController


@pytest.fixture
def app(_migrated: None) -> object:
    from tracker.web.app import create_app  # noqa: PLC0415

    created: Litestar = create_app()
    if "/dashboard" not in {route.path for route in created.routes}:
        created.register(DashboardController)
    return created


@pytest.fixture
async def district(world: World) -> District:
    return await make_district(world)
