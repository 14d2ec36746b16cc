"""The head of a protocol: its kind, title, number, date and place. Pure.

The title starts at the line naming the document («ПРОТОКОЛ № 3», «Выписка из протокола»,
«Резолюция», «РЕШЕНИЕ», «Приказ») among the first lines (lines above it, such as the department's
name, are left out) and goes on over the lines that continue it: those starting in lower case or
with a quote, and all-capital lines; a line with the date («от 12.03.2024 г. Сосновка», «"21"
февраля 2024 г.») ends it. The protocol's number and date have fields of their own and are taken
out of the title: «ПРОТОКОЛ № 3 / совещания руководителей / от 12.03.2024» → «ПРОТОКОЛ совещания
руководителей». The date is looked for in the title, then in «Дата проведения: …», then in the
short lines before the body (the agenda, the first section or the decisions): «от 05.02.2020 г.»,
«24 марта 2023 года», «г. Сосновка 12.03.2024». The place is the value of «Место проведения:» or
«Место:»; a town beside the date is not the place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.protocols.addressing import is_org_abbreviation
from tracker.protocols.structure import Kind, Line, classify

MAX_TITLE = 2000
MAX_PLACE = 500

_KIND_START = re.compile(
    r"(?P<kw>выписка\s+из\s+протокола|выписка\s+из\s+решения|выписка|протокол|резолюция|решение"
    r"|рекомендации|приказ|постановление)(?![а-яё])",
    re.IGNORECASE,
)
_KINDS = {
    "выписка из протокола": "protocol",
    "протокол": "protocol",
    "резолюция": "resolution",
    "рекомендации": "resolution",
    "выписка из решения": "decision",
    "решение": "decision",
    "приказ": "decision",
    "постановление": "decision",
}
_BODY_KINDS = frozenset({Kind.AGENDA, Kind.SECTION, Kind.HEARD, Kind.DECISION})
_SETTLEMENT = re.compile(r"(?:г|с|п|пос|пгт|д|ст|x)\.\s?[А-ЯЁ]")
_LABEL = re.compile(r"[А-ЯЁ][а-яё]+(?:\s+[а-яё]+){0,3}\s*:")
_STARTS_WITH_DATE = re.compile(r"[«\"]?\d")

_MONTHS = {
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
_DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\s?\.\s?(?P<m>\d{1,2})\s?\.\s?(?P<y>\d{4})(?!\d)"
    r"|(?<!\d)[«\"“]?(?P<td>\d{1,2})[»\"”]?\s+(?P<tm>"
    + "|".join(_MONTHS)
    + r")\s+(?P<ty>\d{4})(?!\d)"
    r"|(?<!\d)(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d)",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    r"дата(?:\s+и\s+время)?(?:\s+проведения)?(?:\s+[а-яё]+)?\s*(?::|-|–|—)", re.IGNORECASE
)
_PLACE = re.compile(
    r"место(?:\s+проведения)?(?:\s+[а-яё]+)?\s*(?::|-|–|—)\s*(?P<v>.+)", re.IGNORECASE
)
_NUMBER = re.compile(
    r"(?:№|(?<![A-Za-zА-Яа-яЁё])N(?:o\.?)?)\s*(?P<n>[0-9][0-9A-Za-zА-Яа-яЁё/\-.]*)"
)
_NOT_BEFORE_PROTOCOL_NUMBER = frozenset(
    {"школа", "школы", "сад", "сада", "гимназия", "гимназии", "лицей", "лицея", "корпус"}
    | {"кабинет", "каб.", "ауд.", "дом", "группа", "группы", "класс"}
)
_TITLE_DATE = re.compile(
    r"\s*(?:от\s+)?(?:[«\"“]?\d{1,2}[»\"”]?\s+(?:" + "|".join(_MONTHS) + r")\s+\d{4}"
    r"|\d{1,2}\s?\.\s?\d{1,2}\s?\.\s?\d{4})(?:\s*(?:г\.|года|г(?![а-яё])))?",
    re.IGNORECASE,
)
_SUBJECT = re.compile(r"(?:о|об|обо)\s+\S", re.IGNORECASE)
_DATE_LINE = re.compile(r"(?:от\s+)?[«\"“]?\d{1,2}[»\"”]?[\s.]", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    kind: str
    title: str
    number: str
    date: date | None
    place: str
    title_lines: frozenset[int]
    """Indices of the lines the title was made of."""
    warnings: tuple[str, ...]


def read_date(text: str) -> list[date]:
    """Every valid date written in the text, in order."""
    found: list[date] = []
    for match in _DATE.finditer(text):
        if match.group("d"):
            y, m, d = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        elif match.group("td"):
            y = int(match.group("ty"))
            m = _MONTHS[match.group("tm").lower()]
            d = int(match.group("td"))
        else:
            y, m, d = int(match.group("iy")), int(match.group("im")), int(match.group("id"))
        if not 1990 <= y <= 2100 or not 1 <= m <= 12 or not 1 <= d <= 31:
            continue
        try:
            found.append(date(y, m, d))
        except ValueError:
            continue
    return found


def _fmt(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def body_start(lines: Sequence[Line], limit: int) -> int:
    """The first line of the body: the agenda, a section, «СЛУШАЛИ», decisions or their table."""
    for line in lines[:limit]:
        if line.table is not None:
            return line.index
        if line.blank:
            continue
        heading = classify(line.body)
        if heading is not None and heading.kind in _BODY_KINDS:
            return line.index
    return limit


def _continues_title(line: Line) -> bool:
    text = line.text
    if line.marker is not None or not text or len(text) > 300:
        return False
    if _SETTLEMENT.match(text) or _LABEL.match(text) or _DATE_LINE.match(text):
        return False  # «г. Сосновка», «Место проведения: …», «от 12.03.2024», «"21" февраля …»
    first = text[0]
    if first.islower() or first in '«"„“(':
        return True
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return classify(line.body) is None and not _STARTS_WITH_DATE.match(text)
    return False


def _title(lines: Sequence[Line], start: int) -> tuple[int, list[int], list[str]]:
    """Where the title begins, the indices of its lines and a warning if there is none."""
    candidates = [line for line in lines[:start] if not line.blank][:8]
    first = next(
        (
            line
            for line in candidates
            if line.marker is None and _KIND_START.match(line.text) and not line.raw
        ),
        None,
    )
    warnings: list[str] = []
    if first is None:
        first = next(
            (
                line
                for line in candidates[:3]
                if line.marker is None
                and classify(line.body) is None
                and not _STARTS_WITH_DATE.match(line.text)
                and len(line.text) <= 300
            ),
            None,
        )
        warnings.append(
            "Не найдено, что это за документ (протокол, резолюция, решение), — принят «протокол»."
        )
        if first is None:
            return -1, [], warnings
    indices = [first.index]
    blanks = 0
    for line in lines[first.index + 1 : start]:
        if line.blank:
            blanks += 1
            if blanks > 1:
                break
            continue
        if len(indices) >= 6 or not _continues_title(line):
            break
        blanks = 0
        indices.append(line.index)
    if len(" ".join(lines[i].text for i in indices).split()) <= 2:
        indices += _subject(lines, indices[-1] + 1, start)
    return first.index, indices, warnings


def _subject(lines: Sequence[Line], begin: int, end: int) -> list[int]:
    """«ПОСТАНОВЛЕНИЕ / 04.04.2012 № 220 / О плане мероприятий …»: a bare kind word takes the
    subject lines («О …», «Об …») written under its date and number."""
    seen = 0
    for line in lines[begin:end]:
        if line.blank:
            continue
        seen += 1
        if seen > 3 or line.marker is not None:
            return []
        if _SUBJECT.match(line.text):
            found = [line.index]
            for following in lines[line.index + 1 : end]:
                if following.blank or not following.text[:1].islower() or len(found) >= 6:
                    break
                found.append(following.index)
            return found
        if not (_DATE_LINE.match(line.text) or _NUMBER.match(line.text)):
            return []
    return []


def _number_match(text: str) -> re.Match[str] | None:
    """«№ 3» of the protocol, not «СОШ № 2» or «детский сад № 5»."""
    for match in _NUMBER.finditer(text):
        before = text[: match.start()].split()
        previous = before[-1].strip('«»"(),') if before else ""
        if is_org_abbreviation(previous) or previous.lower() in _NOT_BEFORE_PROTOCOL_NUMBER:
            continue
        return match
    return None


def _number(texts: Sequence[str]) -> str:
    for text in texts:
        match = _number_match(text)
        if match is not None:
            return match.group("n").rstrip(".-/")
    return ""


def _bare_title(title: str) -> str:
    """The title without the protocol's number and date, which have fields of their own."""
    match = _number_match(title)
    if match is not None:
        title = title[: match.start()] + " " + title[match.end() :]
    title = _TITLE_DATE.sub(" ", title)
    return " ".join(title.split()).strip(" ,.:;–—-")


