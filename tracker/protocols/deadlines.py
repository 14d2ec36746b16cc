"""The deadline written in a decision's wording: «в срок до 01.03.2020», «постоянно», …

Pure: no database, no clock, no I/O. ``find_deadline(text, reference=protocol_date)`` returns
the first deadline phrase as a ``DeadlineRule``, the wording with that phrase cut out, and the
warnings (Russian) for whatever was guessed. It never raises on any ``str``.

How it reads: the text is normalised without changing its length (NBSP → space, «ё» → «е»,
every dash → «-»), so a match in the normalised text is the same span of the original and
``rule.text`` is the phrase exactly as written. Each form of deadline is one regular expression
built from the small named pieces below and one reader that turns a match into a rule (or
refuses it: «в 2019 году» in a 2024 protocol is history, not a deadline). All forms are
matched, overlapping matches keep the earliest and longest, and the first one is the rule.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from tracker.calendar.deadlines import DeadlineKind, DeadlineRule, Period


@dataclass(frozen=True)
class FoundDeadline:
    rule: DeadlineRule
    """Kind ``none`` when the text names no deadline."""
    remainder: str
    """The text with the deadline phrase cut out and the seam tidied."""
    warnings: tuple[str, ...]
    """Russian, for whatever was guessed or ambiguous."""


# ------------------------------------------------------------------ normalising, same length

_SAME_LENGTH = str.maketrans(
    {
        **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2009\u202f\t", " "),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        "ё": "е",
        "Ё": "Е",
    }
)

# ------------------------------------------------------------------ vocabulary

_MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря")  # fmt: skip
_MONTHS_PREPOSITIONAL = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре", "ноябре", "декабре")  # fmt: skip
_MONTH_NUMBER = {
    name: number
    for names in (_MONTHS_GENITIVE, _MONTHS_PREPOSITIONAL)
    for number, name in enumerate(names, start=1)
}

# Numbers as words, in the forms «в течение трёх дней», «через пять дней», «в десятидневный срок».
_NUMBER_WORDS = {
    "одного": 1, "одной": 1, "один": 1, "одно": 1,
    "двух": 2, "два": 2, "две": 2, "трех": 3, "три": 3, "четырех": 4, "четыре": 4,
    "пяти": 5, "пять": 5, "шести": 6, "шесть": 6, "семи": 7, "семь": 7,
    "восьми": 8, "восемь": 8, "девяти": 9, "девять": 9, "десяти": 10, "десять": 10,
    "четырнадцати": 14, "пятнадцати": 15, "пятнадцать": 15,
    "двадцати": 20, "двадцать": 20, "тридцати": 30, "тридцать": 30,
}  # fmt: skip
_ORDINALS = {
    "первого": 1, "первом": 1, "1": 1, "i": 1,
    "второго": 2, "втором": 2, "2": 2, "ii": 2,
    "третьего": 3, "третьем": 3, "3": 3, "iii": 3,
    "четвертого": 4, "четвертом": 4, "4": 4, "iv": 4,
}  # fmt: skip


def _one_of(words: Iterable[str]) -> str:
    """An alternation of literal words, longest first (so «двух» never stops «двадцати»)."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# ------------------------------------------------------------------ small named pieces

_START = r"(?<!\w)"  # a phrase starts at a word boundary
_END = r"(?:(?<=\.)|(?!\w))"  # … and ends at one, or right after an abbreviation's dot
_MONTH_GEN = rf"(?:{_one_of(_MONTHS_GENITIVE)})"
_MONTH_PREP = rf"(?:{_one_of(_MONTHS_PREPOSITIONAL)})"
_NUMBER_WORD = rf"(?:{_one_of(_NUMBER_WORDS)})"
_YEAR_WORD = r"(?:гг?\.|года|году|г(?!\w))"  # «г.», «года», «году», «г», «гг.»
_THIS_YEAR = r"(?:т\.\s?г\.?|текущего\s+года|сего\s+года|этого\s+года)"
_SCHOOL_YEARS = r"(?P<y1>[0-9]{4})\s*[-/]\s*(?P<y2>[0-9]{4}|[0-9]{2})(?![0-9])\s*(?:гг?\.\s*)?"

# «Срок:», «Срок исполнения –», «в срок», «Сроки выполнения мероприятий:»
_SROK = (
    r"(?:в\s+)?срок[иа]?"
    r"(?:\s+(?:исполнения|выполнения|представления|предоставления|реализации|проведения|сдачи))?"
    r"(?:\s+(?:решения|поручения|поручений|мероприятия|мероприятий|отчета|информации))?"
)
_LABEL = rf"(?:{_SROK}\s*(?::|-)?\s*)"
_BY = r"(?:до|не\s+позднее|не\s+позже|к)"  # «до», «не позднее», «к» before a date

