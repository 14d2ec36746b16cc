"""The backup archive's pure parts: values by kind between the two drivers, the manifest read
strictly, the schema check, the order tables load in."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.backup.archive import (
    FORMAT_VERSION,
    POSTGRESQL,
    SQLITE,
    BackupError,
    FileEntry,
    Kind,
    Manifest,
    MissingFile,
    TableEntry,
    archive_name,
    check_migrations,
    decoder,
    dependency_order,
    encoder,
    parse_manifest,
    postgres_kind,
    sqlite_kind,
)

SHA = "ab" * 32
FIRST, LAST = datetime(1900, 1, 1), datetime(2200, 1, 1)  # noqa: DTZ001 - hypothesis' bounds are naive
aware = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.timezones())
naive = st.datetimes(min_value=FIRST, max_value=LAST)
json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
).map(lambda value: json.dumps(value, ensure_ascii=False))

KINDS = (
    Kind.INT,
    Kind.TEXT,
    Kind.BOOL,
    Kind.DATE,
    Kind.TIMESTAMPTZ,
    Kind.TIMESTAMP,
    Kind.JSON,
    Kind.BYTES,
    Kind.FLOAT,
)


def as_piccolo_writes_sqlite(row: tuple[object, ...]) -> tuple[object, ...]:
    """The row as it lies in a SQLite file Piccolo wrote (its adapters, sqlite3's)."""
    out: list[object] = []
    for value in row:
        if isinstance(value, datetime) and value.tzinfo is not None:
            out.append(str(value.astimezone(UTC)))
        elif isinstance(value, datetime):
            out.append(str(value))
        elif isinstance(value, date):
            out.append(value.isoformat())
        elif isinstance(value, bool):
            out.append(int(value))
        else:
            out.append(value)
    return tuple(out)


def instants(batch: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Aware times as UTC instants: Python never finds a time in a repeated hour (a clock
    set back) equal to one of another zone, even at the same instant (PEP 495)."""
    return [
        tuple(v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v for v in row)
        for row in batch
    ]


rows = st.tuples(
    st.integers(-(2**63), 2**63 - 1),
    st.text(),
    st.booleans(),
    st.dates(),
    aware,
    naive,
    json_text,
    st.binary(),
    st.floats(allow_nan=False, allow_infinity=False),
)


@given(st.lists(rows, max_size=5))
def test_rows_read_from_postgresql_come_back_for_postgresql_as_they_were(
    batch: list[tuple[object, ...]],
) -> None:
    lines = encoder(KINDS)(batch).splitlines()

    assert instants(decoder(KINDS, POSTGRESQL)(lines)) == instants(batch)


@given(st.lists(rows, max_size=5))
def test_rows_cross_between_the_databases_unchanged(batch: list[tuple[object, ...]]) -> None:
    """PostgreSQL → archive → SQLite gives the text Piccolo would have written; SQLite →
    archive → PostgreSQL gives back the values; SQLite → SQLite is byte for byte."""
    in_sqlite = [as_piccolo_writes_sqlite(row) for row in batch]
    from_postgres = encoder(KINDS)(batch).splitlines()
    from_sqlite = encoder(KINDS)(in_sqlite).splitlines()

    assert from_postgres == from_sqlite
    assert decoder(KINDS, SQLITE)(from_postgres) == in_sqlite  # True == 1: sqlite3 stores 1
    assert instants(decoder(KINDS, POSTGRESQL)(from_sqlite)) == instants(batch)


def test_a_line_is_one_json_array_in_utf8_and_nulls_stay_nulls() -> None:
    row = (7, "Школа № 1\n«ЦДО»", None, date(2026, 2, 5), None, None, "[]", b"\x00\xff", None)

    line = encoder(KINDS)([row])

    assert line.count(b"\n") == 1
    assert json.loads(line) == [
        7,
        "Школа № 1\n«ЦДО»",
        None,
        "2026-02-05",
        None,
        None,
        "[]",
        base64.b64encode(b"\x00\xff").decode(),
        None,
    ]
    assert "Школа".encode() in line


@pytest.mark.parametrize(
    ("stored", "archived"),
    [
        ("2026-02-05 07:30:00+00:00", "2026-02-05T07:30:00+00:00"),
        ("2026-02-05 07:30:00.250000+00:00", "2026-02-05T07:30:00.250000+00:00"),
        ("2026-02-05 07:30:00", "2026-02-05T07:30:00+00:00"),  # SQLite's CURRENT_TIMESTAMP
        ("2026-02-05T10:30:00+03:00", "2026-02-05T07:30:00+00:00"),
    ],
)
def test_an_aware_time_from_sqlite_is_archived_in_utc(stored: str, archived: str) -> None:
    line = encoder([Kind.TIMESTAMPTZ])([(stored,)])

    assert json.loads(line) == [archived]
    assert decoder([Kind.TIMESTAMPTZ], POSTGRESQL)([line.strip()]) == [
        (datetime.fromisoformat(archived),)
    ]
    assert decoder([Kind.TIMESTAMPTZ], SQLITE)([line.strip()]) == [(archived.replace("T", " "),)]


@pytest.mark.parametrize(
    ("kinds", "line", "problem"),
    [
        ([Kind.INT, Kind.TEXT], b"[1]", "not a row of 2 values"),
        ([Kind.INT], b'"1"', "not a row of 1 values"),
        ([Kind.INT], b'["1"]', "is int"),
        ([Kind.INT], b"[true]", "is int"),
        ([Kind.TEXT], b"[1]", "is text"),
        ([Kind.BOOL], b"[1]", "is bool"),
        ([Kind.DATE], b'["05.02.2026"]', "Invalid isoformat"),
        ([Kind.TIMESTAMPTZ], b'["2026-02-05T07:30:00"]', "without a zone"),
        ([Kind.JSON], b'["{not json"]', "Expecting"),
        ([Kind.BYTES], b'["***"]', "not base64"),
        ([Kind.INT], b"[1", "not JSON"),
    ],
)
def test_a_line_that_is_not_a_row_of_its_columns_is_refused(
    kinds: list[Kind], line: bytes, problem: str
) -> None:
    for database in (SQLITE, POSTGRESQL):
        with pytest.raises(ValueError, match=problem):
            decoder(kinds, database)([line])


def test_a_value_a_driver_should_not_give_is_refused_at_backup() -> None:
    with pytest.raises(ValueError, match="not a boolean"):
        encoder([Kind.BOOL])([("maybe",)])
    with pytest.raises(TypeError, match="date and time"):
        encoder([Kind.DATE])([(datetime(2026, 2, 5, tzinfo=UTC),)])
    with pytest.raises(ValueError, match="rows of 2 values, not 1"):
        encoder([Kind.INT])([(1, 2)])


# ---------------------------------------------------------------- column types


@pytest.mark.parametrize(
    ("declared", "kind"),
    [
        ("INTEGER", Kind.INT),
        ("VARCHAR(254)", Kind.TEXT),
        ("TEXT", Kind.TEXT),
        ("BOOLEAN", Kind.BOOL),
        ("DATE", Kind.DATE),
        ("TIMESTAMPTZ", Kind.TIMESTAMPTZ),
        ("TIMESTAMP", Kind.TIMESTAMP),
        ("JSON", Kind.JSON),
        ("BLOB", Kind.BYTES),
    ],
)
def test_piccolos_sqlite_column_types_have_a_kind(declared: str, kind: Kind) -> None:
    assert sqlite_kind("t", "c", declared) is kind


@pytest.mark.parametrize(
    ("data_type", "kind"),
    [
        ("integer", Kind.INT),
        ("bigint", Kind.INT),
        ("character varying", Kind.TEXT),
        ("boolean", Kind.BOOL),
        ("timestamp with time zone", Kind.TIMESTAMPTZ),
        ("timestamp without time zone", Kind.TIMESTAMP),
        ("json", Kind.JSON),
        ("bytea", Kind.BYTES),
    ],
)
def test_postgresql_column_types_have_a_kind(data_type: str, kind: Kind) -> None:
    assert postgres_kind("t", "c", data_type) is kind


def test_a_column_type_backups_do_not_know_is_refused_by_name() -> None:
    with pytest.raises(BackupError, match=r"report\.shape.*GEOMETRY"):
        sqlite_kind("report", "shape", "GEOMETRY")
    with pytest.raises(BackupError, match=r"report\.price.*numeric"):
        postgres_kind("report", "price", "numeric")


# ---------------------------------------------------------------- the manifest


def manifest(**changes: object) -> Manifest:
    values: dict[str, object] = {
        "format_version": FORMAT_VERSION,
        "app_version": "0.1.0",
        "created_at": datetime(2026, 2, 5, 7, 30, tzinfo=UTC),
        "database": SQLITE,
        "migrations": ("2026-11-23T22:53:59:264348", "2026-11-23T23:00:00:000000"),
        "tables": (
            TableEntry("school", (("id", Kind.INT), ("name", Kind.TEXT)), ("id",), 3, 120, SHA),
        ),
        "files": (FileEntry("0123456789abcdef" * 2, 10, SHA),),
        "missing_files": (MissingFile("fedcba9876543210" * 2, "damaged"),),
    }
    return Manifest(**(values | changes))  # type: ignore[arg-type]


def edited(change: dict[str, object]) -> bytes:
    data = json.loads(manifest().to_bytes())
    data.update(change)
    return json.dumps(data).encode()


def test_a_manifest_reads_back_as_written() -> None:
    written = manifest()

    assert parse_manifest(written.to_bytes()) == written
    assert json.loads(written.to_bytes())["totals"] == {
        "tables": 1,
        "rows": 3,
        "files": 1,
        "file_bytes": 10,
    }
    assert written.members() == {
        "tables/school.jsonl": (120, SHA),
        f"files/01/{'0123456789abcdef' * 2}": (10, SHA),
    }


def test_a_newer_format_is_refused_saying_so() -> None:
    with pytest.raises(BackupError, match="format version is 2, made by a newer version"):
        parse_manifest(edited({"format_version": 2}))


@pytest.mark.parametrize(
    "change",
    [
        {"format": "something-else"},
        {"created_at": "yesterday"},
        {"created_at": "2026-02-05T07:30:00"},
        {"database": "mysql"},
        {"migrations": []},
        {"migrations": ["2026; DROP TABLE x"]},
        {
            "tables": [
                {
                    "name": "../../etc/passwd",
                    "columns": [["id", "int"]],
                    "primary_key": [],
                    "rows": 0,
                    "bytes": 0,
                    "sha256": SHA,
                }
            ]
        },
        {
            "tables": [
                {
                    "name": "school",
                    "columns": [["id", "money"]],
                    "primary_key": [],
                    "rows": 0,
                    "bytes": 0,
                    "sha256": SHA,
                }
            ]
        },
        {
            "tables": [
                {
                    "name": "school",
                    "columns": [["id", "int"]],
                    "primary_key": ["x"],
                    "rows": 0,
                    "bytes": 0,
                    "sha256": SHA,
                }
            ]
        },
        {
            "tables": [
                {
                    "name": "school",
                    "columns": [["id", "int"]],
                    "primary_key": [],
                    "rows": -1,
                    "bytes": 0,
                    "sha256": SHA,
                }
            ]
        },
        {
            "tables": [
                {
                    "name": "web_session",
                    "columns": [["key", "text"]],
                    "primary_key": [],
                    "rows": 0,
                    "bytes": 0,
                    "sha256": SHA,
                }
            ]
        },
        {"files": [{"stored_name": "../secret_key", "bytes": 1, "sha256": SHA}]},
        {"files": [{"stored_name": "0" * 32, "bytes": 1, "sha256": "not-a-sha"}]},
    ],
)
def test_a_manifest_that_is_not_well_formed_is_refused(change: dict[str, object]) -> None:
    with pytest.raises(BackupError, match=r"not a usable|not a Decision Tracker"):
        parse_manifest(edited(change))


def test_text_that_is_not_a_manifest_is_refused() -> None:
    with pytest.raises(BackupError, match="not JSON"):
        parse_manifest(b"\x1f\x8b not json")


def test_an_archive_of_a_newer_or_foreign_schema_is_refused() -> None:
    ours = ["2026-01", "2026-02", "2026-03"]

    check_migrations(ours, ours)
    check_migrations(ours[:2], ours)  # an older archive: restored, then migrated
    with pytest.raises(BackupError, match=r"newer version.*2026-04"):
        check_migrations([*ours, "2026-04"], ours)
    with pytest.raises(BackupError, match="missing in the middle"):
        check_migrations(["2026-01", "2026-03"], ours)


def test_the_default_archive_name_is_the_utc_time() -> None:
    moscow = timezone(timedelta(hours=3))

    assert archive_name(datetime(2026, 2, 5, 10, 30, 5, tzinfo=moscow)) == (
        "tracker-backup-20260205T073005Z.zip"
    )


# ---------------------------------------------------------------- dependency order


def test_tables_load_after_the_tables_they_reference() -> None:
    parents = {
        "report": {"assignment", "tracker_user"},
        "assignment": {"decision", "school"},
        "decision": {"meeting"},
        "meeting": {"tracker_user"},
        "tracker_user": {"school"},
        "school": set(),
        "migration": set(),
        "tree": {"tree"},  # a table referencing itself
        "orphan": {"not_here"},
    }

    order = dependency_order(parents)

    assert sorted(order) == sorted(parents)
    for table, refs in parents.items():
        for parent in refs & set(parents) - {table}:
            assert order.index(parent) < order.index(table)
    assert dependency_order(parents) == order  # the same schema, the same order


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.sets(st.sampled_from("abcdefgh"))))
def test_any_acyclic_schema_is_ordered_and_a_cycle_refused(edges: dict[str, set[str]]) -> None:
    # keep only references to tables earlier in the alphabet: acyclic by construction
    acyclic = {table: {p for p in refs if p < table} for table, refs in edges.items()}
    order = dependency_order(acyclic)
    for table, refs in acyclic.items():
        assert all(order.index(p) < order.index(table) for p in refs if p in acyclic)

    with pytest.raises(BackupError, match="cycle"):
        dependency_order({"a": {"b"}, "b": {"c"}, "c": {"a"}})
