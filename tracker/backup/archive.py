"""The backup archive's format, as pure functions: names, the manifest, the value codecs and
the order tables load in. No database, no clock, no files (see ``tracker.backup`` for why the
format is what it is).

A value is stored in the archive by its column's *kind*, the same for SQLite and PostgreSQL:

    int, float   JSON numbers          bool        true / false
    text         JSON strings          json        the column's JSON text, as a string (exact)
    date         "2026-02-05"          bytes       base64
    timestamptz  "2026-02-05T07:30:00.123456+00:00" (always UTC)
    timestamp    "2026-02-05T07:30:00.123456" (no zone: Piccolo's ``migration.ran_on``)

``encoder`` reads what either driver gives (SQLite's text, 0/1 and naive UTC times included);
``decoder`` makes what the target's driver takes: Python objects for asyncpg's COPY, and for
SQLite the text Piccolo itself writes (dates ISO, aware times converted to UTC and ``str()``-ed),
so that a restored row reads back through Piccolo exactly as the original did.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from tracker.errors import TrackerError

FORMAT = "decision-tracker-backup"
FORMAT_VERSION = 1
"""Raised only when an older reader could not restore the new archives correctly."""
MANIFEST = "manifest.json"
MIGRATION_TABLE = "migration"
"""Piccolo's record of the migrations applied: archived and restored like any table."""
APP_NAME = "tracker"
"""The Piccolo app whose migrations name the schema."""
EPHEMERAL_TABLES = frozenset({"web_session", "login_attempt"})
"""Never archived, emptied by every restore: a web session's key is the cookie itself, a live
credential, and a session of the replaced database must not log anyone in to the restored one;
failed sign-ins (addresses typed, clients' IP addresses) only matter for a quarter of an hour,
and a restored database starts with nobody locked out."""
SQLITE, POSTGRESQL = "sqlite", "postgresql"

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_STORED_NAME = re.compile(r"[0-9a-f]{32}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MIGRATION = re.compile(r"[0-9A-Za-z:._-]{1,100}")


class BackupError(TrackerError):
    """A backup or restore refused or failed: the message says why and what to do; nothing was
    written (or the database and files are as they were before)."""


class Kind(StrEnum):
    INT = "int"
    FLOAT = "float"
    TEXT = "text"
    BOOL = "bool"
    DATE = "date"
    TIMESTAMPTZ = "timestamptz"
    TIMESTAMP = "timestamp"
    JSON = "json"
    BYTES = "bytes"


_SQLITE_KINDS = {
    "INTEGER": Kind.INT,
    "INT": Kind.INT,
    "BIGINT": Kind.INT,
    "SMALLINT": Kind.INT,
    "REAL": Kind.FLOAT,
    "FLOAT": Kind.FLOAT,
    "DOUBLE PRECISION": Kind.FLOAT,
    "VARCHAR": Kind.TEXT,
    "TEXT": Kind.TEXT,
    "CHAR": Kind.TEXT,
    "BOOLEAN": Kind.BOOL,
    "DATE": Kind.DATE,
    "TIMESTAMPTZ": Kind.TIMESTAMPTZ,
    "TIMESTAMP": Kind.TIMESTAMP,
    "JSON": Kind.JSON,
    "JSONB": Kind.JSON,
    "BLOB": Kind.BYTES,
    "BYTEA": Kind.BYTES,
}
_POSTGRES_KINDS = {
    "integer": Kind.INT,
    "bigint": Kind.INT,
    "smallint": Kind.INT,
    "real": Kind.FLOAT,
    "double precision": Kind.FLOAT,
    "character varying": Kind.TEXT,
    "text": Kind.TEXT,
    "character": Kind.TEXT,
    "boolean": Kind.BOOL,
    "date": Kind.DATE,
    "timestamp with time zone": Kind.TIMESTAMPTZ,
    "timestamp without time zone": Kind.TIMESTAMP,
    "json": Kind.JSON,
    "jsonb": Kind.JSON,
    "bytea": Kind.BYTES,
}


def sqlite_kind(table: str, column: str, declared: str) -> Kind:
    """The kind of a SQLite column from its declared type (``VARCHAR(200)`` → text)."""
    kind = _SQLITE_KINDS.get(declared.split("(", maxsplit=1)[0].strip().upper())
    if kind is None:
        raise BackupError(f"{table}.{column}: column type {declared!r} is not one backups handle")
    return kind


def postgres_kind(table: str, column: str, data_type: str) -> Kind:
    """The kind of a PostgreSQL column from ``information_schema.columns.data_type``."""
    kind = _POSTGRES_KINDS.get(data_type)
    if kind is None:
        raise BackupError(f"{table}.{column}: column type {data_type!r} is not one backups handle")
    return kind


# ---------------------------------------------------------------- names in the archive


def table_member(table: str) -> str:
    return f"tables/{table}.jsonl"


def file_member(stored_name: str) -> str:
    """Where a report file lies in the archive: as under ``TRACKER_DATA_DIR/files``."""
    return f"files/{stored_name[:2]}/{stored_name}"


def is_stored_name(name: str) -> bool:
    return bool(_STORED_NAME.fullmatch(name))


def check_name(name: str) -> str:
    """A table or column name from a database, before it is quoted into SQL."""
    if not _NAME.fullmatch(name):
        raise BackupError(f"the database has a table or column named {name!r}: not supported")
    return name


def archive_name(now: datetime) -> str:
    """The default archive name, e.g. ``tracker-backup-20260205T073000Z.zip`` (UTC)."""
    return f"tracker-backup-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.zip"


# ---------------------------------------------------------------- the manifest


@dataclass(frozen=True)
class TableEntry:
    """One table: its columns in the archive's order, and what its member must hold."""

    name: str
    columns: tuple[tuple[str, Kind], ...]
    primary_key: tuple[str, ...]
    rows: int
    bytes: int
    sha256: str

    @property
    def member(self) -> str:
        return table_member(self.name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return tuple(kind for _, kind in self.columns)


@dataclass(frozen=True)
class FileEntry:
    """One report file (``report_file.stored_name``) and its checksum."""

    stored_name: str
    bytes: int
    sha256: str

    @property
    def member(self) -> str:
        return file_member(self.stored_name)


@dataclass(frozen=True)
class MissingFile:
    """A file the database names that the backup could not take: ``missing`` from the data
    dir, or ``damaged`` (its bytes no longer match the checksum in ``report_file``)."""

    stored_name: str
    reason: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    app_version: str
    created_at: datetime
    database: str
    """Where it was made: ``sqlite`` or ``postgresql`` (it restores into either)."""
    migrations: tuple[str, ...]
    """The schema: the ids of the ``tracker`` migrations applied, in order."""
    tables: tuple[TableEntry, ...]
    """In dependency order: a table comes after every table it references."""
    files: tuple[FileEntry, ...]
    missing_files: tuple[MissingFile, ...] = ()

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def file_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def members(self) -> dict[str, tuple[int, str]]:
        """Every member but the manifest: name → (bytes, sha256)."""
        found = {t.member: (t.bytes, t.sha256) for t in self.tables}
        found.update({f.member: (f.bytes, f.sha256) for f in self.files})
        return found

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "app_version": self.app_version,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "database": self.database,
            "migrations": list(self.migrations),
            "tables": [
                {
                    "name": t.name,
                    "columns": [[name, kind.value] for name, kind in t.columns],
                    "primary_key": list(t.primary_key),
                    "rows": t.rows,
                    "bytes": t.bytes,
                    "sha256": t.sha256,
                }
                for t in self.tables
            ],
            "files": [
                {"stored_name": f.stored_name, "bytes": f.bytes, "sha256": f.sha256}
                for f in self.files
            ],
            "missing_files": [
                {"stored_name": m.stored_name, "reason": m.reason} for m in self.missing_files
            ],
            "totals": {
                "tables": len(self.tables),
                "rows": self.rows,
                "files": len(self.files),
                "file_bytes": self.file_bytes,
            },
        }

    def to_bytes(self) -> bytes:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=1).encode()


