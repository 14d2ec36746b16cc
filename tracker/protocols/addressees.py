"""Whom a decision is addressed to: the addressee as a protocol writes it, matched to schools.

``resolve_addressee`` is pure (no database): it takes the phrase and the district's schools,
groups and department staff, and says which of them the phrase names, why, and how sure it
is. ``resolve_all`` is the thin service that loads those from the database.

What it understands:

- a group phrase — «Руководителям образовательных учреждений», «Руководителям ОО»,
  «Директорам школ», «Заведующим ДОУ», «Руководителям учреждений дополнительного
  образования»: the group of that kind of school (general, preschool, extra-education) or,
  for institutions in general, every school;
- named schools — «МБОУ СОШ № 2», «МБДОУ «Детский сад № 4»», «Директору МБОУ СОШ №2
  (Петрова А.А.)», «МБУ ДО «ЦДО»», several listed with commas or «и»: tolerant of quotes,
  «№»/«N»/«No», spaces, case, Latin letters that look Cyrillic, case endings (школы, школе,
  школу), abbreviations against full names («ЦДО» ↔ «Центр дополнительного образования»);
- department staff — «Методисту … (Рыбина Л.Д.)», «Отделу образования (Иванова Т.П.)»:
  a user whose full name has that surname and those initials.

Anything else is ``unresolved``: the review screen shows it in red and asks the human.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

# ---------------------------------------------------------------------------- the answer


class TargetKind(StrEnum):
    ALL = "all"
    """Every active school."""
    GROUP = "group"
    """One group of schools: ``ids`` holds the group's id."""
    SCHOOLS = "schools"
    """Chosen schools: ``ids`` holds their ids."""
    STAFF = "staff"
    """Department staff (no school assignments): ``ids`` holds user ids."""
    NONE = "none"
    """Not addressed to schools: chosen by the human on the review screen, never by the matcher."""
    UNRESOLVED = "unresolved"
    """Not understood: the human must choose."""


@dataclass(frozen=True)
class Resolution:
    kind: TargetKind
    ids: tuple[int, ...] = ()
    explanation: str = ""
    """Russian, for the review screen: what was recognised and why."""
    confidence: float = 0.0
    """0 (not understood) … 1 (an exact group phrase); below ``SURE`` the screen flags it."""

    @property
    def flagged(self) -> bool:
        return self.kind is TargetKind.UNRESOLVED or self.confidence < SURE


SURE = 0.7


@dataclass(frozen=True)
class SchoolRef:
    id: int
    name: str
    """The full official name."""
    short_name: str


@dataclass(frozen=True)
class GroupRef:
    id: int
    name: str
    school_ids: tuple[int, ...] = ()
    """Its active schools."""


@dataclass(frozen=True)
class StaffRef:
    id: int
    full_name: str
    """«Рыбина Лариса Дмитриевна» or «Рыбина Л.Д.» or «Л.Д. Рыбина»."""
    position: str = ""


# ---------------------------------------------------------------------------- words

