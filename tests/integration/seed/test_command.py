"""``tracker seed`` as users run it: a separate process on a SQLite file of its own."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.unit.test_cli import assert_one_error_line, tracker


def counts(data_dir: Path) -> tuple[int, int, int]:
    with sqlite3.connect(data_dir / "tracker.sqlite") as conn:

        def count(table: str) -> int:
            return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608

        return count("school"), count("meeting"), count("assignment")


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    result = tracker(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_it_seeds_and_prints_one_json_summary(migrated: Path) -> None:
    result = tracker(
        migrated, "seed", "--schools", "12", "--decisions", "9", "--today", "2026-03-02"
    )

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["schools"], summary["decisions"], summary["assignments"]) == (12, 9, 108)
    assert summary["compliance"]["total"] == 108
    assert summary["seconds"] >= 0
    assert counts(migrated) == (12, 9, 108)


def test_a_second_seed_is_refused_without_append(migrated: Path) -> None:
    assert tracker(migrated, "seed", "--schools", "3", "--decisions", "2").returncode == 0

    refused = tracker(migrated, "seed", "--schools", "3", "--decisions", "2")
    appended = tracker(migrated, "seed", "--schools", "3", "--decisions", "2", "--append")

    assert_one_error_line(refused)
    assert "--append" in refused.stderr
    assert appended.returncode == 0, appended.stderr
    assert counts(migrated) == (6, 4, 12)


@pytest.mark.parametrize(
    "args",
    [
        ["--schools", "0", "--decisions", "5"],
        ["--schools", "ten", "--decisions", "5"],
        ["--schools", "5"],
        ["--schools", "5", "--decisions", "5", "--today", "02.03.2026"],
        ["--schools", "5000", "--decisions", "5000"],
    ],
)
def test_bad_input_is_one_line_and_exit_2_with_nothing_written(
    migrated: Path, args: list[str]
) -> None:
    result = tracker(migrated, "seed", *args)

    assert_one_error_line(result)
    assert result.stdout == ""
    assert counts(migrated) == (0, 0, 0)


def test_an_unmigrated_database_is_refused(tmp_path: Path) -> None:
    result = tracker(tmp_path, "seed", "--schools", "2", "--decisions", "2")

    assert_one_error_line(result)
    assert "tracker migrate" in result.stderr
