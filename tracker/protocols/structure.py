"""The lines of a protocol and what each one is: numbering, headings, names, decision tables.

Pure functions. ``to_lines`` turns the document's blocks into ``Line``s (the numbering marker
split off the text, Word's automatic numbering taken from ``Paragraph.list_number``, a table of
decisions kept whole, any other table flattened into lines); ``classify`` names the kind of a
heading line («Повестка дня:», «По первому вопросу», «СЛУШАЛИ:», «РЕШИЛИ:», «Руководителям ОО:»
…) or returns None for an ordinary line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tracker.protocols.addressing import heading_addressee, is_infinitive
from tracker.protocols.model import Block, Paragraph, Table

# ------------------------------------------------------------------ cleaning


_SPACE_TRANSLATION = str.maketrans(
    {
        **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u3000", " "),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
        "\r": "",
    }
)
_ODD_CHARS = re.compile(
    "[\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u3000\u00ad\u200b\u200c\u200d\u2060\ufeff\r]"
)
_EMPHASIS = re.compile(r"\*\*|__")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_SPACED_CAPS = re.compile(r"(?<![А-ЯЁа-яёA-Za-z])(?:[А-ЯЁ] {1,2}){3,}[А-ЯЁ](?![А-ЯЁа-яё])")


def clean(text: str) -> str:
    """One line as the parser reads it: single spaces, no Markdown emphasis, «Р Е Ш И Л И» joined;
    "" for a line of nothing but punctuation (a lone bullet, a rule)."""
    if _ODD_CHARS.search(text):
        text = text.translate(_SPACE_TRANSLATION)
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub("", text)
    if "#" in text:
        text = _MD_HEADING.sub("", text.strip())
    text = " ".join(text.split())
    if not any(ch.isalnum() for ch in text):
        return ""
    if " " in text:
        text = _SPACED_CAPS.sub(lambda m: m.group().replace(" ", ""), text)
    return text


# ------------------------------------------------------------------ numbering markers


class MarkerKind(StrEnum):
    DECIMAL = "decimal"  # 1.  1)  1.2.  1.2)
    LETTER = "letter"  # а)  а.  б)
    ROMAN = "roman"  # I.  II.
    BULLET = "bullet"  # -  •  –


@dataclass(frozen=True, slots=True)
class Marker:
    kind: MarkerKind
    label: str
    """As printed: "1.2.", "а)", "II.", "•"."""
    parts: tuple[int, ...] = ()
    """1.2. → (1, 2); II. → (2,); б) → (2,); a bullet → ()."""
    level: int | None = None
    """Word's list level, when the number is Word's automatic numbering."""

    @property
    def number(self) -> str:
        """The number as printed, without a final period: "1.2", "1)", "II", "а)"; "" for a bullet."""
        if self.kind is MarkerKind.BULLET:
            return ""
        label = self.label.strip().lstrip("(")
        return label[:-1] if label.endswith(".") else label


_DECIMAL = re.compile(r"\(?(?P<n>\d{1,3}(?:\.\d{1,3}){0,5})(?P<t>\.\)|\.|\))(?!\d)\s*")
_DECIMAL_BARE = re.compile(r"(?P<n>\d{1,3}(?:\.\d{1,3}){1,5})\s+(?=[^\d\s–—-])")
_LETTER_BRACKET = re.compile(r"\(?(?P<l>[а-яёА-ЯЁa-z])\)\s*(?=\S)")
_LETTER_DOT = re.compile(r"(?P<l>[а-яё])\.\s+(?=[а-яё«\"])")
_ROMAN = re.compile(r"(?P<r>(?=[IVXХ])(?:[XХ]{0,3})(?:IX|IV|V?I{0,3}))(?P<t>\.|\))\s+(?=\S)")
_BULLET = re.compile(r"[-–—•·▪●○◦►✓➢*]\s*(?=[^\s\d-])")
_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "Х": 10}


def roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES.get(ch, 0)
        following = _ROMAN_VALUES.get(numeral[i + 1], 0) if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _letter_marker(letter: str, label: str, level: int | None) -> Marker:
    position = _LETTERS.find(letter.lower())
    return Marker(MarkerKind.LETTER, label, (position + 1 if position >= 0 else 0,), level)


def parse_marker(text: str, level: int | None = None) -> tuple[Marker | None, str]:  # noqa: PLR0911 - a form each
    """The numbering at the start of a line, and the text after it."""
    if not text:
        return None, text
    first = text[0]
    if first.isdigit() or first == "(":
        match = _DECIMAL.match(text) or _DECIMAL_BARE.match(text)
        if match is not None:
            number = match.group("n")
            if not (match.re is _DECIMAL_BARE and number.split(".")[-1].startswith("0")):
                parts = tuple(int(p) for p in number.split("."))
                label = text[: match.end()].strip()
                return Marker(MarkerKind.DECIMAL, label, parts, level), text[match.end() :]
    if first.isalpha():
        match = _LETTER_BRACKET.match(text) or _LETTER_DOT.match(text)
        if match is not None:
            label = text[: match.end()].strip()
            return _letter_marker(match.group("l"), label, level), text[match.end() :]
        match = _ROMAN.match(text)
        if match is not None and match.group("r"):
            label = text[: match.end()].strip()
            value = roman_value(match.group("r"))
            return Marker(MarkerKind.ROMAN, label, (value,), level), text[match.end() :]
    elif first in "-–—•·▪●○◦►✓➢*":
        match = _BULLET.match(text)
        if match is not None:
            return Marker(MarkerKind.BULLET, first, (), level), text[match.end() :]
    if first.isdigit() or first == "(":
        match = _LETTER_BRACKET.match(text)
        if match is not None:  # «(а)»
            label = text[: match.end()].strip()
            return _letter_marker(match.group("l"), label, level), text[match.end() :]
    return None, text


def parse_list_number(label: str, level: int) -> Marker:
    """Word's automatic number ("1.", "1.2.", "а)", "•") as a marker."""
    label = clean(label)
    marker, rest = parse_marker(f"{label} x", level)
    if marker is not None and rest == "x":
        return Marker(marker.kind, label, marker.parts, level)
    digits = re.findall(r"\d{1,3}", label)
    if digits:
        return Marker(MarkerKind.DECIMAL, label, tuple(int(d) for d in digits), level)
    return Marker(MarkerKind.BULLET, label or "•", (), level)


