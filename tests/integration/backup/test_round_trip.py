"""Backup and restore of a populated district on the real database (SQLite, or PostgreSQL with
TRACKER_TEST_DB=postgres): every row of every table and every file's bytes come back, the app
works on what came back, a backup of a live database is one moment of it, ``--force`` replaces
everything."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import empty_database
from tests.integration.backup.district import (
    PDF,
    District,
    counts,
    listing,
    make_district,
    snapshot,
    stored_files,
)
from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.accounts import services as accounts
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.assignments.tables import ReportFile
from tracker.audit.tables import AuditEvent
from tracker.backup import services as backups
from tracker.backup.archive import EPHEMERAL_TABLES, BackupError
from tracker.schools import services as schools
from tracker.settings import get_settings

EMPTIED = {t: [] for t in EPHEMERAL_TABLES}
"""What every restore leaves empty: web sessions, failed sign-ins."""


@pytest.fixture
async def district(world: World) -> District:
    return await make_district(world)


async def wipe() -> None:
    """A fresh, empty (migrated) database and data dir."""
    await empty_database()
    shutil.rmtree(get_settings().files_dir, ignore_errors=True)


async def test_a_district_comes_back_row_for_row_and_byte_for_byte(
    district: District, pages: PageClient, tmp_path: Path
) -> None:
    await pages.login(district.world.users["head"])  # a web session, never archived
    before, files = await snapshot(), stored_files()
    assert before["web_session"]
    assert all(before[t] for t in ("audit_event", "report_file", "extension_request", "reminder"))
    assert all(before[t] for t in ("outbox_message", "follow_up_item", "feed_token", "job"))
    assert len(files) == 4

    written = await backups.backup(tmp_path / "district.zip")
    await wipe()
    restored = await backups.restore(tmp_path / "district.zip")

    assert await snapshot() == before | EMPTIED
    assert stored_files() == files
    archived = sum(len(rows) for t, rows in before.items() if t not in EPHEMERAL_TABLES)
    assert (written.rows, written.files, written.missing_files) == (archived, 4, 0)
    assert (restored.rows, restored.files, restored.replaced) == (archived, 4, False)
    with zipfile.ZipFile(tmp_path / "district.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert {t["name"] for t in manifest["tables"]} == set(before) - EPHEMERAL_TABLES
    assert {t["name"]: t["rows"] for t in manifest["tables"]} == {
        t: n for t, n in counts(before).items() if t not in EPHEMERAL_TABLES
    }


async def test_after_a_restore_users_log_in_open_their_work_and_new_rows_follow_the_old(
    district: District, pages: PageClient, tmp_path: Path
) -> None:
    world = district.world
    before = await snapshot()
    await backups.backup(tmp_path / "district.zip")
    await wipe()
    await backups.restore(tmp_path / "district.zip")

    await pages.login(world.users["school_a"])
    page = await pages.get(f"/assignments/{world.assignments['a']}")
    assert page.status_code == 200
    assert "план.pdf" in page.text
    file_id = next(f["id"] for f in before["report_file"] if f["original_name"] == "план.pdf")
    download = await pages.get(f"/files/{file_id}")
    assert (download.status_code, download.content) == (200, PDF)

    # the id sequences continue after the restored rows (PostgreSQL: moved by the restore)
    user_id = await accounts.create_user(
        None, email="clerk@example.ru", role="secretary", password="Tr4ck-sekret-9"
    )
    school_id = await schools.create_school(None, name="Новая школа", short_name="СОШ № 9")
    school_b = await actor_of(world, "school_b")
    report_id = await assignments.submit_report(
        school_b,
        district.extension_assignment + 1,
        text="Готово.",
        uploads=[Upload("новый.pdf", "application/pdf", PDF)],
    )
    assert user_id == max(u["id"] for u in before["tracker_user"]) + 1
    assert school_id == max(s["id"] for s in before["school"]) + 1
    assert report_id == max(r["id"] for r in before["report"]) + 1
    new_file = await ReportFile.select(ReportFile.id).where(ReportFile.report == report_id)
    assert new_file[0]["id"] == max(f["id"] for f in before["report_file"]) + 1


async def test_a_backup_of_a_live_database_is_one_moment_of_it(
    district: District, tmp_path: Path
) -> None:
    world = district.world
    school_b = await actor_of(world, "school_b")
    before, files = await snapshot(), stored_files()
    written_meanwhile: list[str] = []

    async def write_meanwhile(table: str, rows: int) -> None:
        """While the first table is archived: rows in many tables, and a file."""
        if written_meanwhile:
            return
        written_meanwhile.append(table)
        await schools.create_school(None, name="Школа № 10", short_name="СОШ № 10")
        await assignments.submit_report(
            school_b,
            district.extension_assignment + 1,
            text="Отчёт, пока шло копирование.",
            uploads=[Upload("поздний.pdf", "application/pdf", PDF + b"late")],
        )

    await backups.backup(tmp_path / "live.zip", progress=write_meanwhile)
    assert written_meanwhile
    assert counts(await snapshot()) != counts(before)  # the writes did happen
    await wipe()
    await backups.restore(tmp_path / "live.zip")

    assert await snapshot() == before | EMPTIED
    assert stored_files() == files


async def test_force_replaces_everything_in_one_go_and_the_audit_trail_stays_append_only(
    district: District, tmp_path: Path
) -> None:
    world = district.world
    before, files = await snapshot(), stored_files()
    await backups.backup(tmp_path / "district.zip")
    school_b = await actor_of(world, "school_b")
    await schools.create_school(None, name="Школа № 11", short_name="СОШ № 11")
    await assignments.submit_report(
        school_b,
        district.extension_assignment + 1,
        text="После копии.",
        uploads=[Upload("после.pdf", "application/pdf", PDF + b"after")],
    )

    with pytest.raises(BackupError, match="--force"):
        await backups.restore(tmp_path / "district.zip")
    restored = await backups.restore(tmp_path / "district.zip", force=True)

    assert restored.replaced
    assert await snapshot() == before | EMPTIED
    assert stored_files() == files  # the later report's file went with its database
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.delete().where(AuditEvent.id > 0)
    assert await AuditEvent.count() == len(before["audit_event"])


async def test_a_file_missing_on_disk_is_listed_and_the_rest_restores(
    district: District, tmp_path: Path
) -> None:
    before, files = await snapshot(), stored_files()
    lost = next(iter(files))
    (get_settings().files_dir / lost).unlink()

    written = await backups.backup(tmp_path / "district.zip")
    await wipe()
    await backups.restore(tmp_path / "district.zip")

    assert (written.files, written.missing_files) == (3, 1)
    with zipfile.ZipFile(tmp_path / "district.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["missing_files"] == [{"stored_name": Path(lost).name, "reason": "missing"}]
    assert await snapshot() == before | EMPTIED
    assert stored_files() == {path: data for path, data in files.items() if path != lost}


async def test_a_backup_never_overwrites_a_file(world: World, tmp_path: Path) -> None:
    existing = tmp_path / "kept.zip"
    existing.write_bytes(b"not to be lost")

    with pytest.raises(BackupError, match="already exists"):
        await backups.backup(existing)

    assert existing.read_text(encoding="utf-8") == "not to be lost"
    assert listing(tmp_path) == ["kept.zip"]