def _bad(detail: str) -> BackupError:
    return BackupError(f"not a usable Decision Tracker backup: {detail}")


def _field(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(f"{where}: {key!r} is missing or not a {kind.__name__}")
    return value


def _count(data: Mapping[str, Any], key: str, where: str) -> int:
    value = _field(data, key, int, where)
    if value < 0:
        raise _bad(f"{where}: {key!r} is negative")
    return int(value)


def _sha(data: Mapping[str, Any], where: str) -> str:
    value = _field(data, "sha256", str, where)
    if not _SHA256.fullmatch(value):
        raise _bad(f"{where}: 'sha256' is not a SHA-256 in hex")
    return str(value)


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise _bad(f"{where}: {value!r} is not a table or column name")
    return value


def _table(data: object, index: int) -> TableEntry:
    if not isinstance(data, dict):
        raise _bad(f"tables[{index}] is not an object")
    name = _name(data.get("name"), f"tables[{index}]")
    columns = []
    for column in _field(data, "columns", list, name):
        if not (isinstance(column, list) and len(column) == 2):
            raise _bad(f"{name}: a column is not [name, kind]")
        try:
            kind = Kind(column[1])
        except ValueError:
            raise _bad(f"{name}: unknown column kind {column[1]!r}") from None
        columns.append((_name(column[0], name), kind))
    if not columns or len({c for c, _ in columns}) != len(columns):
        raise _bad(f"{name}: no columns, or a column twice")
    key = tuple(_name(c, name) for c in _field(data, "primary_key", list, name))
    if not set(key) <= {c for c, _ in columns}:
        raise _bad(f"{name}: the primary key names a column the table lacks")
    return TableEntry(
        name=name,
        columns=tuple(columns),
        primary_key=key,
        rows=_count(data, "rows", name),
        bytes=_count(data, "bytes", name),
        sha256=_sha(data, name),
    )


def _file(data: object, index: int) -> FileEntry:
    where = f"files[{index}]"
    if not isinstance(data, dict):
        raise _bad(f"{where} is not an object")
    stored_name = _field(data, "stored_name", str, where)
    if not is_stored_name(stored_name):
        raise _bad(f"{where}: {stored_name!r} is not a stored file name")
    return FileEntry(stored_name, _count(data, "bytes", where), _sha(data, where))


def _missing(data: object, index: int) -> MissingFile:
    where = f"missing_files[{index}]"
    if not isinstance(data, dict):
        raise _bad(f"{where} is not an object")
    stored_name = _field(data, "stored_name", str, where)
    reason = _field(data, "reason", str, where)
    if not is_stored_name(stored_name) or reason not in {"missing", "damaged"}:
        raise _bad(f"{where}: not a stored file name and a reason")
    return MissingFile(stored_name, reason)


def parse_manifest(raw: bytes) -> Manifest:
    """The manifest read strictly: ``BackupError`` for anything but a well-formed manifest of a
    format this version reads. Names are checked before any is used as a path or in SQL."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(f"{MANIFEST} is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(f"{MANIFEST} is not a Decision Tracker manifest")
    version = _field(data, "format_version", int, MANIFEST)
    if version != FORMAT_VERSION:
        newer = "a newer version of Decision Tracker" if version > FORMAT_VERSION else "elsewhere"
        raise BackupError(
            f"the archive's format version is {version}, made by {newer}; this version reads "
            f"format {FORMAT_VERSION} only: restore it with the version that made it"
        )
    try:
        created_at = datetime.fromisoformat(_field(data, "created_at", str, MANIFEST))
    except ValueError:
        raise _bad("'created_at' is not a date and time") from None
    if created_at.tzinfo is None:
        raise _bad("'created_at' has no time zone")
    database = _field(data, "database", str, MANIFEST)
    if database not in {SQLITE, POSTGRESQL}:
        raise _bad(f"unknown database kind {database!r}")
    migrations = _field(data, "migrations", list, MANIFEST)
    if not migrations or not all(
        isinstance(m, str) and _MIGRATION.fullmatch(m) for m in migrations
    ):
        raise _bad("'migrations' is not a list of migration ids")
    tables = tuple(_table(t, i) for i, t in enumerate(_field(data, "tables", list, MANIFEST)))
    files = tuple(_file(f, i) for i, f in enumerate(_field(data, "files", list, MANIFEST)))
    missing = tuple(
        _missing(m, i) for i, m in enumerate(_field(data, "missing_files", list, MANIFEST))
    )
    names = [t.name for t in tables]
    if len(set(names)) != len(names) or EPHEMERAL_TABLES & set(names):
        raise _bad("a table is listed twice, or one that is never archived is listed")
    if len({f.stored_name for f in files}) != len(files):
        raise _bad("a file is listed twice")
    return Manifest(
        format_version=version,
        app_version=_field(data, "app_version", str, MANIFEST),
        created_at=created_at,
        database=database,
        migrations=tuple(migrations),
        tables=tables,
        files=files,
        missing_files=missing,
    )


def check_migrations(archive: Sequence[str], known: Sequence[str]) -> None:
    """Refuse an archive whose schema this code cannot make: a migration it does not know (a
    newer version made it), or not the first N of this code's migrations."""
    known_ids = set(known)
    unknown = [m for m in archive if m not in known_ids]
    if unknown:
        raise BackupError(
            f"the archive is from a newer version of Decision Tracker: its schema has "
            f"{len(unknown)} migration(s) this version does not know ({unknown[-1]}); upgrade "
            "Decision Tracker, then restore"
        )
    ordered = sorted(known)
    if list(archive) != ordered[: len(archive)]:
        raise BackupError(
            "the archive's schema is not one this version's migrations make (a migration "
            "missing in the middle): restore it with the version that made it"
        )


# ---------------------------------------------------------------- dependency order


def dependency_order(parents: Mapping[str, Iterable[str]]) -> list[str]:
    """Tables ordered so that each comes after the tables it references (by name among those
    ready: the same schema gives the same order). A reference to itself or to a table not in
    ``parents`` is ignored; a cycle is a ``BackupError``."""
    waiting = {
        table: {p for p in refs if p in parents and p != table} for table, refs in parents.items()
    }
    ordered: list[str] = []
    while waiting:
        ready = sorted(table for table, refs in waiting.items() if not refs)
        if not ready:
            raise BackupError(f"tables reference each other in a cycle: {sorted(waiting)}")
        for table in ready:
            del waiting[table]
        for refs in waiting.values():
            refs.difference_update(ready)
        ordered.extend(ready)
    return ordered


# ---------------------------------------------------------------- values


def _enc_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in {"1", "0", "true", "false", "t", "f"}:
        return value.lower() in {"1", "true", "t"}
    raise ValueError(f"not a boolean: {value!r}")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SQLITE_UTC = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{6})?\+00:00")