# ------------------------------------------------------------------ lines


@dataclass(frozen=True, slots=True)
class TableColumns:
    header_row: int
    text: int
    number: int | None = None
    responsible: int | None = None
    deadline: int | None = None


@dataclass(frozen=True, slots=True)
class Line:
    index: int
    text: str
    """The whole line, marker included, single spaces."""
    body: str = ""
    """The text after the marker."""
    marker: Marker | None = None
    raw: str = ""
    """A flattened table row: its cells joined by tabs (a signature's columns)."""
    table: Table | None = None
    """A table of decisions, kept whole."""
    columns: TableColumns | None = None

    @property
    def blank(self) -> bool:
        return not self.text and self.table is None


_NUMBER_HEADER = re.compile(
    r"(?:№|n|#|номер)(?:\s*(?:п\s*/\s*п|пункта|п\.\s*п\.?))?\.?|п\s*/\s*п\.?"
)
_TEXT_HEADER_WORDS = (
    "содержание",
    "решени",
    "мероприяти",
    "поручени",
    "наименование",
    "текст",
    "пункт",
    "что сделать",
    "предложени",
)


def decision_columns(table: Table) -> TableColumns | None:
    """The columns of a table of decisions («№ | Содержание | Ответственный | Срок», any order,
    other columns ignored), or None when the table is something else."""
    for row_index, row in enumerate(table.rows[:3]):
        found: dict[str, int] = {}
        for column, cell in enumerate(row):
            low = cell.lower().strip()
            if not low or len(low) > 80:
                continue
            if "ответствен" in low or "исполнител" in low:
                found.setdefault("responsible", column)
            elif "срок" in low or "дата исполнения" in low:
                found.setdefault("deadline", column)
            elif _NUMBER_HEADER.fullmatch(low):
                found.setdefault("number", column)
            elif any(word in low for word in _TEXT_HEADER_WORDS):
                found.setdefault("text", column)
        if "text" in found and len(found) >= 2:
            return TableColumns(
                header_row=row_index,
                text=found["text"],
                number=found.get("number"),
                responsible=found.get("responsible"),
                deadline=found.get("deadline"),
            )
    return None


