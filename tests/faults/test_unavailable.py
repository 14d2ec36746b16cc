"""Which errors mean "the database cannot be reached now" (503, try again) and which are the
work's own (500, 409 …): ``tracker.db.unavailable``, as the web's error handler asks it.

The restart test (``test_postgres_restart``) meets these errors from a real server; here each
kind is named, so that a refusal of the database (a duplicate key, a bad value) is never
passed off as an outage, and an outage is never a 500.
"""

from __future__ import annotations

import asyncpg
import pytest

from tracker import db


def raised_from(cause: BaseException) -> RuntimeError:
    """``raise RuntimeError(…) from cause``, as a handler receives it."""
    outer = RuntimeError("the work failed")
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        ConnectionResetError(104, "Connection reset by peer"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.CannotConnectNowError("the database system is shutting down"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.CrashShutdownError("terminating connection because of crash of another process"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        db.DatabaseUnavailableError("the database connection was lost"),
        raised_from(asyncpg.CannotConnectNowError("the database system is starting up")),
    ],
    ids=repr,
)
def test_an_outage_is_unavailable(exc: BaseException) -> None:
    assert db.unavailable(exc)


@pytest.mark.parametrize(
    "exc",
    [
        asyncpg.UniqueViolationError("duplicate key value violates unique constraint"),
        asyncpg.ForeignKeyViolationError("insert or update violates foreign key constraint"),
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        FileNotFoundError(2, "No such file or directory"),
        ValueError("bad value"),
        raised_from(KeyError("x")),
    ],
    ids=repr,
)
def test_the_works_own_errors_are_not(exc: BaseException) -> None:
    assert not db.unavailable(exc)
