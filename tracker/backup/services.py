"""Back up the database and the report files into one archive; verify an archive; restore one
into an empty database (or, with ``force``, in place of everything). See ``tracker.backup``."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import secrets
import time
import zipfile
import zlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from tracker import clock, db
from tracker.backup.archive import (
    APP_NAME,
    EPHEMERAL_TABLES,
    FORMAT_VERSION,
    MANIFEST,
    MIGRATION_TABLE,
    BackupError,
    FileEntry,
    Manifest,
    MissingFile,
    TableEntry,
    check_migrations,
    decoder,
    dependency_order,
    encoder,
    file_member,
    is_stored_name,
    parse_manifest,
)
from tracker.backup.database import Database, Row, TableSchema, connect
from tracker.settings import get_settings

BATCH = 5_000
"""Rows read per round trip from the database (a cursor's fetch, sqlite3's fetchmany)."""
CHUNK = 1 << 20
"""Bytes per read and write of a file or an archive member."""
MAX_MANIFEST = 256 << 20
"""The largest manifest read (a million files make about 150 MB)."""
FILES_SQL = "SELECT stored_name, sha256 FROM report_file ORDER BY id"

Progress = Callable[[str, int], Awaitable[None]]
"""Called after each table is in the archive, with its name and row count, while the snapshot
is still open (the database may change meanwhile: the archive does not)."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    database: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    missing_files: int
    bytes: int
    """The archive's size."""
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON ``tracker backup`` prints."""
        return {
            "archive": str(self.path),
            "database": self.database,
            "tables": self.tables,
            "rows": self.rows,
            "files": self.files,
            "file_bytes": self.file_bytes,
            "missing_files": self.missing_files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 2),
        }


@dataclass(frozen=True)
class RestoreSummary:
    path: Path
    database: str
    source_database: str
    created_at: datetime
    tables: int
    rows: int
    files: int
    file_bytes: int
    replaced: bool
    """``force`` replaced a database that had rows."""
    migrated: int
    """Migrations of this version applied after the archive's schema was restored."""
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON ``tracker restore`` prints."""
        return {
            "archive": str(self.path),
            "database": self.database,
            "from_database": self.source_database,
            "created_at": self.created_at.isoformat(),
            "tables": self.tables,
            "rows": self.rows,
            "files": self.files,
            "file_bytes": self.file_bytes,
            "replaced": self.replaced,
            "migrations_applied": self.migrated,
            "seconds": round(self.seconds, 2),
        }


def app_version() -> str:
    try:
        return metadata.version("decision-tracker")
    except metadata.PackageNotFoundError:
        return "unknown"


def known_migrations() -> list[str]:
    """The ids of this version's migrations, in the order they apply."""
    from piccolo.apps.migrations.commands.base import BaseMigrationManager  # noqa: PLC0415

    from tracker.piccolo_app import APP_CONFIG  # noqa: PLC0415

    manager = BaseMigrationManager()
    modules = manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    return sorted(manager.get_migration_ids(modules))


# ---------------------------------------------------------------- backup


async def backup(path: Path, *, progress: Progress | None = None) -> BackupSummary:
    """Write the archive of the database and its report files to ``path``, which must not
    exist: whole or not at all (a temporary file beside it, renamed when complete)."""
    started = time.perf_counter()
    path, partial = _target(path)
    try:
        manifest = await _write_archive(partial, progress)
        size = _publish(partial, path)
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(
        path=path,
        database=manifest.database,
        tables=len(manifest.tables),
        rows=manifest.rows,
        files=len(manifest.files),
        file_bytes=manifest.file_bytes,
        missing_files=len(manifest.missing_files),
        bytes=size,
        seconds=time.perf_counter() - started,
    )


def _target(path: Path) -> tuple[Path, Path]:
    """The archive's absolute path, refused if it exists, and the temporary file beside it."""
    path = path.absolute()
    if path.exists():
        raise BackupError(f"{path} already exists: name another file (a backup never overwrites)")
    if not path.parent.is_dir():
        raise BackupError(f"cannot write {path}: no directory {path.parent}")
    return path, path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")


def _publish(partial: Path, path: Path) -> int:
    """The complete archive, on disk, under its name; its size."""
    with partial.open("rb") as written:
        os.fsync(written.fileno())
    partial.replace(path)
    return path.stat().st_size


