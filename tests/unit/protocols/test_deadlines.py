"""find_deadline: the deadline phrases secretaries write, cut out of the decision's wording."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.calendar.deadlines import DeadlineKind, DeadlineRule, Period
from tracker.protocols.deadlines import FoundDeadline, find_deadline

PROTOCOL_DAY = date(2024, 2, 5)  # the reference of every row below unless the row says otherwise


def on(day: date, text: str) -> DeadlineRule:
    return DeadlineRule(kind=DeadlineKind.DATE, date=day, text=text)


def within(text: str, *, days: int | None = None, working_days: int | None = None) -> DeadlineRule:
    return DeadlineRule(kind=DeadlineKind.RELATIVE, text=text, days=days, working_days=working_days)


def ongoing(text: str) -> DeadlineRule:
    return DeadlineRule(kind=DeadlineKind.ONGOING, text=text)


def every(period: Period, text: str, day: int | None = None) -> DeadlineRule:
    return DeadlineRule(kind=DeadlineKind.PERIODIC, text=text, period=period, days=day)


NONE = DeadlineRule()

# (input, expected rule, expected remainder, fragments the warnings must contain — () for none)
CASES: list[tuple[str, DeadlineRule, str, tuple[str, ...]]] = [
    # ---- dates, the way they are written
    (
        "Руководителям ОО в срок до 01.03.2024 представить отчёт",
        on(date(2024, 3, 1), "в срок до 01.03.2024"),
        "Руководителям ОО представить отчёт",
        (),
    ),
    ("до 01.03.2024 г.", on(date(2024, 3, 1), "до 01.03.2024 г."), "", ()),
    (
        "Представить отчёт до 1 марта 2024 г.",
        on(date(2024, 3, 1), "до 1 марта 2024 г."),
        "Представить отчёт.",
        (),
    ),
    (
        "Представить отчёт до 1 марта 2024 года.",
        on(date(2024, 3, 1), "до 1 марта 2024 года"),
        "Представить отчёт.",
        (),
    ),
    (
        "Провести мониторинг. Срок: 15.04.2024",
        on(date(2024, 4, 15), "Срок: 15.04.2024"),
        "Провести мониторинг.",
        (),
    ),
    (
        "Провести мониторинг.\nСрок исполнения – 15.04.2024",
        on(date(2024, 4, 15), "Срок исполнения – 15.04.2024"),
        "Провести мониторинг.",
        (),
    ),
    (
        "Обеспечить участие педагогов в семинаре, срок — до 15 апреля 2024 г.",
        on(date(2024, 4, 15), "срок — до 15 апреля 2024 г."),
        "Обеспечить участие педагогов в семинаре.",
        (),
    ),
    (
        "Представить анализ результатов ВПР (срок – 1 июня 2024 г.).",
        on(date(2024, 6, 1), "срок – 1 июня 2024 г."),
        "Представить анализ результатов ВПР.",
        (),
    ),
    (
        "Не позднее 10.09.2024 направить в отдел образования список педагогов",
        on(date(2024, 9, 10), "Не позднее 10.09.2024"),
        "направить в отдел образования список педагогов",
        (),
    ),
    (
        "К 1 сентября 2024 г. обеспечить готовность учреждений к новому учебному году",
        on(date(2024, 9, 1), "К 1 сентября 2024 г."),
        "обеспечить готовность учреждений к новому учебному году",
        (),
    ),
    (
        "Сдать отчёты в срок до 25.12.2024г",
        on(date(2024, 12, 25), "в срок до 25.12.2024г"),
        "Сдать отчёты",
        (),
    ),
    ("01.03.24", on(date(2024, 3, 1), "01.03.24"), "", ()),
    (
        "Разместить информацию на сайте (до 20.02.2024)",
        on(date(2024, 2, 20), "до 20.02.2024"),
        "Разместить информацию на сайте",
        (),
    ),
    (
        "Представить план (01.04.2024).",
        on(date(2024, 4, 1), "01.04.2024"),
        "Представить план.",
        (),
    ),
    (
        "Срок исполнения: до 31 мая 2024 года включительно.",
        on(date(2024, 5, 31), "Срок исполнения: до 31 мая 2024 года включительно"),
        "",
        (),
    ),
    (
        "Представить отчёт до 01.03.2024 г. Ответственный – Иванова И.И.",
        on(date(2024, 3, 1), "до 01.03.2024 г."),
        "Представить отчёт. Ответственный – Иванова И.И.",
        (),
    ),
    (
        "Представить отчёт, в срок до 01.03.2024, в отдел образования",
        on(date(2024, 3, 1), "в срок до 01.03.2024"),
        "Представить отчёт, в отдел образования",
        (),
    ),
    (
        "В период с 1 по 15 марта 2024 г. провести акцию «Безопасный интернет»",
        on(date(2024, 3, 15), "В период с 1 по 15 марта 2024 г."),
        "провести акцию «Безопасный интернет»",
        (),
    ),
    # ---- typography: NBSP, «ё», dashes, capitals, spaces
    (
        "Срок\u00a0—\u00a0до\u00a001.04.2024",
        on(date(2024, 4, 1), "Срок\u00a0—\u00a0до\u00a001.04.2024"),
        "",
        (),
    ),
    (
        "ПРЕДСТАВИТЬ ОТЧЁТ В СРОК ДО  01.03.2024",
        on(date(2024, 3, 1), "В СРОК ДО  01.03.2024"),
        "ПРЕДСТАВИТЬ ОТЧЁТ",
        (),
    ),
    # ---- a past date is kept, with a warning; an impossible one is refused
    (
        "Руководителям ОО в срок до 01.03.2020 представить отчёт",
        on(date(2020, 3, 1), "в срок до 01.03.2020"),
        "Руководителям ОО представить отчёт",
        ("раньше даты протокола",),
    ),
    (
        "Провести собрание в срок до 31.02.2024.",
        DeadlineRule(text="в срок до 31.02.2024"),
        "Провести собрание.",
        ("даты 31.02.2024 не существует",),
    ),
    # ---- the current year
    (
        "Представить план до 1 марта т.г.",
        on(date(2024, 3, 1), "до 1 марта т.г."),
        "Представить план.",
        (),
    ),
    ("до 15.05 т.г.", on(date(2024, 5, 15), "до 15.05 т.г."), "", ()),
    (
        "до 15 мая текущего года подготовить",
        on(date(2024, 5, 15), "до 15 мая текущего года"),
        "подготовить",
        (),
    ),
    ("до 20 января", on(date(2025, 1, 20), "до 20 января"), "", ("год не указан, принят 2025",)),
    # ---- a year, a school year, a half or quarter, a month
    (
        "Реализовать программу в 2024 г.",
        on(date(2024, 12, 31), "в 2024 г."),
        "Реализовать программу.",
        ("указан только год",),
    ),
    (
        "в течение 2024 года обновить оборудование",
        on(date(2024, 12, 31), "в течение 2024 года"),
        "обновить оборудование",
        (),
    ),
    (
        "Провести конкурс в 2024-2025 учебном году.",
        on(date(2025, 5, 31), "в 2024-2025 учебном году"),
        "Провести конкурс.",
        ("конец учебного года — 31.05.2025",),
    ),
    (
        "Обеспечить работу кружков в течение года.",
        on(date(2024, 12, 31), "в течение года"),
        "Обеспечить работу кружков.",
        (),
    ),
    (
        "В течение учебного года организовать наставничество",
        on(date(2024, 5, 31), "В течение учебного года"),
        "организовать наставничество",
        ("конец учебного года — 31.05.2024",),
    ),
    (
        "до конца 2024 года",
        on(date(2024, 12, 31), "до конца 2024 года"),
        "",
        (),
    ),
    (
        "в течение первого полугодия",
        on(date(2024, 6, 30), "в течение первого полугодия"),
        "",
        ("конец полугодия — 30.06.2024",),
    ),
    (
        "До начала учебного года провести ремонт",
        on(date(2024, 9, 1), "До начала учебного года"),
        "провести ремонт",
        ("начало учебного года — 01.09.2024",),
    ),
    (
        "в I квартале 2024 г. провести проверку",
        on(date(2024, 3, 31), "в I квартале 2024 г."),
        "провести проверку",
        ("конец квартала",),
    ),
    (
        "до конца марта",
        on(date(2024, 3, 31), "до конца марта"),
        "",
        ("последний день месяца",),
    ),
    # ---- relative terms
    (
        "Руководителям ОО в течение 10 рабочих дней представить информацию",
        within("в течение 10 рабочих дней", working_days=10),
        "Руководителям ОО представить информацию",
        (),
    ),
    (
        "в течение 10 (десяти) рабочих дней",
        within("в течение 10 (десяти) рабочих дней", working_days=10),
        "",
        (),
    ),
    (
        "В 10-дневный срок устранить нарушения",
        within("В 10-дневный срок", days=10),
        "устранить нарушения",
        (),
    ),
    (
        "в трёхдневный срок",
        within("в трёхдневный срок", days=3),
        "",
        (),
    ),
    (
        "Представить информацию в течение 5 дней со дня получения настоящего протокола.",
        within("в течение 5 дней со дня получения настоящего протокола", days=5),
        "Представить информацию.",
        (),
    ),
    (
        "В течение 5 дней со дня получения протокола представить информацию",
        within("В течение 5 дней со дня получения протокола", days=5),
        "представить информацию",
        (),
    ),
    (
        "в течение месяца",
        within("в течение месяца", days=30),
        "",
        ("30 дней",),
    ),
    (
        "В течение 5 рабочих дней после окончания смены, представить отчёт",
        within("В течение 5 рабочих дней после окончания смены", working_days=5),
        "представить отчёт",
        (),
    ),
    (
        "в течение 5 дней со дня окончания мероприятий | Соколова Е.Ю.",
        within("в течение 5 дней со дня окончания мероприятий", days=5),
        "| Соколова Е.Ю.",
        (),
    ),
    (
        "Не позднее 10 дней до начала мероприятия уведомить родителей",
        within("Не позднее 10 дней до начала мероприятия", days=10),
        "уведомить родителей",
        ("до события",),
    ),
    ("в течение недели", within("в течение недели", days=7), "", ()),
    ("в течение 3 календарных дней", within("в течение 3 календарных дней", days=3), "", ()),
    ("через две недели", within("через две недели", days=14), "", ()),
    (
        "Срок исполнения: в течение 10 рабочих дней.",
        within("Срок исполнения: в течение 10 рабочих дней", working_days=10),
        "",
        (),
    ),
    # ---- ongoing
    ("Срок: постоянно", ongoing("Срок: постоянно"), "", ()),
    (
        "Обеспечить контроль за питанием на постоянной основе.",
        ongoing("на постоянной основе"),
        "Обеспечить контроль за питанием.",
        (),
    ),
    (
        "Систематически проводить инструктажи по технике безопасности",
        ongoing("Систематически"),
        "проводить инструктажи по технике безопасности",
        (),
    ),
    ("в течение всего периода", ongoing("в течение всего периода"), "", ()),
    # ---- periodic
    (
        "ежемесячно до 5 числа",
        every(Period.MONTHLY, "ежемесячно до 5 числа", 5),
        "",
        (),
    ),
    (
        "Представлять отчёт ежемесячно, до 5-го числа месяца, следующего за отчётным.",
        every(Period.MONTHLY, "ежемесячно, до 5-го числа месяца, следующего за отчётным", 5),
        "Представлять отчёт.",
        (),
    ),
    (
        "Представлять информацию ежеквартально до 5 числа месяца, следующего за отчётным "
        "кварталом, в отдел образования",
        every(
            Period.QUARTERLY,
            "ежеквартально до 5 числа месяца, следующего за отчётным кварталом",
            5,
        ),
        "Представлять информацию в отдел образования",
        (),
    ),
    (
        "Ежемесячно (до 5 числа) представлять сведения о посещаемости",
        every(Period.MONTHLY, "Ежемесячно (до 5 числа)", 5),
        "представлять сведения о посещаемости",
        (),
    ),
    ("ежеквартально", every(Period.QUARTERLY, "ежеквартально"), "", ()),
    (
        "Ежегодно до 20 января представлять публичный доклад",
        every(Period.YEARLY, "Ежегодно до 20 января", 20),
        "представлять публичный доклад",
        (),
    ),
    (
        "Сдавать табель до 10 числа каждого месяца",
        every(Period.MONTHLY, "до 10 числа каждого месяца", 10),
        "Сдавать табель",
        (),
    ),
    # ---- several deadlines: the first one, and a warning
    (
        "Представить план до 01.03.2024, отчёт — до 01.06.2024.",
        on(date(2024, 3, 1), "до 01.03.2024"),
        "Представить план, отчёт — до 01.06.2024.",
        ("несколько сроков",),
    ),
    # ---- no deadline: the text comes back as it is
    (
        "  Довести результаты мониторинга до сведения педагогического коллектива.  ",
        NONE,
        "Довести результаты мониторинга до сведения педагогического коллектива.",
        (),
    ),
    (
        "Организовать работу с систематически пропускающими занятия обучающимися.",
        NONE,
        "Организовать работу с систематически пропускающими занятия обучающимися.",
        (),
    ),
    (
        "Обеспечить работу постоянно действующего семинара.",
        NONE,
        "Обеспечить работу постоянно действующего семинара.",
        (),
    ),
    (
        "Обеспечить дежурство с 8.00 до 17.00",
        NONE,
        "Обеспечить дежурство с 8.00 до 17.00",
        (),
    ),
    (
        "Принять к сведению информацию о результатах ГИА в 2023 году.",
        NONE,
        "Принять к сведению информацию о результатах ГИА в 2023 году.",
        (),
    ),
    ("Срок: по согласованию", NONE, "Срок: по согласованию", ("не распознан",)),
]


@pytest.mark.parametrize(
    ("text", "rule", "remainder", "warned"), CASES, ids=[case[0][:50] for case in CASES]
)
def test_the_phrases_secretaries_write(
    text: str, rule: DeadlineRule, remainder: str, warned: tuple[str, ...]
) -> None:
    found = find_deadline(text, reference=PROTOCOL_DAY)
    assert found.rule == rule
    assert found.remainder == remainder
    if warned:
        for fragment in warned:
            assert any(fragment in warning for warning in found.warnings), found.warnings
    else:
        assert found.warnings == ()


def test_the_protocol_date_decides_the_school_year() -> None:
    # an autumn protocol means the school year that ends next May ...
    autumn = find_deadline("до конца учебного года", reference=date(2024, 10, 15))
    assert autumn.rule.date == date(2025, 5, 31)
    # ... and so does the August one, held before the school year starts
    august = find_deadline("в течение учебного года", reference=date(2024, 8, 28))
    assert august.rule.date == date(2025, 5, 31)
    spring = find_deadline("до конца учебного года", reference=date(2024, 3, 1))
    assert spring.rule.date == date(2024, 5, 31)


def test_a_passed_first_half_year_is_read_as_the_school_years() -> None:
    found = find_deadline("в первом полугодии", reference=date(2024, 9, 10))
    assert found.rule.date == date(2024, 12, 31)
    assert any("учебного года" in warning for warning in found.warnings)


@pytest.mark.parametrize(
    "text", ["до 1 марта", "до 15.05 т.г.", "в течение года", "до конца учебного года"]
)
def test_without_a_protocol_date_a_yearless_deadline_is_unknown(text: str) -> None:
    found = find_deadline(text, reference=None)
    assert found.rule == DeadlineRule(text=text)
    assert found.remainder == ""
    assert any("год неизвестен" in warning for warning in found.warnings)


def test_without_a_protocol_date_full_dates_and_terms_still_read() -> None:
    assert find_deadline("до 01.03.2020", reference=None).rule.date == date(2020, 3, 1)
    assert find_deadline("в течение 10 рабочих дней", reference=None).rule.working_days == 10
    assert find_deadline("в 2024-2025 учебном году", reference=None).rule.date == date(2025, 5, 31)


def test_an_ordinary_date_in_the_text_is_no_deadline() -> None:
    text = "Исполнить приказ от 12.01.2024 № 15 «О мониторинге»"
    assert find_deadline(text, reference=PROTOCOL_DAY) == FoundDeadline(NONE, text, ())


# ------------------------------------------------------------------ properties

REFERENCES = st.one_of(st.none(), st.dates())
PHRASES = [case[0] for case in CASES] + [
    "в срок до 31.13.2024",
    "до 29.02.2023",
    "до 00.00.0000",
    "ежемесячно (до 45 числа)",
    "в течение 0 дней",
    "в 2024-2020 учебном году",
]


def _check(found: FoundDeadline, text: str) -> None:
    assert isinstance(found, FoundDeadline)
    assert len(found.remainder) <= len(text)
    assert found.rule.text in text
    if found.rule.kind is DeadlineKind.DATE:
        assert isinstance(found.rule.date, date)
    if found.rule.kind is DeadlineKind.NONE and not found.rule.text:
        assert found.remainder == text.strip()
    assert all(isinstance(warning, str) and warning for warning in found.warnings)


@given(st.text(), REFERENCES)
@example("", None)
@example("(", PROTOCOL_DAY)
@example("до 1 марта", date(2023, 2, 28))
@example("до 29 февраля", date(2023, 3, 1))
@example("ежегодно до 31 сентября", PROTOCOL_DAY)
@example("до 01.01.0000", PROTOCOL_DAY)
@example("в 9999 г.", date(9999, 12, 31))
@example("до конца учебного года", date(9999, 12, 31))
def test_any_text_gives_a_result(text: str, reference: date | None) -> None:
    _check(find_deadline(text, reference=reference), text)


@st.composite
def mutated_phrases(draw: st.DrawFn) -> str:
    """A real phrase, then a few edits: a character in, out or replaced, a piece doubled,
    NBSP for a space, «е» for «ё», capitals, another phrase glued on."""
    text = draw(st.sampled_from(PHRASES))
    alphabet = st.sampled_from([*" .,;:()-–—\u00a0ёеЁ0123456789гтдо", "г.", "т.г."])
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "double", "case", "glue"]))
        if edit == "insert":
            text = text[:at] + draw(alphabet | st.characters()) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif edit == "replace":
            text = text[:at] + draw(alphabet) + text[at + 1 :]
        elif edit == "double":
            text = text[:at] + text[at : at + 12] + text[at:]
        elif edit == "case":
            text = text.upper() if draw(st.booleans()) else text.lower()
        else:
            text = text[:at] + " " + draw(st.sampled_from(PHRASES)) + " " + text[at:]
    return text


@settings(max_examples=400)
@given(mutated_phrases(), REFERENCES)
def test_mutated_phrases_give_a_result(text: str, reference: date | None) -> None:
    _check(find_deadline(text, reference=reference), text)


@given(st.sampled_from(PHRASES), st.sampled_from(["", "  ", "\n", "\u00a0"]))
def test_surrounding_whitespace_changes_nothing(text: str, pad: str) -> None:
    plain = find_deadline(text, reference=PROTOCOL_DAY)
    padded = find_deadline(pad + text + pad, reference=PROTOCOL_DAY)
    assert padded.rule == plain.rule
    assert padded.remainder == plain.remainder


@pytest.mark.parametrize(
    "text",
    [
        "Провести собрание руководителей ОО. Срок: до 15.04.2024.",
        "Организовать отдых. Срок: 15.04.2024.",
    ],
)
def test_a_label_after_a_full_stop_leaves_one_full_stop(text: str) -> None:
    found = find_deadline(text, reference=date(2024, 3, 1))
    assert found.rule.date == date(2024, 4, 15)
    assert found.remainder.endswith(".")
    assert not found.remainder.endswith("..")
