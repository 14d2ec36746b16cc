"""The database side of backup and restore: one connection of our own, straight through the
driver (sqlite3, asyncpg), to the database of ``tracker.db.engine()``.

Not through Piccolo: a backup reads every table in one snapshot and a restore writes every table
in one transaction, a million rows each, as the seed does (``tracker.seed``): PostgreSQL by
``COPY`` (``copy_records_to_table``), SQLite by ``executemany``. Tables and columns are read
from the database itself (``sqlite_master`` and ``PRAGMA``; ``pg_catalog`` and
``information_schema``), so a backup works whatever migrations the database has, even before
``tracker migrate`` of a new version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from tracker import db
from tracker.backup.archive import (
    APP_NAME,
    MIGRATION_TABLE,
    POSTGRESQL,
    SQLITE,
    BackupError,
    Kind,
    check_name,
    postgres_kind,
    sqlite_kind,
)

Row = Sequence[Any]


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[tuple[str, Kind], ...]
    primary_key: tuple[str, ...]
    parents: frozenset[str]
    """The tables this one references (foreign keys)."""

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return tuple(kind for _, kind in self.columns)


def _q(name: str) -> str:
    return f'"{check_name(name)}"'


def _select(table: TableSchema) -> str:
    columns = ", ".join(_q(name) for name, _ in table.columns)
    order = ", ".join(_q(name) for name in table.primary_key) or columns
    return f"SELECT {columns} FROM {_q(table.name)} ORDER BY {order}"  # noqa: S608 - names checked


class Database:
    """One connection: a read snapshot (backup) or one write transaction (restore)."""

    kind: str

    async def close(self) -> None:
        raise NotImplementedError

    async def schema(self) -> dict[str, TableSchema]:
        raise NotImplementedError

    async def fetch(self, sql: str) -> list[Row]:
        raise NotImplementedError

    def batches(self, table: TableSchema, size: int) -> AsyncIterator[Sequence[Row]]:
        """Every row of ``table`` in primary key order, ``size`` at a time."""
        raise NotImplementedError

    async def begin_snapshot(self) -> None:
        """Start a read-only transaction that sees one moment of the database."""
        raise NotImplementedError

    async def begin_write(self, tables: Sequence[str]) -> None:
        """Start the one write transaction, holding ``tables`` against other writers."""
        raise NotImplementedError

    async def clear(self, tables: Sequence[str]) -> None:
        """Empty ``tables`` (children before parents) inside the write transaction. Their
        triggers (the audit trail's append-only guard) are set aside for this alone and are
        in place again, unchanged, before anything is loaded."""
        raise NotImplementedError

    async def load(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> None:
        raise NotImplementedError

    async def reset_sequences(self) -> None:
        """Move every id sequence past the largest id (PostgreSQL; SQLite needs nothing)."""

    async def commit(self) -> None:
        raise NotImplementedError

    async def rollback(self) -> None:
        raise NotImplementedError

    async def analyze(self) -> None:
        """Bring the planner's statistics up to date after a bulk load."""
        raise NotImplementedError

    async def applied_migrations(self) -> list[str] | None:
        """The ids of the ``tracker`` migrations applied, in order; None without the table."""
        if MIGRATION_TABLE not in await self.table_names():
            return None
        rows = await self.fetch(
            f"SELECT name FROM {_q(MIGRATION_TABLE)} WHERE app_name = '{APP_NAME}' ORDER BY name"  # noqa: S608
        )
        return [str(row[0]) for row in rows]

    async def table_names(self) -> list[str]:
        raise NotImplementedError

    async def row_counts(self, tables: Iterable[str]) -> dict[str, int]:
        counts = {}
        for table in tables:
            rows = await self.fetch(f"SELECT COUNT(*) FROM {_q(table)}")  # noqa: S608
            counts[table] = int(rows[0][0])
        return counts


# ---------------------------------------------------------------- SQLite


class SQLiteDatabase(Database):
    """sqlite3, in autocommit mode: transactions are begun by hand. Blocking calls, as the
    seed's: the commands that use it have nothing else to do meanwhile."""

    kind = SQLITE

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    def open(cls, path: str, *, read_only: bool, timeout: float) -> SQLiteDatabase:
        if read_only:
            if not Path(path).is_file():
                raise BackupError(f"there is no database at {path}: nothing to back up")
            uri = f"file:{quote(str(Path(path).absolute()))}?mode=ro"
            connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)
        else:
            connection = sqlite3.connect(path, isolation_level=None, timeout=timeout)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA cache_size = -65536")  # 64 MB of pages: the indexes mostly
        return cls(connection)

    async def close(self) -> None:
        self.connection.close()

    async def table_names(self) -> list[str]:
        rows = self.connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
        return [str(row[0]) for row in rows]

    async def schema(self) -> dict[str, TableSchema]:
        tables = {}
        for name in await self.table_names():
            info = self.connection.execute(f"PRAGMA table_info({_q(name)})").fetchall()
            # cid, name, type, notnull, default, pk (its position in the key, 0 if none)
            columns = tuple(
                (check_name(str(c[1])), sqlite_kind(name, str(c[1]), str(c[2]))) for c in info
            )
            key = tuple(str(c[1]) for c in sorted((c for c in info if c[5]), key=lambda c: c[5]))
            references = self.connection.execute(f"PRAGMA foreign_key_list({_q(name)})")
            parents = frozenset(str(r[2]) for r in references)
            tables[name] = TableSchema(name, columns, key, parents)
        return tables

    async def fetch(self, sql: str) -> list[Row]:
        return self.connection.execute(sql).fetchall()

    async def batches(self, table: TableSchema, size: int) -> AsyncIterator[Sequence[Row]]:
        cursor = self.connection.execute(_select(table))
        while rows := cursor.fetchmany(size):
            yield rows

    async def begin_snapshot(self) -> None:
        # In WAL mode (``tracker migrate`` sets it) a read transaction sees the database as of
        # its first read, while the web app and the workers go on writing.
        self.connection.execute("BEGIN")
        self.connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()

    async def begin_write(self, tables: Sequence[str]) -> None:
        self.connection.execute("BEGIN IMMEDIATE")  # the write lock, before anything is read

    async def clear(self, tables: Sequence[str]) -> None:
        marks = ", ".join("?" for _ in tables)
        triggers = self.connection.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",  # noqa: S608
            list(tables),
        ).fetchall()
        for name, _ in triggers:
            self.connection.execute(f'DROP TRIGGER "{name}"')
        for table in tables:
            self.connection.execute(f"DELETE FROM {_q(table)}")  # noqa: S608
        for _, sql in triggers:
            self.connection.execute(sql)

    async def load(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> None:
        names = ", ".join(_q(c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.connection.executemany(
            f"INSERT INTO {_q(table)} ({names}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    async def commit(self) -> None:
        self.connection.execute("COMMIT")

    async def rollback(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    async def analyze(self) -> None:
        self.connection.execute("ANALYZE")


# ---------------------------------------------------------------- PostgreSQL


_TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""
_COLUMNS = """
SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position
"""
_PRIMARY_KEYS = """
SELECT c.relname, a.attname FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
WHERE i.indisprimary AND n.nspname = current_schema()
ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)
"""
_FOREIGN_KEYS = """
SELECT src.relname, dst.relname FROM pg_constraint k
JOIN pg_class src ON src.oid = k.conrelid
JOIN pg_class dst ON dst.oid = k.confrelid
JOIN pg_namespace n ON n.oid = src.relnamespace
WHERE k.contype = 'f' AND n.nspname = current_schema()
"""
_TRIGGERED = """
SELECT DISTINCT c.relname FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND n.nspname = current_schema()
"""
_SEQUENCES = """
SELECT t.relname, a.attname, s.oid::regclass::text FROM pg_class s
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE s.relkind = 'S' AND n.nspname = current_schema()
"""
"""Each sequence that numbers a column (``serial`` or identity), with its table and column."""


class PostgresDatabase(Database):
    kind = POSTGRESQL

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection
        self.transaction: Any = None

    @classmethod
    async def open(cls, config: dict[str, Any]) -> PostgresDatabase:
        return cls(await asyncpg.connect(**config))

    async def close(self) -> None:
        await self.connection.close()

    async def table_names(self) -> list[str]:
        return [str(row[0]) for row in await self.connection.fetch(_TABLES)]

    async def schema(self) -> dict[str, TableSchema]:
        names = await self.table_names()
        columns: dict[str, list[tuple[str, Kind]]] = {name: [] for name in names}
        for table, column, data_type in await self.connection.fetch(_COLUMNS):
            if table in columns:
                columns[table].append((check_name(column), postgres_kind(table, column, data_type)))
        keys: dict[str, list[str]] = {name: [] for name in names}
        for table, column in await self.connection.fetch(_PRIMARY_KEYS):
            keys.setdefault(table, []).append(str(column))
        parents: dict[str, set[str]] = {name: set() for name in names}
        for table, parent in await self.connection.fetch(_FOREIGN_KEYS):
            parents.setdefault(table, set()).add(str(parent))
        return {
            name: TableSchema(
                check_name(name), tuple(columns[name]), tuple(keys[name]), frozenset(parents[name])
            )
            for name in names
        }

    async def fetch(self, sql: str) -> list[Row]:
        return list(await self.connection.fetch(sql))

    async def batches(self, table: TableSchema, size: int) -> AsyncIterator[Sequence[Row]]:
        cursor = await self.connection.cursor(_select(table))
        while rows := await cursor.fetch(size):
            yield rows

    async def begin_snapshot(self) -> None:
        # REPEATABLE READ: every query of the transaction sees the database as of its first
        # one; READ ONLY: nothing is locked against the web app and the workers.
        self.transaction = self.connection.transaction(isolation="repeatable_read", readonly=True)
        await self.transaction.start()

    async def begin_write(self, tables: Sequence[str]) -> None:
        self.transaction = self.connection.transaction()
        await self.transaction.start()
        names = ", ".join(_q(t) for t in tables)
        await self.connection.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")

    async def clear(self, tables: Sequence[str]) -> None:
        if not tables:
            return
        guarded = [
            str(row[0])
            for row in await self.connection.fetch(_TRIGGERED)
            if str(row[0]) in set(tables)
        ]
        try:
            for table in guarded:
                await self.connection.execute(f"ALTER TABLE {_q(table)} DISABLE TRIGGER USER")
            await self.connection.execute("TRUNCATE " + ", ".join(_q(t) for t in tables))
            for table in guarded:
                await self.connection.execute(f"ALTER TABLE {_q(table)} ENABLE TRIGGER USER")
        except asyncpg.InsufficientPrivilegeError as exc:
            raise BackupError(
                f"emptying the database needs its owner's rights ({exc}): run the restore as "
                "the user that runs `tracker migrate`"
            ) from exc

    async def load(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> None:
        await self.connection.copy_records_to_table(
            check_name(table), records=rows, columns=[check_name(c) for c in columns]
        )

    async def reset_sequences(self) -> None:
        for table, column, sequence in await self.connection.fetch(_SEQUENCES):
            await self.connection.execute(
                f"SELECT setval($1::regclass, COALESCE((SELECT MAX({_q(column)}) FROM {_q(table)}), 0) + 1,"  # noqa: S608
                " false)",
                sequence,
            )

    async def commit(self) -> None:
        await self.transaction.commit()
        self.transaction = None

    async def rollback(self) -> None:
        if self.transaction is not None:
            await self.transaction.rollback()
            self.transaction = None

    async def analyze(self) -> None:
        await self.connection.execute("ANALYZE")


@asynccontextmanager
async def connect(*, read_only: bool = False) -> AsyncIterator[Database]:
    """A connection of our own to the database of ``tracker.db.engine()`` (``DATABASE_URL``).

    ``read_only`` (a backup): a SQLite file is opened read-only, and must exist."""
    engine = db.engine()
    database: Database
    if isinstance(engine, PostgresEngine):
        database = await PostgresDatabase.open(dict(engine.config))
    else:
        assert isinstance(engine, SQLiteEngine)
        kwargs = engine.connection_kwargs
        database = SQLiteDatabase.open(
            str(kwargs["database"]), read_only=read_only, timeout=float(kwargs.get("timeout", 30))
        )
    try:
        yield database
    finally:
        await database.rollback()
        await database.close()