_QUOTES = re.compile(r"[«»“”„‟\"'‘’‚`‹›]")
_DASHES = re.compile(r"[-‐‑‒–—―/]")
# «№ 2», «№2», «N 2», «No2», «No. 2», «#2»: the marker goes, the number stays. Not inside a word.
_NUMBER_MARK = re.compile(r"(?<![^\W\d_])(?:№+|N[oо]?\.?|#)\s*(?=\d)", re.IGNORECASE)
_KINDERGARTEN = re.compile(r"(?<![^\W\d_])д\s*/\s*с(?:ад)?(?![^\W\d_])", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_CYRILLIC = re.compile(r"[а-яё]")
# Latin letters that look like Cyrillic ones (after casefold): «MБOУ», «COШ» typed in a hurry.
_LOOKALIKE_LETTERS = frozenset("acehkmoptxyb")


def _wordlist(words: str) -> list[str]:
    return words.split()


_ENDINGS = tuple(
    sorted(
        _wordlist(
            "иями ями ами ого его ому ему ыми ими ых их ой ей ий ый ая яя ое ее ые ие ую юю "
            "ом ем ам ям ах ях ов ев а я о е у ю ы и й ь"
        ),
        key=len,
        reverse=True,
    )
)


_LOOKALIKE_TABLE = str.maketrans(
    {"a": "а", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о", "p": "р", "t": "т"}
    | {"x": "х", "y": "у", "b": "в"}
)


def _latin_to_cyrillic(token: str) -> str:
    """Mixed words («MБOУ») and words of look-alike letters only («COX») become Cyrillic."""
    if _CYRILLIC.search(token) or (token and set(token) <= _LOOKALIKE_LETTERS):
        return token.translate(_LOOKALIKE_TABLE)
    return token


def _stem(word: str) -> str:
    """A crude Russian stem: enough that «школы», «школе», «школу» and «школа» agree."""
    if len(word) < 5:
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class _Token:
    text: str
    """Lower case, «ё» as «е», Latin look-alikes made Cyrillic; stemmed unless an abbreviation."""
    raw: str
    abbreviation: bool
    number: bool


def _prepare(text: str) -> str:
    text = _KINDERGARTEN.sub(" детский сад ", text)
    text = _NUMBER_MARK.sub(" ", text)
    text = _QUOTES.sub(" ", text)
    return _DASHES.sub(" ", text)


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    for raw in _TOKEN.findall(_prepare(text)):
        if raw.isdigit():
            found.append(_Token(raw.lstrip("0") or "0", raw, abbreviation=False, number=True))
            continue
        abbreviation = len(raw) >= 2 and raw.isupper()
        word = _latin_to_cyrillic(raw.casefold().replace("ё", "е"))
        found.append(_Token(word if abbreviation else _stem(word), raw, abbreviation, number=False))
    return found


def _words(tokens: Iterable[_Token]) -> list[str]:
    return [t.text for t in tokens if not t.number]


def _acronyms(text: str) -> set[str]:
    """Acronyms of runs of three to six words: «Центр дополнительного образования» → «цдо»,
    «Детско-юношеская спортивная школа» → «дюсш». Numbers and quotes break a run."""
    found: set[str] = set()
    for run in re.split(r"[\d«»“”„\"().,;:№]+", text):
        letters = [
            w.casefold().replace("ё", "е")[0]
            for w in re.findall(r"[^\W\d_]+", _DASHES.sub(" ", run))
            if len(w) > 1
        ]
        for size in range(3, 7):
            for start in range(len(letters) - size + 1):
                found.add("".join(letters[start : start + size]))
    return found


# ---------------------------------------------------------------------------- kinds of school


class Category(StrEnum):
    GENERAL = "general"
    PRESCHOOL = "preschool"
    EXTRA = "extra"


CATEGORY_LABELS = {
    Category.GENERAL: "общеобразовательные школы",
    Category.PRESCHOOL: "детские сады (ДОУ)",
    Category.EXTRA: "учреждения дополнительного образования",
}

_PRESCHOOL_ABBR = re.compile(r"^(?:[а-я]{0,3}доу|дс|ясл)$")
_EXTRA_ABBR = frozenset({"до", "удо", "оудо", "мбудо", "мудо", "маудо", "мкудо", "одо", "цдо"})
_EXTRA_ABBR |= frozenset({"цдт", "ддт", "дют", "дюсш", "сюн", "сют", "дши", "дмш", "дхш", "цдод"})
_GENERAL_ABBR = frozenset({"сош", "оош", "нош", "мбоу", "маоу", "мкоу", "гбоу"})
_GENERAL_ABBR |= frozenset({"сш", "мбоусош", "цо", "гимназ"})


def _category(tokens: Sequence[_Token]) -> Category | None:
    """The kind of institution the words speak of: preschool before extra before general,
    since «детский сад» and «дополнительного образования» are the more specific."""
    words = _words(tokens)
    joined = " ".join(words)
    if (
        any(_PRESCHOOL_ABBR.match(w) or w.startswith(("дошкольн", "ясел", "ясл")) for w in words)
        or re.search(r"\bдетск\w*\s+сад", joined)
        or re.search(r"\bсад(?:у|ик\w*)?\b", joined)
    ):
        return Category.PRESCHOOL
    if any(w in _EXTRA_ABBR or w.startswith("дополнительн") for w in words):
        return Category.EXTRA
    if any(
        w in _GENERAL_ABBR or w.startswith(("школ", "общеобразовательн", "гимназ", "лице"))
        for w in words
    ):
        return Category.GENERAL
    return None


# Words that say what kind of institution or whose head, not which one.
_GENERIC_PREFIXES = (
    "муниципальн",
    "бюджетн",
    "казенн",
    "автономн",
    "государствен",
    "общеобразовательн",
    "образовательн",
    "учрежден",
    "организац",
    "средн",
    "основн",
    "начальн",
    "школ",
    "детск",
    "дошкольн",
    "дополнительн",
    "образован",
    "сад",
    "ясл",
    "общеразвива",
    "руководител",
    "директор",
    "заведующ",
    "заместител",
    "всем",
    "всех",
    "район",
    "округ",
    "подведомствен",
    "администрац",
    "отдел",
    "поселк",
    "имени",
    "пгт",
    "городск",
    "сельск",
)
_GENERIC_WORDS = frozenset(
    _wordlist(
        "сад саду садик ясли им с п г д р н пос село город деревн "
        "оо оу ооо доу до удо сош оош нош мбоу мбдоу маоу мадоу мкоу мкдоу моу мдоу мбу мау мку "
        "мбудо мудо гбоу гбу гоу кгбоу огбоу огбу фгбоу чоу ано лицей гимназия в и на по для "
        "всем их"
    )
)


def _generic(word: str) -> bool:
    return (
        word in _GENERIC_WORDS
        or word.startswith(_GENERIC_PREFIXES)
        or bool(_PRESCHOOL_ABBR.match(word))
    )


# Role words in the dative, by number: whose head is addressed.
_PLURAL_ROLES = re.compile(
    r"^(?:руководител(?:ям|ей)|директор(?:ам|ов)|заведующ(?:им|их)|начальник(?:ам|ов)|всем|"
    r"образовательн(?:ым|ых)|учреждени(?:ям|й)|организаци(?:ям|й)|школ(?:ам)?|"
    r"общеобразовательн(?:ым|ых)|дошкольн(?:ым|ых)|детских|садам|садами)$"
)
_SINGULAR_ROLES = re.compile(
    r"^(?:руководител[юь]|директор[уа]?|заведующ(?:ему|ей|ий|ая)|школ[еуыа]|"
    r"учреждени[юя]|организаци[ия])$"
)
# The head word of an addressee who works in the department, not in a school.
_STAFF_HEADS = (
    "методист",
    "специалист",
    "отдел",
    "начальник",
    "заместител",
    "главн",
    "ведущ",
    "инспектор",
    "консультант",
    "управлени",
    "комитет",
    "имц",
    "мку",
    "секретар",
    "бухгалтер",
    "юрисконсульт",
    "экономист",
)


# ---------------------------------------------------------------------------- people

_INITIAL = r"[А-ЯЁA-Z]\.\s*"
_LAST_INITIAL = r"[А-ЯЁA-Z](?:\.\s*|(?![^\W\d_]))"
_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_PERSON_AFTER = re.compile(rf"({_SURNAME})\s+({_INITIAL})((?:{_LAST_INITIAL})?)")
_PERSON_BEFORE = re.compile(rf"({_INITIAL})({_INITIAL})\s*({_SURNAME})")
_PERSON_FULL = re.compile(rf"^\s*({_SURNAME})\s+([А-ЯЁ][а-яё]+)(?:\s+([А-ЯЁ][а-яё]+))?\s*$")
_SURNAME_ENDINGS = ("ыми", "ому", "ему", "ого", "ой", "ей", "ую", "ым", "им", "а", "у", "ы", "е", "ю", "я")  # fmt: skip


@dataclass(frozen=True)
class _Person:
    surname: str
    initials: str
    """One or two letters, lower case."""
    text: str
    """As written."""


def _surname_stem(surname: str) -> str:
    word = surname.casefold().replace("ё", "е")
    for ending in _SURNAME_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _initial(text: str) -> str:
    return text.strip().rstrip(".").strip().casefold().replace("ё", "е")[:1]


def _people(text: str) -> tuple[list[_Person], str]:
    """The people named as «Фамилия И.О.» or «И.О. Фамилия», and the text without them."""
    found: list[_Person] = []

    def after(match: re.Match[str]) -> str:
        initials = _initial(match.group(2)) + _initial(match.group(3) or "")
        found.append(_Person(match.group(1), initials, match.group(0).strip()))
        return " "

    def before(match: re.Match[str]) -> str:
        initials = _initial(match.group(1)) + _initial(match.group(2))
        found.append(_Person(match.group(3), initials, match.group(0).strip()))
        return " "

    rest = _PERSON_BEFORE.sub(before, text)
    rest = _PERSON_AFTER.sub(after, rest)
    return found, rest


def _staff_person(staff: StaffRef) -> _Person | None:
    name = staff.full_name.strip()
    people, _ = _people(name)
    if people:
        return people[0]
    match = _PERSON_FULL.match(name)
    if match is None:
        return None
    initials = match.group(2)[0] + (match.group(3) or " ")[0]
    return _Person(match.group(1), initials.strip().casefold().replace("ё", "е"), name)


def _same_person(a: _Person, b: _Person) -> bool:
    if _surname_stem(a.surname) != _surname_stem(b.surname):
        return False
    if not a.initials or not b.initials or a.initials[0] != b.initials[0]:
        return False
    return len(a.initials) < 2 or len(b.initials) < 2 or a.initials[1] == b.initials[1]


# ---------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class _Profile:
    numbers: frozenset[str]
    plain: frozenset[str]
    """Every word, stemmed."""
    words: frozenset[str]
    """Every word and acronym."""
    distinct: frozenset[str]
    """The words that say *which* one, not what kind."""
    acronyms: frozenset[str]
    category: Category | None


def _profile(*texts: str) -> _Profile:
    tokens = [t for text in texts for t in _tokens(text)]
    words = _words(tokens)
    acronyms = frozenset(a for text in texts for a in _acronyms(text))
    return _Profile(
        numbers=frozenset(t.text for t in tokens if t.number),
        plain=frozenset(words),
        words=frozenset(words) | acronyms,
        distinct=frozenset(w for w in words if not _generic(w)),
        acronyms=acronyms,
        category=_category(tokens),
    )


@dataclass(frozen=True)
class _Match:
    school: SchoolRef
    score: float
    misses: int


def _match(mention: _Profile, school: SchoolRef, profile: _Profile) -> _Match | None:
    if mention.numbers and not mention.numbers <= profile.numbers:
        return None
    hits = (mention.distinct & profile.words) | (mention.acronyms & profile.plain)
    misses = mention.distinct - profile.words
    if not mention.numbers and not hits:
        return None
    score = 2.0 * len(mention.numbers) + len(hits) - 0.5 * len(misses)
    if mention.category and profile.category:
        if mention.category == profile.category:
            score += 0.5
        elif hits:
            # «Детско-юношеская спортивная школа» is a school by its words, extra-education
            # by its kind: the name still decides.
            score -= 1.0
        else:
            return None  # «МБОУ СОШ № 4» is not «Детский сад № 4»
    if profile.numbers and not mention.numbers:
        score -= 0.5
    return _Match(school, score, len(misses))


# ---------------------------------------------------------------------------- one part


@dataclass
class _Part:
    """What one part of the addressee («…, …» or «… и …») names."""

    kind: TargetKind
    ids: tuple[int, ...] = ()
    text: str = ""
    note: str = ""
    confidence: float = 1.0
    category: Category | None = None


def _split(text: str) -> list[str]:
    """Split at commas, semicolons, line breaks and «и» outside quotes and brackets."""
    parts: list[str] = []
    depth = 0
    straight = False
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "«(“„":
            depth += 1
        elif char in "»)”" and depth:
            depth -= 1
        elif char == '"':
            straight = not straight
        at_top = depth == 0 and not straight
        if at_top and char in ",;\n":
            parts.append("".join(current))
            current = []
        elif at_top and text[i : i + 3].casefold() == " и " and current:
            parts.append("".join(current))
            current = []
            i += 2
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return [t for p in parts if (t := _trim(p))]


def _trim(part: str) -> str:
    """Without the punctuation around it; a final initial keeps its dot («Рыбиной Л.Д.»)."""
    part = part.strip(" :–—-\t")
    while part.endswith(".") and not re.search(r"(?<![^\W\d_])[А-ЯЁA-Z]\.$", part):
        part = part[:-1].rstrip(" :–—-\t")
    return part.lstrip(".").strip()


def _names(schools: Iterable[SchoolRef]) -> str:
    return ", ".join(s.short_name for s in schools)


@dataclass(frozen=True)
class _Context:
    schools: Sequence[SchoolRef]
    groups: Sequence[GroupRef]
    staff: Sequence[StaffRef]
    profiles: dict[int, _Profile] = field(default_factory=dict)

    def profile(self, school: SchoolRef) -> _Profile:
        if school.id not in self.profiles:
            self.profiles[school.id] = _profile(school.short_name, school.name)
        return self.profiles[school.id]


def _staff_part(text: str, people: list[_Person], head_words: list[str], ctx: _Context) -> _Part:
    """A part addressed to someone in the department."""
    if people:
        person = people[0]
        found = [
            s for s in ctx.staff if (p := _staff_person(s)) is not None and _same_person(person, p)
        ]
        if len(found) == 1:
            return _Part(
                TargetKind.STAFF,
                (found[0].id,),
                text,
                f"«{text}» → {found[0].full_name}, сотрудник отдела",
                0.9,
            )
        if found:
            names = ", ".join(s.full_name for s in found)
            return _Part(
                TargetKind.UNRESOLVED, (), text, f"«{person.text}»: подходят несколько — {names}"
            )
        return _Part(
            TargetKind.UNRESOLVED, (), text, f"«{person.text}» нет среди сотрудников отдела"
        )
    wanted = {w for w in head_words if len(w) > 2}
    by_position = [
        s for s in ctx.staff if s.position and wanted <= set(_words(_tokens(s.position)))
    ]
    if wanted and len(by_position) == 1:
        found_one = by_position[0]
        return _Part(
            TargetKind.STAFF,
            (found_one.id,),
            text,
            f"«{text}» → {found_one.full_name} ({found_one.position})",
            0.75,
        )
    return _Part(TargetKind.UNRESOLVED, (), text, f"«{text}»: сотрудник отдела не указан по имени")


def _group_by_name(tokens: list[_Token], ctx: _Context) -> GroupRef | None:
    words = set(_words(tokens))
    best: tuple[int, GroupRef] | None = None
    for group in ctx.groups:
        own = set(_words(_tokens(group.name)))
        if own and own <= words and (best is None or len(own) > best[0]):
            best = (len(own), group)
    return best[1] if best else None


def _group_by_category(category: Category, ctx: _Context) -> list[GroupRef]:
    return [g for g in ctx.groups if _category(_tokens(g.name)) is category]


def _category_part(text: str, category: Category, ctx: _Context) -> _Part:
    groups = _group_by_category(category, ctx)
    if len(groups) == 1:
        group = groups[0]
        return _Part(
            TargetKind.GROUP, (group.id,), text, f"«{text}» → группа «{group.name}»", 0.9, category
        )
    if len(groups) > 1:
        names = ", ".join(f"«{g.name}»" for g in groups)
        return _Part(
            TargetKind.UNRESOLVED, (), text, f"«{text}»: подходят несколько групп — {names}"
        )
    chosen = [s for s in ctx.schools if ctx.profile(s).category is category]
    if chosen:
        return _Part(
            TargetKind.SCHOOLS,
            tuple(s.id for s in chosen),
            text,
            f"«{text}»: группы «{CATEGORY_LABELS[category]}» нет, школы выбраны по названию — "
            f"{_names(chosen)}",
            0.6,
            category,
        )
    return _Part(TargetKind.UNRESOLVED, (), text, f"«{text}»: нет ни группы, ни школ этого вида")


def _school_part(text: str, mention: _Profile, ctx: _Context) -> _Part | None:
    matches = [m for s in ctx.schools if (m := _match(mention, s, ctx.profile(s))) is not None]
    if not matches:
        return None
    best = max(m.score for m in matches)
    top = [m for m in matches if m.score == best]
    if len(top) > 1:
        return _Part(
            TargetKind.UNRESOLVED,
            (),
            text,
            f"«{text}»: подходят несколько школ — {_names(m.school for m in top)}",
        )
    found = top[0]
    confidence = 0.95 if mention.numbers else 0.85
    if found.misses:
        confidence = 0.6
    return _Part(
        TargetKind.SCHOOLS,
        (found.school.id,),
        text,
        f"«{text}» → {found.school.short_name}",
        confidence,
        ctx.profile(found.school).category,
    )


def _part(text: str, previous: _Part | None, ctx: _Context) -> _Part:  # noqa: PLR0911 - a rule each
    people, rest = _people(text)
    tokens = _tokens(rest)
    words = _words(tokens)
    plain = [t.raw.casefold().replace("ё", "е") for t in tokens if not t.number]
    if words and words[0].startswith(_STAFF_HEADS):
        return _staff_part(text, people, [w for w in words if not w.isdigit()], ctx)
    mention = _profile(rest)
    if (
        previous is not None
        and previous.kind is TargetKind.SCHOOLS
        and mention.category is None
        and mention.numbers
        and not mention.distinct
    ):
        # «МБОУ СОШ № 1, № 2 и № 3»: a bare number continues the kind named before it.
        mention = _Profile(
            mention.numbers,
            mention.plain,
            mention.words,
            mention.distinct,
            mention.acronyms,
            previous.category,
        )
    if mention.numbers or mention.distinct:
        found = _school_part(text, mention, ctx)
        if found is not None:
            return found
    group = _group_by_name(tokens, ctx)
    if group is not None and not mention.numbers:
        return _Part(TargetKind.GROUP, (group.id,), text, f"«{text}» → группа «{group.name}»", 0.95)
    if not mention.numbers and not mention.distinct and words:
        if any(_SINGULAR_ROLES.match(w) for w in plain) and not any(
            _PLURAL_ROLES.match(w) for w in plain
        ):
            return _Part(
                TargetKind.UNRESOLVED, (), text, f"«{text}»: не указано, какой именно школе"
            )
        if mention.category is not None:
            return _category_part(text, mention.category, ctx)
        return _Part(TargetKind.ALL, (), text, f"«{text}» → все школы", 1.0)
    if people:
        return _staff_part(text, people, [], ctx)
    if mention.numbers or mention.category:
        return _Part(TargetKind.UNRESOLVED, (), text, f"«{text}»: такой школы нет в списке")
    return _Part(TargetKind.UNRESOLVED, (), text, f"«{text}»: адресат не распознан")


# ---------------------------------------------------------------------------- the whole


def resolve_addressee(
    text: str,
    schools: Sequence[SchoolRef],
    groups: Sequence[GroupRef],
    staff: Sequence[StaffRef],
    *,
    cache: dict[int, _Profile] | None = None,
) -> Resolution:
    """Whom ``text`` (the addressee as written) names among the active ``schools``, the
    ``groups`` and the department ``staff``. Pure; never raises. ``cache`` keeps the schools'
    word profiles between calls over the same schools (``Directory`` passes its own)."""
    if not text.strip():
        return Resolution(TargetKind.UNRESOLVED, (), "Адресат не указан.", 0.0)
    ctx = _Context(schools, groups, staff, {} if cache is None else cache)
    parts: list[_Part] = []
    for piece in _split(text.strip().rstrip(":")):
        parts.append(_part(piece, parts[-1] if parts else None, ctx))
    if not parts:
        return Resolution(TargetKind.UNRESOLVED, (), "Адресат не указан.", 0.0)
    return _combine(parts, ctx)


def _combine(parts: list[_Part], ctx: _Context) -> Resolution:
    known = [p for p in parts if p.kind is not TargetKind.UNRESOLVED]
    unknown = [p for p in parts if p.kind is TargetKind.UNRESOLVED]
    missed = "; ".join(p.note for p in unknown)
    if not known:
        return Resolution(TargetKind.UNRESOLVED, (), f"Не распознано: {missed}.", 0.0)
    confidence = min(p.confidence for p in known)
    everyone = [p.text for p in known if p.kind is TargetKind.ALL]
    notes = [p.note for p in known if p.kind is not TargetKind.ALL]
    if everyone:  # «Руководителям ОО, подведомственных отделу» is one phrase
        notes.insert(0, f"«{', '.join(everyone)}» → все школы")
    explanation = "; ".join(notes) + "."
    staff = [p for p in known if p.kind is TargetKind.STAFF]
    if staff:
        explanation += " Сотрудникам отдела поручения школам не создаются."
    if unknown:
        confidence = min(confidence, 0.5)
        explanation += f" Не распознано: {missed}."
    if any(p.kind is TargetKind.ALL for p in known):
        return Resolution(TargetKind.ALL, (), explanation, confidence)
    school_parts = [p for p in known if p.kind in {TargetKind.GROUP, TargetKind.SCHOOLS}]
    if not school_parts:
        users = tuple(dict.fromkeys(i for p in staff for i in p.ids))
        return Resolution(TargetKind.STAFF, users, explanation, confidence)
    if len(school_parts) == 1 and school_parts[0].kind is TargetKind.GROUP:
        return Resolution(TargetKind.GROUP, school_parts[0].ids, explanation, confidence)
    ids: list[int] = []
    for part in school_parts:
        if part.kind is TargetKind.GROUP:
            ids.extend(next(g.school_ids for g in ctx.groups if g.id == part.ids[0]))
        else:
            ids.extend(part.ids)
    return Resolution(TargetKind.SCHOOLS, tuple(dict.fromkeys(ids)), explanation, confidence)


# ---------------------------------------------------------------------------- from the database


@dataclass(frozen=True)
class Directory:
    """Everything an addressee may name: active schools, groups, department staff."""

    schools: tuple[SchoolRef, ...] = ()
    groups: tuple[GroupRef, ...] = ()
    staff: tuple[StaffRef, ...] = ()
    _profiles: dict[int, _Profile] = field(default_factory=dict, compare=False, repr=False)

    def resolve(self, text: str) -> Resolution:
        return resolve_addressee(text, self.schools, self.groups, self.staff, cache=self._profiles)


STAFF_ROLES = ("head", "secretary", "admin")


async def load_directory() -> Directory:
    """The district as the matcher needs it (three queries; no permission check: callers
    check theirs)."""
    from tracker.accounts.tables import User  # noqa: PLC0415 - keep the matcher import light
    from tracker.schools.tables import School, SchoolGroup, SchoolGroupMember  # noqa: PLC0415

    schools = await (
        School.select(School.id, School.name, School.short_name)
        .where(School.is_active == True)  # noqa: E712 - SQL
        .order_by(School.short_name)
    )
    members: dict[int, list[int]] = {}
    for m in await SchoolGroupMember.select(
        SchoolGroupMember.group, SchoolGroupMember.school
    ).where(SchoolGroupMember.school.is_active == True):  # noqa: E712 - SQL
        members.setdefault(m["group"], []).append(m["school"])
    groups = await (
        SchoolGroup.select(SchoolGroup.id, SchoolGroup.name)
        .order_by(SchoolGroup.position)
        .order_by(SchoolGroup.name)
    )
    staff = await (
        User.select(User.id, User.full_name, User.position)
        .where(User.role.is_in(list(STAFF_ROLES)) & (User.is_active == True))  # noqa: E712
        .order_by(User.id)
    )
    return Directory(
        schools=tuple(SchoolRef(s["id"], s["name"], s["short_name"]) for s in schools),
        groups=tuple(
            GroupRef(g["id"], g["name"], tuple(sorted(members.get(g["id"], [])))) for g in groups
        ),
        staff=tuple(
            StaffRef(u["id"], u["full_name"], u["position"]) for u in staff if u["full_name"]
        ),
    )


async def resolve_all(texts: Sequence[str]) -> list[Resolution]:
    """Each addressee resolved against the district as it is now."""
    directory = await load_directory()
    return [directory.resolve(t) for t in texts]