# A date: «01.03.2020», «1.3.20», «15.05» (year-less), «1 марта 2020», «1 марта»;
# then «г.»/«года», or «т.г.»/«текущего года», and perhaps «включительно».
_NUMERIC_DATE = (
    r"(?P<d>[0-9]{1,2})\s?[./]\s?(?P<m>[0-9]{1,2})"
    r"(?:\s?[./]\s?(?P<y>[0-9]{4}|[0-9]{2})(?![0-9]))?"
    r"(?!\s*(?:%|процент|час|ч\.|ч(?!\w)|мин|руб|тыс|млн|балл))"  # not «до 10.00 часов», «до 1.5 %»
)
_WORDY_DATE = (
    rf"(?P<td>[0-9]{{1,2}})(?:\s?-?(?:го|е))?\s+(?P<tm>{_MONTH_GEN})(?:\s+(?P<ty>[0-9]{{4}}))?"
)
_DATE = (
    rf"(?:{_NUMERIC_DATE}|{_WORDY_DATE})"
    rf"(?:[\s.]*(?P<cur>{_THIS_YEAR})|\s*{_YEAR_WORD})?"
    r"(?:\s+включительно)?"
)
# The first end of a range «с 1 по 15 марта», «с 01.02.2024 по 01.03.2024»: read loosely.
_RANGE_FROM = (
    rf"[0-9]{{1,2}}(?:\s?\.\s?[0-9]{{1,2}}(?:\s?\.\s?[0-9]{{2,4}})?)?"
    rf"(?:\s+{_MONTH_GEN})?(?:\s+[0-9]{{4}})?(?:\s*г\.?(?!\w))?"
)

# An adverb followed by a participle describes somebody, it is no deadline:
# «систематически пропускающих занятия», «постоянно действующего семинара».
_PARTICIPLE = (
    r"[а-я]+(?:[уюая]щ|вш|[еи]м|[еао]нн)"
    r"(?:ий|ая|ое|ие|его|ей|ему|ими|им|их|ых|ую|ыми|ым|ой|ого|ом|ый|ые)(?!\w)"
)

# ------------------------------------------------------------------ readers' helpers


@dataclass(frozen=True)
class _Reading:
    rule: DeadlineRule
    warnings: tuple[str, ...] = ()


Reader = Callable[[re.Match[str], str, date | None], _Reading | None]
"""(match in the normalised text, the phrase as written, the protocol's date) → a reading,
or None when the match is not a deadline after all."""