"""An aware time as Piccolo writes it to SQLite: ``str()`` of a UTC datetime."""
_ARCHIVE_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?\+00:00")
"""The same time as the archive keeps it: ``isoformat()`` of the UTC datetime."""


def _enc_date(value: Any) -> str:
    if isinstance(value, datetime):
        raise TypeError(f"a date column holds a date and time: {value!r}")
    if isinstance(value, date):
        return value.isoformat()
    if _ISO_DATE.fullmatch(value):  # SQLite's text: checked, not rebuilt (a third of the time)
        date.fromisoformat(value)
        return str(value)
    return date.fromisoformat(value).isoformat()


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _enc_timestamptz(value: Any) -> str:
    if isinstance(value, str) and _SQLITE_UTC.fullmatch(value):
        # Piccolo's own SQLite text, the common case: the archive's form differs by one
        # character (a tenth of the time of parsing and formatting a million of them)
        return f"{value[:10]}T{value[11:]}"
    moment = _as_datetime(value)
    if moment.tzinfo is None:  # SQLite's CURRENT_TIMESTAMP: UTC without a zone
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _enc_timestamp(value: Any) -> str:
    return _as_datetime(value).replace(tzinfo=None).isoformat()


def _enc_bytes(value: Any) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _enc_float(value: Any) -> float:
    return float(value)


