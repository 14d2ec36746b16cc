"""The exports' controllers on the application, whether or not ``tracker/web/routes.py`` lists
them yet."""

from __future__ import annotations

import pytest
from litestar import Litestar

from tracker.exports.controllers import (
    ExportApiController,
    MatrixPagesController,
    ReportPagesController,
)


@pytest.fixture
def app(_migrated: None) -> object:
    from tracker.web.app import create_app  # noqa: PLC0415

    created: Litestar = create_app()
    mounted = {route.path for route in created.routes}
    if "/reports/discipline" not in mounted:
        for controller in (MatrixPagesController, ReportPagesController, ExportApiController):
            created.register(controller)
    return created
