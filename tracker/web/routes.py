"""Every area's controllers, in one list the application mounts."""

from __future__ import annotations

from typing import Any

from tracker.accounts.controllers import LoginController, TokenController, UserAdminController
from tracker.assignments.controllers import AssignmentApiController, AssignmentPagesController
from tracker.attention.controllers import AttentionApiController, AttentionController
from tracker.calendar.controllers import CalendarAdminController
from tracker.charts.controllers import ChartPagesController
from tracker.exports.controllers import (
    ExportApiController,
    MatrixPagesController,
    ReportPagesController,
)
from tracker.followup.controllers import FollowUpApiController, FollowUpPagesController
from tracker.followup.document_controllers import (
    MeetingDocumentsApiController,
    MeetingDocumentsController,
)
from tracker.mail.controllers import OutboxAdminController, OutboxApiController
from tracker.meetings.controllers import (
    DecisionPagesController,
    MeetingApiController,
    MeetingPagesController,
)
from tracker.protocols.controllers import ProtocolApiController, ProtocolImportController
from tracker.reminders.controllers import ReminderPolicyApiController, ReminderPolicyController
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
    CalendarAdminController,
    SchoolApiController,
    OutboxAdminController,
    OutboxApiController,
    AttentionController,
    AttentionApiController,
    ReminderPolicyController,
    ReminderPolicyApiController,
    MeetingDocumentsController,
    MeetingDocumentsApiController,
    ChartPagesController,
    MatrixPagesController,
    ReportPagesController,
    ExportApiController,
    FollowUpPagesController,
    FollowUpApiController,
]