_BARE_NUMBER_CELL = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?")


def _row_cells(row: Sequence[str]) -> list[str]:
    """A row's cells, merged cells (repeated by Word) counted once, empty ones dropped."""
    cells: list[str] = []
    previous = None
    for cell in row:
        if cell == previous:
            continue
        previous = cell
        text = clean(cell.replace("\n", " "))
        if text:
            cells.append(text)
    return cells


def _paragraph_lines(paragraph: Paragraph, out: list[Line]) -> None:
    for k, part in enumerate(paragraph.text.split("\n")):
        text = clean(part)
        if k == 0 and paragraph.list_number is not None and paragraph.list_number.strip():
            if not text:
                out.append(Line(len(out), ""))
                continue
            word = parse_list_number(paragraph.list_number, max(paragraph.list_level, 0))
            out.append(Line(len(out), f"{word.label} {text}", text, word))
            continue
        marker, body = parse_marker(text)
        out.append(Line(len(out), text, body.strip() if marker else text, marker))


def _table_lines(table: Table, out: list[Line]) -> None:
    columns = decision_columns(table)
    if columns is not None:
        out.append(Line(len(out), "", "", table=table, columns=columns))
        return
    out.append(Line(len(out), ""))
    for row in table.rows:
        distinct = [cell for cell in dict.fromkeys(row) if cell.strip()]
        if len(distinct) == 1:
            for part in distinct[0].split("\n"):
                _paragraph_lines(Paragraph(part), out)
            continue
        cells = _row_cells(row)
        if not cells:
            out.append(Line(len(out), ""))
            continue
        if len(cells) > 1 and _BARE_NUMBER_CELL.fullmatch(cells[0]):
            first = cells[0] if cells[0].endswith(".") else f"{cells[0]}."
            cells = [f"{first} {cells[1]}", *cells[2:]]
        text = " ".join(cells)
        marker, body = parse_marker(text)
        out.append(Line(len(out), text, body.strip() if marker else text, marker, "\t".join(cells)))
    out.append(Line(len(out), ""))


def to_lines(blocks: Sequence[Block]) -> list[Line]:
    out: list[Line] = []
    for block in blocks:
        if isinstance(block, Table):
            _table_lines(block, out)
        elif isinstance(block, Paragraph):
            _paragraph_lines(block, out)
    return out


# ------------------------------------------------------------------ names of people

_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_PATRONYMIC = r"[А-ЯЁ][а-яё]*(?:овн|евн|ичн|ович|евич|ьич|ич)[а-яё]{0,3}"
NAME = re.compile(
    r"(?<![А-ЯЁа-яё.])(?:"
    rf"[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?{_SURNAME}"
    rf"|{_SURNAME}\s[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
    rf"|{_SURNAME}\s[А-ЯЁ][а-яё]+\s{_PATRONYMIC}"
    r")(?![А-ЯЁа-яё])"
)


def find_names(text: str) -> list[str]:
    """The people named in a text, as printed («Рыбина Л.Д.», «М.В.Нефёдова»)."""
    names: list[str] = []
    for match in NAME.finditer(text):
        name = match.group()
        if name not in names:
            names.append(name)
    return names


def is_name(text: str) -> bool:
    return NAME.fullmatch(text.strip().strip("/_()").strip().rstrip(",;")) is not None


# ------------------------------------------------------------------ headings


