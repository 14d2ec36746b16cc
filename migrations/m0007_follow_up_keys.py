"""One follow-up per meeting and one item per (follow-up, decision): compiling twice, or on two
requests at once, writes nothing twice (raw SQL in a migration of its own, see m0002)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-24T02:32:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique follow_up (meeting), follow_up_item (follow_up, decision)"

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS follow_up_meeting_uniq ON follow_up (meeting)",
    "CREATE UNIQUE INDEX IF NOT EXISTS follow_up_item_decision_uniq"
    " ON follow_up_item (follow_up, decision)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run() -> None:
        from tracker.meetings.tables import Meeting

        for statement in STATEMENTS:
            await Meeting.raw(statement)

    manager.add_raw(run)
    return manager