def parse_header(lines: Sequence[Line], limit: int) -> Header:
    """The header fields from the lines before ``limit`` (the signatures)."""
    start = body_start(lines, limit)
    first, indices, warnings = _title(lines, start)
    full_title = " ".join(lines[i].text for i in indices)
    title = _bare_title(full_title)
    if not title:
        warnings.append("Не найден заголовок документа — впишите название совещания.")
    elif len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rstrip()
        warnings.append(f"Заголовок длиннее {MAX_TITLE} знаков — обрезан.")
    kind = "protocol"
    if first >= 0:
        match = _KIND_START.match(full_title)
        if match is not None:
            word = " ".join(match.group("kw").lower().split())
            if word == "выписка":  # «ВЫПИСКА / из протокола …» over two lines
                word = "выписка из решения" if "из решени" in full_title.lower() else "протокол"
            kind = _KINDS[word]

    title_set = frozenset(indices)
    short = [
        line
        for line in lines[:start]
        if not line.blank
        and line.index not in title_set
        and line.marker is None
        and (len(line.text) <= 100 or _DATE_LABEL.match(line.text))
    ]
    labelled = [
        line
        for line in lines[:limit]
        if line.marker is None and not line.blank and _DATE_LABEL.match(line.text)
    ]
    title_dates = read_date(full_title)
    other_dates = [d for line in short for d in read_date(line.text)]
    label_dates = [d for line in labelled for d in read_date(line.text)]
    candidates = title_dates or label_dates or other_dates
    chosen = candidates[0] if candidates else None
    if chosen is None:
        warnings.append("Не найдена дата совещания — укажите её.")
    else:
        distinct = list(dict.fromkeys([*title_dates, *label_dates]))
        if len(distinct) > 1:
            listed = ", ".join(_fmt(d) for d in distinct)
            warnings.append(f"В заголовке несколько дат ({listed}) — взята {_fmt(chosen)}.")

    number_texts = [full_title] + [line.text for line in short[:6] if len(line.text) <= 60]
    number = _number(number_texts)

    place = ""
    for line in lines[:limit]:
        if line.marker is None and not line.blank:
            match = _PLACE.match(line.text)
            if match is not None:
                place = match.group("v").strip().rstrip(".;").strip()
                break
    if len(place) > MAX_PLACE:
        place = place[:MAX_PLACE].rstrip()
        warnings.append(f"Место проведения длиннее {MAX_PLACE} знаков — обрезано.")
    return Header(
        kind=kind,
        title=title,
        number=number,
        date=chosen,
        place=place,
        title_lines=title_set,
        warnings=tuple(warnings),
    )
