"""``tracker protocol parse FILE`` as users run it: a separate process that prints the parsed
protocol as JSON and touches no database; a file it cannot read is one line on stderr, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.protocols.helpers import (
    ADDRESSEE,
    SEED_004,
    SEED_AS_DOCX_PARAGRAPHS,
    docx_bytes,
)
from tests.unit.test_cli import assert_one_error_line, tracker


def test_parse_prints_the_seed_as_json(tmp_path: Path) -> None:
    result = tracker(tmp_path, "protocol", "parse", str(SEED_004))

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    body = json.loads(result.stdout)
    assert list(body) == [
        "kind", "title", "number", "date", "place", "agenda", "decisions", "signatures", "warnings"
    ]  # fmt: skip
    assert body["date"] == "2020-02-05"
    assert body["agenda"][0]["speakers"] == ["Рыбина Л.Д."]
    assert len(body["decisions"]) == 9
    assert {d["addressee"] for d in body["decisions"]} == {ADDRESSEE}
    # Russian as it is, indented
    assert "Руководителям образовательных учреждений" in result.stdout
    assert result.stdout.startswith('{\n  "kind": ')
    # and no database was made
    assert not (tmp_path / "tracker.sqlite").exists()


def test_parse_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "protocol.docx"
    path.write_bytes(docx_bytes(*SEED_AS_DOCX_PARAGRAPHS))

    result = tracker(tmp_path, "protocol", "parse", str(path))

    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["decisions"]) == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        ("empty.txt", b""),
        ("truncated.docx", docx_bytes(*SEED_AS_DOCX_PARAGRAPHS)[:1500]),
        ("letter.txt", "Уважаемые коллеги!\nПриглашаем на семинар.\n".encode()),
    ],
)
def test_a_bad_file_is_one_line_and_exit_2(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    result = tracker(tmp_path, "protocol", "parse", str(path))

    assert_one_error_line(result)
    assert result.stdout == ""
    assert not (tmp_path / "tracker.sqlite").exists()


@pytest.mark.parametrize(
    "args", [("protocol",), ("protocol", "parse"), ("protocol", "parse", "a", "b")]
)
def test_bad_command_lines_are_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert_one_error_line(tracker(tmp_path, *args))


def test_a_missing_file_or_a_directory_is_one_line(tmp_path: Path) -> None:
    missing = tracker(tmp_path, "protocol", "parse", str(tmp_path / "nope.txt"))
    assert_one_error_line(missing)
    assert "nope.txt" in missing.stderr
    assert_one_error_line(tracker(tmp_path, "protocol", "parse", str(tmp_path)))


def test_help_mentions_it(tmp_path: Path) -> None:
    result = tracker(tmp_path, "protocol", "parse", "--help")

    assert result.returncode == 0
    assert "JSON" in result.stdout
