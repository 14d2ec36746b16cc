"""The audit trail is append-only in the database itself (migration 0013): whatever sends an
UPDATE, DELETE or TRUNCATE of ``audit_event`` — our own query builder, raw SQL, a user's
deletion through the foreign key — the database refuses it and the rows stay as written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import empty_database
from tests.support.world import World, actor_of
from tracker import db
from tracker.accounts.tables import User
from tracker.audit import services as audit
from tracker.audit.tables import AuditEvent

REFUSED = "append-only"


async def trail() -> list[dict[str, Any]]:
    return await AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)


async def test_events_are_added(world: World) -> None:
    before = await AuditEvent.count()

    await audit.record(None, "school", world.schools["a"], "update", after={"name": "Новое"})

    assert await AuditEvent.count() == before + 1


async def test_an_update_through_the_query_builder_is_refused(world: World) -> None:
    written = await trail()

    with pytest.raises(Exception, match=REFUSED):
        await AuditEvent.update({AuditEvent.action: "forged"}, force=True)
    with pytest.raises(Exception, match=REFUSED):
        await AuditEvent.update({AuditEvent.actor: None}).where(AuditEvent.id == written[0]["id"])

    assert await trail() == written


async def test_a_delete_through_the_query_builder_is_refused(world: World) -> None:
    written = await trail()

    with pytest.raises(Exception, match=REFUSED):
        await AuditEvent.delete(force=True)
    with pytest.raises(Exception, match=REFUSED):
        await AuditEvent.delete().where(AuditEvent.id == written[-1]["id"])

    assert await trail() == written


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET after = NULL",
        "UPDATE audit_event SET at = at WHERE id = (SELECT MIN(id) FROM audit_event)",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE entity = 'assignment'",
    ],
)
async def test_raw_sql_cannot_change_or_remove_events(world: World, sql: str) -> None:
    written = await trail()

    with pytest.raises(Exception, match=REFUSED):
        await AuditEvent.raw(sql)

    assert await trail() == written


async def test_a_refused_change_inside_a_transaction_leaves_nothing_behind(world: World) -> None:
    written = await trail()

    async def record_then_delete() -> None:
        async with db.transaction():
            await audit.record(None, "school", world.schools["a"], "update", after={"x": 1})
            await AuditEvent.delete(force=True)

    with pytest.raises(Exception, match=REFUSED):
        await record_then_delete()

    assert await trail() == written


async def test_emptying_the_table_at_once_is_refused(world: World, backend: str) -> None:
    """PostgreSQL's TRUNCATE skips row triggers: a statement trigger refuses it. SQLite has
    no TRUNCATE; its DELETE without WHERE (which it may run as a truncation) is refused."""
    written = await trail()
    sql = "TRUNCATE audit_event" if backend == "postgres" else "DELETE FROM audit_event"

    with pytest.raises(Exception, match=REFUSED):
        await db.engine().run_ddl(sql)

    assert await trail() == written


async def test_a_user_who_appears_in_the_trail_cannot_be_deleted(world: World) -> None:
    """The foreign key's ON DELETE SET NULL would rewrite who acted: refused with the rest."""
    head = world.user_ids["head"]
    actor = await actor_of(world, "head")
    await audit.record(actor, "school", world.schools["a"], "update", after={"name": "Новое"})
    written = await trail()

    with pytest.raises(Exception, match=REFUSED):
        await User.delete().where(User.id == head)

    assert await User.exists().where(User.id == head)
    assert await trail() == written


async def test_the_tests_clean_up_restores_the_guard(world: World) -> None:
    """``empty_database`` sets the triggers aside for its own transaction only."""
    await empty_database()
    assert await AuditEvent.count() == 0
    await audit.record(None, "school", 1, "create", after={"name": "Школа"})

    with pytest.raises(Exception, match=REFUSED):
        await AuditEvent.delete(force=True)
    assert await AuditEvent.count() == 1
