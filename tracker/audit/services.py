"""Writing and reading the audit trail. Every service that changes state calls ``record``
inside its transaction, so the change and its trace commit together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker import clock
from tracker.accounts.roles import Actor
from tracker.audit.tables import AuditEvent


def _plain(value: Any) -> Any:
    """JSON-safe copy: dates as ISO strings, nested containers walked."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


async def record(
    actor: Actor | None,
    entity: str,
    entity_id: int,
    action: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    school_id: int | None = None,
) -> None:
    await AuditEvent.insert(
        AuditEvent(
            at=clock.now(),
            actor=actor.user_id if actor else None,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=_plain(before) if before is not None else None,
            after=_plain(after) if after is not None else None,
            school_id=school_id,
        )
    )


async def record_many(
    actor: Actor | None,
    entity: str,
    action: str,
    items: list[tuple[int, int | None, dict[str, Any]]],
) -> None:
    """One event per (entity id, school id, after) in a single insert: bulk assignment."""
    if not items:
        return
    at = clock.now()
    await AuditEvent.insert(
        *[
            AuditEvent(
                at=at,
                actor=actor.user_id if actor else None,
                entity=entity,
                entity_id=entity_id,
                action=action,
                after=_plain(after),
                school_id=school_id,
            )
            for entity_id, school_id, after in items
        ]
    )


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor_name: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def history(entity: str, entity_id: int) -> list[HistoryEntry]:
    """The trail of one object, oldest first. Callers check that the actor may see the object."""
    rows = (
        await AuditEvent.select(
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.before,
            AuditEvent.after,
            AuditEvent.actor.full_name.as_alias("actor_name"),
            AuditEvent.actor.email.as_alias("actor_email"),
        )
        .where((AuditEvent.entity == entity) & (AuditEvent.entity_id == entity_id))
        .order_by(AuditEvent.at)
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    return [
        HistoryEntry(
            at=row["at"],
            actor_name=row["actor_name"] or row["actor_email"] or "система",
            action=row["action"],
            before=row["before"],
            after=row["after"],
        )
        for row in rows
    ]
