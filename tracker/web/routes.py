"""Every area's controllers, in one list the application mounts."""

from __future__ import annotations

from typing import Any

from tracker.accounts.controllers import LoginController, TokenController, UserAdminController
from tracker.assignments.controllers import AssignmentApiController, AssignmentPagesController
from tracker.meetings.controllers import (
    DecisionPagesController,
    MeetingApiController,
    MeetingPagesController,
)
from tracker.protocols.controllers import ProtocolApiController, ProtocolImportController
from tracker.schools.controllers import (
    GroupAdminController,
    SchoolAdminController,
    SchoolApiController,
)

ROUTE_HANDLERS: list[Any] = [
    LoginController,
    TokenController,
    AssignmentPagesController,
    AssignmentApiController,
    MeetingPagesController,
    DecisionPagesController,
    MeetingApiController,
    ProtocolImportController,
    ProtocolApiController,
    SchoolAdminController,
    GroupAdminController,
    UserAdminController,
    SchoolApiController,
]