async def _write_archive(partial: Path, progress: Progress | None) -> Manifest:
    created_at = clock.now()
    # readable by its owner only: the archive holds password and token hashes
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with (
        os.fdopen(descriptor, "wb") as handle,
        zipfile.ZipFile(
            handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True
        ) as archive,
    ):
        async with connect(read_only=True) as database:
            await database.begin_snapshot()
            migrations = await database.applied_migrations()
            if not migrations:
                raise BackupError("the database has no tables yet: nothing to back up")
            schema = await database.schema()
            order = dependency_order({name: table.parents for name, table in schema.items()})
            tables = []
            for name in order:
                if name in EPHEMERAL_TABLES:
                    continue
                tables.append(await _write_table(archive, database, schema[name]))
                if progress is not None:
                    await progress(name, tables[-1].rows)
            wanted = [(str(name), str(sha)) for name, sha in await database.fetch(FILES_SQL)]
            kind = database.kind
        files, missing = _write_files(archive, wanted, created_at)
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            app_version=app_version(),
            created_at=created_at,
            database=kind,
            migrations=tuple(migrations),
            tables=tuple(tables),
            files=tuple(files),
            missing_files=tuple(missing),
        )
        archive.writestr(MANIFEST, manifest.to_bytes())
    return manifest


async def _write_table(
    archive: zipfile.ZipFile, database: Database, table: TableSchema
) -> TableEntry:
    encode = encoder(table.kinds)
    entry = TableEntry(table.name, table.columns, table.primary_key, 0, 0, "")
    digest, size, rows = hashlib.sha256(), 0, 0
    with archive.open(entry.member, "w", force_zip64=True) as member:
        async for batch in database.batches(table, BATCH):
            try:
                chunk = encode(batch)
            except (TypeError, ValueError) as exc:
                raise BackupError(
                    f"table {table.name}: a value backups cannot keep: {exc}"
                ) from exc
            member.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            rows += len(batch)
    return TableEntry(table.name, table.columns, table.primary_key, rows, size, digest.hexdigest())


def _sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _write_files(
    archive: zipfile.ZipFile, wanted: Sequence[tuple[str, str]], created_at: datetime
) -> tuple[list[FileEntry], list[MissingFile]]:
    """Each report file the snapshot names, checked against its ``report_file.sha256`` first:
    a file missing or damaged on disk is listed in the manifest, not archived. Files are never
    changed once written (a new upload gets a new name), so they need no snapshot of their own.
    Stored uncompressed: reports are PDF, Word, Excel and scans, compressed already."""
    files_dir = get_settings().files_dir
    stamp = created_at.timetuple()[:6]
    files, missing = [], []
    for stored_name, expected in wanted:
        path = files_dir / stored_name[:2] / stored_name
        if not is_stored_name(stored_name) or not path.is_file():
            missing.append(MissingFile(stored_name, "missing"))
            continue
        actual, size = _sha256_of(path)
        if actual != expected:
            missing.append(MissingFile(stored_name, "damaged"))
            continue
        info = zipfile.ZipInfo(file_member(stored_name), date_time=stamp)
        info.compress_type = zipfile.ZIP_STORED
        digest = hashlib.sha256()
        with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as member:
            while chunk := source.read(CHUNK):
                member.write(chunk)
                digest.update(chunk)
        if digest.hexdigest() != expected:
            raise BackupError(f"{path} changed while it was being archived: back up again")
        files.append(FileEntry(stored_name, size, expected))
    return files, missing


# ---------------------------------------------------------------- verify


