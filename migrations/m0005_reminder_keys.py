"""The keys that make reminders and periods exactly-once, and the indexes the sweep reads by.

Raw SQL in a migration of its own (see m0002 and STACK-NOTES.md):
- an assignment is unique per (decision, school, period): a periodic decision has one per period;
- a reminder is unique per (assignment, kind, key date): a sweep run twice inserts nothing twice;
- open assignments by due date (partial index): the sweep reads only what is near or past due;
- queued messages by next attempt: the sender reads only what is ready to go.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-24T01:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique (decision, school, period), unique reminder key, sweep and outbox indexes"

STATEMENTS = [
    "DROP INDEX IF EXISTS assignment_decision_school_uniq",
    "CREATE UNIQUE INDEX IF NOT EXISTS assignment_decision_school_period_uniq"
    " ON assignment (decision, school, period)",
    "CREATE UNIQUE INDEX IF NOT EXISTS reminder_key_uniq ON reminder (assignment, kind, key_on)",
    "CREATE INDEX IF NOT EXISTS assignment_open_due_idx ON assignment (due_on)"
    " WHERE status IN ('assigned', 'in_progress', 'returned')",
    "CREATE INDEX IF NOT EXISTS outbox_ready_idx ON outbox_message (status, next_attempt_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run() -> None:
        from tracker.meetings.tables import Meeting

        for statement in STATEMENTS:
            await Meeting.raw(statement)

    manager.add_raw(run)
    return manager