class Kind(StrEnum):
    AGENDA = "agenda"  # «Повестка дня:»
    SECTION = "section"  # «По первому вопросу», «Вопрос 2.»
    HEARD = "heard"  # «СЛУШАЛИ:»
    DECISION = "decision"  # «РЕШИЛИ:», «Приняли решение:», «Совещание РЕШАЕТ:», «Рекомендовать:»
    ATTENDANCE = "attendance"  # «Присутствовали:»
    META = "meta"  # «Время проведения:», «Председатель:»
    SPEECH = "speech"  # «Выступили:», «Голосовали:», «Решение принято единогласно»
    DEADLINE = "deadline"  # «Срок: …»
    RESPONSIBLE = "responsible"  # «Ответственный: …»
    ADDRESSEE = "addressee"  # «Руководителям ОО:»
    LIST_INTRO = "list_intro"  # any other line ending in a colon


@dataclass(frozen=True, slots=True)
class Heading:
    kind: Kind
    rest: str = ""
    """What follows the heading on the same line."""
    number: int | None = None
    """SECTION: the agenda item it opens."""
    addressee: str = ""
    lead: str = ""
    recommend: bool = False
    decision: bool = False
    """SECTION: the line also opens decisions («По первому вопросу решили:»)."""


_ORDINAL_DATIVE = {
    "первому": 1,
    "второму": 2,
    "третьему": 3,
    "четвертому": 4,
    "четвёртому": 4,
    "пятому": 5,
    "шестому": 6,
    "седьмому": 7,
    "восьмому": 8,
    "девятому": 9,
    "десятому": 10,
    "одиннадцатому": 11,
    "двенадцатому": 12,
    "тринадцатому": 13,
    "четырнадцатому": 14,
    "пятнадцатому": 15,
}
_ORDINAL_NOMINATIVE = {
    "первый": 1,
    "второй": 2,
    "третий": 3,
    "четвертый": 4,
    "четвёртый": 4,
    "пятый": 5,
    "шестой": 6,
    "седьмой": 7,
    "восьмой": 8,
    "девятый": 9,
    "десятый": 10,
}
_SECTION = re.compile(
    r"(?:по\s+(?:(?P<ord>"
    + "|".join(_ORDINAL_DATIVE)
    + r")|(?P<num>\d{1,3})(?:\s*-?\s*(?:му|ому|ему))?)"
    r"\s+вопросу(?![а-яё])"
    r"|по\s+вопросу\s*(?:№|N)?\s*(?P<num2>\d{1,3})(?!\d)"
    r"|вопрос\s*(?:№|N)?\s*(?P<num3>\d{1,3})(?![\d.]\d)"
    r"|(?P<ordn>" + "|".join(_ORDINAL_NOMINATIVE) + r")\s+вопрос(?![а-яё]))"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
_HEARD = re.compile(
    r"(?:слушали|заслушали)(?![а-яё])\s*(?:[:.\-–—]\s*)?(?P<rest>.*)", re.IGNORECASE
)
_AGENDA = re.compile(
    r"(?:на\s+)?(?:повестк[аеи](?:\s+дня)?|вопросы\s+повестки(?:\s+дня)?|порядок\s+дня"
    r"|рассматриваемые\s+вопросы|вопросы\s+для\s+(?:обсуждения|рассмотрения))"
    r"(?P<extra>(?:\s+[а-яё]+){0,4})\s*(?:(?::|\.|-|–|—)\s*(?P<rest>.*))?",
    re.IGNORECASE,
)
_ATTENDANCE = re.compile(
    r"(?:присутствовал[иа]?|присутствуют|приглашен[ыо]?|приглашённые|приглашенные"
    r"|отсутствовал[иа]?|отсутствуют|члены\s+[а-яё]+)(?![а-яё])[^:]{0,60}(?::|-|–|—|$)",
    re.IGNORECASE,
)
_META = re.compile(
    r"(?:председатель|председательствующий|председательствовал[аи]?|секретарь|время"
    r"(?:\s+проведения)?|дата(?:\s+и\s+время)?"
    r"(?:\s+проведения)?|место(?:\s+проведения)?|кворум|всего|из\s+них|начало|окончание)"
    r"(?![а-яё])[^:]{0,60}(?::|–|—)",
    re.IGNORECASE,
)
_SPEECH = re.compile(
    r"(?:выступил[аи]?|выступающие|выступления|голосовали|голосование|итоги\s+голосования"
    r"|результаты\s+голосования|(?:решение|резолюция|постановление|рекомендации|протокол)"
    r"\s+(?:принят[оаы]?|утвержд[её]н[аоы]?)|решения\s+приняты|единогласно"
    r"|обсуждение|в\s+обсуждении|в\s+прениях|предложил[аи]?|предложено|отметил[аи]?"
    r"|за\s*(?:-|–|—|:)\s*\d|против\s*(?:-|–|—|:)|воздержал)(?![а-яё])",
    re.IGNORECASE,
)
_SPEAKER = re.compile(
    r"(?P<word>докладчик(?:и|а)?|докладчица|содокладчик(?:и)?|выступающ(?:ий|ая|ие)"
    r"|выступила?|информация|сообщение|ответственн(?:ый|ая|ые))(?![а-яё])\s*(?:[:\-–—]\s*)?"
    r"(?P<rest>.*)",
    re.IGNORECASE,
)
_DEADLINE_LINE = re.compile(
    r"срок[иа]?(?:\s+(?:исполнения|выполнения|представления|реализации|исп\.))?\s*(?::|-|–|—)\s*"
    r"(?P<rest>.+)",
    re.IGNORECASE,
)
_RESPONSIBLE_LINE = re.compile(
    r"(?:ответственн(?:ый|ая|ые|ое)|исполнител[ьи]|отв\.)(?:\s+за\s+(?:исполнение|выполнение))?"
    r"\s*(?::|-|–|—)\s*(?P<rest>.+)",
    re.IGNORECASE,
)
_DECISION_WORD = re.compile(
    r"решил[иоа]?|решает|решают|решено|постановил[иоа]?|постановляет|постановляют|постановлено"
    r"|приказываю|постановляю|решаю|предлагаю|рекомендовал[иоа]?|рекомендует|рекомендуют"
    r"|рекомендовать|рекомендовано"
    r"|рекомендуется|рекомендации|решени[ея]",
    re.IGNORECASE,
)
_NOUN_DECISION_WORDS = frozenset({"решение", "решения", "рекомендации"})
_NOT_BEFORE_NOUN = frozenset(
    {"о", "об", "по", "проект", "проекта", "выполнении", "исполнении", "выполнение", "исполнение"}
)
_BARE_DECISION = re.compile(
    r"(?:[а-яё]+\s+){0,3}(?:решили|постановили|решило|решила|постановило|постановила|решает"
    r"|постановляет|приказываю|постановляю|решаю|приняли\s+решение|принято\s+решение"
    r"|рекомендовано|рекомендует"
    r"|рекомендуют)(?:\s+единогласно)?",
    re.IGNORECASE,
)
_EDGE = " .,:;!–—-"


def section_number(match: re.Match[str]) -> int | None:
    if match.group("ord"):
        return _ORDINAL_DATIVE[match.group("ord").lower()]
    if match.group("ordn"):
        return _ORDINAL_NOMINATIVE[match.group("ordn").lower()]
    for name in ("num", "num2", "num3"):
        if match.group(name):
            return int(match.group(name))
    return None


def speaker_line(body: str) -> str | None:
    """The speaker text of «Докладчик: Рыбина Л.Д.» (maybe ""), or None for another line."""
    match = _SPEAKER.match(body)
    if match is None:
        return None
    word = match.group("word").lower()
    rest = match.group("rest").strip()
    if word in {"информация", "сообщение"} and not find_names(rest):
        return None
    if word.startswith("ответствен") and not rest:
        return None
    return rest


def _decision_heading(body: str) -> Heading | None:  # noqa: PLR0911 - a rule each
    colon = body.find(":")
    if colon == -1:
        bare = body.strip(_EDGE)
        if _BARE_DECISION.fullmatch(bare):
            return Heading(Kind.DECISION, recommend="рекоменд" in bare.lower())
        return None
    head, rest = body[:colon], body[colon + 1 :].strip()
    words = head.split()
    if not words or len(words) > 14:
        return None
    at = next(
        (i for i, w in enumerate(words) if _DECISION_WORD.fullmatch(w.strip(_EDGE + "()«»"))),
        None,
    )
    if at is None:
        return None
    word = words[at].strip(_EDGE + "()«»").lower()
    if word in _NOUN_DECISION_WORDS and (
        at > 3 or (at and words[at - 1].lower() in _NOT_BEFORE_NOUN)
    ):
        return None  # «О выполнении решения:», «Проект решения:»
    pre, post = words[:at], words[at + 1 :]
    if len(post) > 8 or any(w.endswith((".", "!", "?")) and len(w) > 3 for w in pre):
        return None
    if any(is_infinitive(w) for w in pre) and not word.startswith("рекоменд"):
        return None
    addressee = ""
    lead = ""
    number = None
    post_text = " ".join(post)
    section = _SECTION.match(post_text) if post_text else None
    if section is not None:
        number = section_number(section)
    else:
        for phrase in (post_text, " ".join(pre)):
            found = heading_addressee(phrase) if phrase else None
            if found is not None:
                addressee, lead = found.addressee, found.lead
                break
    return Heading(
        Kind.DECISION,
        rest=rest,
        number=number,
        addressee=addressee,
        lead=lead,
        recommend=word.startswith("рекоменд"),
    )


def classify(body: str) -> Heading | None:  # noqa: PLR0911, PLR0912 - a kind each
    """What a line (its text after any numbering) is, when it is a heading of some kind."""
    if not body:
        return None
    if _SPEECH.match(body):
        return Heading(Kind.SPEECH)
    match = _HEARD.match(body)
    if match is not None:
        return Heading(Kind.HEARD, rest=match.group("rest").strip())
    match = _SECTION.match(body)
    if match is not None:
        rest = match.group("rest").strip()
        inner = _decision_heading(rest.lstrip(_EDGE)) if rest else None
        if inner is None and rest:
            # «По первому вопросу повестки дня решили:»
            inner = _decision_heading(rest.split(" ", 2)[-1]) if rest.count(" ") >= 1 else None
        return Heading(
            Kind.SECTION,
            rest=inner.rest if inner is not None else rest.lstrip(_EDGE),
            number=section_number(match),
            addressee=inner.addressee if inner is not None else "",
            lead=inner.lead if inner is not None else "",
            recommend=inner.recommend if inner is not None else False,
            decision=inner is not None,
        )
    match = _AGENDA.fullmatch(body)
    if match is not None and not any(
        is_infinitive(w) for w in (match.group("extra") or "").split()
    ):
        return Heading(Kind.AGENDA, rest=(match.group("rest") or "").strip())
    if _ATTENDANCE.match(body):
        return Heading(Kind.ATTENDANCE)
    if _META.match(body):
        return Heading(Kind.META)
    match = _DEADLINE_LINE.match(body)
    if match is not None:
        return Heading(Kind.DEADLINE, rest=body)
    match = _RESPONSIBLE_LINE.match(body)
    if match is not None:
        rest = match.group("rest").strip()
        if rest.endswith(".") and not re.search(r"(?:^|[\s.])[А-ЯЁ]\.$", rest):
            rest = rest[:-1].rstrip()
        return Heading(Kind.RESPONSIBLE, rest=rest)
    heading = _decision_heading(body)
    if heading is not None:
        return heading
    if body.endswith(":"):
        found = heading_addressee(body[:-1])
        if found is not None:
            return Heading(Kind.ADDRESSEE, addressee=found.addressee, lead=found.lead)
        return Heading(Kind.LIST_INTRO)
    return None