def verify(path: Path) -> Manifest:
    """The archive's manifest, once every member is read and matches its size and checksum
    (and a table its row count). ``BackupError`` for anything else: a file that is not a
    backup, truncated or damaged, a format this version does not read. Writes nothing."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _verify(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise BackupError(f"{path} is damaged or not a backup archive ({exc})") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _verified(path: Path) -> tuple[Path, Manifest]:
    return path.absolute(), verify(path)


def _verify(archive: zipfile.ZipFile) -> Manifest:
    names = archive.namelist()
    if MANIFEST not in names:
        raise BackupError(f"not a Decision Tracker backup: it has no {MANIFEST}")
    if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST:
        raise BackupError(f"not a usable Decision Tracker backup: {MANIFEST} is too large")
    manifest = parse_manifest(archive.read(MANIFEST))
    expected = manifest.members()
    unexpected = sorted(set(names) - set(expected) - {MANIFEST})
    absent = sorted(set(expected) - set(names))
    if len(names) != len(set(names)) or unexpected or absent:
        odd = [f"{name} missing" for name in absent] + [f"{name} unlisted" for name in unexpected]
        raise BackupError(
            "the archive's members do not match its manifest (damaged or altered): "
            f"{odd[0] if odd else 'a member twice'}"
        )
    rows = {t.member: t.rows for t in manifest.tables}
    for member, (size, sha256) in expected.items():
        if archive.getinfo(member).file_size != size:
            raise BackupError(f"{member}: its size is not the manifest's: the archive is damaged")
        digest, lines = hashlib.sha256(), 0
        with archive.open(member) as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                lines += chunk.count(b"\n")
        if digest.hexdigest() != sha256:
            raise BackupError(f"{member}: checksum mismatch: the archive is damaged")
        if member in rows and lines != rows[member]:
            raise BackupError(f"{member}: {lines} rows where the manifest says {rows[member]}")
    return manifest


# ---------------------------------------------------------------- restore


async def restore(path: Path, *, force: bool = False) -> RestoreSummary:
    """Restore the archive at ``path`` into the database of ``DATABASE_URL`` and the data dir.

    In order, and nothing is written before the first four pass:
    1. every member of the archive is read and checked (``verify``);
    2. the archive's schema must be this version's, or an older one (its migrations are the
       first N of ours);
    3. the database must not be past that schema;
    4. the database must be empty (users, schools, …: any row outside Piccolo's migration
       table and the web sessions), unless ``force``;
    5. the database is migrated up to the archive's schema (a new database: all of it);
    6. its tables and columns must then be the archive's;
    7. the report files are written, each to a temporary file renamed into place;
    8. one transaction: every table emptied (``force``; the audit trail's append-only triggers
       set aside for that alone) or just the migration table and the sessions, every row loaded, PostgreSQL's id sequences moved past the largest ids; if it
       fails, it is rolled back and the files it added are removed;
    9. after the commit: ``force`` removes report files the restored database does not name,
       and the migrations newer than the archive's schema are applied.
    """
    started = time.perf_counter()
    path, manifest = await asyncio.to_thread(_verified, path)
    check_migrations(manifest.migrations, known_migrations())
    async with connect() as database:
        applied = await database.applied_migrations() or []
        ahead = [m for m in applied if m not in set(manifest.migrations)]
        if ahead:
            raise BackupError(
                f"the database's schema is newer than the archive's ({len(ahead)} migration(s) "
                "more): restore into a new, empty database (restore migrates it itself)"
            )
        schema = await database.schema()
        had_rows = _refuse_in_use(await database.row_counts(_data_tables(schema)), force=force)
        if applied != list(manifest.migrations):
            await _migrate_to(manifest.migrations[-1])
            schema = await database.schema()
        _check_schema(manifest, schema)
        created = await asyncio.to_thread(_restore_files, path, manifest)
        try:
            everything = dependency_order({n: t.parents for n, t in schema.items()})
            await database.begin_write(everything)
            if not force:
                _refuse_in_use(await database.row_counts(_data_tables(schema)), force=False)
            cleared = [
                t for t in everything if force or t == MIGRATION_TABLE or t in EPHEMERAL_TABLES
            ]
            await database.clear(cleared[::-1])
            with zipfile.ZipFile(path) as archive:
                for entry in manifest.tables:
                    await _load(database, archive, entry)
            await database.reset_sequences()
            await database.commit()
        except BaseException:
            await database.rollback()
            for written in created:
                written.unlink(missing_ok=True)
            raise
        await database.analyze()
    if force:
        await asyncio.to_thread(_remove_other_files, manifest)
    try:
        migrated = await db.migrate()
    except RuntimeError as exc:
        raise BackupError(f"restored, but this version's newer migrations failed: {exc}") from exc
    return RestoreSummary(
        path=path,
        database=database.kind,
        source_database=manifest.database,
        created_at=manifest.created_at,
        tables=len(manifest.tables),
        rows=manifest.rows,
        files=len(manifest.files),
        file_bytes=manifest.file_bytes,
        replaced=force and had_rows,
        migrated=migrated,
        seconds=time.perf_counter() - started,
    )


def _data_tables(schema: dict[str, TableSchema]) -> list[str]:
    return [t for t in schema if t != MIGRATION_TABLE and t not in EPHEMERAL_TABLES]


def _refuse_in_use(counts: dict[str, int], *, force: bool) -> bool:
    """Whether the database has rows; ``BackupError`` if it has and ``force`` is off."""
    used = {table: count for table, count in counts.items() if count}
    if used and not force:
        table, count = max(used.items(), key=lambda item: item[1])
        raise BackupError(
            f"the database is not empty ({sum(used.values()):,} rows in {len(used)} tables, "
            f"{table}: {count:,}): restore into an empty database, or pass --force to replace "
            "everything in it"
        )
    return bool(used)


async def _migrate_to(migration_id: str) -> None:
    """Apply this version's migrations up to and including ``migration_id`` (as ``db.migrate``
    applies them all): the archive's rows go into the schema they were read from."""
    from piccolo.apps.migrations.commands.forwards import run_forwards  # noqa: PLC0415
    from piccolo.apps.migrations.tables import Migration  # noqa: PLC0415
    from piccolo.engine.sqlite import SQLiteEngine  # noqa: PLC0415

    engine = db.engine()
    if isinstance(engine, SQLiteEngine):
        await engine.run_ddl("PRAGMA journal_mode=WAL")
    with contextlib.redirect_stdout(io.StringIO()) as chatter:
        await Migration.create_table(if_not_exists=True)
        result = await run_forwards(app_name=APP_NAME, migration_id=migration_id)
    if not result.success:
        raise BackupError(f"migration failed: {result.message} {chatter.getvalue()}")


