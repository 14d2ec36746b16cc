"""The database engine, transactions and migrations.

One engine per process, made from the settings; Piccolo's tables find it through
``tracker.piccolo_conf``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import aiosqlite
import asyncpg
from piccolo.columns import Column
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from tracker.settings import Settings

os.environ.setdefault("PICCOLO_CONF", "tracker.piccolo_conf")
log = logging.getLogger(__name__)


def postgres_config(url: str) -> dict[str, object]:
    """asyncpg connection arguments from a ``postgresql://user:pass@host:port/db`` URL."""
    parts = urlsplit(url)
    config: dict[str, object] = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "database": parts.path.lstrip("/") or "tracker",
    }
    if parts.username:
        config["user"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    return config


# ---------------------------------------------------------------- the database went away

UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})
"""Shutting down (admin, crash), starting up, no free connection slot; with class 08 (the
connection failed or was lost) what says "try again in a moment", not "there is a bug"."""


class DatabaseUnavailableError(RuntimeError):
    """The connection was lost in the middle of the work (the server stopped, restarted or
    crashed). Whatever was not committed is rolled back by the server; a commit that was under
    way may or may not have been applied."""


def unavailable(exc: BaseException) -> bool:
    """``exc``, or an exception it arose from, says the database cannot be reached now: a
    refused or cut connection, a server starting up or shutting down, all connection slots
    taken. The same request may succeed a moment later (the web answers 503, not 500)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DatabaseUnavailableError | ConnectionError | socket.gaierror):
            return True
        if isinstance(current, asyncpg.PostgresError):
            state = str(getattr(current, "sqlstate", "") or "")
            if state.startswith("08") or state in UNAVAILABLE_STATES:
                return True
        current = current.__cause__ or current.__context__
    return False


def _lost(connection: Any) -> bool:
    """The connection is closed (a pool's proxy that its pool took back on closing: too)."""
    try:
        return bool(connection.is_closed())
    except asyncpg.InterfaceError:
        return True


DYING_WAIT = 0.05
"""Seconds to wait for a connection's end after an error that may be the server's goodbye."""


async def _dying(connection: Any) -> bool:
    """The connection is closed, or closes within ``DYING_WAIT``. A server going down says
    so (an error message) and then closes the socket: a statement begun between the two fails
    with asyncpg's protocol error, and the connection's end comes a moment later."""
    deadline = asyncio.get_running_loop().time() + DYING_WAIT
    while not _lost(connection):
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


class _PostgresEngine(PostgresEngine):
    """Piccolo's engine, except for how a statement outside a transaction meets a connection
    that dies under it (the server stopped or restarted): the error says so
    (``DatabaseUnavailableError``) instead of asyncpg's protocol error of the moment, and a
    statement that did run is not failed afterwards because the connection could not be
    reset on its way back to the pool (asyncpg raises that from ``release``)."""

    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None) -> Any:
        if not self.pool:
            raise ValueError("A pool isn't currently running.")
        connection = await self.pool.acquire()
        try:
            return await connection.fetch(query, *(args or ()))
        except asyncpg.InternalClientError as exc:
            # The protocol is out of step with the server: what the server's goodbye to an
            # idle connection leaves. The statement was not sent; the connection is done for.
            _terminate(connection)
            raise DatabaseUnavailableError("the database connection was lost") from exc
        except asyncpg.InterfaceError as exc:
            if await _dying(connection):
                raise DatabaseUnavailableError("the database connection was lost") from exc
            raise
        finally:
            await _release(self.pool, connection)


async def _release(pool: Any, connection: Any) -> None:
    """Give a connection back to its pool. When it cannot be reset on the way (it died), the
    pool has closed it and will open another: nothing for the caller to know."""
    try:
        await pool.release(connection)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError, OSError):
        log.info("a pooled connection could not be reset and was closed", exc_info=True)


def make_engine(settings: Settings) -> Engine:  # type: ignore[type-arg]
    if settings.is_postgres:
        return _PostgresEngine(config=postgres_config(settings.database_url))
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteEngine(path=str(path), timeout=30)


def engine() -> Engine:  # type: ignore[type-arg]
    from tracker.piccolo_conf import DB  # noqa: PLC0415 - the engine is made on first use

    return DB


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """All-or-nothing writes. On SQLite the write lock is taken at the start (IMMEDIATE),
    so two writers queue instead of failing half-way.

    On PostgreSQL, when the connection dies under the transaction (the server stopped,
    restarted or crashed), ``DatabaseUnavailableError`` says so (the web answers 503) and the
    connection is closed and given back; Piccolo's own exit would stop at the rollback it cannot
    send, keep the connection and leave its transaction current. A commit that went through
    is never reported as a failure. (This reads Piccolo 1.38's transaction attributes
    ``connection``, ``context`` and ``_committed``; ``tests/faults`` restarts a real server
    under load to keep it true.)"""
    db = engine()
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
        return
    assert isinstance(db, PostgresEngine)
    tx = db.transaction()
    try:
        async with tx:
            yield
    except BaseException as exc:
        connection = getattr(tx, "connection", None)
        began = getattr(tx, "context", None) is not None
        if connection is None or (began and db.current_transaction.get() is not tx):
            # nothing acquired, or joined an outer transaction, or Piccolo's exit went through
            # (rolled back, the connection given back): the error is the work's own
            raise
        if isinstance(exc, Exception) and getattr(tx, "_committed", False):
            # committed; only giving the connection back failed (it died just after): the
            # work is done and is reported as done, never as refused
            _terminate(connection)
            with contextlib.suppress(RuntimeError, ValueError):
                db.current_transaction.reset(tx.context)
            log.info("a connection died after its commit and was closed", exc_info=True)
            return
        # BEGIN failed, or the rollback or commit did (the connection died under the
        # transaction): Piccolo stopped before giving the connection back and leaving the
        # transaction. Close the connection (its state is unknown), leave the transaction, and
        # say whether the connection was lost.
        lost = _broken(exc) or await _dying(connection)
        _terminate(connection)
        if began:
            with contextlib.suppress(RuntimeError, ValueError):
                db.current_transaction.reset(tx.context)
        if lost:
            raise DatabaseUnavailableError("the database connection was lost") from exc
        raise