def _fmt(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def _say(phrase: str, message: str) -> str:
    return f"Срок «{phrase}»: {message}"


def _on(day: date, phrase: str, *warnings: str) -> _Reading:
    return _Reading(DeadlineRule(kind=DeadlineKind.DATE, date=day, text=phrase), warnings)


def _unknown(phrase: str, message: str) -> _Reading:
    """A deadline phrase we recognise but cannot turn into a date: kind none, and say why."""
    return _Reading(DeadlineRule(kind=DeadlineKind.NONE, text=phrase), (_say(phrase, message),))


def _no_reference(phrase: str) -> _Reading:
    return _unknown(phrase, "без даты протокола год неизвестен — укажите дату")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date | None:
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    return date(year, month, month_calendar.monthrange(year, month)[1])


def _not_before(candidate: date, reference: date) -> date | None:
    """The candidate, or the same day a year later when the candidate is already past."""
    if candidate >= reference:
        return candidate
    return _safe_date(candidate.year + 1, candidate.month, candidate.day)


def _full_year(text: str) -> int:
    return int(text) + (2000 if len(text) == 2 else 0)


def _group(match: re.Match[str], name: str) -> str | None:
    """A named group's text, lower-cased; None when the pattern has no such group or it
    did not take part."""
    value = match.groupdict().get(name)
    return value.lower() if isinstance(value, str) else None


# ------------------------------------------------------------------ readers: dates


def _read_date(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    numeric = _group(match, "d") is not None
    day = int(_group(match, "d") or _group(match, "td") or 0)
    month_text = _group(match, "m") or ""
    month = int(month_text) if numeric else _MONTH_NUMBER.get(_group(match, "tm") or "", 0)
    year_text = _group(match, "y") or _group(match, "ty")
    this_year = _group(match, "cur") is not None
    # «до 15.05» without a year is only a date when it looks like one (not «до 10.00»).
    looks_like_date = len(month_text) == 2 and 1 <= month <= 12 and 1 <= day <= 31
    if year_text is None and not this_year and numeric and not looks_like_date:
        return None
    if year_text is not None:
        return _read_dated(phrase, _full_year(year_text), month, day, reference)
    if reference is None:
        return _no_reference(phrase)
    if this_year:
        return _read_dated(phrase, reference.year, month, day, reference)
    return _read_yearless(phrase, month, day, reference)


def _read_dated(phrase: str, year: int, month: int, day: int, reference: date | None) -> _Reading:
    due = _safe_date(year, month, day)
    if due is None:
        return _unknown(
            phrase, f"даты {day:02d}.{month:02d}.{year:04d} не существует — укажите срок вручную"
        )
    if reference is not None and due < reference:
        return _on(due, phrase, _say(phrase, f"дата раньше даты протокола ({_fmt(reference)})"))
    return _on(due, phrase)


def _read_yearless(phrase: str, month: int, day: int, reference: date) -> _Reading:
    first = _safe_date(reference.year, month, day)
    due = _not_before(first, reference) if first else None
    if due is None:
        return _unknown(phrase, f"даты {day:02d}.{month:02d} нет в {reference.year} году")
    return _on(due, phrase, _say(phrase, f"год не указан, принят {due.year}"))


# ------------------------------------------------------------------ readers: years and terms


def _is_history(due: date | None, reference: date | None) -> bool:
    """A period with its year given that ended before the protocol is history («в 2019 году»)."""
    return due is not None and reference is not None and due < reference


def _read_year_in(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«в 2024 г.», «в 2024 году»: only a year, taken as its last day."""
    due = _month_end(int(_group(match, "y") or 0), 12)
    if due is None or _is_history(due, reference):
        return None
    return _on(due, phrase, _say(phrase, f"указан только год, срок понят как {_fmt(due)}"))


def _read_year_end(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«в течение года», «до конца 2024 года», «до конца т.г.»: 31 December."""
    year_text = _group(match, "y")
    if year_text is None:
        return (
            _no_reference(phrase)
            if reference is None
            else _on(date(reference.year, 12, 31), phrase)
        )
    due = _month_end(int(year_text), 12)
    if due is None or _is_history(due, reference):
        return None
    return _on(due, phrase)


def _school_year_end(match: re.Match[str], reference: date | None) -> tuple[date | None, str]:
    """31 May ending the school year the phrase names, and a note on how it was read."""
    y1, y2 = _group(match, "y1"), _group(match, "y2")
    if y1 is not None and y2 is not None:
        first, last = int(y1), _full_year(y2)
        note = "" if last == first + 1 else f" (годы {first} и {last} не идут подряд)"
        return _safe_date(last, 5, 31), note
    if reference is None:
        return None, ""
    if (_group(match, "which") or "").startswith(("нов", "следующ")):
        # the school year starting next September
        return _safe_date(reference.year + (1 if reference.month < 9 else 2), 5, 31), ""
    # the school year under way; in summer, the coming one
    return _not_before(date(reference.year, 5, 31), reference), ""


def _read_school_year(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«в течение учебного года», «до конца 2024-2025 учебного года», «в 2024/25 учебном году»."""
    due, note = _school_year_end(match, reference)
    if due is None:
        return _no_reference(phrase) if _group(match, "y1") is None else None
    if _group(match, "y1") is not None and _is_history(due, reference):
        return None
    return _on(due, phrase, _say(phrase, f"понят как конец учебного года — {_fmt(due)}{note}"))


def _read_school_start(
    match: re.Match[str], phrase: str, reference: date | None
) -> _Reading | None:
    """«до начала учебного года», «к началу нового учебного года»: 1 September."""
    y1 = _group(match, "y1")
    if y1 is not None:
        due = _safe_date(int(y1), 9, 1)
    elif reference is None:
        return _no_reference(phrase)
    else:
        due = _not_before(date(reference.year, 9, 1), reference)
    if due is None:
        return None
    return _on(due, phrase, _say(phrase, f"понят как начало учебного года — {_fmt(due)}"))


def _period_year(
    match: re.Match[str], phrase: str, reference: date | None
) -> tuple[int | None, bool, _Reading | None]:
    """The year of «в I квартале 2024 г.», «в марте т.г.», «в течение первого полугодия»:
    (year, whether it was written, a refusal when there is none to take)."""
    year_text = _group(match, "y")
    if year_text is not None:
        return int(year_text), True, None
    if reference is None:
        return None, False, _no_reference(phrase)
    return reference.year, _group(match, "cur") is not None, None


def _read_period_end(
    phrase: str, due: date | None, explicit: bool, reference: date | None, what: str
) -> _Reading | None:
    """The end of a quarter or month: history when written with a past year,
    next year's when the year is guessed and this year's has passed."""
    if due is None:
        return None
    if explicit and _is_history(due, reference):
        return None
    if not explicit and reference is not None:
        due = _not_before(due, reference)
        if due is None:
            return None
    return _on(due, phrase, _say(phrase, f"понят как {what} — {_fmt(due)}"))


def _read_quarter(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«в I квартале 2024 г.», «до конца третьего квартала»: the quarter's last day."""
    year, explicit, refusal = _period_year(match, phrase, reference)
    if refusal is not None or year is None:
        return refusal
    quarter = _ORDINALS.get(_group(match, "q") or "", 0)
    due = _month_end(year, quarter * 3) if quarter else None
    return _read_period_end(phrase, due, explicit, reference, "конец квартала")


def _read_month(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«в течение марта», «до конца марта 2024 г.», «в марте т.г.»: the month's last day.
    «в марте» with no year at all is left alone: it is as often a story as a deadline."""
    if (
        _group(match, "pm") is not None
        and _group(match, "y") is None
        and _group(match, "cur") is None
    ):
        return None
    year, explicit, refusal = _period_year(match, phrase, reference)
    if refusal is not None or year is None:
        return refusal
    month = _MONTH_NUMBER.get(_group(match, "gm") or _group(match, "pm") or "", 0)
    due = _month_end(year, month)
    return _read_period_end(phrase, due, explicit, reference, "последний день месяца")


def _read_half_year(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«в течение первого полугодия» → 30 June; «во втором полугодии» → 31 December;
    «в I полугодии 2024-2025 учебного года» → 31 December 2024, the II → 31 May 2025."""
    half = _ORDINALS.get(_group(match, "half") or "", 0)
    if half not in (1, 2):
        return None
    if _group(match, "school") is not None:
        return _read_school_half(match, phrase, reference, half)
    year, explicit, refusal = _period_year(match, phrase, reference)
    if refusal is not None or year is None:
        return refusal
    due = _safe_date(year, 6, 30) if half == 1 else _month_end(year, 12)
    if due is None or (explicit and _is_history(due, reference)):
        return None
    if not explicit and reference is not None and due < reference:
        # The calendar half has passed: a department means the school year's first half.
        due = date(year, 12, 31)
        return _on(
            due,
            phrase,
            _say(phrase, f"понят как конец первого полугодия учебного года — {_fmt(due)}"),
        )
    return _on(due, phrase, _say(phrase, f"понят как конец полугодия — {_fmt(due)}"))


def _read_school_half(
    match: re.Match[str], phrase: str, reference: date | None, half: int
) -> _Reading | None:
    y1 = _group(match, "y1")
    if y1 is not None:
        start = int(y1)
    elif reference is not None:
        start = reference.year if reference.month >= 6 else reference.year - 1
    else:
        return _no_reference(phrase)
    due = _safe_date(start, 12, 31) if half == 1 else _safe_date(start + 1, 5, 31)
    if due is None:
        return None
    return _on(due, phrase, _say(phrase, f"понят как конец полугодия учебного года — {_fmt(due)}"))


def _read_month_end(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«до конца месяца», «в течение текущего месяца»: the protocol month's last day."""
    if reference is None:
        return _no_reference(phrase)
    due = _month_end(reference.year, reference.month)
    return None if due is None else _on(due, phrase)


def _read_quarter_end(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«до конца квартала», «до конца текущего квартала»: the protocol quarter's last day."""
    if reference is None:
        return _no_reference(phrase)
    due = _month_end(reference.year, ((reference.month - 1) // 3 + 1) * 3)
    return None if due is None else _on(due, phrase)


# ------------------------------------------------------------------ readers: relative terms


def _count(match: re.Match[str], phrase: str) -> tuple[int | None, tuple[str, ...]]:
    """«10», «10 (десяти)», «десяти (10)», «трёх»; none written means one («в течение недели»)."""
    digits = _group(match, "num") or _group(match, "wnum")
    words = _group(match, "word") or _group(match, "numw")
    from_words = _NUMBER_WORDS.get(words or "")
    if digits is None:
        return (from_words if words else 1), ()
    count = int(digits)
    if from_words is not None and from_words != count:
        return count, (_say(phrase, f"число цифрами и прописью расходится, принято {count}"),)
    return count, ()


def _read_relative(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«в течение 10 рабочих дней», «в течение недели», «в 10-дневный срок», «через месяц»."""
    count, warnings = _count(match, phrase)
    unit = _group(match, "unit") or ""
    if count is None:
        return None
    if count == 0:
        return _unknown(phrase, "нулевой срок — укажите срок вручную")
    if unit.startswith(("недел", "недель")):
        count *= 7
    elif unit.startswith(("месяц", "месяч")):
        count *= 30
        warnings += (_say(phrase, f"месяц принят за 30 дней ({count} дн.)"),)
    working = (_group(match, "kindw") or "").startswith("рабоч") and unit.startswith(("д", "сут"))
    rule = DeadlineRule(
        kind=DeadlineKind.RELATIVE,
        text=phrase,
        working_days=count if working else None,
        days=None if working else count,
    )
    return _Reading(rule, warnings)


# ------------------------------------------------------------------ readers: ongoing, periodic


def _read_ongoing(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«постоянно», «на постоянной основе», «систематически»; «по мере необходимости» with a note."""
    if (_group(match, "asneeded") or _group(match, "often")) is not None:
        why = "по мере необходимости" if _group(match, "asneeded") else "чаще раза в месяц"
        warning = _say(phrase, f"{why} — понят как «постоянно»")
        return _Reading(DeadlineRule(kind=DeadlineKind.ONGOING, text=phrase), (warning,))
    return _Reading(DeadlineRule(kind=DeadlineKind.ONGOING, text=phrase))


def _period_of(word: str) -> Period | None:
    if "кварт" in word:
        return Period.QUARTERLY
    if "месяц" in word or "месяч" in word:
        return Period.MONTHLY
    if "год" in word:
        return Period.YEARLY
    return None


def _read_periodic(match: re.Match[str], phrase: str, reference: date | None) -> _Reading | None:
    """«ежемесячно до 5 числа», «ежеквартально до 5 числа месяца, следующего за отчётным
    кварталом», «ежегодно до 20 января», «до 10 числа каждого месяца»."""
    every, after = _group(match, "every"), _group(match, "after")
    period = _period_of(every or "") or _period_of(after or "") or Period.MONTHLY
    warnings: list[str] = []
    day = int(_group(match, "dom") or _group(match, "yd") or 0) or None
    if day is not None and not 1 <= day <= 31:
        warnings.append(_say(phrase, f"числа {day} в месяце нет — укажите срок вручную"))
        day = None
    month = _MONTH_NUMBER.get(_group(match, "ym") or "", 1)
    if month != 1 and day is not None:
        warnings.append(
            _say(
                phrase,
                "ежегодный срок считается от января; число и месяц не сохранены — проверьте первый срок",
            )
        )
        day = None
    if "текущ" in (_group(match, "which") or "") or "последн" in (_group(match, "which") or ""):
        warnings.append(
            _say(
                phrase,
                "срок внутри отчётного периода, а расписание ставит его в следующем — проверьте первый срок",
            )
        )
    rule = DeadlineRule(kind=DeadlineKind.PERIODIC, text=phrase, period=period, days=day)
    return _Reading(rule, tuple(warnings))


# ------------------------------------------------------------------ the forms


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_OPTIONAL_LABEL = rf"{_START}{_LABEL}?"
_WITH_YEAR = (
    rf"(?:\s+(?:(?P<y>[0-9]{{4}})\s*{_YEAR_WORD}?"
    rf"|(?P<cur>{_THIS_YEAR}|текущем\s+году|этом\s+году)))?"
)
_UNTIL_END_OF = r"(?:в\s+течение|до\s+конца|до\s+окончания|в\s+конце|на\s+протяжении)"
_DAY_OF_MONTH = r"(?P<dom>[0-9]{1,2})\s?(?:-?(?:го|е|ое|ого))?\s+числа"

# «в срок до 01.03.2020», «Срок: 15.04.2024», «срок — до 15 апреля 2024 г.», «к 1 сентября»
_DATE_FORM = _compile(rf"{_START}(?:{_LABEL}(?:(?:{_BY}|по)\s+)?|{_BY}\s+){_DATE}{_END}")

# «01.03.2020» alone (a table's «срок» cell), or alone in brackets: «… (01.03.2020)»
_BARE_DATE_FORM = _compile(rf"(?:\A|(?<=\())\s*{_DATE}(?=\s*\)|[\s.]*\Z)")

# «с 01.02.2024 по 01.03.2024», «в период с 1 по 15 марта 2024 г.»: the end of the range
_RANGE_FORM = _compile(
    rf"{_START}(?:в\s+период\s+)?с\s+{_RANGE_FROM}\s*(?:по|до|-)\s*{_DATE}{_END}"
)

# «в 2024 г.», «в 2024 году»
_YEAR_FORM = _compile(rf"{_START}в\s+(?P<y>[0-9]{{4}})\s*(?:г\.|году|г(?!\w)){_END}")

# «в течение года», «до конца 2024 года», «до конца т.г.», «в течение календарного года»
_YEAR_END_FORM = _compile(
    rf"{_OPTIONAL_LABEL}{_UNTIL_END_OF}\s+"
    rf"(?:(?P<y>[0-9]{{4}})\s*(?:года|г\.|г(?!\w))"
    rf"|{_THIS_YEAR}"
    r"|(?:(?:текущего|этого|сего|календарного|отчетного)\s+)?года)"
    rf"{_END}"
)

# «в течение учебного года», «до конца 2024-2025 учебного года», «в 2024/25 учебном году»
_SCHOOL_YEAR_FORM = _compile(
    rf"{_OPTIONAL_LABEL}(?:{_UNTIL_END_OF}|в)\s+(?:всего\s+)?"
    r"(?:(?P<which>текущего|нового|следующего|этого|сего|текущем|новом|следующем)\s+"
    rf"|{_SCHOOL_YEARS})?"
    r"(?:учебн(?:ого|ом)|уч\.)\s*год(?:а|у)"
    rf"{_END}"
)

# «до начала учебного года», «к началу нового учебного года»
_SCHOOL_START_FORM = _compile(
    rf"{_OPTIONAL_LABEL}(?:до\s+начала|к\s+началу)\s+"
    rf"(?:(?:нового|следующего|текущего)\s+|{_SCHOOL_YEARS})?учебного\s+года"
    rf"{_END}"
)

# «в течение первого полугодия», «во II полугодии 2024 г.», «в I полугодии учебного года»
_HALF_YEAR_FORM = _compile(
    rf"{_OPTIONAL_LABEL}(?:{_UNTIL_END_OF}|в|во)\s+"
    r"(?P<half>первого|второго|первом|втором|ii|i|1|2)(?:\s?-?(?:го|м|ом))?\s+полугоди[яи]"
    rf"(?:\s+(?P<school>(?:(?:текущего|нового|{_SCHOOL_YEARS})\s+)?учебного\s+года)"
    rf"|{_WITH_YEAR})"
    rf"{_END}"
)

# «в I квартале 2024 г.», «до конца третьего квартала т.г.»
_QUARTER_FORM = _compile(
    rf"{_OPTIONAL_LABEL}(?:{_UNTIL_END_OF}|в|во)\s+"
    rf"(?P<q>{_one_of(_ORDINALS)})(?:\s?-?(?:го|м|ом))?\s+квартал[аеу]"
    rf"{_WITH_YEAR}{_END}"
)

# «до конца марта», «в течение марта 2024 г.», «в марте т.г.» (a bare «в марте» is refused)
_MONTH_FORM = _compile(
    rf"{_OPTIONAL_LABEL}"
    rf"(?:{_UNTIL_END_OF}\s+(?P<gm>{_MONTH_GEN})|в\s+(?P<pm>{_MONTH_PREP}))"
    rf"{_WITH_YEAR}{_END}"
)

# «до конца месяца», «в течение текущего месяца» (but «в течение месяца» is 30 days)
_MONTH_END_FORM = _compile(
    rf"{_OPTIONAL_LABEL}"
    r"(?:(?:до\s+конца|до\s+окончания|в\s+конце)\s+(?:(?:текущего|этого|сего)\s+)?месяца"
    r"|в\s+течение\s+(?:текущего|этого|сего)\s+месяца)"
    rf"{_END}"
)

# «до конца квартала», «до конца текущего квартала»
_QUARTER_END_FORM = _compile(
    rf"{_OPTIONAL_LABEL}"
    r"(?:до\s+конца|до\s+окончания|в\s+конце)\s+(?:(?:текущего|этого|сего)\s+)?квартала"
    rf"{_END}"
)

# «в течение 10 рабочих дней», «в течение 10 (десяти) дней», «в течение недели», «через месяц»
_RELATIVE_FORM = _compile(
    rf"{_OPTIONAL_LABEL}"
    r"(?:в\s+течение|в\s+срок\s+не\s+более|в\s+срок\s+до|не\s+позднее|не\s+позже"
    r"|в\s+пределах|через)\s+"
    r"(?:(?:(?P<num>[0-9]{1,3})(?:\s*\(\s*(?P<numw>[а-я]+)\s*\))?"
    rf"|(?P<word>{_NUMBER_WORD})(?:\s*\(\s*(?P<wnum>[0-9]{{1,3}})\s*\))?)\s+)?"
    r"(?:(?P<kindw>рабоч(?:их|его|ие|ий)|календарн(?:ых|ого|ые|ый))\s+)?"
    r"(?P<unit>дн(?:ей|я)|день|сут(?:ок|ки)|недел(?:и|ь|ю|ям)|месяц(?:а|ев)?)"
    rf"{_END}"
)

# «в 10-дневный срок», «в 3-х дневный срок», «в десятидневный срок», «в месячный срок»
_N_DAY_TERM_FORM = _compile(
    rf"{_OPTIONAL_LABEL}в\s+"
    r"(?:(?P<num>[0-9]{1,3})(?:\s*-\s*(?:х|ти|ми|и|ух|ех))?\s*-?\s*"
    rf"|(?P<word>{_NUMBER_WORD}))?"
    r"(?P<unit>дневный|недельный|месячный)\s+(?:(?P<kindw>рабочий|календарный)\s+)?срок"
    rf"{_END}"
)

# «постоянно», «на постоянной основе», «систематически», «в течение всего периода»;
# «по мере необходимости» and «еженедельно» too, with a warning
_ONGOING_FORM = _compile(
    rf"{_OPTIONAL_LABEL}"
    rf"(?:(?:постоянно|систематически|регулярно)(?!\s+(?:не\s+)?{_PARTICIPLE})"
    r"|на\s+(?:постоянной|регулярной|систематической)\s+основе|в\s+постоянном\s+режиме"
    r"|бессрочно|в\s+течение\s+всего\s+периода"
    r"|(?P<asneeded>по\s+мере\s+(?:необходимости|поступления|потребности))"
    r"|(?P<often>еженедельно|ежедневно))"
    rf"{_END}"
)

# «ежемесячно до 5 числа», «ежеквартально, до 5-го числа месяца, следующего за отчётным»,
# «ежемесячно (до 5 числа)», «ежегодно до 20 января», «ежеквартально»
_PERIODIC_FORM = _compile(
    rf"{_OPTIONAL_LABEL}"
    r"(?P<every>ежемесячно|ежеквартально|ежегодно|помесячно|поквартально"
    r"|(?:(?:один|1)\s+)?раз\s+в\s+(?:месяц|квартал|год)"
    r"|по\s+итогам\s+каждого\s+(?:месяца|квартала|года))"
    r"(?:(?:\s*,\s*|\s+)(?P<open>\(\s*)?(?:в\s+срок\s+)?(?:до|не\s+позднее|не\s+позже|к)\s+"
    rf"(?:{_DAY_OF_MONTH}"
    r"(?:\s+(?P<which>каждого\s+месяца|текущего\s+месяца|последнего\s+месяца\s+квартала"
    r"|месяца))?"
    r"(?:\s*,?\s*следующего\s+за\s+отчетным"
    r"(?:\s+(?P<after>месяцем|кварталом|периодом|годом))?)?"
    rf"|(?P<yd>[0-9]{{1,2}})\s+(?P<ym>{_MONTH_GEN}))"
    r"(?(open)\s*\)))?"  # a bracket opened before «до» is closed after the day
    rf"{_END}"
)

# «до 10 числа каждого месяца», «в срок до 5 числа месяца, следующего за отчётным кварталом»
_DAY_OF_MONTH_FORM = _compile(
    rf"{_START}(?:{_LABEL}(?:до|не\s+позднее|не\s+позже)|до|не\s+позднее|не\s+позже)\s+"
    rf"{_DAY_OF_MONTH}\s+"
    r"(?:(?P<every>ежемесячно|ежеквартально|каждого\s+месяца|каждого\s+квартала)"
    r"|месяца\s*,?\s*следующего\s+за\s+отчетным(?:\s+(?P<after>месяцем|кварталом|периодом))?)"
    rf"{_END}"
)


@dataclass(frozen=True)
class _Form:
    pattern: re.Pattern[str]
    read: Reader
    keys: tuple[str, ...]
    """Words (lower case, «е» for «ё») one of which any match contains: a form whose keys
    are all absent is not tried, which keeps a long protocol fast."""
    event: bool = False
    """Whether «… со дня получения …» may follow and belongs to the phrase."""


_DIGITS = tuple("0123456789")

_FORMS = (
    _Form(_DATE_FORM, _read_date, _DIGITS),
    _Form(_BARE_DATE_FORM, _read_date, _DIGITS),
    _Form(_RANGE_FORM, _read_date, _DIGITS),
    _Form(_YEAR_FORM, _read_year_in, _DIGITS),
    _Form(_YEAR_END_FORM, _read_year_end, ("год", "т.")),
    _Form(_SCHOOL_YEAR_FORM, _read_school_year, ("учебн", "уч.")),
    _Form(_SCHOOL_START_FORM, _read_school_start, ("учебного",)),
    _Form(_HALF_YEAR_FORM, _read_half_year, ("полугоди",)),
    _Form(_QUARTER_FORM, _read_quarter, ("квартал",)),
    _Form(_MONTH_FORM, _read_month, tuple(_MONTH_NUMBER)),
    _Form(_MONTH_END_FORM, _read_month_end, ("месяца",)),
    _Form(_QUARTER_END_FORM, _read_quarter_end, ("квартала",)),
    _Form(_RELATIVE_FORM, _read_relative, ("дн", "день", "сут", "недел", "месяц"), event=True),
    _Form(_N_DAY_TERM_FORM, _read_relative, ("дневн", "недельн", "месячн"), event=True),
    _Form(
        _ONGOING_FORM,
        _read_ongoing,
        (
            "постоянн",
            "систематич",
            "регулярн",
            "бессрочн",
            "периода",
            "мере",
            "еженедел",
            "ежеднев",
        ),
    ),
    _Form(
        _PERIODIC_FORM,
        _read_periodic,
        ("ежемесячн", "ежекварт", "ежегодн", "помесячн", "поквартальн", "раз", "каждого"),
    ),
    _Form(_DAY_OF_MONTH_FORM, _read_periodic, ("числа",)),
)

# a «Срок:» label, whatever follows it
_LONE_LABEL = re.compile(rf"{_START}{_SROK}\s*(?::|-)", re.IGNORECASE)

# ------------------------------------------------------------------ «… со дня получения …»

_EVENT_OPENER = re.compile(
    r"\s+(?:со\s+дня|с\s+даты|с\s+момента|после|с\s+получения|по\s+получении"
    r"|по\s+окончании|по\s+завершении|от\s+даты|до)(?!\w)",
    re.IGNORECASE,
)
_EVENT_WORD = re.compile(r"\s+([^\s,;:()|/]+)")  # a cell border or slash ends it too
_EVENT_MAX_WORDS = 8
_INFINITIVE_ENDINGS = ("ть", "ться", "чь", "чься", "ести", "зти", "йти")
_NOUN_ENDINGS = ("ость", "асть", "есть")  # «отчётность», «часть» end like infinitives
_ADDRESSEE_HEADS = ("руководител", "директор", "заведующ", "начальник", "заместител", "методист")


def _ends_event(word: str) -> bool:
    """The word that starts the next part of the sentence: a verb or an addressee."""
    word = word.lower()
    verb = word.endswith(_INFINITIVE_ENDINGS) and not word.endswith(_NOUN_ENDINGS)
    addressee = word.startswith(_ADDRESSEE_HEADS) or (len(word) > 4 and word.endswith(("ам", "ям")))
    return verb or addressee or word in {"-", "и"}


def _extend_event(norm: str, end: int) -> int:
    """Where «в течение 5 дней со дня получения протокола» ends: the start event is part
    of the phrase, up to the verb, a punctuation mark or eight words."""
    opener = _EVENT_OPENER.match(norm, end)
    if opener is None:
        return end
    stop, words = opener.end(), 0
    while words < _EVENT_MAX_WORDS:
        word = _EVENT_WORD.match(norm, stop)
        if word is None or _ends_event(word.group(1).rstrip('.!?»"')):
            break
        if word.group(1).endswith("."):
            stop = word.end() - 1  # the sentence ends here; its dot stays in the text
            words += 1
            break
        stop, words = word.end(), words + 1
    return stop if words else end


# ------------------------------------------------------------------ finding and cutting


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    reading: _Reading


def _trimmed(norm: str, start: int, end: int) -> tuple[int, int]:
    while start < end and norm[start].isspace():
        start += 1
    while end > start and norm[end - 1].isspace():
        end -= 1
    return start, end


def _hits(text: str, reference: date | None) -> list[_Hit]:
    """Every deadline phrase in the text, earliest first, none overlapping another."""
    norm = text.translate(_SAME_LENGTH)
    lowered = norm.lower()
    hits: list[_Hit] = []
    for form in _FORMS:
        if not any(key in lowered for key in form.keys):
            continue
        for match in form.pattern.finditer(norm):
            end = _extend_event(norm, match.end()) if form.event else match.end()
            start, end = _trimmed(norm, match.start(), end)
            if start >= end:
                continue
            phrase = text[start:end]
            reading = form.read(match, phrase, reference)
            if reading is None:
                continue
            if end > match.end() and re.match(r"\s+до(?!\w)", norm[match.end() : end], re.I):
                warning = _say(phrase, "срок отсчитывается до события, а не от него — укажите дату")
                reading = _Reading(reading.rule, (*reading.warnings, warning))
            hits.append(_Hit(start, end, reading))
    hits.sort(key=lambda hit: (hit.start, -hit.end))
    chosen: list[_Hit] = []
    for hit in hits:
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen


_SEPARATORS = ",;:-"
_CLOSERS = ".,;:!?)"


def _cut(text: str, start: int, end: int) -> str:
    """The text without text[start:end], the seam tidied: no empty brackets, no dangling
    comma or dash, one space; a sentence end the phrase swallowed («… 2020 г.») kept."""
    phrase = text[start:end]
    left, right = text[:start].rstrip(), text[end:].lstrip()
    if left.endswith("(") and right.startswith(")"):
        left, right = left[:-1].rstrip(), right[1:].lstrip()
    if right.startswith(",") and (left.endswith(",") or "," in phrase):
        right = right[1:].lstrip()  # «…, в срок до …, …» or «…, следующего за отчётным, …»
    if not right or right[0] in _CLOSERS:
        left = left.rstrip(_SEPARATORS + " \t\n\u00a0\u2013\u2014")
    if right.startswith(".") and left.endswith((".", "!", "?")):
        right = right[1:].lstrip()  # «… ОО. Срок: до 15.04.2024.»: one full stop, not two
    if (
        phrase.endswith(".")
        and left
        and left[-1] not in ".!?"
        and (not right or right[0].isupper())
    ):
        left += "."
    if not left:
        return right.lstrip(_SEPARATORS + ". \t\n\u00a0\u2013\u2014").strip()
    glue = "" if not right or right[0] in _CLOSERS or left.endswith("(") else " "
    return (left + glue + right).strip()


def _several(hits: list[_Hit]) -> str:
    phrases = ", ".join(f"«{hit.reading.rule.text}»" for hit in hits)
    return f"В тексте несколько сроков: {phrases}; взят первый — проверьте"


def _unread_label(text: str) -> tuple[str, ...]:
    """«Срок: по согласованию»: a label whose value we could not read is worth a warning."""
    norm = text.translate(_SAME_LENGTH)
    label = _LONE_LABEL.search(norm) if "срок" in norm.lower() else None
    if label is None:
        return ()
    written = text[label.start() : label.end()].strip()
    return (f"Срок указан («{written} …»), но не распознан — укажите его вручную",)


def find_deadline(text: str, *, reference: date | None) -> FoundDeadline:
    """The first deadline phrase of ``text`` (a decision's wording, or a table's «срок» cell).

    ``reference`` is the protocol's date: it gives the year to «до 1 марта», «т.г.»,
    «в течение года» and the school year; without it those give kind none and a warning."""
    hits = _hits(text, reference)
    if not hits:
        return FoundDeadline(DeadlineRule(), text.strip(), _unread_label(text))
    first, *others = hits
    warnings = first.reading.warnings + ((_several(hits),) if others else ())
    return FoundDeadline(first.reading.rule, _cut(text, first.start, first.end), warnings)
