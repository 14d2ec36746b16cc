"""The one Piccolo app: every table of every area, migrations in the top-level ``migrations/``."""

from piccolo.conf.apps import AppConfig

from tracker.accounts.tables import ApiToken, LoginAttempt, User
from tracker.assignments.tables import Assignment, ExtensionRequest, Report, ReportFile
from tracker.audit.tables import AuditEvent
from tracker.calendar.tables import CalendarDay
from tracker.feeds.tables import FeedToken
from tracker.followup.tables import FollowUp, FollowUpItem
from tracker.jobs.tables import Job
from tracker.mail.tables import OutboxMessage
from tracker.meetings.tables import AgendaItem, Decision, Meeting
from tracker.reminders.tables import Reminder, ReminderPolicyRow
from tracker.schools.tables import School, SchoolGroup, SchoolGroupMember
from tracker.settings import REPO_ROOT
from tracker.web.tables import WebSession

TABLES = [
    SchoolGroup,
    School,
    SchoolGroupMember,
    User,
    ApiToken,
    Meeting,
    AgendaItem,
    Decision,
    Assignment,
    Report,
    ReportFile,
    ExtensionRequest,
    AuditEvent,
    CalendarDay,
    Reminder,
    ReminderPolicyRow,
    OutboxMessage,
    WebSession,
    FollowUp,
    FollowUpItem,
    FeedToken,
    Job,
    LoginAttempt,
]

APP_CONFIG = AppConfig(
    app_name="tracker",
    migrations_folder_path=str(REPO_ROOT / "migrations"),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