_ENCODERS: dict[Kind, Callable[[Any], Any] | None] = {
    Kind.INT: None,
    Kind.FLOAT: _enc_float,
    Kind.TEXT: None,
    Kind.BOOL: _enc_bool,
    Kind.DATE: _enc_date,
    Kind.TIMESTAMPTZ: _enc_timestamptz,
    Kind.TIMESTAMP: _enc_timestamp,
    Kind.JSON: None,
    Kind.BYTES: _enc_bytes,
}

Row = Sequence[Any]


def encoder(kinds: Sequence[Kind]) -> Callable[[Sequence[Row]], bytes]:
    """A function from rows as the driver gives them to their archive lines (one JSON array
    and a line feed each). Column by column: a column that needs no conversion (ids, text)
    costs one pass of ``zip``, not a call per value."""
    convert = [(i, f) for i, f in enumerate(_ENCODERS[kind] for kind in kinds) if f is not None]
    width = len(kinds)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

    def encode(rows: Sequence[Row]) -> bytes:
        if not rows:
            return b""
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        if len(columns) != width:
            raise ValueError(f"rows of {len(columns)} values, not {width}")
        for i, f in convert:
            columns[i] = [None if v is None else f(v) for v in columns[i]]
        return ("\n".join(map(dumps, zip(*columns, strict=True))) + "\n").encode()

    return encode


