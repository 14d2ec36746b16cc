"""What ``restore`` refuses, and that a refusal changes nothing: each case is tried with
``force`` on a populated database, so that only the check stands between the archive and
the data."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.backup.district import make_district, snapshot, stored_files
from tests.support.world import World
from tests.unit.test_backup_command import rewrite
from tracker.backup import services as backups
from tracker.backup.archive import BackupError
from tracker.settings import get_settings


@pytest.fixture
async def archive(world: World, tmp_path: Path) -> Path:
    """A good archive of the district; the database still holds the district."""
    await make_district(world)
    path = tmp_path / "good.zip"
    await backups.backup(path)
    return path


def manifest_edit(edit: Callable[[dict[str, object]], None]) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


def flip_in(member_prefix: str) -> Callable[[str, bytes], bytes]:
    """One byte of the first member under ``member_prefix`` changed (the zip stays valid)."""
    done: list[str] = []

    def change(name: str, data: bytes) -> bytes:
        if done or not name.startswith(member_prefix) or not data:
            return data
        done.append(name)
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]

    return change


def bump_version(manifest: dict[str, object]) -> None:
    manifest["format_version"] = 2


def add_migration(manifest: dict[str, object]) -> None:
    migrations = manifest["migrations"]
    assert isinstance(migrations, list)
    migrations.append("2099-01-01T00:00:00:000000")


def drop_member(name: str, data: bytes) -> bytes | None:
    return None if name == "tables/report.jsonl" else data


def cut(source: Path, target: Path, keep: float, flip_at: float | None = None) -> None:
    """The first ``keep`` of the archive's bytes, one of them flipped at ``flip_at``."""
    data = bytearray(source.read_bytes())
    if flip_at is not None:
        data[int(len(data) * flip_at)] ^= 0xFF
    target.write_bytes(bytes(data[: int(len(data) * keep)]))


CASES = {
    "a table's row changed": (flip_in("tables/assignment"), "checksum mismatch"),
    "a report file changed": (flip_in("files/"), "checksum mismatch"),
    "a member missing": (drop_member, "do not match its manifest"),
    "a newer format": (manifest_edit(bump_version), "format version is 2"),
    "a newer schema": (manifest_edit(add_migration), "newer version of Decision Tracker"),
}


def broken_archives(good: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """Each way an archive can be unusable → (the file, what the refusal says)."""
    made = {}
    for case, (change, message) in CASES.items():
        made[case] = (folder / f"{len(made)}.zip", message)
        rewrite(good, made[case][0], change)
    for keep in (0.5, 0.99):
        made[f"truncated to {keep:.0%}"] = (folder / f"cut{keep}.zip", "damaged or not a backup")
        cut(good, made[f"truncated to {keep:.0%}"][0], keep)
    made["a byte of the zip flipped"] = (folder / "flipped.zip", "damaged")
    cut(good, made["a byte of the zip flipped"][0], 1.0, flip_at=1 / 3)
    made["a member beyond its manifest"] = (folder / "extra.zip", "do not match its manifest")
    rewrite(good, made["a member beyond its manifest"][0], lambda name, data: data)
    with zipfile.ZipFile(made["a member beyond its manifest"][0], "a") as zipped:
        zipped.writestr("files/../../etc/cron.d/x", b"* * * * * root true\n")
    made["not a zip"] = (folder / "notes.zip", "damaged or not a backup")
    made["not a zip"][0].write_text("not a zip", encoding="utf-8")
    made["no such file"] = (folder / "absent.zip", "cannot read")
    return made


async def test_an_unusable_archive_is_refused_and_nothing_changes(
    archive: Path, tmp_path: Path
) -> None:
    """With ``force``, on the populated database: only the checks stand in the way."""
    before, files = await snapshot(), stored_files()

    for case, (path, message) in broken_archives(archive, tmp_path).items():
        with pytest.raises(BackupError, match=message):
            await backups.restore(path, force=True)
        assert await snapshot() == before, case
        assert stored_files() == files, case


async def test_a_database_in_use_is_refused_without_force(archive: Path) -> None:
    before, files = await snapshot(), stored_files()

    with pytest.raises(BackupError, match=r"not empty.*--force"):
        await backups.restore(archive)

    assert await snapshot() == before
    assert stored_files() == files


def break_last_row(source: Path, target: Path) -> str:
    """The archive with the last row of the last table that has rows made wrong (its id a
    word), its checksum and size in the manifest made right: it passes every check and fails
    while loading, after every other table is loaded. Returns that table."""
    with zipfile.ZipFile(source) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    entry = [t for t in manifest["tables"] if t["rows"]][-1]
    member = f"tables/{entry['name']}.jsonl"

    def change(name: str, data: bytes) -> bytes:
        if name == member:
            *rows, last = data.decode().splitlines()
            values = json.loads(last)
            values[0] = "not an id"
            return "\n".join([*rows, json.dumps(values)]).encode() + b"\n"
        return data

    rewrite(source, target, change)
    with zipfile.ZipFile(target) as zipped:
        data = zipped.read(member)
    entry["sha256"], entry["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    rewrite(target, target.with_suffix(".tmp"), manifest_edit(lambda m: m.update(manifest)))
    target.with_suffix(".tmp").replace(target)
    return str(entry["name"])


async def test_a_row_that_fails_to_load_rolls_everything_back(
    archive: Path, tmp_path: Path
) -> None:
    """The transaction's all or nothing, and the files written before it removed again."""
    broken = tmp_path / "broken.zip"
    table = break_last_row(archive, broken)
    shutil.rmtree(get_settings().files_dir)
    before = await snapshot()

    with pytest.raises(BackupError, match=rf"tables/{table}\.jsonl.*is int"):
        await backups.restore(broken, force=True)

    assert await snapshot() == before
    assert stored_files() == {}