def _terminate(connection: Any) -> None:
    """Close a connection in an unknown state; a pool's proxy goes back to its pool, which
    opens a new connection in its place when next asked."""
    with contextlib.suppress(Exception):
        connection.terminate()


def _broken(exc: BaseException) -> bool:
    """asyncpg's protocol fell out of step with the server somewhere in ``exc``'s chain."""
    current: BaseException | None = exc
    for _ in range(10):
        if current is None:
            return False
        if isinstance(current, asyncpg.InternalClientError):
            return True
        current = current.__cause__ or current.__context__
    return False


async def migrate() -> int:
    """Apply every migration not yet applied (idempotent); returns how many were applied.

    Piccolo's own progress lines are kept out of our output."""
    from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: PLC0415
    from piccolo.apps.migrations.tables import Migration  # noqa: PLC0415

    db = engine()
    if isinstance(db, SQLiteEngine):
        await db.run_ddl("PRAGMA journal_mode=WAL")
    with contextlib.redirect_stdout(io.StringIO()) as chatter:
        await Migration.create_table(if_not_exists=True)
        before = await Migration.count()
        result = await run_forwards(app_name="tracker")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}\n{chatter.getvalue()}")
    return int(await Migration.count()) - int(before)


async def open_pool() -> None:
    """A connection pool for the web process on PostgreSQL (SQLite needs none)."""
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=2, max_size=10)


async def close_pool() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


async def insert_new(
    table: type[Table],
    rows: Sequence[dict[str, Any]],
    *,
    unique: Sequence[Column],
    returning: Column,
) -> list[Any]:
    """Insert ``rows`` (column name → value), skipping those whose ``unique`` columns are
    already taken; the ``returning`` value of each row inserted.

    On PostgreSQL the rows travel as one array per column (``INSERT … SELECT FROM unnest``): one
    statement and no per-value query building, ten times faster for thousands of rows. SQLite
    takes Piccolo's multi-row insert."""
    if not rows:
        return []
    names = list(rows[0])
    columns = [table._meta.get_column_by_name(name) for name in names]
    key = returning._meta.db_column_name
    if not isinstance(engine(), PostgresEngine):
        inserted = await (
            table.insert(*[table(**row) for row in rows])
            .on_conflict(target=tuple(unique), action="DO NOTHING")
            .returning(returning)
        )
        return [r[key] for r in inserted]
    arrays = ", ".join(f"{{}}::{column.column_type}[]" for column in columns)
    sql = (
        f'INSERT INTO "{table._meta.tablename}" ({_names(columns)}) '  # noqa: S608 - our names
        f"SELECT * FROM unnest({arrays}) "
        f'ON CONFLICT ({_names(unique)}) DO NOTHING RETURNING "{key}"'
    )
    inserted = await table.raw(sql, *[[row[name] for row in rows] for name in names])
    return [r[key] for r in inserted]


def _names(columns: Sequence[Column]) -> str:
    return ", ".join(f'"{column._meta.db_column_name}"' for column in columns)


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite gives it back as text."""
    return json.loads(value) if isinstance(value, str) else value


def date_value(value: Any) -> Any:
    """A date from a raw query's row: SQLite gives it back as ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


async def fetch_rows(sql: str, *args: Any) -> Sequence[Sequence[Any]]:
    """The rows of a raw query as the driver gives them, read by position: asyncpg's records,
    sqlite3's tuples. ``sql`` takes ``{}`` placeholders, as ``Table.raw`` does.

    For aggregates of tens of thousands of rows, where Piccolo's one dict per row would cost
    more than the query itself. Outside a transaction, SQLite's values come unconverted (dates
    as ISO text, booleans as 0 and 1: ``date_value`` reads both kinds): Piccolo's connections
    convert by declared type, a third of the time of a 50,000-row read. Inside a transaction
    it runs on the transaction's connection, as Piccolo's queries do (Piccolo resets the
    connection's row factory before each query of its own)."""
    db = engine()
    querystring = QueryString(sql, *args)
    if isinstance(db, PostgresEngine):
        return await db.run_querystring(querystring)  # type: ignore[no-any-return]
    assert isinstance(db, SQLiteEngine)
    query, values = querystring.compile_string(engine_type=db.engine_type)
    transaction = db.current_transaction.get()
    if transaction is not None:
        connection = transaction.connection
        factory = connection.row_factory
        connection.row_factory = None
        try:
            async with connection.execute(query, values) as cursor:
                return cast(Sequence[Sequence[Any]], await cursor.fetchall())
        finally:
            connection.row_factory = factory
    async with (
        aiosqlite.connect(**{**db.connection_kwargs, "detect_types": 0}) as connection,
        connection.execute(query, values) as cursor,
    ):
        return cast(Sequence[Sequence[Any]], await cursor.fetchall())
