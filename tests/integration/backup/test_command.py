"""``tracker backup`` and ``tracker restore`` as operators run them: separate processes, each on
a database and data dir of its own. The district goes out of the test's database into a new
one through the commands and comes back: SQLite → SQLite in the SQLite run; in the PostgreSQL
run PostgreSQL → a new SQLite file → PostgreSQL (the embedded mode's migration path both ways)
and PostgreSQL → a new PostgreSQL database → PostgreSQL."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.conftest import BACKEND, empty_database
from tests.integration.backup.district import make_district, snapshot, stored_files
from tests.support.world import World
from tests.unit.test_backup_command import run, sqlite_url
from tests.unit.test_cli import assert_one_error_line
from tracker.backup import services as backups
from tracker.backup.archive import EPHEMERAL_TABLES
from tracker.settings import get_settings

EMPTIED = {t: [] for t in EPHEMERAL_TABLES}
"""What every restore leaves empty: web sessions, failed sign-ins."""


async def _postgres(sql: str) -> None:
    parts = urlsplit(os.environ["DATABASE_URL"])
    connection = await asyncpg.connect(
        host=parts.hostname, port=parts.port, user=parts.username, database="postgres"
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@asynccontextmanager
async def new_database(hop: str, folder: Path) -> AsyncIterator[str]:
    """A new, empty database, never migrated: a SQLite file in ``folder``, or a database of
    its own in the test run's PostgreSQL cluster (dropped afterwards)."""
    if hop == "sqlite":
        yield sqlite_url(folder)
        return
    name = f"hop_{secrets.token_hex(4)}"
    await _postgres(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}"))
    finally:
        await _postgres(f"DROP DATABASE {name} WITH (FORCE)")


HOPS = ["sqlite"] + (["postgres"] if BACKEND == "postgres" else [])


@pytest.mark.parametrize("hop", HOPS)
async def test_a_district_goes_through_a_new_database_by_the_commands_and_comes_back(
    world: World, tmp_path: Path, hop: str
) -> None:
    await make_district(world)
    before, files = await snapshot(), stored_files()
    await backups.backup(tmp_path / "out.zip")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    async with new_database(hop, elsewhere) as url:
        restored = run(elsewhere, url, "restore", str(tmp_path / "out.zip"))
        again = run(elsewhere, url, "restore", str(tmp_path / "out.zip"))
        backed_up = run(elsewhere, url, "backup")  # the default name, in the current directory

    assert restored.returncode == 0, restored.stderr
    summary = json.loads(restored.stdout)
    assert summary["rows"] == sum(
        len(rows) for t, rows in before.items() if t not in EPHEMERAL_TABLES
    )
    assert (summary["files"], summary["database"], summary["from_database"]) == (
        4,
        "sqlite" if hop == "sqlite" else "postgresql",
        "sqlite" if BACKEND == "sqlite" else "postgresql",
    )
    assert_one_error_line(again)
    assert "--force" in again.stderr
    assert backed_up.returncode == 0, backed_up.stderr
    written = json.loads(backed_up.stdout)
    archive = Path(written["archive"])
    assert archive.parent == elsewhere
    assert archive.name.startswith("tracker-backup-")
    assert (written["rows"], written["files"]) == (summary["rows"], 4)

    await empty_database()
    shutil.rmtree(get_settings().files_dir, ignore_errors=True)
    await backups.restore(archive)

    assert await snapshot() == before | EMPTIED
    assert stored_files() == files


async def test_a_missing_report_file_still_gives_an_archive_but_exit_status_1(
    world: World, tmp_path: Path
) -> None:
    """The command on the test's own database, while this process holds it open."""
    await make_district(world)
    files = get_settings().files_dir
    lost = max(path for path in files.rglob("*") if path.is_file())
    lost.unlink()

    result = run(
        tmp_path, os.environ["DATABASE_URL"], "backup", "partial.zip", data_dir=files.parent
    )

    assert result.returncode == 1
    assert result.stderr.startswith("tracker: warning: 1 report file(s) missing or damaged")
    assert result.stderr.count("\n") == 1
    assert (json.loads(result.stdout)["files"], json.loads(result.stdout)["missing_files"]) == (
        3,
        1,
    )
    assert (tmp_path / "partial.zip").is_file()
