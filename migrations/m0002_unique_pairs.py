"""Composite unique and lookup indexes.

Raw SQL, in a migration of its own: Piccolo's composite ``Unique`` breaks on SQLite, and raw
steps run before schema steps within one migration (see STACK-NOTES.md).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (decision, school), (group, school); one pending extension request"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS assignment_decision_school_uniq"
    " ON assignment (decision, school)",
    "CREATE UNIQUE INDEX IF NOT EXISTS school_group_member_uniq"
    " ON school_group_member (\"group\", school)",
    "CREATE UNIQUE INDEX IF NOT EXISTS extension_request_one_pending"
    " ON extension_request (assignment) WHERE status = 'pending'",
    "CREATE INDEX IF NOT EXISTS audit_event_entity_idx ON audit_event (entity, entity_id)",
    "CREATE INDEX IF NOT EXISTS assignment_school_status_idx ON assignment (school, status)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run() -> None:
        from tracker.meetings.tables import Meeting

        for statement in STATEMENTS:
            await Meeting.raw(statement)

    manager.add_raw(run)
    return manager
