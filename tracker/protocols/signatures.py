"""The signatures at the end of a protocol: position and name, as printed. Pure.

Read from the last line upwards while the lines are signature lines:

- a name alone («М.В.Нефёдова», «Дудяк Н.В.», «/Н.В. Дудяк/»), under its position line(s)
  («Начальник отдела образования» — a position may run over two lines, the second in lower case);
- position and name on one line: «Секретарь: Дудяк Н.В.», «Председатель ____ Иванов И.И.»,
  «Председатель – М.В. Нефёдова», «Начальник отдела образования М.В. Нефёдова», or two table cells;
- lines that go with signatures and are skipped: «М.П.», «Подпись», «Выписка верна», a date alone,
  a line of underscores.

A position line is only taken when a name (or the rest of the position) follows it, so the last
decision, even an unnumbered one, is not mistaken for a position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.protocols.addressing import is_infinitive
from tracker.protocols.model import Signature
from tracker.protocols.structure import NAME, Line, is_name

_NOISE = re.compile(
    r"(?:м\.\s?п\.?|/?подпись/?|\(подпись\)|выписка\s+верна|верно|копия\s+верна|[_\s./()-]+"
    r"|\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s*г\.?)?)",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\t|\s{2,}|_{2,}|\s[-–—]\s|:\s*|/")
_TRAILING_NAME = re.compile(rf"(?:^|\s)(?P<name>{NAME.pattern})\s*/?\s*\.?$")
_POSITION_MAX_WORDS = 14
_NOT_A_POSITION = re.compile(
    r"(?:ответствен|исполнител|срок|докладчик|выступ|слушали|информаци|присутств|приглаш|отв\.)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Entry:
    index: int
    kind: str  # "name", "pair", "position"
    position: str = ""
    name: str = ""


def _name_text(text: str) -> str:
    return text.strip().strip("/_()").strip().rstrip(",;").strip()


def _position_like(text: str) -> bool:
    text = text.strip().rstrip(":").strip()
    if not text or len(text) > 150 or text[-1] in ".;!?":
        return False
    words = text.split()
    if len(words) > _POSITION_MAX_WORDS or _NOT_A_POSITION.match(text):
        return False
    if any(is_infinitive(w) for w in words):
        return False
    return not re.search(r"\d", re.sub(r"№\s*\d+", "", text))


def _split_pair(line: Line) -> tuple[str, str] | None:
    """(position, name) written on one line, or None."""
    source = line.raw or line.text
    parts = [
        p
        for p in _SEPARATOR.split(source)
        if p and p.strip(" _") and not _NOISE.fullmatch(p.strip())
    ]
    if len(parts) >= 2 and is_name(_name_text(parts[-1])):
        position = " ".join(p.strip(" _") for p in parts[:-1]).strip(" :–—-")
        if position and _position_like(position):
            return position, _name_text(parts[-1])
    match = _TRAILING_NAME.search(line.text)
    if match is not None and match.start("name") > 0:
        position = line.text[: match.start("name")].strip(" _:–—-/")
        if position and _position_like(position):
            return position, _name_text(match.group("name"))
    return None


def _entry(line: Line, entries: list[_Entry]) -> _Entry | None:
    """The line read as a signature line, None when it is not one."""
    text = line.text
    if is_name(_name_text(text)):
        return _Entry(line.index, "name", name=_name_text(text))
    pair = _split_pair(line)
    if pair is not None:
        return _Entry(line.index, "pair", position=pair[0], name=pair[1])
    if entries and _position_like(text) and _may_precede(text, entries[-1]):
        return _Entry(line.index, "position", position=text.strip().rstrip(":").strip())
    return None


def find_signatures(lines: Sequence[Line], end: int) -> tuple[int, tuple[Signature, ...]]:
    """Where the signatures begin (``end`` when there are none) and the signatures."""
    entries: list[_Entry] = []  # from the last line up
    for index in range(end - 1, -1, -1):
        line = lines[index]
        if line.blank or _NOISE.fullmatch(line.text):
            continue
        if line.table is not None or (line.marker is not None and not line.raw):
            break
        entry = _entry(line, entries)
        if entry is None:
            break
        entries.append(entry)
    while entries and _continues_text_above(lines, entries[-1]):
        entries.pop()
    if not any(e.kind in ("name", "pair") for e in entries):
        return end, ()
    entries.reverse()
    signatures: list[Signature] = []
    position: list[str] = []
    for entry in entries:
        if entry.kind == "position":
            position.append(entry.position)
            continue
        if entry.kind == "pair":
            position.append(entry.position)
        signatures.append(Signature(position=" ".join(position), name=entry.name))
        position = []
    return entries[0].index, tuple(signatures)


def _continues_text_above(lines: Sequence[Line], top: _Entry) -> bool:
    """Whether the topmost signature line is really the end of the text above it: a position in
    lower case («главы администрации Петрова П.П.»), or a line right under an unfinished one."""
    if top.kind != "name":
        return top.position[:1].islower()
    above = lines[top.index - 1] if top.index > 0 else None
    if above is None or above.blank or above.table is not None:
        return False
    return not above.text.endswith((".", ";", ":", "!", "?"))


def _may_precede(text: str, following: _Entry) -> bool:
    """Whether a position-like line can stand above the entry that follows it."""
    if following.kind == "name":
        return True
    # the first lines of a position that goes on in lower case
    return following.position[:1].islower() and not text.rstrip().endswith(":")
