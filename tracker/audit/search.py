"""Reading the whole audit trail: the log page (filtered, a page at a time) and its export
(every matching event, in batches). For the head and the administrator only.

One query a page, whatever the filters: the event, who acted, and its object's name (the
assignment's decision and school, the decision's meeting…) come in one statement with left
joins. Pages are keyset-paginated by the event's id (newest first), so page 1,000 costs what
page 1 does. A text filter first finds, in Python, the users, schools and action names it
matches (letter case folded the same way for Cyrillic on SQLite and PostgreSQL): two more
queries, whatever the data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tracker import db
from tracker.accounts.roles import Actor, Role
from tracker.accounts.tables import User
from tracker.audit import rules
from tracker.audit.rules import AuditFilter, Change, ObjectRef, Related
from tracker.audit.tables import AuditEvent
from tracker.errors import PermissionDeniedError
from tracker.schools.tables import School
from tracker.settings import get_settings

EXPORT_BATCH = 2000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    entity: str
    entity_id: int
    entity_label: str
    action: str
    action_label: str
    object: ObjectRef
    school_id: int | None
    school_name: str | None
    changes: tuple[Change, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    older: int | None
    """The cursor of the next older page (``?before=``), None on the last page."""
    newer: int | None
    """The cursor of the next newer page (``?after=``), None on the first page."""


@dataclass(frozen=True, slots=True)
class UserOption:
    id: int
    label: str


def require_audit(actor: Actor) -> None:
    if actor.role not in rules.AUDIT_ROLES:
        raise PermissionDeniedError("Журнал изменений доступен начальнику отдела и администратору.")


_SELECT = """
SELECT e.id, e.at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.school_id,
       u.full_name AS actor_name, u.email AS actor_email,
       s.short_name AS school_name,
       d.number AS decision_number,
       m.title AS meeting_title, m.date AS meeting_date,
       tu.email AS user_email
FROM audit_event e
LEFT JOIN tracker_user u ON u.id = e.actor
LEFT JOIN school s ON s.id = e.school_id
LEFT JOIN assignment a ON e.entity = 'assignment' AND a.id = e.entity_id
LEFT JOIN decision d ON d.id = CASE WHEN e.entity = 'decision' THEN e.entity_id
                                    ELSE a.decision END
LEFT JOIN meeting m ON m.id = CASE WHEN e.entity = 'meeting' THEN e.entity_id
                                   ELSE d.meeting END
