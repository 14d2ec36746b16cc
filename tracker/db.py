"""The database engine, transactions and migrations.

One engine per process, made from the settings; Piccolo's tables find it through
``tracker.piccolo_conf``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import aiosqlite
from piccolo.columns import Column
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from tracker.settings import Settings

os.environ.setdefault("PICCOLO_CONF", "tracker.piccolo_conf")


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


def make_engine(settings: Settings) -> Engine:  # type: ignore[type-arg]
    if settings.is_postgres:
        return PostgresEngine(config=postgres_config(settings.database_url))
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteEngine(path=str(path), timeout=30)


def engine() -> Engine:  # type: ignore[type-arg]
    from tracker.piccolo_conf import DB  # noqa: PLC0415 - the engine is made on first use

    return DB


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """All-or-nothing writes. On SQLite the write lock is taken at the start (IMMEDIATE),
    so two writers queue instead of failing half-way."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


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