def _dec_float(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"not a number: {value!r}")


def _dec_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"not a string: {value!r}")


def _dec_json(value: Any) -> str:
    json.loads(_dec_text(value))  # the column takes JSON text only
    return str(value)


def _dec_date(value: Any) -> date:
    return date.fromisoformat(_dec_text(value))


def _dec_timestamptz(value: Any) -> datetime:
    moment = datetime.fromisoformat(_dec_text(value))
    if moment.tzinfo is None:
        raise ValueError(f"a time without a zone: {value!r}")
    return moment


def _dec_timestamp(value: Any) -> datetime:
    moment = datetime.fromisoformat(_dec_text(value))
    if moment.tzinfo is not None:
        raise ValueError(f"a time with a zone where none is kept: {value!r}")
    return moment


def _dec_bytes(value: Any) -> bytes:
    try:
        return base64.b64decode(_dec_text(value), validate=True)
    except binascii.Error as exc:
        raise ValueError(f"not base64: {exc}") from None


_DECODERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.FLOAT: _dec_float,
    Kind.DATE: _dec_date,
    Kind.TIMESTAMPTZ: _dec_timestamptz,
    Kind.TIMESTAMP: _dec_timestamp,
    Kind.JSON: _dec_json,
    Kind.BYTES: _dec_bytes,
}


def _sqlite_timestamptz(value: Any) -> str:
    """As Piccolo writes an aware time to SQLite: ``str()`` of it in UTC."""
    if isinstance(value, str) and _ARCHIVE_UTC.fullmatch(value):
        return f"{value[:10]} {value[11:]}"
    return str(_dec_timestamptz(value).astimezone(UTC))


_SQLITE_DECODERS: dict[Kind, Callable[[Any], Any]] = _DECODERS | {
    Kind.DATE: lambda value: _enc_date(_dec_text(value)),
    Kind.TIMESTAMPTZ: _sqlite_timestamptz,
    Kind.TIMESTAMP: lambda value: str(_dec_timestamp(value)),
}


_AS_IS: dict[Kind, frozenset[type]] = {
    Kind.INT: frozenset({int, type(None)}),
    Kind.TEXT: frozenset({str, type(None)}),
    Kind.BOOL: frozenset({bool, type(None)}),  # sqlite3 writes True and False as 1 and 0
}
"""Kinds whose archive values both drivers take as they are, once their types are checked."""


def decoder(kinds: Sequence[Kind], database: str) -> Callable[[Sequence[bytes]], list[Row]]:
    """A function from archive lines to the rows the ``database``'s driver writes. Lines that
    are not rows of these columns raise ``ValueError`` naming the first bad one."""
    table = _SQLITE_DECODERS if database == SQLITE else _DECODERS
    width = len(kinds)

    def decode(lines: Sequence[bytes]) -> list[Row]:
        try:  # one call of the C parser for the batch, not one per line
            rows = json.loads(b"[" + b",".join(lines) + b"]")
        except (UnicodeDecodeError, json.JSONDecodeError):
            rows = [_line(number, line) for number, line in enumerate(lines, 1)]
        for number, row in enumerate(rows, 1):
            if type(row) is not list or len(row) != width:
                raise ValueError(f"line {number} of the batch is not a row of {width} values")
        if not rows:
            return []
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for i, kind in enumerate(kinds):
            allowed = _AS_IS.get(kind)
            if allowed is not None:
                wrong = set(map(type, columns[i])) - allowed
                if wrong:
                    value = next(v for v in columns[i] if type(v) in wrong)
                    raise ValueError(f"column {i + 1} is {kind.value}, not {value!r}")
            else:
                f = table[kind]
                columns[i] = [None if v is None else f(v) for v in columns[i]]
        return list(zip(*columns, strict=True))

    return decode


def _line(number: int, line: bytes) -> Any:
    try:
        return json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"line {number} of the batch is not JSON ({exc})") from None