LEFT JOIN tracker_user tu ON e.entity = 'user' AND tu.id = e.entity_id
"""


@dataclass
class _Where:
    parts: list[str]
    args: list[Any]

    def add(self, sql: str, *args: Any) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.parts) if self.parts else ""


def _in(column: str, values: list[Any]) -> str:
    return f"{column} IN ({', '.join('{}' for _ in values)})"


async def _text_condition(text: str) -> tuple[str, list[Any]]:
    """Events whose actor, school, action, object or recorded values mention ``text``."""
    needle = rules.folded(text)
    alternatives: list[str] = []
    args: list[Any] = []
    users = await User.select(User.id, User.full_name, User.email)
    user_ids = [u["id"] for u in users if rules.matches(needle, u["full_name"], u["email"])]
    if user_ids:
        alternatives.append(_in("e.actor", user_ids))
        args += user_ids
    schools = await School.select(School.id, School.name, School.short_name)
    school_ids = [s["id"] for s in schools if rules.matches(needle, s["name"], s["short_name"])]
    if school_ids:
        alternatives.append(_in("e.school_id", school_ids))
        args += school_ids
    for entity, action in rules.actions_matching(needle):
        alternatives.append("(e.entity = {} AND e.action = {})")
        args += [entity, action]
    number = rules.number_in(text)
    if number is not None:
        alternatives.append("e.entity_id = {}")
        args.append(number)
    for form in rules.json_needles(text.strip()):
        alternatives.append(
            "(CAST(e.before AS TEXT) LIKE {} ESCAPE '!' OR CAST(e.after AS TEXT) LIKE {} ESCAPE '!')"
        )
        pattern = rules.like_pattern(form)
        args += [pattern, pattern]
    return "(" + " OR ".join(alternatives) + ")", args


async def _where(filters: AuditFilter) -> _Where:
    where = _Where([], [])
    if filters.entity:
        where.add("e.entity = {}", filters.entity)
        if filters.object_id is not None:
            where.add("e.entity_id = {}", filters.object_id)
    if filters.system:
        where.add("e.actor IS NULL")
    elif filters.user_id is not None:
        where.add("e.actor = {}", filters.user_id)
    start, end = rules.period_bounds(filters.date_from, filters.date_to, get_settings().tz)
    if start is not None:
        where.add("e.at >= {}", start.astimezone(UTC))
    if end is not None:
        where.add("e.at < {}", end.astimezone(UTC))
    if filters.text.strip():
        sql, args = await _text_condition(filters.text)
        where.add(sql, *args)
    return where


def _entry(row: dict[str, Any], role: Role, *, limit: int | None) -> AuditEntry:
    before, after = db.json_value(row["before"]), db.json_value(row["after"])
    at = row["at"]
    if isinstance(at, str):  # SQLite, should the driver not convert it
        at = datetime.fromisoformat(at)
    related = Related(
        decision_number=row["decision_number"],
        school_name=row["school_name"],
        meeting_title=row["meeting_title"],
        meeting_date=db.date_value(row["meeting_date"]),
        user_email=row["user_email"],
    )
    entity, action = row["entity"], row["action"]
    return AuditEntry(
        id=int(row["id"]),
        at=at,
        actor_id=row["actor"],
        actor_name=row["actor_name"] or row["actor_email"] or rules.SYSTEM,
        entity=entity,
        entity_id=int(row["entity_id"]),
        entity_label=rules.entity_label(entity),
        action=action,
        action_label=rules.action_label(entity, action),
        object=rules.object_ref(
            entity, int(row["entity_id"]), role, related, before=before, after=after
        ),
        school_id=row["school_id"],
        school_name=row["school_name"],
        changes=rules.describe(entity, before, after, get_settings().tz, limit=limit),
        before=before,
        after=after,
    )


async def _rows(
    where: _Where, *, before: int | None, after: int | None, limit: int
) -> list[dict[str, Any]]:
    parts, args = list(where.parts), list(where.args)
    if after is not None:
        parts.append("e.id > {}")
        args.append(after)
        order = "ASC"
    else:
        if before is not None:
            parts.append("e.id < {}")
            args.append(before)
        order = "DESC"
    condition = " WHERE " + " AND ".join(parts) if parts else ""
    sql = f"{_SELECT}{condition} ORDER BY e.id {order} LIMIT {{}}"
    rows: list[dict[str, Any]] = await AuditEvent.raw(sql, *args, limit)
    return rows


async def search(
    actor: Actor,
    filters: AuditFilter,
    *,
    before: int | None = None,
    after: int | None = None,
    page_size: int = rules.PAGE_SIZE,
) -> AuditPage:
    """A page of the trail, newest first: the first page, the page older than event
    ``before``, or the page newer than event ``after``."""
    require_audit(actor)
    where = await _where(filters)
    rows = await _rows(where, before=before, after=after, limit=page_size + 1)
    more = len(rows) > page_size
    if after is not None and not more:  # back at the newest events: the first page, whole
        after = None
        rows = await _rows(where, before=None, after=None, limit=page_size + 1)
        more = len(rows) > page_size
    rows = rows[:page_size]
    if after is not None:
        rows.reverse()
    entries = tuple(_entry(r, actor.role, limit=rules.MAX_VALUE) for r in rows)
    if not entries:
        return AuditPage(entries=(), older=None, newer=None)
    older = entries[-1].id if (more if after is None else True) else None
    newer = entries[0].id if (before is not None or (after is not None and more)) else None
    return AuditPage(entries=entries, older=older, newer=newer)


def export(actor: Actor, filters: AuditFilter) -> AsyncIterator[list[AuditEntry]]:
    """Every event the filters match, newest first, ``EXPORT_BATCH`` at a time, values
    whole. The permission is checked now, before anything is sent; events recorded while
    the export runs are not in it."""
    require_audit(actor)
    return _batches(actor.role, filters)


async def _batches(role: Role, filters: AuditFilter) -> AsyncIterator[list[AuditEntry]]:
    where = await _where(filters)
    cursor: int | None = None
    while True:
        rows = await _rows(where, before=cursor, after=None, limit=EXPORT_BATCH)
        if rows:
            yield [_entry(r, role, limit=None) for r in rows]
        if len(rows) < EXPORT_BATCH:
            return
        cursor = int(rows[-1]["id"])


async def user_options(actor: Actor, selected: int | None) -> list[UserOption]:
    """Who the log can be narrowed to: the department's staff (school users are found by
    the text filter, or by the link on their name), and the one already chosen."""
    require_audit(actor)
    staff = User.role != Role.SCHOOL.value
    rows = await (
        User.select(User.id, User.full_name, User.email)
        .where(staff if selected is None else staff | (User.id == selected))
        .order_by(User.full_name)
        .order_by(User.id)
    )
    return [
        UserOption(
            id=r["id"], label=f"{r['full_name']} ({r['email']})" if r["full_name"] else r["email"]
        )
        for r in rows
    ]
