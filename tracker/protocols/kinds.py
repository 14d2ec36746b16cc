"""The kind of a decision (CONTRACT.md), from its wording. Pure.

- ``control``: control over carrying out this decision is given to someone — «Контроль за
  исполнением решения возложить на …», «Контроль … оставляю за собой», «Возложить контроль
  за исполнением …». «Осуществлять контроль за реализацией программ» is an instruction.
- ``information``: «принять к сведению» (also «Информацию … принять к сведению», «признать
  работу удовлетворительной») with no other action in it; «Информацию принять к сведению,
  руководителям ОО обеспечить …» is an instruction.
- ``recommendation``: «Рекомендовать …», «рекомендуется», «рекомендуют», or an item under a
  «Рекомендовать:» heading.
- ``instruction``: everything else.
"""

from __future__ import annotations

import re

from tracker.protocols.addressing import is_infinitive

INSTRUCTION = "instruction"
RECOMMENDATION = "recommendation"
INFORMATION = "information"
CONTROL = "control"

_CONTROL = re.compile(
    r"[\s\W]*(?:"
    r"контроль\s+(?:за\s+|над\s+)?(?:ходом\s+)?(?:исполнени|выполнени)[а-яё]*"
    r"[^.]{0,300}?(?:возлож|оставля|остав|осуществляет|осуществляют|осуществляю|сохраня"
    r"|закреп|поруч)"
    r"|ответственность\s+за\s+(?:исполнени|выполнени)[а-яё]*[^.]{0,200}?возлож"
    r"|возложить\s+(?:контроль|ответственность)|оставляю\s+за\s+собой|контроль\s+оставляю"
    r")",
    re.IGNORECASE,
)
_CONTROL_WHO = re.compile(
    r"(?:возложить|возлагается|возложен[аоы]?|поручить)\s+на\s+(?P<a>.+?)\s*$"
    r"|(?:оставить|оставляется|остается|остаётся|закрепить)\s+за\s+(?P<b>.+?)\s*$"
    r"|(?:осуществляет|осуществляют)\s+(?P<c>.+?)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_INFORMATION = re.compile(
    r"к\s+сведени[юя](?![а-яё])|признать\b[^.;]{0,200}?\bудовлетворительн", re.IGNORECASE
)
RECOMMEND_VERB = re.compile(
    r"(?<![а-яё])рекоменд(?:овать|овано|ованы?|уется|уются|уют|ует|уем|овали|овала|овал)(?![а-яё])",
    re.IGNORECASE,
)
_INFORMATION_VERBS = frozenset({"принять", "взять", "признать", "считать"})
_WORD = re.compile(r"[А-Яа-яЁё]+")


def is_control(text: str) -> bool:
    return _CONTROL.match(text) is not None


def control_addressee(text: str) -> str:
    """Who the control is given to («на заместителя начальника Иванову И.И.»), or ""."""
    match = _CONTROL_WHO.search(text)
    if match is None:
        return ""
    who = next(g for g in match.groups() if g is not None).strip()
    if who.endswith(".") and not re.search(r"(?:^|[\s.])[А-ЯЁ]\.$", who):
        who = who[:-1].rstrip()
    if who.lower().startswith(("собой", "за собой")):
        return ""
    return who[:1].upper() + who[1:] if who else ""


def is_information(text: str) -> bool:
    if _INFORMATION.search(text) is None:
        return False
    for word in _WORD.findall(text):
        if is_infinitive(word) and word.lower() not in _INFORMATION_VERBS:
            return False
    return True


def is_recommendation(text: str) -> bool:
    return RECOMMEND_VERB.search(text) is not None


def classify_kind(text: str, *, recommend: bool = False) -> str:
    """instruction, recommendation, information or control; ``recommend`` when the item stands
    under a «Рекомендовать:» heading."""
    if is_control(text):
        return CONTROL
    if is_information(text):
        return INFORMATION
    if recommend or is_recommendation(text):
        return RECOMMENDATION
    return INSTRUCTION
