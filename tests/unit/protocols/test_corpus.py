"""The protocol corpus: every document in tests/fixtures/protocols/ is parsed and compared, field
by field, with the expectations written by hand beside it (``NAME.expected.json``).

The conventions of the expectations, and what this test forgives (whitespace everywhere; case and
a final period in titles; case in addressees; brackets and punctuation around a deadline's
phrase), are in tests/fixtures/protocols/README.md. Every difference of a document is reported at
once, with the decision's position and number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tracker.protocols import parser
from tracker.protocols.model import to_json

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "protocols"
DOCUMENT_SUFFIXES = {".txt", ".md", ".docx"}
EXPECTED_SUFFIX = ".expected.json"
CONTRACT_KEYS = {
    "kind",
    "title",
    "number",
    "date",
    "place",
    "agenda",
    "decisions",
    "signatures",
    "warnings",
}
DECISION_KEYS = {"number", "agenda_item", "kind", "addressee", "text", "deadline"}
DEADLINE_KEYS = {"kind", "date", "text", "period", "working_days", "days"}

DOCUMENTS = sorted(
    p for p in CORPUS.iterdir() if p.suffix in DOCUMENT_SUFFIXES and p.name != "README.md"
)
EXPECTATIONS = sorted(CORPUS.glob(f"*{EXPECTED_SUFFIX}"))


def expected_path(document: Path) -> Path:
    return document.with_name(document.stem + EXPECTED_SUFFIX)


@cache
def expected(document: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(expected_path(document).read_text(encoding="utf-8"))
    return data


@cache
def parsed(document: Path) -> dict[str, Any]:
    result = parser.parse_document(document.read_bytes(), document.name)
    data: dict[str, Any] = result if isinstance(result, dict) else to_json(result)
    return data


# ------------------------------------------------------------------ normalisation


def ws(value: object) -> object:
    """Collapses runs of whitespace in a string; leaves anything else as it is."""
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value


def without_final(chars: str) -> Callable[[object], object]:
    def normalise(value: object) -> object:
        value = ws(value)
        return value.rstrip(chars).rstrip() if isinstance(value, str) else value

    return normalise


def caseless(chars: str) -> Callable[[object], object]:
    strip = without_final(chars)

    def normalise(value: object) -> object:
        value = strip(value)
        return value.casefold() if isinstance(value, str) else value

    return normalise


def deadline_phrase(value: object) -> object:
    value = ws(value)
    return value.strip(" ()[].,;:") if isinstance(value, str) else value


EXACT = ws
TITLE = caseless(".")
NO_FINAL_PERIOD = without_final(".")
ADDRESSEE = caseless(":,")
POSITION = without_final(":,")


class Differences:
    """Collects every difference of one document, so that one run shows them all."""

    def __init__(self, document: Path) -> None:
        self.document = document
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def compare(
        self,
        where: str,
        want: object,
        got: object,
        normalise: Callable[[object], object] = EXACT,
    ) -> None:
        if normalise(want) != normalise(got):
            self.add(f"{where}: expected {want!r}, got {got!r}")

    def check(self) -> None:
        if self.lines:
            count = len(self.lines)
            header = f"{self.document.name}: {count} difference{'s' if count > 1 else ''}"
            pytest.fail("\n  ".join([header, *self.lines]), pytrace=False)


def ids(documents: list[Path]) -> list[str]:
    return [p.name for p in documents]


corpus = pytest.mark.parametrize("document", DOCUMENTS, ids=ids(DOCUMENTS))


# ------------------------------------------------------------------ the corpus itself


def test_the_corpus_has_every_kind_of_document_and_every_expectation() -> None:
    assert len(DOCUMENTS) >= 14, f"only {len(DOCUMENTS)} protocols in {CORPUS}"
    assert {p.suffix for p in DOCUMENTS} == DOCUMENT_SUFFIXES
    missing = [p.name for p in DOCUMENTS if not expected_path(p).exists()]
    assert not missing, f"documents without NAME{EXPECTED_SUFFIX}: {missing}"
    stems = {p.stem for p in DOCUMENTS}
    orphans = [p.name for p in EXPECTATIONS if p.name[: -len(EXPECTED_SUFFIX)] not in stems]
    assert not orphans, f"expectations without a document: {orphans}"


@corpus
def test_expectation_is_well_formed(document: Path) -> None:
    want = expected(document)
    assert set(want) - {"expect_warnings"} == CONTRACT_KEYS - {"warnings"}, sorted(want)
    for i, decision in enumerate(want["decisions"]):
        assert set(decision) == DECISION_KEYS, f"decisions[{i}]: {sorted(decision)}"
        assert set(decision["deadline"]) == DEADLINE_KEYS, f"decisions[{i}].deadline"


# ------------------------------------------------------------------ the parse, field by field


@corpus
def test_result_has_the_contract_shape_and_warnings(document: Path) -> None:
    got = parsed(document)
    assert set(got) == CONTRACT_KEYS, f"{document.name}: keys {sorted(got)}"
    warnings = got["warnings"]
    assert isinstance(warnings, list), f"{document.name}: warnings is {type(warnings).__name__}"
    assert all(isinstance(w, str) for w in warnings), f"{document.name}: {warnings!r}"
    if expected(document).get("expect_warnings"):
        assert warnings, f"{document.name}: expected the parser to warn, it said nothing"


@corpus
def test_header(document: Path) -> None:
    want, got = expected(document), parsed(document)
    diff = Differences(document)
    diff.compare("kind", want["kind"], got.get("kind"))
    diff.compare("title", want["title"], got.get("title"), TITLE)
    diff.compare("number", want["number"], got.get("number"))
    diff.compare("date", want["date"], got.get("date"))
    diff.compare("place", want["place"], got.get("place"), NO_FINAL_PERIOD)
    diff.check()


@corpus
def test_agenda(document: Path) -> None:
    want, got = expected(document)["agenda"], parsed(document).get("agenda") or []
    diff = Differences(document)
    if len(want) != len(got):
        diff.add(
            f"agenda: expected {len(want)} items {[a['number'] for a in want]}, "
            f"got {len(got)} {[a.get('number') for a in got]}"
        )
    for i, (w, g) in enumerate(zip(want, got, strict=False)):
        where = f"agenda[{i}] (question {w['number']})"
        diff.compare(f"{where}.number", w["number"], g.get("number"))
        diff.compare(f"{where}.title", w["title"], g.get("title"), NO_FINAL_PERIOD)
        diff.compare(
            f"{where}.speakers",
            [ws(s) for s in w["speakers"]],
            [ws(s) for s in g.get("speakers") or []],
        )
    diff.check()


def _compare_decision(diff: Differences, i: int, w: dict[str, Any], g: dict[str, Any]) -> None:
    where = f"decisions[{i}] (№ {w['number'] or '—'}, question {w['agenda_item']})"
    diff.compare(f"{where}.number", w["number"], g.get("number"), NO_FINAL_PERIOD)
    diff.compare(f"{where}.agenda_item", w["agenda_item"], g.get("agenda_item"))
    diff.compare(f"{where}.kind", w["kind"], g.get("kind"))
    diff.compare(f"{where}.addressee", w["addressee"], g.get("addressee"), ADDRESSEE)
    diff.compare(f"{where}.text", w["text"], g.get("text"))
    want_deadline, got_deadline = w["deadline"], g.get("deadline") or {}
    for key in ("kind", "date", "period", "working_days", "days"):
        diff.compare(f"{where}.deadline.{key}", want_deadline[key], got_deadline.get(key))
    diff.compare(
        f"{where}.deadline.text", want_deadline["text"], got_deadline.get("text"), deadline_phrase
    )


def _decision_key(decision: dict[str, Any]) -> tuple[object, object]:
    return decision.get("agenda_item"), NO_FINAL_PERIOD(decision.get("number"))


def _describe(decision: dict[str, Any]) -> str:
    number = decision.get("number") or "—"
    return f"№ {number} (question {decision.get('agenda_item')}): {decision.get('text')!r}"


@corpus
def test_decisions(document: Path) -> None:
    """Decisions are lined up by (agenda_item, number) first, so that one missing or extra
    decision is reported as such instead of shifting every comparison after it."""
    want, got = expected(document)["decisions"], parsed(document).get("decisions") or []
    diff = Differences(document)
    if len(want) != len(got):
        diff.add(
            f"decisions: expected {len(want)} {[d['number'] for d in want]}, "
            f"got {len(got)} {[d.get('number') for d in got]}"
        )
    matcher = SequenceMatcher(
        None, [_decision_key(d) for d in want], [_decision_key(d) for d in got], autojunk=False
    )
    for _tag, w_start, w_end, g_start, g_end in matcher.get_opcodes():
        pairs = min(w_end - w_start, g_end - g_start)
        for k in range(pairs):
            _compare_decision(diff, w_start + k, want[w_start + k], got[g_start + k])
        for i in range(w_start + pairs, w_end):
            diff.add(f"decisions[{i}] missing: {_describe(want[i])}")
        for j in range(g_start + pairs, g_end):
            diff.add(f"unexpected decision (got[{j}]): {_describe(got[j])}")
    diff.check()


@corpus
def test_signatures(document: Path) -> None:
    want, got = expected(document)["signatures"], parsed(document).get("signatures") or []
    diff = Differences(document)
    if len(want) != len(got):
        diff.add(
            f"signatures: expected {len(want)} {[s['name'] for s in want]}, "
            f"got {len(got)} {[s.get('name') for s in got]}"
        )
    for i, (w, g) in enumerate(zip(want, got, strict=False)):
        where = f"signatures[{i}] ({w['name']})"
        diff.compare(f"{where}.position", w["position"], g.get("position"), POSITION)
        diff.compare(f"{where}.name", w["name"], g.get("name"))
    diff.check()
