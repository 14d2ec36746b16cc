"""Test set-up: a real database (SQLite, or PostgreSQL with TRACKER_TEST_DB=postgres),
migrated once per run and emptied before each test; HTTP through the ASGI client.

The environment is fixed here, before any ``tracker`` module reads its settings.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support.postgres import Cluster, start_cluster

# Speed is judged by `make bench`, not by hypothesis' per-example deadline; in CI the examples
# are derived from the test (derandomize) so that a run is repeatable.
settings.register_profile(
    "tracker",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
)
settings.load_profile("tracker")

BACKEND = os.environ.get("TRACKER_TEST_DB", "sqlite")
if BACKEND not in {"sqlite", "postgres"}:
    raise pytest.UsageError("TRACKER_TEST_DB must be sqlite or postgres")

_DATA_DIR = Path(tempfile.mkdtemp(prefix="tracker-test-"))
_CLUSTER: Cluster | None = None
if BACKEND == "postgres":
    _CLUSTER = start_cluster()  # raises, failing the run, when PostgreSQL cannot start
    os.environ["DATABASE_URL"] = _CLUSTER.url
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{_DATA_DIR / 'test.sqlite'}"
os.environ["TRACKER_DATA_DIR"] = str(_DATA_DIR)
os.environ["TRACKER_PASSWORD_HASH_COST"] = "1"
os.environ["TRACKER_PASSWORD_HASH_MEMORY_KIB"] = "1024"
os.environ["TRACKER_DB_POOL"] = "0"
os.environ["SECRET_KEY"] = "test-secret-key-" + "x" * 32
os.environ.pop("REDIS_URL", None)
os.environ.pop("SMTP_URL", None)

from tests.support.http import ApiClient, PageClient  # noqa: E402
from tests.support.world import World, actor_of, make_world  # noqa: E402
from tracker import db  # noqa: E402
from tracker.accounts.roles import Actor  # noqa: E402
from tracker.piccolo_app import TABLES  # noqa: E402


def pytest_report_header() -> str:
    return f"tracker database: {BACKEND} ({os.environ['DATABASE_URL']})"


def pytest_unconfigure() -> None:
    if _CLUSTER is not None:
        _CLUSTER.stop()
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def backend() -> str:
    return BACKEND


@pytest.fixture(scope="session")
def _migrated() -> None:
    asyncio.run(db.migrate())


async def empty_database() -> None:
    """Every table emptied. The audit trail's append-only triggers (migration 0013) are set
    aside for the clean-up alone, inside its transaction, so nothing else ever runs without
    them: disabled and enabled again on PostgreSQL, dropped and made again from their own SQL
    on SQLite."""
    names = ", ".join(f'"{t._meta.tablename}"' for t in TABLES)
    if BACKEND == "postgres":
        async with db.transaction():
            await db.engine().run_ddl("ALTER TABLE audit_event DISABLE TRIGGER USER")
            await db.engine().run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            await db.engine().run_ddl("ALTER TABLE audit_event ENABLE TRIGGER USER")
    else:
        async with db.transaction():
            triggers = await TABLES[0].raw(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name = 'audit_event'"
            )
            for trigger in triggers:
                await TABLES[0].raw(f'DROP TRIGGER "{trigger["name"]}"')
            for table in reversed(TABLES):
                await table.raw(f'DELETE FROM "{table._meta.tablename}"')  # noqa: S608 - our names
            for trigger in triggers:
                await TABLES[0].raw(trigger["sql"])


@pytest.fixture
async def clean_db(_migrated: None) -> None:
    """An empty, migrated database for one test."""
    await empty_database()
    shutil.rmtree(_DATA_DIR / "files", ignore_errors=True)


@pytest.fixture
async def world(clean_db: None) -> World:
    """A small district: groups, schools, one user per role, a meeting with decisions."""
    return await make_world()


@pytest.fixture
def app(_migrated: None) -> object:
    from tracker.web.app import create_app  # noqa: PLC0415

    return create_app()


@pytest.fixture
async def pages(app: object) -> AsyncIterator[PageClient]:
    """A browser-like client: session cookie and CSRF token."""
    async with PageClient.open(app) as client:
        yield client


@pytest.fixture
async def api(app: object) -> AsyncIterator[ApiClient]:
    """A JSON API client; ``await api.login(email)`` sets its bearer token."""
    async with ApiClient.open(app) as client:
        yield client


@pytest.fixture
async def admin(world: World) -> Actor:
    """The world's admin, for reading the database back through the services."""
    return await actor_of(world, "admin")


@pytest.fixture
async def admin_pages(world: World, pages: PageClient) -> PageClient:
    """The page client, signed in as the admin."""
    await pages.login(world.users["admin"])
    return pages
