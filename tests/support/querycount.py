"""Counting the SQL statements our code sends, at the database boundary.

Every query of ours reaches the database by one of two doors: Piccolo's engine
(``run_querystring`` for queries and ``Table.raw``, ``run_ddl`` for bare statements) and
``tracker.db.fetch_rows``, which talks to the driver itself on SQLite. ``count_queries`` wraps
both doors for as long as it is open and records each statement once (``fetch_rows`` on
PostgreSQL goes on through ``run_querystring``: that inner call is not counted again).

This instruments the boundary; nothing of ours is replaced: each wrapper calls the original.
Transaction control (BEGIN, COMMIT, SAVEPOINT) and Piccolo's per-connection ``PRAGMA`` are not
counted: they are not statements our code chose to send.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from tracker import db

_INSIDE = contextvars.ContextVar("querycount_inside", default=False)


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def clear(self) -> None:
        self.statements.clear()

    def record(self, sql: str) -> None:
        if not _INSIDE.get():
            self.statements.append(" ".join(sql.split()))


@contextmanager
def count_queries() -> Iterator[QueryLog]:
    """Record every statement sent while the block runs (in any thread or event loop of this
    process: the app under ``AsyncTestClient`` runs in another thread)."""
    log = QueryLog()
    engine = type(db.engine())  # the engine's instances take no attributes of their own
    run_querystring = engine.run_querystring
    run_ddl = engine.run_ddl
    fetch_rows = db.fetch_rows

    async def counted_querystring(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        log.record(str(querystring))
        return await run_querystring(self, querystring, *args, **kwargs)

    async def counted_ddl(self: Any, ddl: str, *args: Any, **kwargs: Any) -> Any:
        log.record(ddl)
        return await run_ddl(self, ddl, *args, **kwargs)

    async def counted_fetch_rows(sql: str, *args: Any) -> Any:
        log.record(sql)
        token = _INSIDE.set(True)
        try:
            return await fetch_rows(sql, *args)
        finally:
            _INSIDE.reset(token)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "run_querystring", counted_querystring)
        patch.setattr(engine, "run_ddl", counted_ddl)
        patch.setattr(db, "fetch_rows", counted_fetch_rows)
        yield log
