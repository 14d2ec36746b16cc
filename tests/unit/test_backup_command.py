"""``tracker backup`` and ``tracker restore`` as users run them, on SQLite files of their own
(the test run's database is not used): command lines, refusals, an older archive."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.unit.test_cli import TRACKER, assert_one_error_line
from tracker.backup.services import known_migrations


def run(
    cwd: Path, database_url: str, *args: str, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``tracker …`` in ``cwd``, on ``database_url``, with ``cwd`` as its data dir unless told."""
    environment = os.environ | {
        "TRACKER_DATA_DIR": str(data_dir or cwd),
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [str(TRACKER), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'tracker.sqlite'}"


def rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> None:
    """A copy of the zip ``source`` with each member's bytes replaced by ``change(name, data)``
    (None: left out): a valid zip, CRCs and all, whose content is not what was backed up."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)


def test_bad_command_lines_and_refusals_are_one_line_and_exit_2(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"keep")
    not_a_backup = tmp_path / "notes.zip"
    not_a_backup.write_text("not a zip", encoding="utf-8")

    before_migrate = run(tmp_path, url, "backup", str(tmp_path / "a.zip"))
    assert run(tmp_path, url, "migrate").returncode == 0
    (tmp_path / "backups").mkdir()
    into_folder = run(tmp_path, url, "backup", str(tmp_path / "backups"))
    twice = run(tmp_path, url, "backup", "a.zip", "--output", "b.zip")
    overwrite = run(tmp_path, url, "backup", str(existing))
    damaged = run(tmp_path, url, "restore", str(not_a_backup))
    no_file = run(tmp_path, url, "restore")

    for result in (before_migrate, twice, overwrite, damaged, no_file):
        assert_one_error_line(result)
        assert result.stdout == ""
    assert "nothing to back up" in before_migrate.stderr
    assert "already exists" in overwrite.stderr
    assert "damaged or not a backup" in damaged.stderr
    assert into_folder.returncode == 0, into_folder.stderr
    written = Path(json.loads(into_folder.stdout)["archive"])
    assert written.parent == tmp_path / "backups"
    assert written.name.startswith("tracker-backup-")
    assert written.is_file()
    assert existing.read_bytes() == b"keep"
    assert sorted(p.name for p in tmp_path.glob("*.zip")) == ["existing.zip", "notes.zip"]


def test_a_damaged_archive_leaves_a_new_database_uncreated(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    assert run(source, sqlite_url(source), "migrate").returncode == 0
    assert run(source, sqlite_url(source), "user", "add", "--email", "a@example.ru",
               "--role", "admin", "--password", "Adm1n-pass-x").returncode == 0  # fmt: skip
    made = run(source, sqlite_url(source), "backup", "good.zip")
    assert made.returncode == 0, made.stderr
    rewrite(
        source / "good.zip", source / "bad.zip", lambda n, d: d.replace(b"a@example", b"b@example")
    )

    checked = run(target, sqlite_url(target), "restore", "--check", str(source / "good.zip"))
    refused = run(target, sqlite_url(target), "restore", str(source / "bad.zip"))

    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["ok"] is True
    assert_one_error_line(refused)
    assert "checksum mismatch" in refused.stderr
    assert not (target / "tracker.sqlite").exists()


def test_an_older_archive_is_restored_into_its_schema_then_migrated_to_this_version(
    tmp_path: Path,
) -> None:
    """An archive of a database one migration behind (made by Piccolo's own command): a new
    database is migrated to the archive's schema, loaded, then given the newer migration; a
    database already past the archive's schema is refused and left as it was."""
    old, new, current = tmp_path / "old", tmp_path / "new", tmp_path / "current"
    for folder in (old, new, current):
        folder.mkdir()
    previous = known_migrations()[-2]
    piccolo = subprocess.run(
        [str(TRACKER.with_name("piccolo")), "migrations", "forwards", "tracker", previous],
        env=os.environ
        | {
            "DATABASE_URL": sqlite_url(old),
            "TRACKER_DATA_DIR": str(old),
            "PICCOLO_CONF": "tracker.piccolo_conf",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert piccolo.returncode == 0, piccolo.stdout + piccolo.stderr
    assert run(old, sqlite_url(old), "backup", "old.zip").returncode == 0
    assert run(current, sqlite_url(current), "migrate").returncode == 0

    restored = run(new, sqlite_url(new), "restore", str(old / "old.zip"))
    refused = run(current, sqlite_url(current), "restore", str(old / "old.zip"))

    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["migrations_applied"] == 1
    with sqlite3.connect(new / "tracker.sqlite") as connection:
        names = [r[0] for r in connection.execute("SELECT name FROM migration ORDER BY id")]
    with sqlite3.connect(old / "tracker.sqlite") as connection:
        ran = connection.execute("SELECT id, name, ran_on FROM migration ORDER BY id").fetchall()
    with sqlite3.connect(new / "tracker.sqlite") as connection:
        kept = connection.execute("SELECT id, name, ran_on FROM migration ORDER BY id").fetchall()
    assert names == known_migrations()
    assert kept[: len(ran)] == ran  # the archive's own history, then the newer migration
    assert_one_error_line(refused)
    assert "newer than the archive" in refused.stderr
