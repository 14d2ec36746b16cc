"""Every area's controllers, in one list the application mounts."""

from __future__ import annotations

from typing import Any

from tracker.accounts.controllers import LoginController, TokenController, UserAdminController
from tracker.assignments.controllers import AssignmentApiController, AssignmentPagesController
from tracker.attention.controllers import AttentionApiController, AttentionController
from tracker.audit.controllers import AuditController
from tracker.calendar.controllers import CalendarAdminController
from tracker.charts.controllers import ChartPagesController
from tracker.dashboard.controllers import DashboardController
from tracker.exports.controllers import (
    ExportApiController,
    MatrixPagesController,
    ReportPagesController,
)
from tracker.feeds.controllers import FeedController, FeedPagesController
from tracker.followup.controllers import FollowUpApiController, FollowUpPagesController
from tracker.followup.document_controllers import (
    MeetingDocumentsApiController,
    MeetingDocumentsController,
)
from tracker.i18n.controllers import LanguageController
from tracker.jobs.controllers import JobPagesController
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
    LanguageController,
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
    DashboardController,
    MatrixPagesController,
    ReportPagesController,
    ExportApiController,
    FollowUpPagesController,
    FollowUpApiController,
    JobPagesController,
    FeedPagesController,
    FeedController,
    AuditController,
]
