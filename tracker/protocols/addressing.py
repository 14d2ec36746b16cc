"""Who a decision is addressed to. Pure functions over one line or one item's wording.

Two shapes are read:

- a heading line in the dative that governs the items under it: «Руководителям ОО:»,
  «Заведующим ДОУ:», «МБУ ДО «ЦДО»:», «Руководителям ОО обеспечить:» (addressee and a lead-in);
- the opening words of an item: «Руководителям ОО обеспечить …» → («Руководителям ОО»,
  «обеспечить …»); «Рекомендовать руководителям ОО рассмотреть …» → («руководителям ОО», …).

The addressee ends before the first infinitive outside quotes and brackets. A phrase counts as an
addressee only when its first word looks like one: a dative plural (-ам/-ям/-им/-ым), a role or an
institution («директору», «отделу», «заведующей»), an institution's abbreviation (МБОУ, ОО, ДОУ …)
or a surname with initials («Ивановой И.И.»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\S+")
_EDGE_PUNCT = "«»\"'„“”()[]{},.;:!?–—-…/"

# Nouns (and a few other words) that end the way infinitives do.
_NOT_INFINITIVES = frozenset(
    [
        "часть",
        "власть",
        "область",
        "сласть",
        "страсть",
        "снасть",
        "пасть",
        "напасть",
        "сеть",
        "треть",
        "плеть",
        "смерть",
        "путь",
        "суть",
        "ртуть",
        "жуть",
        "муть",
        "честь",
        "повесть",
        "совесть",
        "месть",
        "весть",
        "лесть",
        "жесть",
        "шесть",
        "есть",
        "печать",
        "мать",
        "знать",
        "рать",
        "благодать",
        "кровать",
        "гать",
        "пять",
        "опять",
        "вспять",
        "зять",
        "девять",
        "десять",
        "память",
        "нефть",
        "хоть",
        "нить",
        "речь",
        "печь",
        "ночь",
        "дочь",
        "мощь",
        "части",
        "власти",
        "снасти",
        "страсти",
        "пасти",
        "сласти",
    ]
)
_LEAD_VERBS = frozenset(
    {"рекомендовать", "поручить", "предложить", "обязать", "просить", "рекомендуется"}
)
_ROLE_STEMS = (
    "руководител",
    "руковод",
    "директор",
    "заведующ",
    "методист",
    "специалист",
    "заместител",
    "начальник",
    "ответственн",
    "педагог",
    "учител",
    "воспитател",
    "председател",
    "секретар",
    "главн",
    "главе",
    "отдел",
    "управлени",
    "комитет",
    "комисси",
    "совет",
    "служб",
    "департамент",
    "министерств",
    "инспекци",
    "администраци",
    "центр",
    "классн",
    "социальн",
    "психолог",
    "логопед",
    "дефектолог",
    "инспектор",
    "советник",
    "библиотекар",
    "куратор",
    "координатор",
    "член",
    "образовательн",
    "общеобразовательн",
    "дошкольн",
    "муниципальн",
    "коллектив",
    "старш",
    "завуч",
    "тренер",
    "инструктор",
    "преподавател",
    "школ",
    "гимнази",
    "лицей",
    "лицею",
    "лицеям",
    "детск",
    "учреждени",
    "организаци",
    "родител",
    "всем",
    "каждому",
)
# A role word in the nominative (a subject, not an addressee): «Школьный этап провести …».
_NOMINATIVE_ENDINGS = ("ый", "ий", "ая", "яя", "ое", "ее", "ые", "ие", "ость", "ние", "ия", "тво")
_ORG_ABBREVIATIONS = frozenset(
    [
        "МБОУ",
        "МАОУ",
        "МКОУ",
        "МОУ",
        "ГБОУ",
        "ГАОУ",
        "ГКОУ",
        "ЧОУ",
        "НОУ",
        "АНОО",
        "МБДОУ",
        "МАДОУ",
        "МКДОУ",
        "МДОУ",
        "ГБДОУ",
        "МБУ",
        "МАУ",
        "МКУ",
        "ГБУ",
        "ГАУ",
        "ГКУ",
        "МБУДО",
        "МАУДО",
        "МКУДО",
        "МУДО",
        "МБОУДО",
        "ОО",
        "ОУ",
        "ДОУ",
        "ДОО",
        "ОДО",
        "УДО",
        "СОШ",
        "ООШ",
        "НОШ",
        "СШ",
        "ЦО",
        "ЦДО",
        "ЦДТ",
        "ДДТ",
        "ДЮСШ",
        "ДШИ",
        "ЦРР",
        "ИМЦ",
        "ММЦ",
        "ПМПК",
        "ТПМПК",
        "ЦПМПК",
        "ППМС",
        "ГАПОУ",
        "ГБПОУ",
        "ПОО",
        "ОМС",
        "УО",
        "РУО",
        "МОУО",
        "МКУ",
        "ДО",
        "ГМО",
        "РМО",
        "ШМО",
    ]
)
_ORG_PATTERN = re.compile(r"[МГ][БАК]?(?:Д|У)?О?У(?:ДО)?|[А-ЯЁ]{1,4}ОУ")
_INITIALS = re.compile(r"[А-ЯЁ]\.\s?[А-ЯЁ]\.?")
_INITIALS_WORD = re.compile(r"[А-ЯЁ]\.(?:[А-ЯЁ]\.?)?")
_DATIVE_SURNAME_ENDINGS = ("ой", "ому", "ему", "у", "ю", "е", "ой", "ей", "ину", "ову", "евой")
_SENTENCE_END = re.compile(r"[а-яё]{3,}[.!?]$")


def _bare(word: str) -> str:
    return word.strip(_EDGE_PUNCT)


def is_infinitive(word: str) -> bool:
    """Whether a word (punctuation around it ignored) is a Russian infinitive."""
    w = _bare(word).lower()
    if len(w) < 4 or not w.isalpha() or w in _NOT_INFINITIVES:
        return False
    if w.endswith(("ться", "тись", "чься")):
        return True
    if w.endswith("ть"):
        return not w.endswith("ость")
    if w.endswith("чь"):
        return True
    return w.endswith(("ести", "ёсти", "ясти", "асти", "йти", "зти"))


def is_org_abbreviation(word: str) -> bool:
    w = _bare(word)
    return w in _ORG_ABBREVIATIONS or (
        2 <= len(w) <= 8 and w.isupper() and bool(_ORG_PATTERN.fullmatch(w))
    )


def _looks_dative(words: list[str], index: int) -> bool:  # noqa: PLR0911 - a rule each
    """Whether the phrase starting at ``words[index]`` may be an addressee."""
    word = _bare(words[index])
    if not word:
        return False
    following = words[index + 1] if index + 1 < len(words) else ""
    if is_org_abbreviation(word):
        return True
    if _INITIALS_WORD.fullmatch(word) and following[:1].isupper():
        return True  # «Л.Д. Рыбиной»
    low = word.lower()
    if not low.replace("-", "").isalpha() or is_infinitive(low):
        return False
    if low.startswith(_ROLE_STEMS):
        return not low.endswith(_NOMINATIVE_ENDINGS) or low in {"всем", "каждому"}
    if len(low) >= 5 and low.endswith(("ому", "ему")):
        # «Ведущему специалисту», «Социальному педагогу»
        return _bare(following).lower().startswith(_ROLE_STEMS)
    if len(low) >= 5 and low.endswith(("ам", "ям")):
        return True
    if len(low) >= 6 and low.endswith(("им", "ым")):
        return True
    return bool(
        word[:1].isupper()
        and low.endswith(_DATIVE_SURNAME_ENDINGS)
        and _INITIALS.match(_bare(following) + ".")
    )


@dataclass(frozen=True)
class Opening:
    addressee: str
    """As printed, without the punctuation around it."""
    rest: str
    """The wording from the first infinitive on."""
    lead: str = ""
    """«Рекомендовать», «Поручить» … when the addressee followed such a verb."""


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def _first_infinitive(words: list[str], start: int, limit: int) -> int | None:
    """Index of the first infinitive at bracket/quote depth 0 after ``start``; None when a
    sentence ends first or there is none within ``limit`` words."""
    brackets = 0
    quoted = False  # «…»: a closing » ends every quote, «Детский сад «Солнышко» included
    straight_quote = False
    for j in range(start, min(len(words), start + limit)):
        word = words[j]
        inside = brackets or quoted or straight_quote
        if j > start and not inside and is_infinitive(word):
            return j
        brackets = max(brackets + word.count("(") - word.count(")"), 0)
        if "«" in word:
            quoted = True
        if "»" in word and word.rfind("»") > word.rfind("«"):
            quoted = False
        if word.count('"') % 2:
            straight_quote = not straight_quote
        if not inside and _SENTENCE_END.search(word) and j + 1 < len(words):
            return None
    return None


def _tidy(phrase: str) -> str:
    return phrase.strip().strip(",:;–—-").strip()


def split_opening(text: str) -> Opening | None:
    """The addressee written at the start of an item, and the wording after it."""
    tokens = _tokens(text)
    if len(tokens) < 2:
        return None
    words = [t.group() for t in tokens]
    start = 0
    lead = ""
    if _bare(words[0]).lower() in _LEAD_VERBS:
        start, lead = 1, _bare(words[0])
        if start >= len(words):
            return None
    if not _looks_dative(words, start):
        return None
    j = _first_infinitive(words, start, 30)
    if j is None:
        return None
    addressee = _tidy(text[tokens[start].start() : tokens[j - 1].end()])
    if not addressee or len(addressee) > 250:
        return None
    return Opening(addressee=addressee, rest=text[tokens[j].start() :].strip(), lead=lead)


@dataclass(frozen=True)
class HeadingAddressee:
    addressee: str
    lead: str
    """The words from the first infinitive on («обеспечить»), "" for a bare addressee."""


def heading_addressee(phrase: str) -> HeadingAddressee | None:
    """A heading («Руководителям ОО», without its colon) read as an addressee, or None.
    «Рекомендовать руководителям ОО» gives «руководителям ОО»."""
    first, _, after = phrase.strip().partition(" ")
    if _bare(first).lower() in _LEAD_VERBS and after:
        phrase = after
    tokens = _tokens(phrase)
    if not tokens or len(tokens) > 20:
        return None
    words = [t.group() for t in tokens]
    if not _looks_dative(words, 0):
        return None
    j = _first_infinitive(words, 0, 20)
    if j is None:
        if any(_SENTENCE_END.search(w) for w in words[:-1]):
            return None
        return HeadingAddressee(addressee=_tidy(phrase), lead="")
    addressee = _tidy(phrase[: tokens[j].start()])
    return HeadingAddressee(addressee=addressee, lead=phrase[tokens[j].start() :].strip())


_RESPONSIBLE = re.compile(
    r"(?:^|(?<=[\s.;,(]))(?:(?:ответственн(?:ый|ая|ые|ое|ых)|исполнител[ьи])"
    r"(?:\s+за\s+(?:исполнение|выполнение))?\s*(?::|-|–|—)|отв\.\s*(?::|-|–|—)?)\s*"
    r"(?P<who>[^;()]+?)\s*(?=;|\)|,\s*срок|(?<![А-ЯЁ]\.)\.\s+(?=[А-ЯЁ])|\bсрок|$)",
    re.IGNORECASE,
)
_TRAILING_PERSON = re.compile(
    r"\s+[–—-]\s+(?P<who>(?:[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
    r"|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s[А-ЯЁ]\.\s?[А-ЯЁ]\.)"
    r"(?:,\s*(?:[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s[А-ЯЁ]\.\s?[А-ЯЁ]\.))*)"
    r"\s*(?P<end>[.;]?)\s*$"
)
_EMPTY_BRACKETS = re.compile(r"\(\s*[;,]?\s*\)")
_BRACKET_OPEN_JUNK = re.compile(r"\(\s*[;,]\s*")
_BRACKET_CLOSE_JUNK = re.compile(r"\s*[;,]\s*\)")


def _initials_end(text: str) -> bool:
    return re.search(r"(?:^|[\s.])[А-ЯЁ]\.$", text) is not None


def extract_responsible(text: str) -> tuple[str, str] | None:
    """«… Ответственные: руководители ОО.», «(отв. Иванова И.И., срок …)», «… — Иванова И.И.»
    → (who, the text without it)."""
    match = _RESPONSIBLE.search(text)
    if match is None:
        person = _TRAILING_PERSON.search(text)
        if person is None or person.start() == 0:
            return None
        end = person.group("end") or ("." if text.rstrip().endswith(".") else "")
        return person.group("who"), text[: person.start()].rstrip(" ,") + end
    who = match.group("who").strip().rstrip(",").strip()
    right = text[match.end() :]
    if who.endswith(".") and not _initials_end(who):
        who = who[:-1].rstrip()
        right = "." + right  # the sentence's period, not the name's
    if not who:
        return None
    left = text[: match.start()].rstrip()
    left = left.rstrip(",;–—-").rstrip() if not left.endswith("(") else left
    right = right.lstrip()
    if right.startswith((",", ";")) and left.endswith("("):
        right = right[1:].lstrip()
    joined = left + ("" if not right or right[0] in ".,;)" or left.endswith("(") else " ") + right
    joined = _EMPTY_BRACKETS.sub("", joined)
    joined = _BRACKET_OPEN_JUNK.sub("(", _BRACKET_CLOSE_JUNK.sub(")", joined))
    joined = re.sub(r"\s+([.,;])", r"\1", joined)
    return who, re.sub(r"(?<!\.)\.\.(?!\.)", ".", joined).strip()
