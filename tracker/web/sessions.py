"""Server-side web sessions in the database (table ``web_session``), not in Redis.

Pages must keep working while Redis is down (issue 4): Redis is only the Celery broker.
``DatabaseStore`` is Litestar's key/value ``Store`` over the ``WebSession`` table, on SQLite
and PostgreSQL alike. An expired row is treated as absent; ``get`` removes it when it meets
it, and ``delete_expired`` (called nightly by a beat task) removes the rest.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from litestar.stores.base import Store
from piccolo.columns.combination import Or

from tracker import clock
from tracker.web.tables import WebSession

RENEW_AFTER = timedelta(minutes=10)
"""An unchanged session is written back (its expiry slid forward) at most this often."""
SEEN_MAX = 10_000
"""Sessions whose last read this process remembers, to know an unchanged one (oldest dropped)."""

NO_EXPIRY = -1
"""What ``expires_in`` answers for a live key set without an expiry time (as Litestar's stores do)."""


def _as_delta(seconds: int | timedelta) -> timedelta:
    return seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)


def _expired(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at <= now


def _live(now: datetime) -> Or:
    return WebSession.expires_at.is_null() | (WebSession.expires_at > now)


class DatabaseStore(Store):
    """Litestar's ``Store`` over the ``web_session`` table.

    ``expires_in`` and ``renew_for`` count from now: ``None`` means no expiry (and no renewal);
    any other value, zero or negative included, sets the deadline to now plus that amount.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: OrderedDict[str, tuple[bytes, datetime | None]] = OrderedDict()
        """key → (value, expiry) as last read or written by this process. Litestar writes the
        session back after every response; one that the request did not change and whose
        expiry was slid forward less than ``RENEW_AFTER`` ago is not written again: a page
        view then costs the session one read, not a read and a write (on SQLite, the write
        lock)."""

    def _remember(self, key: str, value: bytes, expires_at: datetime | None) -> None:
        self._seen[key] = (value, expires_at)
        self._seen.move_to_end(key)
        while len(self._seen) > SEEN_MAX:
            self._seen.popitem(last=False)

    def _unchanged(self, key: str, data: bytes, expires_at: datetime | None) -> bool:
        seen = self._seen.get(key)
        if seen is None or seen[0] != data:
            return False
        if expires_at is None or seen[1] is None:
            return expires_at is None and seen[1] is None
        return seen[1] >= expires_at - RENEW_AFTER

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        expires_at = None if expires_in is None else clock.now() + _as_delta(expires_in)
        if self._unchanged(key, data, expires_at):
            return
        self._remember(key, data, expires_at)
        await WebSession.insert(WebSession(key=key, value=data, expires_at=expires_at)).on_conflict(
            target=WebSession.key,
            action="DO UPDATE",
            values=[WebSession.value, WebSession.expires_at],
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        """The value of a live key; with ``renew_for``, a key that has an expiry time gets
        a new one, ``renew_for`` from now (a key without one stays without)."""
        now = clock.now()
        row = (
            await WebSession.select(WebSession.value, WebSession.expires_at)
            .where(WebSession.key == key)
            .first()
        )
        if row is None:
            return None
        if _expired(row["expires_at"], now):
            # Only if still expired: a concurrent ``set`` may have just revived the key.
            await WebSession.delete().where(
                (WebSession.key == key) & (WebSession.expires_at <= now)
            )
            return None
        value = bytes(row["value"])
        expires_at = row["expires_at"]
        if renew_for is not None and expires_at is not None:
            expires_at = now + _as_delta(renew_for)
            await WebSession.update({WebSession.expires_at: expires_at}).where(
                (WebSession.key == key) & WebSession.expires_at.is_not_null()
            )
        self._remember(key, value, expires_at)
        return value

    async def delete(self, key: str) -> None:
        self._seen.pop(key, None)
        await WebSession.delete().where(WebSession.key == key)

    async def delete_all(self) -> None:
        self._seen.clear()
        await WebSession.delete(force=True)

    async def exists(self, key: str) -> bool:
        return bool(await WebSession.exists().where((WebSession.key == key) & _live(clock.now())))

    async def expires_in(self, key: str) -> int | None:
        """Whole seconds until ``key`` expires; ``NO_EXPIRY`` (-1) for a key set without an
        expiry time; ``None`` for a key that is absent or expired."""
        now = clock.now()
        row = await WebSession.select(WebSession.expires_at).where(WebSession.key == key).first()
        if row is None or _expired(row["expires_at"], now):
            return None
        if row["expires_at"] is None:
            return NO_EXPIRY
        return int((row["expires_at"] - now).total_seconds())


async def delete_expired() -> int:
    """Remove every expired session; returns how many rows were removed."""
    removed = (
        await WebSession.delete()
        .where(WebSession.expires_at <= clock.now())
        .returning(WebSession.key)
    )
    return len(removed)
