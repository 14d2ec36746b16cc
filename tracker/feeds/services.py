"""A school user's calendar feed: issuing its secret URL and reading the feed behind it.

The secret is 32 random bytes (URL-safe), shown to its owner once; only its SHA-256 is kept,
so a leaked database reveals no working URL. Making a new secret replaces the user's old row,
which revokes the old URL at once. The feed shows the school the user belongs to *now*: a user
moved to another school, made inactive or given another role has no feed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from tracker import clock, db
from tracker.accounts.roles import Actor, Role
from tracker.assignments.lifecycle import OPEN_STATUSES
from tracker.assignments.tables import Assignment
from tracker.audit import services as audit
from tracker.errors import PermissionDeniedError
from tracker.feeds.ical import FeedEvent, build_calendar
from tracker.feeds.tables import FeedToken
from tracker.settings import get_settings

TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
"""What a secret made by ``secrets.token_urlsafe`` looks like (anything else is not looked up)."""


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the owner sees about their feed (never the secret, which is not kept)."""

    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class SchoolFeed:
    school_name: str
    events: tuple[FeedEvent, ...]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def feed_url(token: str) -> str:
    """The absolute URL a calendar application subscribes to."""
    return get_settings().base_url.rstrip("/") + feed_path(token)


def webcal_url(url: str) -> str:
    """The same address with the scheme calendar applications open directly."""
    return "webcal" + url[url.index(":") :]


def _require_school_user(actor: Actor) -> int:
    if actor.role is not Role.SCHOOL or actor.school_id is None:
        raise PermissionDeniedError("Календарь сроков доступен руководителям школ.")
    return actor.school_id


async def feed_state(actor: Actor) -> FeedState | None:
    """The actor's feed, if they made one."""
    _require_school_user(actor)
    row = (
        await FeedToken.select(FeedToken.created_at, FeedToken.last_used_at)
        .where(FeedToken.user == actor.user_id)
        .first()
    )
    return FeedState(row["created_at"], row["last_used_at"]) if row else None


async def issue_feed_token(actor: Actor) -> str:
    """A new secret for the actor's feed; the old URL, if any, stops working. Returns the
    secret (to be shown once); the audit trail records that it was made, not what it is."""
    school_id = _require_school_user(actor)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = clock.now()
    async with db.transaction():
        old = await FeedToken.select(FeedToken.id).where(FeedToken.user == actor.user_id).first()
        await FeedToken.delete().where(FeedToken.user == actor.user_id)
        [row] = await FeedToken.insert(
            FeedToken(user=actor.user_id, token_hash=token_hash(token), created_at=now)
        ).returning(FeedToken.id)
        await audit.record(
            actor,
            "feed_token",
            row["id"],
            "regenerate" if old else "create",
            before={"id": old["id"]} if old else None,
            after={"created_at": now},
            school_id=school_id,
        )
    return token


async def revoke_feed_token(actor: Actor) -> bool:
    """Switch the feed off. False when there was none."""
    school_id = _require_school_user(actor)
    async with db.transaction():
        old = await FeedToken.select(FeedToken.id).where(FeedToken.user == actor.user_id).first()
        if old is None:
            return False
        await FeedToken.delete().where(FeedToken.id == old["id"])
        await audit.record(actor, "feed_token", old["id"], "revoke", school_id=school_id)
    return True


async def school_feed(token: str) -> SchoolFeed | None:
    """The feed behind a secret, or None for a secret that is unknown, revoked, or whose
    owner may no longer see a school. Notes when it was last fetched."""
    if not TOKEN_RE.match(token):
        return None
    owner = (
        await FeedToken.select(
            FeedToken.id,
            FeedToken.user.role.as_alias("role"),
            FeedToken.user.is_active.as_alias("is_active"),
            FeedToken.user.school.as_alias("school_id"),
            FeedToken.user._.school._.short_name.as_alias("school_name"),
            FeedToken.user._.school._.is_active.as_alias("school_active"),
        )
        .where(FeedToken.token_hash == token_hash(token))
        .first()
    )
    if (
        owner is None
        or owner["role"] != Role.SCHOOL.value
        or not owner["is_active"]
        or owner["school_id"] is None
        or not owner["school_active"]
    ):
        return None
    await FeedToken.update({FeedToken.last_used_at: clock.now()}).where(FeedToken.id == owner["id"])
    rows = await Assignment.select(
        Assignment.id,
        Assignment.decision.number.as_alias("number"),
        Assignment.decision.text.as_alias("text"),
        Assignment.decision._.meeting._.date.as_alias("meeting_date"),
        Assignment.due_on,
        Assignment.period,
    ).where(
        (Assignment.school == owner["school_id"])
        & Assignment.status.is_in([s.value for s in OPEN_STATUSES])
        & Assignment.due_on.is_not_null()
    )
    events = tuple(
        FeedEvent(
            assignment_id=r["id"],
            decision_number=r["number"],
            decision_text=r["text"],
            meeting_date=r["meeting_date"],
            due_on=db.date_value(r["due_on"]),
            period=r["period"],
        )
        for r in rows
    )
    return SchoolFeed(school_name=owner["school_name"], events=events)


def render_feed(feed: SchoolFeed) -> bytes:
    return build_calendar(
        feed.school_name, feed.events, base_url=get_settings().base_url, stamp=clock.now()
    )
