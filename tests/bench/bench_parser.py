"""Protocol parser: a 200-decision, ~100 KB protocol parses in under 100 ms.

Baseline: one pass over the same text (split into lines, one precompiled regular expression
per line) — the least any reader of the document must spend.
"""

from __future__ import annotations

import re

from tests.bench.harness import Figure, best_ms
from tracker.protocols.parser import parse_text

DEADLINES = [
    "в срок до 01.03.2024",
    "Срок: 15.04.2024",
    "в течение 10 рабочих дней",
    "постоянно",
    "ежеквартально до 5 числа месяца, следующего за отчётным кварталом",
    "до 1 июня 2024 г.",
]
ADDRESSEES = ["Руководителям ОО", "Заведующим ДОУ", "Директору МБОУ СОШ № 2 (Петрова А.А.)"]
FILLER = (
    "обеспечить проведение мероприятий по реализации плана, организовать информирование "
    "педагогических работников и родителей о ходе работы, подготовить аналитическую "
    "справку и представить её в отдел образования"
)


def synthetic_protocol(questions: int = 10, per_question: int = 20) -> str:
    lines = [
        "ПРОТОКОЛ № 7",
        "совещания руководителей образовательных организаций",
        "от 12.03.2024 г.",
        "Место проведения: актовый зал администрации района",
        "",
        "Повестка дня:",
    ]
    lines += [
        f"{q}. О ходе реализации мероприятия № {q} муниципальной программы" for q in range(1, 11)
    ]
    lines += ["Докладчик: Иванова Т.П., методист", ""]
    for q in range(1, questions + 1):
        lines += [f"{q}. СЛУШАЛИ: Иванову Т.П. о ходе реализации мероприятия № {q}.", "РЕШИЛИ:"]
        for n in range(1, per_question + 1):
            addressee = ADDRESSEES[(q + n) % len(ADDRESSEES)]
            deadline = DEADLINES[(q * n) % len(DEADLINES)]
            lines.append(f"{q}.{n}. {addressee} {FILLER} (пункт {q}.{n}), {deadline}.")
        lines.append("")
    lines += ["Председатель", "М.В. Нефёдова", "Секретарь", "Н.В. Дудяк"]
    return "\n".join(lines)


NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)[.)]\s")


def _baseline(text: str) -> int:
    return sum(1 for line in text.splitlines() if NUMBERED.match(line))


def run() -> list[Figure]:
    text = synthetic_protocol()
    parsed = parse_text(text)
    assert len(parsed.decisions) == 200, len(parsed.decisions)
    value = best_ms(lambda: parse_text(text), repeat=7)
    baseline = best_ms(lambda: _baseline(text), repeat=7, number=10)
    size_kb = len(text.encode()) / 1024
    return [
        Figure(
            name=f"parse 200 decisions, {size_kb:.0f} KB",
            value_ms=value,
            baseline_name="one regex pass",
            baseline_ms=baseline,
            goal="< 100 ms",
            met=value < 100,
        )
    ]
