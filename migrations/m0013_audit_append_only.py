"""Issue 8: the audit trail is append-only in the database itself, and indexed for its pages.

- Triggers refuse every UPDATE and DELETE of ``audit_event`` (and TRUNCATE on PostgreSQL),
  whoever sends it: the application, a script, a mistaken console session. Deleting a user who
  appears in the trail is refused as well (the foreign key's SET NULL is an UPDATE): users are
  deactivated, never deleted. Whoever owns the database can still drop a trigger on purpose
  (the tests' clean-up does, see ``tests/conftest.py``); that is the owner's act, not the app's.
- Indexes for the object's trail (the assignment page's history) and the user filter of the
  audit log page, which otherwise read the whole table.

Written by hand in the style of ``make migration``; raw SQL as in m0005. Independent of m0012:
it needs only the ``audit_event`` table of m0001, so either may be applied first.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-24T07:13:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event append-only (triggers), indexes by object and by actor"

INDEXES = [
    "CREATE INDEX IF NOT EXISTS audit_event_object_idx ON audit_event (entity, entity_id)",
    "CREATE INDEX IF NOT EXISTS audit_event_actor_idx ON audit_event (actor)",
]

SQLITE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event"
    " BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event"
    " BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END",
]

POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP"
    " USING ERRCODE = 'insufficient_privilege'; END $$",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event"
    " FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]

BACKWARDS_SQLITE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP INDEX IF EXISTS audit_event_object_idx",
    "DROP INDEX IF EXISTS audit_event_actor_idx",
]

BACKWARDS_POSTGRES = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
    "DROP INDEX IF EXISTS audit_event_object_idx",
    "DROP INDEX IF EXISTS audit_event_actor_idx",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run(statements: dict[str, list[str]]) -> None:
        from tracker.audit.tables import AuditEvent

        engine = AuditEvent._meta.db.engine_type
        for statement in statements[engine]:
            await AuditEvent.raw(statement)

    async def run_forwards() -> None:
        await run({"sqlite": INDEXES + SQLITE, "postgres": INDEXES + POSTGRES})

    async def run_backwards() -> None:
        await run({"sqlite": BACKWARDS_SQLITE, "postgres": BACKWARDS_POSTGRES})

    manager.add_raw(run_forwards)
    manager.add_raw_backwards(run_backwards)
    return manager
