"""Reading a protocol: the document's blocks → a ``ParsedProtocol``. Pure: no database, no clock.

``parse_text(text)`` and ``parse_document(data, filename)`` read the document
(``tracker.protocols.document``) and call ``parse_blocks``. Any input gives a ``ParsedProtocol``
or raises ``ProtocolError`` (a document without a single decision among them); nothing else.

How a protocol is read
----------------------
1. The signatures are taken off the end (``signatures``), the header off the top (``header``).
2. One pass over the remaining lines with a small state machine. Zones: the agenda («Повестка
   дня:» up to the first section, «СЛУШАЛИ», decision heading, or numbering that starts again),
   the attendance list, a decision block, and free text. A section («По первому вопросу»,
   «1. СЛУШАЛИ:», «По вопросу № 2», «II. …», a numbered line repeating an agenda title) sets the
   agenda item the following decisions belong to. A decision block opens at any decision heading
   («Приняли решение:», «РЕШИЛИ:», «Постановили:», «Совещание РЕШАЕТ:», «… решило:», «Решение:»,
   «Рекомендовать:», «Участники рекомендуют:»), at «По первому вопросу решили:», or at a dative
   heading («Руководителям ОО:») followed by items; it runs (over blank lines and numbering that
   skips or starts again) to the next heading of another kind or the signatures.
3. Inside a block, numbered lines (1. 1) 1.1. а) - •, or Word's numbering) are items and lines
   without a number continue the item above them. A dative heading line governs the items under
   it until the next such heading or the end of the block. Items form a tree: «1.2» under «1»,
   «а)» under the last numbered item, a bullet under an item that ends with a colon.
4. Each leaf item becomes a decision. An item that ends with a colon and has items under it is a
   lead-in, not a decision: «2. Руководителям ОО:» gives its addressee to «2.1», «2.2»; «1.
   Руководителям ОО обеспечить:» gives «обеспечить» too, so «а) участие …» reads «обеспечить
   участие …» (only when the sub-item starts in lower case); «2. Рекомендовать:» + «2.1.
   руководителям ОО провести …» reads «Рекомендовать руководителям ОО провести …». An item with
   sub-items that does not end with a colon is a decision itself, and so are its sub-items.
   A numbered line that only names an addressee and has nothing under it («2. Руководителям ОО:»
   followed by «3.», «4.») governs the items after it, with a warning.
   Numbers are kept exactly as printed, without a final period: «1.2.» → "1.2", «1)» → "1)",
   «а)» → "а)" (a sub-item does not take its parent's number); a bullet under a numbered
   lead-in takes the lead-in's number («1.2. Директорам ОО:» + «- …» → "1.2"); any other bullet
   or a line without a number has "". Numbering that starts again or skips is kept and warned about.
   The text of a decision is its wording without the number, the addressee (when it came from a
   heading, the opening words, an «Ответственный:» line or a table column) and the deadline
   phrase (``find_deadline``, with the protocol's date as reference); the final «.» or «;» stays.
   «Рекомендовать руководителям ОО …» keeps its whole wording (the addressee is inside the
   sentence) and still names «руководителям ОО» as the addressee. Information and control
   decisions have no addressee.
5. A table whose header names the columns (№ | содержание/решение/мероприятие | ответственный |
   срок, in any order) gives one decision per row.
6. With no decision heading at all, numbered items outside the agenda and lists are taken as the
   decisions; with none of those, each sentence of running text with «рекомендуют»,
   «рекомендует», «рекомендуется» … becomes one recommendation (the whole sentence from the verb
   on: coordinated verbs stay together, «одобрить …, обобщить и распространить …»). Both warn.

Everything unsure is said in ``warnings`` (Russian); a warning about one decision starts with
«Пункт N:» (or «Пункт «its first words…»:» when it has no number).

Speed: one pass, precompiled expressions, no backtracking over the document; every lookup into
what was read so far (the anchor of a bullet, the parent of «1.2» or «а)», the agenda titles) is
kept at hand, so the time grows linearly with the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.protocols import kinds
from tracker.protocols.addressing import (
    extract_responsible,
    heading_addressee,
    is_infinitive,
    split_opening,
)
from tracker.protocols.deadlines import FoundDeadline, find_deadline
from tracker.protocols.document import read_document, read_text
from tracker.protocols.header import parse_header
from tracker.protocols.model import (
    AgendaEntry,
    Block,
    ParsedDecision,
    ParsedProtocol,
    ProtocolError,
)
from tracker.protocols.signatures import find_signatures
from tracker.protocols.structure import (
    Heading,
    Kind,
    Line,
    Marker,
    MarkerKind,
    TableColumns,
    classify,
    clean,
    find_names,
    parse_marker,
    speaker_line,
    to_lines,
)

NO_DECISIONS = "В документе не найдено ни одного решения."
MAX_NUMBER = 20
MAX_DEPTH = 8
MAX_TEXT = 10_000


def parse_text(text: str, *, markdown: bool | None = None) -> ParsedProtocol:
    """A protocol given as text (a paste). ``markdown``: None decides by the text itself."""
    return parse_blocks(read_text(text, markdown=markdown))


def parse_document(data: bytes, filename: str) -> ParsedProtocol:
    """A protocol file: ``.docx``, ``.txt`` or ``.md``."""
    return parse_blocks(read_document(data, filename))


def parse_blocks(blocks: Sequence[Block]) -> ParsedProtocol:
    return _Parser(to_lines(blocks)).parse()


# ------------------------------------------------------------------ the pieces being collected


@dataclass
class _Gov:
    """A heading inside a block that governs the items under it."""

    addressee: str
    lead: str = ""
    recommend: bool = False
    deadline: DeadlineRule | None = None
    source: str = ""


@dataclass(eq=False)
class _Item:
    marker: Marker | None
    texts: list[str]
    gov: _Gov | None
    parent: _Item | None = None
    children: list[_Item] = field(default_factory=list)
    deadline_line: str = ""
    responsible: str = ""
    derived: bool = False
    """A line without a number taken as an item of its own in a numbered block."""
    depth: int = 0
    """0 for a root; never above ``MAX_DEPTH``."""

    @property
    def text(self) -> str:
        return " ".join(t for t in self.texts if t).strip()


@dataclass(eq=False)
class _Block:
    section: int | None
    heading: _Gov
    loose: bool = False
    items: list[_Item] = field(default_factory=list)
    gov: _Gov | None = None
    skipped: list[str] = field(default_factory=list)
    heading_deadline: str = ""
    responsible: str = ""

    anchor: _Item | None = None
    """The last item that is neither a bullet nor a line under a lead-in."""
    numbered: bool = False
    """Whether any item has a number."""

    def add(self, item: _Item) -> None:
        self.items.append(item)
        self._note(item)

    def pop(self) -> _Item:
        item = self.items.pop()
        self.anchor, self.numbered = None, False
        for other in self.items:
            self._note(other)
        return item

    def _note(self, item: _Item) -> None:
        bullet = item.marker is not None and item.marker.kind is MarkerKind.BULLET
        implicit = item.marker is None and item.parent is not None
        if not bullet and not implicit:
            self.anchor = item
        self.numbered = self.numbered or item.marker is not None


@dataclass(eq=False)
class _TableUnit:
    line: Line
    section: int | None
    gov: _Gov | None


@dataclass
class _AgendaItem:
    number: int | None
    texts: list[str]
    speakers: list[str] = field(default_factory=list)
    numbered: bool = False

    @property
    def title(self) -> str:
        return " ".join(self.texts).strip()


@dataclass
class _Pending:
    """A decision before inherited deadlines and addressees are settled."""

    number: str
    text: str
    kind: str
    addressee: str
    rule: DeadlineRule
    section: int | None
    inherited_deadline: _Gov | None = None
    own_addressee: bool = False
    parts: tuple[int, ...] = ()
    from_line: bool = False
    """The deadline came from a «Срок: …» line under the item."""


# ------------------------------------------------------------------ small helpers

_TERMINAL = ".;!?"
_DOUBLE_PERIOD = re.compile(r"(?<![.])\.\.(?![.])")
_LEAD_VERB = re.compile(r"(?:рекомендовать|поручить|предложить|обязать|просить)\s", re.IGNORECASE)
_APPENDIX = re.compile(
    r"приложени[ея](?:\s*(?:№|N)?\s*\d{1,3})?"
    r"(?:\s+к\s+(?:протоколу|решению|постановлению|приказу|резолюции)(?:\s.{0,80})?)?[.:]?",
    re.IGNORECASE,
)
_SELF_ACTING = re.compile(
    r"(?:утвердить|избрать|одобрить|согласовать|считать|признать|определить|установить"
    r"|принять\s+(?!меры|участие|к\s+исполнению))(?![а-яё])",
    re.IGNORECASE,
)
_NONE_CELL = re.compile(r"[-–—]+|нет|не\s+указан[оа]?", re.IGNORECASE)
_SECTION_TITLE = re.compile(r"(?:о|об|обо)\s", re.IGNORECASE)
_NORMALISE = re.compile(r"[^0-9a-zа-яё]+")
_INLINE_ITEM = re.compile(r"(?<=[.;:])\s+(?P<n>\d{1,2})[.)]\s+(?=[А-ЯЁа-яё«])")
_INLINE_SPEAKER = re.compile(
    r"[\s,.;–—-]*[(\[]?\s*(?:докладчик(?:и|а)?|докладчица|содокладчик(?:и)?|выступающ[а-яё]*"
    r"|отв\.|ответственн[а-яё]*)\s*[:\-–—]?\s*(?P<who>[^()\[\]]+?)\s*[)\]]?\s*$",
    re.IGNORECASE,
)
_BRACKET_SPEAKER = re.compile(
    r"\s*\((?:информация\s+|сообщение\s+)?(?P<who>[^()]*?)\)\s*\.?\s*$", re.IGNORECASE
)
_DASH_SPEAKER = re.compile(r"\s+[–—-]\s+(?P<who>[^–—]+?)\s*$")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+(?=[«\"A-ZА-ЯЁ])")
_ABBREVIATION_BEFORE = re.compile(
    r"(?:^|[\s(])(?:[А-ЯЁA-Z]|г|гг|т|тт|п|пп|ст|им|ул|д|с|см|рис|т\.е|т\.д|т\.п|т\.г|т\.к|др|пр"
    r"|руб|тыс|млн|№|обл|р-н|ред|изд|кв|стр|ч|мин)\.$"
)


def _norm(text: str) -> str:
    return _NORMALISE.sub(" ", text.lower()).strip()


def _tidy(text: str) -> str:
    """Single spaces, no punctuation left over at the start, the final «.» or «;» kept."""
    text = " ".join(text.split())
    text = text.lstrip(" -–—:;,.").strip()
    text = _DOUBLE_PERIOD.sub(".", text)
    return text.rstrip(" ,:–—-").strip()


def _needs_addressee(kind: str, text: str) -> bool:
    """Whether a decision without an addressee is worth a warning: not «Утвердить план …»,
    «Избрать председателем …», which the meeting does itself."""
    if kind not in (kinds.INSTRUCTION, kinds.RECOMMENDATION):
        return False
    return _SELF_ACTING.match(text) is None


def _label(number: str, text: str) -> str:
    """How a warning names a decision: «Пункт 1.2», or its first words when it has no number."""
    return f"Пункт {number}" if number else f"Пункт «{_quote(text, 40)}»"


def _sentences(text: str) -> list[str]:
    """The sentences of a paragraph; initials and abbreviations («Л.Д.», «г.», «т.д.») kept whole."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        before = text[start : match.start()]
        if _ABBREVIATION_BEFORE.search(before):
            continue
        pieces.append(before.strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _split_inline_items(marker: Marker | None, body: str) -> list[tuple[Marker | None, str]]:
    """«1. Принять к сведению. 2. Обеспечить …» on one line → two items (only when the numbers
    go on one by one)."""
    expected = marker.parts[0] + 1 if marker and marker.kind is MarkerKind.DECIMAL else 1
    if marker is not None and len(marker.parts) != 1:
        return [(marker, body)]
    pieces: list[tuple[Marker | None, str]] = []
    current_marker, start = marker, 0
    for match in _INLINE_ITEM.finditer(body):
        if int(match.group("n")) != expected:
            continue
        pieces.append((current_marker, body[start : match.start()].strip()))
        label = body[match.start("n") : match.end()].strip()
        current_marker = Marker(MarkerKind.DECIMAL, label, (expected,))
        start = match.end()
        expected += 1
    pieces.append((current_marker, body[start:].strip()))
    return [(m, b) for m, b in pieces if b or m is not None]


def _looks_like_decision(text: str) -> bool:
    first = text.split(" ", 1)[0]
    return bool(
        is_infinitive(first)
        or split_opening(text) is not None
        or kinds.is_control(text)
        or kinds.is_information(text)
        or first.lower().startswith("рекоменд")
    )


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number_list(pending: Sequence[_Pending]) -> str:
    names = [p.number or f"«{_quote(p.text, 30)}»" for p in pending]
    if len(names) > 6:
        return f"{', '.join(names[:5])} … {names[-1]}"
    return ", ".join(names)


# ------------------------------------------------------------------ the parser


class _Parser:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.warnings: list[str] = []
        self.agenda: list[_AgendaItem] = []
        self.units: list[_Block | _TableUnit] = []
        self.loose: list[_Block] = []
        self.date: date | None = None
        # the walk
        self.zone = "free"
        self.section: int | None = None
        self.section_seq = 0
        self.section_has_block = False
        self.block: _Block | None = None
        self.blank_before = False
        self.pending_section_block = False
        self.speaker_mode = 0  # 1: «Докладчик:» seen, names follow; 2: more names may follow
        self._titles: dict[str, list[tuple[int | None, str]]] = {}
        self._titles_key: tuple[int, int] = (-1, -1)

    # ---------------------------------------------------------------- top level

    def parse(self) -> ParsedProtocol:
        end = self._before_appendix()
        sig_start, signatures = find_signatures(self.lines, end)
        header = parse_header(self.lines, sig_start)
        self.date = header.date
        start = max(header.title_lines, default=-1) + 1
        self._walk(start, sig_start, header.title_lines)
        agenda = self._agenda_entries()
        decisions = self._decisions(agenda, start, sig_start)
        if not decisions:
            raise ProtocolError(NO_DECISIONS)
        warnings = list(dict.fromkeys([*header.warnings, *self.warnings]))
        return ParsedProtocol(
            kind=header.kind,
            title=header.title,
            number=header.number[:50],
            date=header.date,
            place=header.place,
            agenda=tuple(agenda),
            decisions=tuple(decisions),
            signatures=signatures,
            warnings=tuple(warnings),
        )

    def _before_appendix(self) -> int:
        """Where the protocol ends: before an appendix («Приложение 1 к протоколу …») that
        follows the signatures, else at the last line."""
        for line in self.lines:
            if line.marker is None and line.index > 0 and _APPENDIX.fullmatch(line.text):
                start, signatures = find_signatures(self.lines, line.index)
                if signatures and start > 0:
                    self.warnings.append(
                        f"Текст после подписей («{_quote(line.text, 40)}» и далее) не разобран — "
                        "проверьте приложение сами."
                    )
                    return line.index
        return len(self.lines)

    # ---------------------------------------------------------------- the walk over lines

    def _walk(self, start: int, end: int, skip: frozenset[int]) -> None:
        for line in self.lines[start:end]:
            if line.index in skip:
                continue
            if line.blank:
                self.blank_before = True
                continue
            self._line(line)
            self.blank_before = False
        self._close_block()

    def _line(self, line: Line) -> None:
        if line.table is not None:
            gov = None
            if self.block is not None and not self.block.loose:
                gov = self.block.gov or (
                    self.block.heading if self.block.heading.addressee else None
                )
            self._close_block()
            self.zone = "free"
            self.units.append(_TableUnit(line, self.section, gov))
            self.section_has_block = True
            return
        heading = classify(line.body)
        if self.zone == "agenda" and self._agenda_line(line, heading):
            return
        if self._structural(line, heading):
            return
        if self.zone == "block" and self.block is not None:
            self._block_line(line, heading)
            return
        self._free_line(line, heading)

    def _structural(self, line: Line, heading: Heading | None) -> bool:
        """Headings that end whatever came before them; True when the line was one."""
        marker = line.marker
        if heading is None:
            if marker is not None and (
                marker.kind is MarkerKind.ROMAN
                or self._repeats_agenda_title(line)
                or self._free_section_line(line)
            ):
                self._section(marker.parts[0], line)
                return True
            return False
        handler = _STRUCTURAL.get(heading.kind)
        if handler is None:
            return False
        if heading.kind is Kind.DECISION:
            if marker is not None and self.zone == "block":
                return False  # «3. Рекомендовать руководителям ОО:» is an item of the block
        elif heading.kind not in (Kind.HEARD, Kind.SECTION) and marker is not None:
            return False
        return handler(self, line, heading)

    def _on_agenda(self, line: Line, heading: Heading) -> bool:
        if self.agenda:
            return False  # a second «Повестка» is text
        self._close_block()
        self.zone = "agenda"
        self.speaker_mode = 0
        if heading.rest:
            rest_marker, rest_body = parse_marker(heading.rest)
            for m, body in _split_inline_items(rest_marker, rest_body.strip()):
                self._agenda_item(m, body)
        return True

    def _on_heard(self, line: Line, heading: Heading) -> bool:
        marker = line.marker
        popped = self._pop_section_item()
        self._close_block()
        if marker is not None and marker.kind in (MarkerKind.DECIMAL, MarkerKind.ROMAN):
            self._set_section(marker.parts[0])
        elif popped is not None:
            self._set_section(popped)
        elif self.section_has_block or self.section is None:
            self._set_section(self.section_seq + 1)
        self.zone = "free"
        return True

    def _on_section(self, line: Line, heading: Heading) -> bool:
        number = heading.number
        if number is None and line.marker is not None and line.marker.parts:
            number = line.marker.parts[0]
        self._close_block()
        self._set_section(number if number is not None else self.section_seq + 1)
        self.zone = "free"
        if heading.decision:
            self._open_block(heading)
        elif line.body.rstrip().endswith(":"):
            self.pending_section_block = True
        return True

    def _on_decision(self, line: Line, heading: Heading) -> bool:
        popped = self._pop_section_item(agenda_only=True)
        self._close_block()
        if popped is not None:
            self._set_section(popped)
        self._open_block(heading)
        return True

    def _on_attendance(self, line: Line, heading: Heading) -> bool:
        self._close_block()
        self.zone = "attendance"
        return True

    def _on_speech(self, line: Line, heading: Heading) -> bool:
        self._close_block()
        self.zone = "free"
        return True

    def _on_meta(self, line: Line, heading: Heading) -> bool:
        return True

    # ---------------------------------------------------------------- sections

    def _set_section(self, number: int) -> None:
        self.section = number
        self.section_seq = number
        self.section_has_block = False
        self.pending_section_block = False

    def _section(self, number: int, line: Line) -> None:
        self._close_block()
        self._set_section(number)
        self.zone = "free"
        if line.body.rstrip().endswith(":"):
            self.pending_section_block = True

    def _repeats_agenda_title(self, line: Line) -> bool:
        marker = line.marker
        if marker is None or marker.kind is not MarkerKind.DECIMAL or len(marker.parts) != 1:
            return False
        if not self.agenda:
            return False
        body = _norm(line.body)
        if len(body) < 12:
            return False
        for number, title in self._agenda_titles().get(body[:12], ()):
            if title.startswith(body[:60]) or body.startswith(title[:60]):
                return number is None or number == marker.parts[0]
        return False

    def _agenda_titles(self) -> dict[str, list[tuple[int | None, str]]]:
        """The agenda's titles, normalised, by their first 12 characters (built once)."""
        key = (len(self.agenda), len(self.agenda[-1].texts) if self.agenda else 0)
        if self._titles_key != key:
            index: dict[str, list[tuple[int | None, str]]] = {}
            for item in self.agenda:
                title = _norm(item.title)
                if len(title) >= 12:
                    index.setdefault(title[:12], []).append((item.number, title))
            self._titles, self._titles_key = index, key
        return self._titles

    def _free_section_line(self, line: Line) -> bool:
        """«2. Об итогах …» after the agenda, outside a block: the section of agenda item 2."""
        marker = line.marker
        if self.zone == "block" or marker is None or marker.kind is not MarkerKind.DECIMAL:
            return False
        if len(marker.parts) != 1 or not self.agenda:
            return False
        numbers = {item.number for item in self.agenda}
        return marker.parts[0] in numbers and _SECTION_TITLE.match(line.body) is not None

    def _pop_section_item(self, *, agenda_only: bool = False) -> int | None:
        """«2. Об итогах …» read as the block's last item, then «СЛУШАЛИ:» (or, when it is an
        agenda item's number, «РЕШИЛИ:») — it was a section heading."""
        block = self.block
        if block is None or not block.items:
            return None
        if agenda_only:
            last_marker = block.items[-1].marker
            numbers = {a.number for a in self.agenda}
            if last_marker is None or not last_marker.parts or last_marker.parts[0] not in numbers:
                return None
        last = block.items[-1]
        marker = last.marker
        if (
            marker is None
            or marker.kind is not MarkerKind.DECIMAL
            or len(marker.parts) != 1
            or last.children
            or last.parent is not None
            or len(last.texts) != 1
            or not _SECTION_TITLE.match(last.text)
        ):
            return None
        block.pop()
        return marker.parts[0]

    # ---------------------------------------------------------------- agenda

    def _agenda_item(self, marker: Marker | None, body: str) -> None:
        number = None
        if marker is not None and marker.kind in (MarkerKind.DECIMAL, MarkerKind.ROMAN):
            number = marker.parts[0]
        numbered = marker is not None and marker.kind is not MarkerKind.BULLET
        self.agenda.append(_AgendaItem(number=number, texts=[body], numbered=numbered))
        self.speaker_mode = 0

    def _add_speakers(self, text: str) -> bool:
        """Speakers from a line; False when the line names nobody."""
        if not self.agenda:
            return False
        names = find_names(text)
        item = self.agenda[-1]
        if names:
            item.speakers.extend(n for n in names if n not in item.speakers)
            return True
        who = text.strip(" .;,:–—-")
        if who and who not in item.speakers:
            item.speakers.append(who)
            self.warnings.append(
                f"Докладчик «{_quote(who)}» записан без фамилии и инициалов — проверьте."
            )
        return False

    def _agenda_line(self, line: Line, heading: Heading | None) -> bool:
        """True when the line belongs to the agenda; False ends the agenda."""
        marker = line.marker
        if (marker is None or marker.kind is MarkerKind.BULLET) and self._agenda_speaker(
            line, heading
        ):
            return True
        if heading is not None and heading.kind in _ENDS_AGENDA:
            return self._end_agenda()
        if marker is not None and marker.kind is not MarkerKind.BULLET:
            return self._agenda_numbered(line, marker)
        return self._agenda_text(line)

    def _agenda_speaker(self, line: Line, heading: Heading | None) -> bool:
        speaker = speaker_line(line.body)
        if speaker is None or (heading is not None and heading.kind in _NOT_SPEAKER):
            return False
        if speaker:
            self._add_speakers(speaker)
            self.speaker_mode = 2
        else:
            self.speaker_mode = 1  # the names are on the next lines
        return True

    def _agenda_numbered(self, line: Line, marker: Marker) -> bool:
        sub_item = marker.kind is MarkerKind.LETTER or (
            marker.kind is MarkerKind.DECIMAL and len(marker.parts) > 1
        )
        if sub_item:
            if not self.agenda:
                return self._end_agenda()
            self.agenda[-1].texts.append(line.text)
            return True
        last = next((a.number for a in reversed(self.agenda) if a.number is not None), None)
        if last is not None and marker.parts[0] <= last:
            return self._end_agenda()  # numbering starts again: the sections begin
        for m, body in _split_inline_items(marker, line.body):
            self._agenda_item(m, body)
        return True

    def _agenda_text(self, line: Line) -> bool:
        """A line without a number (or a bullet)."""
        if self.speaker_mode == 1:
            self._add_speakers(line.text)
            self.speaker_mode = 2
            return True
        if self.speaker_mode == 2 and not self.blank_before and find_names(line.text):
            self._add_speakers(line.text)
            return True
        bullet = line.marker is not None
        if not self.agenda or (bullet and not any(a.numbered for a in self.agenda)):
            self._agenda_item(line.marker, line.body)
            return True
        if self.blank_before or self.speaker_mode:
            return self._end_agenda()
        if line.body[:1].islower() or any(a.numbered for a in self.agenda):
            self.agenda[-1].texts.append(line.body)
            return True
        self._agenda_item(None, line.body)
        return True

    def _end_agenda(self) -> bool:
        self.zone = "free"
        self.speaker_mode = 0
        return False

    def _agenda_entries(self) -> list[AgendaEntry]:
        entries: list[tuple[int | None, str, list[str]]] = []
        for item in self.agenda:
            title, inline = _split_speakers(item.title)
            speakers = list(dict.fromkeys([*inline, *item.speakers]))
            title = title.strip().rstrip(";,").strip()
            if title.endswith(".") and not title.endswith(".."):
                title = title[:-1].rstrip()
            if not title:
                continue
            entries.append((item.number, title, speakers))
        numbers = [n for n, _, _ in entries]
        explicit = [n for n in numbers if n is not None]
        renumber = len(set(explicit)) != len(explicit) or any(
            n is not None and not 1 <= n <= 1000 for n in numbers
        )
        if renumber:
            self.warnings.append(
                "Номера вопросов повестки повторяются или пропущены — вопросы пронумерованы по порядку."
            )
        result: list[AgendaEntry] = []
        used: set[int] = set()
        for position, (number, title, speakers) in enumerate(entries, start=1):
            value = position if renumber or number is None else number
            while value in used:
                value += 1
            used.add(value)
            result.append(AgendaEntry(number=value, title=title, speakers=tuple(speakers)))
        return result

    # ---------------------------------------------------------------- blocks

    def _open_block(self, heading: Heading, *, loose: bool = False) -> None:
        gov = _Gov(
            addressee=heading.addressee,
            lead=heading.lead,
            recommend=heading.recommend,
            source=heading.addressee,
        )
        if gov.addressee:
            gov = self._gov_with_deadline(gov)
        self.block = _Block(section=self.section, heading=gov, loose=loose)
        self.zone = "block" if not loose else self.zone
        self.pending_section_block = False
        if not loose:
            self.section_has_block = True
        if heading.rest:
            rest_marker, rest_body = parse_marker(heading.rest)
            for m, body in _split_inline_items(rest_marker, rest_body.strip()):
                if body:
                    self._add_item(m, body)

    def _gov_with_deadline(self, gov: _Gov) -> _Gov:
        found = find_deadline(gov.addressee, reference=self.date)
        if found.rule.kind is DeadlineKind.NONE:
            return gov
        addressee = _tidy(found.remainder.replace("()", ""))
        return replace(gov, addressee=addressee, deadline=found.rule)

    def _close_block(self) -> None:
        block = self.block
        self.block = None
        if self.zone == "block":
            self.zone = "free"
        if block is None or not block.items:
            return
        if block.loose:
            self.loose.append(block)
        else:
            self.units.append(block)

    def _add_item(
        self,
        marker: Marker | None,
        body: str,
        *,
        parent: _Item | None = None,
        derived: bool = False,
    ) -> None:
        block = self.block
        assert block is not None
        block.add(_Item(marker=marker, texts=[body], gov=block.gov, parent=parent, derived=derived))

    def _block_line(self, line: Line, heading: Heading | None) -> None:
        block = self.block
        assert block is not None
        marker = line.marker
        if marker is not None:
            if marker.kind is MarkerKind.BULLET:
                self._bullet(line)
                return
            for m, body in _split_inline_items(marker, line.body):
                self._add_item(m, body)
            return
        kind = heading.kind if heading is not None else None
        if kind is Kind.DEADLINE and heading is not None:
            if block.items:
                last = block.items[-1]
                last.deadline_line = f"{last.deadline_line} {heading.rest}".strip()
            else:
                block.heading_deadline = heading.rest
            return
        if kind is Kind.RESPONSIBLE and heading is not None:
            if block.items:
                block.items[-1].responsible = heading.rest
            else:
                block.responsible = heading.rest
            return
        if kind is Kind.ADDRESSEE and heading is not None:
            gov = _Gov(addressee=heading.addressee, lead=heading.lead, source=line.text)
            block.gov = self._gov_with_deadline(gov)
            return
        self._text_line(line.body)

    def _bullet(self, line: Line) -> None:
        block = self.block
        assert block is not None
        marker = line.marker
        assert marker is not None
        anchor = block.anchor
        if anchor is None:
            self._add_item(marker, line.body)
            return
        last = block.items[-1]
        deeper = (
            marker.level is not None
            and anchor.marker is not None
            and anchor.marker.level is not None
            and marker.level > anchor.marker.level
        )
        if anchor.text.endswith(":") or deeper or (last.parent is anchor):
            self._add_item(marker, line.body, parent=anchor)
            return
        if (
            last.marker is not None
            and last.marker.kind is MarkerKind.BULLET
            and last.parent is None
        ):
            self._add_item(marker, line.body)
            return
        last.texts.append(line.body)

    def _text_line(self, text: str) -> None:  # noqa: PLR0911 - a rule each
        block = self.block
        assert block is not None
        if not block.items:
            self._add_item(None, text)
            return
        last = block.items[-1]
        previous = last.text
        if previous.endswith(":") and last.children == [] and last.marker is not None:
            self._add_item(None, text, parent=last)
            return
        if last.parent is not None and last.marker is None and last.parent.text.endswith(":"):
            if previous.endswith((";", ".")) or text[:1].isupper():
                self._add_item(None, text, parent=last.parent)
            else:
                last.texts.append(text)
            return
        wraps = not previous.endswith(tuple(_TERMINAL + ":")) and text[:1].islower()
        if wraps:
            last.texts.append(text)
            return
        if block.numbered:
            if kinds.is_control(text) or (self.blank_before and _looks_like_decision(text)):
                self._add_item(None, text, derived=True)
                return
            if self.blank_before and previous.endswith(tuple(_TERMINAL)):
                block.skipped.append(text)
                return
            last.texts.append(text)
            return
        if previous.endswith(":") and last.marker is None and last.parent is None:
            self._add_item(None, text, parent=last)
            return
        self._add_item(None, text)

    # ---------------------------------------------------------------- free text

    def _free_line(self, line: Line, heading: Heading | None) -> None:
        marker = line.marker
        kind = heading.kind if heading is not None else None
        loose = self.block is not None and self.block.loose
        if loose and not self.blank_before and kind is not Kind.ADDRESSEE and marker is None:
            self._block_line(line, heading)  # the numbered item above goes on
            return
        if kind is Kind.ADDRESSEE and marker is None and self.zone != "attendance" and heading:
            self._close_block()
            self._open_block(Heading(Kind.DECISION, addressee=heading.addressee, lead=heading.lead))
            return
        if self.pending_section_block and marker is not None:
            self._open_block(Heading(Kind.DECISION))
            self._block_line(line, heading)
            return
        self.pending_section_block = False
        if kind is Kind.LIST_INTRO and marker is None:
            self._close_block()
            self.zone = "list"
            return
        if self.zone in ("list", "attendance"):
            if marker is None and self.blank_before and self.zone == "list":
                self.zone = "free"
            return
        if marker is not None and marker.kind in (MarkerKind.DECIMAL, MarkerKind.LETTER):
            if self.block is None:
                self.block = _Block(section=self.section, heading=_Gov(addressee=""), loose=True)
            self._block_line(line, heading)
            return
        if self.block is not None and self.block.loose:
            if marker is not None or not self.blank_before:
                self._block_line(line, heading)
            else:
                self._close_block()

    # ---------------------------------------------------------------- decisions

    def _decisions(self, agenda: list[AgendaEntry], start: int, end: int) -> list[ParsedDecision]:
        pending: list[_Pending] = []
        for unit in self.units:
            if isinstance(unit, _Block):
                pending += self._block_decisions(unit)
            else:
                pending += self._table_decisions(unit)
        pending = self._with_text(pending)
        if not pending and self.loose:
            self.warnings.append(
                "Заголовок решений («Решили:», «Постановили:», «Приняли решение:») не найден — "
                "решениями считаются пронумерованные пункты; проверьте их."
            )
            for block in self.loose:
                pending += self._block_decisions(block)
            pending = self._with_text(pending)
        if not pending:
            pending = self._with_text(self._prose(start, end))
        self._assign_agenda(pending, agenda)
        return [
            ParsedDecision(
                number=p.number[:MAX_NUMBER],
                text=p.text[:MAX_TEXT],
                kind=p.kind,
                addressee=p.addressee,
                agenda_item=p.section,
                deadline=p.rule,
            )
            for p in pending
        ]

    def _with_text(self, pending: list[_Pending]) -> list[_Pending]:
        for p in pending:
            if not p.text:
                self.warnings.append(f"{_label(p.number, '…')}: пункт без текста — пропущен.")
        return [p for p in pending if p.text]

    def _assign_agenda(self, pending: list[_Pending], agenda: list[AgendaEntry]) -> None:
        numbers = [a.number for a in agenda]
        if not numbers:
            for p in pending:
                p.section = None
            return
        wrong: set[int] = set()
        unknown: list[_Pending] = []
        for p in pending:
            if p.section is not None and p.section not in numbers:
                wrong.add(p.section)
                p.section = None
            if p.section is None:
                if len(numbers) == 1:
                    p.section = numbers[0]
                elif len(p.parts) > 1 and p.parts[0] in numbers:
                    p.section = p.parts[0]
                else:
                    unknown.append(p)
        for number in sorted(wrong):
            self.warnings.append(
                f"Раздел по вопросу {number} не совпадает ни с одним вопросом повестки — "
                "укажите вопрос у его решений."
            )
        if unknown:
            self.warnings.append(
                f"Не удалось определить вопрос повестки для пунктов {_number_list(unknown)} — "
                "укажите его."
            )

    # .................................................. a block's items → decisions

    def _block_decisions(self, block: _Block) -> list[_Pending]:
        roots = _link(block.items)
        self._check_numbering(roots)
        out: list[_Pending] = []
        heading_ctx = _Ctx(
            addressee=block.heading.addressee,
            from_heading=bool(block.heading.addressee),
            lead=block.heading.lead,
            recommend=block.heading.recommend,
            deadline=block.heading if block.heading.deadline is not None else None,
        )
        sibling: _Gov | None = None  # «2. Руководителям ОО:» with no sub-items governs 3., 4. …
        gov_seen: _Gov | None = None
        for item in roots:
            if item.gov is not gov_seen:
                gov_seen, sibling = item.gov, None
            if not item.children and item.marker is not None and item.text.endswith(":"):
                head = heading_addressee(item.text[:-1])
                if head is not None and not head.lead:
                    sibling = self._gov_with_deadline(
                        _Gov(addressee=head.addressee, source=item.text)
                    )
                    self.warnings.append(
                        f"Пункт {item.marker.number} («{_quote(item.text, 60)}») прочитан как "
                        "адресат следующих пунктов — проверьте."
                    )
                    continue
            ctx = heading_ctx
            gov = sibling or item.gov
            if gov is not None:
                ctx = _Ctx(
                    addressee=gov.addressee or heading_ctx.addressee,
                    from_heading=True,
                    lead=gov.lead,
                    recommend=heading_ctx.recommend or gov.recommend,
                    deadline=gov if gov.deadline is not None else heading_ctx.deadline,
                )
            self._emit(item, ctx, out)
        for text in block.skipped:
            self.warnings.append(f"Строка внутри решений пропущена: «{_quote(text)}» — проверьте.")
        self._settle_block(block, out)
        for p in out:
            if p.section is None:
                p.section = block.section
        return out

    def _settle_block(self, block: _Block, out: list[_Pending]) -> None:
        """Deadlines from headings, trailing «Срок:» / «Ответственные:» lines; addressee warnings."""
        self._inherit_deadlines(block, out)
        self._inherit_responsible(block, out)

    def _inherit_deadlines(self, block: _Block, leaves: list[_Pending]) -> None:
        if block.heading_deadline:  # «Срок: …» between the heading and the first item
            found = find_deadline(block.heading_deadline, reference=self.date)
            if found.rule.kind is not DeadlineKind.NONE:
                first = _Gov(addressee="", deadline=found.rule, source=block.heading_deadline)
                for p in leaves:
                    p.inherited_deadline = p.inherited_deadline or first
        trailing: _Gov | None = None
        with_line = [i for i in block.items if i.deadline_line]
        if (
            len(with_line) == 1
            and with_line[0] is block.items[-1]
            and len(leaves) > 1
            and leaves[-1].from_line
            and all(p.rule.kind is DeadlineKind.NONE for p in leaves[:-1])
        ):
            # «Срок: …» after the last item and nowhere else: it is the whole block's
            trailing = _Gov(
                addressee="", deadline=leaves[-1].rule, source=with_line[0].deadline_line
            )
            for p in leaves[:-1]:
                p.inherited_deadline = trailing
        users: dict[int, tuple[_Gov, list[_Pending]]] = {}
        for p in leaves:
            gov = p.inherited_deadline
            if gov is None or gov.deadline is None or p.rule.kind is not DeadlineKind.NONE:
                continue
            p.rule = gov.deadline
            users.setdefault(id(gov), (gov, []))[1].append(p)
        if trailing is not None and id(trailing) in users:
            users[id(trailing)][1].append(leaves[-1])
        for gov, ps in users.values():
            if len(ps) > 1 and gov.deadline is not None:
                numbers = _number_list(ps)
                self.warnings.append(
                    f"Срок «{gov.deadline.text}» указан один на несколько пунктов и применён "
                    f"к пунктам {numbers} — проверьте."
                )

    def _inherit_responsible(self, block: _Block, leaves: list[_Pending]) -> None:
        # a trailing «Ответственные: …» when nothing else names the addressee
        last_resp = [i for i in block.items if i.responsible]
        if (
            len(last_resp) == 1
            and last_resp[0] is block.items[-1]
            and len(leaves) > 1
            and not any(p.own_addressee for p in leaves[:-1])
            and not block.heading.addressee
            and all(i.gov is None for i in block.items)
        ):
            who = last_resp[0].responsible
            targets = [p for p in leaves if not p.addressee or p is leaves[-1]]
            for p in targets:
                p.addressee = who
            if len(targets) > 1:
                self.warnings.append(
                    f"«Ответственные: {_quote(who)}» указано после пунктов и применено к пунктам "
                    f"{_number_list(targets)} — проверьте."
                )
        if block.responsible:
            for p in leaves:
                if not p.addressee:
                    p.addressee = block.responsible
        for p in leaves:
            if not p.addressee and _needs_addressee(p.kind, p.text):
                self.warnings.append(
                    f"{_label(p.number, p.text)}: не найден адресат — укажите, кому адресовано решение."
                )

    def _emit(self, item: _Item, ctx: _Ctx, out: list[_Pending]) -> None:
        """The decisions of an item and of the items under it."""
        number = item.marker.number if item.marker is not None else ""
        label = _label(number, item.text)
        found = find_deadline(item.text, reference=self.date)
        own_addressee, body = _own_addressee(item, found.remainder)
        if item.derived:
            self.warnings.append(
                f"{label}: строка без номера прочитана как отдельное решение — проверьте."
            )
        if item.children and body.rstrip().endswith(":"):
            self._warn_deadline(label, found.warnings)
            lead_ctx = self._lead_in(
                label, item.text, body, own_addressee=own_addressee, rule=found.rule, ctx=ctx
            )
            lead_ctx = replace(lead_ctx, number=number or ctx.number)
            for child in item.children:
                self._emit(child, lead_ctx, out)
            return
        out.append(self._decision(item, label, body, found, own_addressee=own_addressee, ctx=ctx))
        if item.children:
            child_ctx = replace(
                ctx,
                addressee=own_addressee or ctx.addressee,
                from_heading=not own_addressee and ctx.from_heading,
                lead="",
            )
            for child in item.children:
                self._emit(child, child_ctx, out)

    def _warn_deadline(self, label: str, warnings: Sequence[str]) -> None:
        self.warnings += [f"{label}: {w}" for w in warnings]

    def _lead_in(
        self,
        label: str,
        text: str,
        body: str,
        *,
        own_addressee: str,
        rule: DeadlineRule,
        ctx: _Ctx,
    ) -> _Ctx:
        """What a lead-in («2. Руководителям ОО обеспечить:») hands to the items under it."""
        lead = body.rstrip()[:-1].strip()
        lead_deadline = None
        if rule.kind is not DeadlineKind.NONE:
            lead_deadline = _Gov(addressee="", deadline=rule, source=text)
        self._warn_two_addressees(label, own_addressee, ctx)
        lead_text = f"{ctx.lead} {lead}".strip() if ctx.lead and lead[:1].islower() else lead
        return _Ctx(
            addressee=own_addressee or ctx.addressee,
            from_heading=not own_addressee and ctx.from_heading,
            lead=lead_text,
            recommend=ctx.recommend or kinds.is_recommendation(text),
            deadline=lead_deadline or ctx.deadline,
        )

    def _decision(
        self,
        item: _Item,
        label: str,
        body: str,
        found: FoundDeadline,
        *,
        own_addressee: str,
        ctx: _Ctx,
    ) -> _Pending:
        text = body
        if ctx.lead and body[:1].islower():
            # «Рекомендовать:» + «руководителям ОО провести …» reads as one sentence, addressee
            # included; «Руководителям ОО обеспечить:» + «а) участие …» → «обеспечить участие …»
            whole = found.remainder if _LEAD_VERB.match(ctx.lead + " ") else body
            text = f"{ctx.lead} {whole}"
        kind_text = f"{ctx.lead} {item.text}" if ctx.lead else item.text
        rule = found.rule
        self._warn_deadline(label, found.warnings)
        from_line = False
        if rule.kind is DeadlineKind.NONE and item.deadline_line:
            extra = find_deadline(item.deadline_line, reference=self.date)
            self._warn_deadline(label, extra.warnings)
            if extra.rule.kind is not DeadlineKind.NONE:
                rule, from_line = extra.rule, True
        kind = kinds.classify_kind(kind_text, recommend=ctx.recommend)
        addressee = ""
        if kind in (kinds.INSTRUCTION, kinds.RECOMMENDATION):
            self._warn_two_addressees(label, own_addressee, ctx)
            addressee = own_addressee or ctx.addressee
        bullet = item.marker is not None and item.marker.kind is MarkerKind.BULLET
        number = item.marker.number if item.marker is not None else ""
        if bullet and not number:
            number = ctx.number
        decimal = item.marker is not None and item.marker.kind is MarkerKind.DECIMAL
        return _Pending(
            number=number,
            text=_tidy(text) or _tidy(item.text),
            kind=kind,
            addressee=addressee,
            rule=rule,
            section=None,
            inherited_deadline=ctx.deadline if rule.kind is DeadlineKind.NONE else None,
            own_addressee=bool(own_addressee),
            parts=item.marker.parts if decimal and item.marker is not None else (),
            from_line=from_line,
        )

    def _warn_two_addressees(self, label: str, own: str, ctx: _Ctx) -> None:
        if own and ctx.addressee and ctx.from_heading and _norm(own) != _norm(ctx.addressee):
            self.warnings.append(
                f"{label}: адресат указан и в заголовке («{_quote(ctx.addressee, 60)}»), "
                f"и в самом пункте («{_quote(own, 60)}») — взят из пункта."
            )

    def _check_numbering(self, items: Sequence[_Item]) -> None:
        previous: tuple[int, ...] | None = None
        previous_label = ""
        for item in items:
            marker = item.marker
            if item.children:
                self._check_numbering(item.children)
            if marker is None or marker.kind is not MarkerKind.DECIMAL:
                continue
            parts = marker.parts
            if previous is not None and parts[:-1] == previous[:-1]:
                if parts[-1] <= previous[-1]:
                    self.warnings.append(
                        f"Нумерация пунктов начинается заново после пункта {previous_label}."
                    )
                elif parts[-1] > previous[-1] + 1:
                    self.warnings.append(
                        f"После пункта {previous_label} идёт пункт {marker.number} — "
                        "номера между ними пропущены."
                    )
            previous, previous_label = parts, marker.number

    # .................................................. tables

    def _table_decisions(self, unit: _TableUnit) -> list[_Pending]:
        table, columns = unit.line.table, unit.line.columns
        assert table is not None
        assert columns is not None
        out: list[_Pending] = []
        section = unit.section
        gov_addressee = unit.gov.addressee if unit.gov is not None else ""
        for row in table.rows[columns.header_row + 1 :]:
            cells = [clean(c.replace("\n", " ")) for c in row]
            if all(re.fullmatch(r"\d{1,2}\.?", c) for c in cells if c):
                continue  # an empty row, or the row numbering the columns: 1 | 2 | 3 | 4
            distinct = [c for c in dict.fromkeys(cells) if c]
            if len(distinct) == 1 and len(cells) > 1:  # a merged row: a section or an addressee
                heading = classify(distinct[0])
                if heading is not None and heading.kind is Kind.SECTION and heading.number:
                    section = heading.number
                elif heading is not None and heading.kind is Kind.ADDRESSEE:
                    gov_addressee = heading.addressee
                continue
            pending = self._table_row(cells, columns, section=section, addressee=gov_addressee)
            if pending is not None:
                out.append(pending)
        return out

    def _table_row(
        self, cells: list[str], columns: TableColumns, *, section: int | None, addressee: str
    ) -> _Pending | None:
        def cell(index: int | None) -> str:
            value = cells[index] if index is not None and index < len(cells) else ""
            return "" if _NONE_CELL.fullmatch(value) else value

        wording = cell(columns.text)
        marker, body = parse_marker(wording)
        if marker is not None and marker.kind is not MarkerKind.BULLET:
            wording = body.strip()
        if not wording:
            return None
        number = cell(columns.number).strip()
        number = number[:-1] if number.endswith(".") else number
        if not number and marker is not None:
            number = marker.number
        label = _label(number, wording)
        raw_responsible = (
            cells[columns.responsible]
            if columns.responsible is not None and columns.responsible < len(cells)
            else ""
        )
        said_nobody = bool(_NONE_CELL.fullmatch(raw_responsible))  # «—»: nobody, as written
        deadline_text = cell(columns.deadline)
        found = find_deadline(wording, reference=self.date)
        text, rule = found.remainder, found.rule
        self._warn_deadline(label, found.warnings)
        if deadline_text:
            column = find_deadline(deadline_text, reference=self.date)
            self._warn_deadline(label, column.warnings)
            if column.rule.kind is not DeadlineKind.NONE:
                rule = column.rule
            elif not column.warnings:
                self.warnings.append(
                    f"{label}: срок «{_quote(deadline_text, 60)}» не распознан — укажите его."
                )
        opening = split_opening(text)
        who = cell(columns.responsible)
        if opening is not None:
            text = text if opening.lead else opening.rest
            who = who or ("" if said_nobody else opening.addressee)
        if not who and not said_nobody:
            who = addressee
        kind = kinds.classify_kind(wording)
        if kind in (kinds.CONTROL, kinds.INFORMATION):
            who = ""
        elif not who and not said_nobody and _needs_addressee(kind, text):
            self.warnings.append(f"{label}: не найден адресат — укажите, кому адресовано решение.")
        parts = tuple(int(p) for p in re.findall(r"\d+", number)[:3])
        return _Pending(
            number=number,
            text=_tidy(text),
            kind=kind,
            addressee=who,
            rule=rule,
            section=section,
            parts=parts if len(parts) > 1 else (),
        )

    # .................................................. recommendations in running text

    def _prose(self, start: int, end: int) -> list[_Pending]:
        out: list[_Pending] = []
        for line in self.lines[start:end]:
            if line.blank or line.table is not None or line.marker is not None:
                continue
            for sentence in _sentences(line.text):
                match = kinds.RECOMMEND_VERB.search(sentence)
                if match is None:
                    continue
                after = sentence[match.end() :].strip(" :,–—-")
                if len(after) < 10:
                    continue
                number = str(len(out) + 1)
                opening = split_opening(after)
                addressee = opening.addressee if opening is not None else ""
                wording = opening.rest if opening is not None else after
                found = find_deadline(wording, reference=self.date)
                self.warnings.append(
                    f"Пункт {number}: решения не оформлены пунктами — рекомендация прочитана из "
                    f"текста («{_quote(sentence, 90)}»); проверьте формулировку и адресата."
                )
                self.warnings += [f"Пункт {number}: {w}" for w in found.warnings]
                if not addressee:
                    self.warnings.append(
                        f"Пункт {number}: не найден адресат — укажите, кому адресована рекомендация."
                    )
                out.append(
                    _Pending(
                        number=number,
                        text=_tidy(found.remainder) or _tidy(wording),
                        kind=kinds.RECOMMENDATION,
                        addressee=addressee,
                        rule=found.rule,
                        section=None,
                    )
                )
        return out


_ENDS_AGENDA = frozenset(
    {Kind.SECTION, Kind.HEARD, Kind.DECISION, Kind.ATTENDANCE, Kind.SPEECH, Kind.AGENDA}
)
_NOT_SPEAKER = frozenset({Kind.SECTION, Kind.HEARD, Kind.DECISION})
_STRUCTURAL: dict[Kind, Callable[[_Parser, Line, Heading], bool]] = {
    Kind.AGENDA: _Parser._on_agenda,
    Kind.HEARD: _Parser._on_heard,
    Kind.SECTION: _Parser._on_section,
    Kind.DECISION: _Parser._on_decision,
    Kind.ATTENDANCE: _Parser._on_attendance,
    Kind.SPEECH: _Parser._on_speech,
    Kind.META: _Parser._on_meta,
}


@dataclass(frozen=True)
class _Ctx:
    """What an item inherits from the headings and lead-ins above it."""

    addressee: str = ""
    from_heading: bool = False
    lead: str = ""
    recommend: bool = False
    deadline: _Gov | None = None
    number: str = ""
    """The lead-in's number, for the bullets under it: «1.2. Директорам ОО:» + «- обеспечить …»
    are both decision 1.2, as people cite them."""


def _own_addressee(item: _Item, text: str) -> tuple[str, str]:
    """The addressee an item names itself (its opening words, «Ответственный: …») and the
    wording without it."""
    own = ""
    body = text
    opening = split_opening(text)
    if opening is not None:
        # «Рекомендовать руководителям ОО …» keeps its wording: the addressee is inside it
        own, body = opening.addressee, (text if opening.lead else opening.rest)
    elif text.endswith(":") and item.children:
        head = heading_addressee(text[:-1])
        if head is not None:
            own = head.addressee
            if not _LEAD_VERB.match(text):
                body = head.lead + ":" if head.lead else ":"
    responsible = extract_responsible(body)
    if responsible is not None and responsible[1]:
        own = own or responsible[0]
        body = responsible[1]
    elif item.responsible and not own:
        own = item.responsible
    return own, body


def _link(items: list[_Item]) -> list[_Item]:
    """The items as a tree; returns the roots in order (see ``_Tree``)."""
    tree = _Tree()
    for item in items:
        tree.add(item)
    return tree.roots


class _Tree:
    """Builds the item tree in one pass. «1.2» goes under the latest «1» (if the block has one),
    «а)» under the latest item that is not a letter or a bullet, a list of another numbering
    style starting from 1 under the numbered item ending with a colon just above it («2.2.
    Руководителям ОО:» + «1) …»), and with Word's numbering an item goes under the latest item of
    a lower list level. The tree is at most ``MAX_DEPTH`` deep."""

    def __init__(self) -> None:
        self.roots: list[_Item] = []
        self.decimals: list[_Item] = []  # the chain of decimal items, each a prefix of the next
        self.levels: list[_Item] = []  # Word's items, levels increasing
        self.plain: _Item | None = None  # the latest item a letter may go under
        self.lead: _Item | None = None  # the latest numbered item ending with a colon
        self.lead_style: tuple[object, ...] | None = None  # the style of the list under it

    def add(self, item: _Item) -> None:
        marker = item.marker
        parent = item.parent
        if parent is None and marker is not None:
            parent = self._under_lead(marker) or _numbered_parent(
                marker, self.decimals, self.levels, self.plain
            )
        self._remember(item)
        while parent is not None and parent.depth >= MAX_DEPTH:
            parent = parent.parent  # no document nests deeper; keeps the recursion shallow
        item.depth = parent.depth + 1 if parent is not None else 0
        item.parent = parent
        if parent is None:
            self.roots.append(item)
        else:
            parent.children.append(item)

    def _under_lead(self, marker: Marker) -> _Item | None:
        lead = self.lead
        if lead is None or lead.marker is None:
            return None
        style = _style(marker)
        if self.lead_style is None and style != _style(lead.marker) and marker.parts[-1:] == (1,):
            self.lead_style = style
            return lead
        if style == self.lead_style:
            return lead
        self.lead, self.lead_style = None, None
        return None

    def _remember(self, item: _Item) -> None:
        marker = item.marker
        if marker is not None and marker.level is not None:
            self.levels.append(item)
        if marker is not None and marker.kind is MarkerKind.DECIMAL:
            self.decimals.append(item)
        implicit = marker is None and item.parent is not None
        if not implicit and (marker is None or marker.kind not in _SUB_MARKERS):
            self.plain = item
        if marker is not None and marker.kind is not MarkerKind.BULLET and item.text.endswith(":"):
            self.lead, self.lead_style = item, None


_SUB_MARKERS = frozenset({MarkerKind.LETTER, MarkerKind.BULLET})


def _numbered_parent(
    marker: Marker, decimals: list[_Item], levels: list[_Item], plain: _Item | None
) -> _Item | None:
    """The parent of a numbered item; trims the stacks to what may still be a parent."""
    level = marker.level
    if level is not None:
        while levels and _level(levels[-1]) >= level:
            levels.pop()
        if level > 0 and levels:
            return levels[-1]
    if marker.kind is MarkerKind.DECIMAL:
        parts = marker.parts
        while decimals and not _prefix(decimals[-1], parts):
            decimals.pop()
        return decimals[-1] if decimals and len(parts) > 1 else None
    if marker.kind is MarkerKind.LETTER:
        return plain
    return None


def _style(marker: Marker) -> tuple[object, ...]:
    """How a list is numbered: «1.», «1)», «1.1.», «а)» are four styles."""
    return (marker.kind, len(marker.parts), marker.label.rstrip()[-1:], marker.level)


def _level(item: _Item) -> int:
    return item.marker.level or 0 if item.marker is not None else 0


def _prefix(candidate: _Item, parts: tuple[int, ...]) -> bool:
    marker = candidate.marker
    if marker is None:
        return False
    own = marker.parts
    return len(own) < len(parts) and parts[: len(own)] == own


def _split_speakers(title: str) -> tuple[str, list[str]]:
    """An agenda title with its speaker written inside: «О … (докладчик – Иванова И.И.)»."""
    match = _INLINE_SPEAKER.search(title)
    if match is not None and match.start() > 0:
        who = match.group("who")
        names = find_names(who)
        return title[: match.start()].rstrip(" ,.;–—-"), names or [who.strip(" .;,")]
    match = _BRACKET_SPEAKER.search(title)
    if match is not None and match.start() > 0:
        names = find_names(match.group("who"))
        if names:
            return title[: match.start()].rstrip(" ,.;–—-"), names
    match = _DASH_SPEAKER.search(title)
    if match is not None and match.start() > 0:
        who = match.group("who")
        names = find_names(who)
        if names and len(who.split()) <= 12 and who.lstrip()[:1].isupper():
            return title[: match.start()].rstrip(" ,.;–—-"), names
    return title, []