def _check_schema(manifest: Manifest, schema: dict[str, TableSchema]) -> None:
    """The database's tables and columns must be the archive's (any order of columns)."""
    archived = {t.name: dict(t.columns) for t in manifest.tables}
    present = {n: dict(t.columns) for n, t in schema.items() if n not in EPHEMERAL_TABLES}
    for name in sorted(set(archived) | set(present)):
        if archived.get(name) != present.get(name):
            raise BackupError(
                f"the database's table {name!r} is not the archive's (tables or columns "
                "differ): restore with the version that made the archive"
            )


async def _load(database: Database, archive: zipfile.ZipFile, entry: TableEntry) -> None:
    decode = decoder(entry.kinds, database.kind)
    loaded = 0

    def rows() -> Iterator[Row]:
        nonlocal loaded
        with archive.open(entry.member) as member:
            for lines in _batches(member, BATCH):
                try:
                    yield from decode(lines)
                except (ValueError, TypeError) as exc:
                    raise BackupError(f"{entry.member}, rows {loaded + 1}–: {exc}") from exc
                loaded += len(lines)

    await database.load(entry.name, entry.column_names, rows())
    if loaded != entry.rows:  # the checksum matched: only a bug could get here
        raise BackupError(f"{entry.member}: {loaded} rows loaded, {entry.rows} expected")


def _batches(member: IO[bytes], size: int) -> Iterator[list[bytes]]:
    """The member's lines, ``size`` at a time, read a megabyte at a time."""
    batch: list[bytes] = []
    rest = b""
    while chunk := member.read(CHUNK):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        batch.extend(lines)
        while len(batch) >= size:
            yield batch[:size]
            del batch[:size]
    if rest:
        batch.append(rest)
    if batch:
        yield batch


def _restore_files(path: Path, manifest: Manifest) -> list[Path]:
    """Write every file of the archive into the data dir (temporary file, fsync, rename), each
    checked against its checksum again as it is written; returns the files that were not
    there before (removed again if the restore fails)."""
    files_dir = get_settings().files_dir
    created: list[Path] = []
    try:
        with zipfile.ZipFile(path) as archive:
            for entry in manifest.files:
                target = files_dir / entry.stored_name[:2] / entry.stored_name
                if target.is_file() and _sha256_of(target)[0] == entry.sha256:
                    continue
                existed = target.exists()
                _restore_file(archive, entry, target)
                if not existed:
                    created.append(target)
    except BaseException:
        for written in created:
            written.unlink(missing_ok=True)
        raise
    return created


def _restore_file(archive: zipfile.ZipFile, entry: FileEntry, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    digest = hashlib.sha256()
    try:
        with archive.open(entry.member) as source, partial.open("wb") as out:
            while chunk := source.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != entry.sha256:
            raise BackupError(f"{entry.member}: the archive changed while it was being restored")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _remove_other_files(manifest: Manifest) -> None:
    """After a forced restore: the replaced database's report files go with it."""
    keep = {f.stored_name for f in manifest.files}
    files_dir = get_settings().files_dir
    if not files_dir.is_dir():
        return
    for folder in files_dir.iterdir():
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        for path in folder.iterdir():
            if is_stored_name(path.name) and path.name not in keep:
                path.unlink(missing_ok=True)
