"""The protocol parser, one feature at a time, and hypothesis: any input gives a parsed protocol
or our one error, never anything else."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.calendar.deadlines import DeadlineKind, Period
from tracker.protocols.model import (
    Block,
    Paragraph,
    ParsedDecision,
    ParsedProtocol,
    ProtocolError,
    Signature,
    Table,
    to_json,
)
from tracker.protocols.parser import NO_DECISIONS, parse_blocks, parse_document, parse_text

SEEDS = Path(__file__).resolve().parents[4] / "shared" / "seeds"


def parse(text: str) -> ParsedProtocol:
    return parse_text(dedent(text).strip("\n"), markdown=False)


def numbers(parsed: ParsedProtocol) -> list[str]:
    return [d.number for d in parsed.decisions]


def only(parsed: ParsedProtocol) -> ParsedDecision:
    assert len(parsed.decisions) == 1, parsed.decisions
    return parsed.decisions[0]


def warned(parsed: ParsedProtocol, *words: str) -> bool:
    return any(all(w in warning for w in words) for warning in parsed.warnings)


SIMPLE = """
    ПРОТОКОЛ № 3
    совещания руководителей образовательных организаций
    от 12.03.2024

    РЕШИЛИ:
    1. Руководителям ОО обеспечить участие педагогов в семинаре.
"""

# ================================================================== header


@pytest.mark.parametrize(
    ("first_line", "kind"),
    [
        ("ПРОТОКОЛ № 3", "protocol"),
        ("Протокол № 3", "protocol"),
        ("Выписка из протокола № 3", "protocol"),
        ("ВЫПИСКА ИЗ ПРОТОКОЛА № 3", "protocol"),
        ("П Р О Т О К О Л № 3", "protocol"),
        ("РЕЗОЛЮЦИЯ", "resolution"),
        ("Резолюция", "resolution"),
        ("РЕШЕНИЕ", "decision"),
        ("Решение коллегии", "decision"),
        ("ПРИКАЗ", "decision"),
    ],
)
def test_kind_of_document(first_line: str, kind: str) -> None:
    parsed = parse(f"{first_line}\nсовещания руководителей\nот 12.03.2024\n\nРЕШИЛИ:\n1. Провести.")
    assert parsed.kind == kind


def test_title_is_the_heading_lines_joined_without_number_date_and_issuing_body() -> None:
    parsed = parse(
        """
        Отдел образования администрации Сосновского района

        ПРОТОКОЛ № 3
        совещания руководителей
        образовательных организаций
        от 12.03.2024                                     г. Сосновка

        РЕШИЛИ:
        1. Руководителям ОО обеспечить участие педагогов в семинаре.
        """
    )
    assert parsed.title == "ПРОТОКОЛ совещания руководителей образовательных организаций"
    assert parsed.number == "3"
    assert parsed.date == date(2024, 3, 12)
    assert parsed.place == ""  # a town beside the date is not the place


def test_title_without_markdown_asterisks() -> None:
    parsed = parse_text("**Протокол совещания**\n**от 05.02.2020 г.**\n\nРешили:\n1. Провести.")
    assert parsed.title == "Протокол совещания"
    assert parsed.date == date(2020, 2, 5)


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("ПРОТОКОЛ № 3", "3"),
        ("ПРОТОКОЛ N 3", "3"),
        ("Протокол №3/2024", "3/2024"),
        ("Протокол № 12-р", "12-р"),
        ("Протокол совещания в МБОУ СОШ № 2", ""),
        ("Протокол заседания", ""),
    ],
)
def test_number(line: str, number: str) -> None:
    assert parse(f"{line}\nот 01.02.2024\n\nРешили:\n1. Провести.").number == number


def test_number_on_the_date_line() -> None:
    parsed = parse(
        "ПРОТОКОЛ\nсовещания директоров\n\n12.09.2024          № 9\n\nРешили:\n1. Провести."
    )
    assert (parsed.number, parsed.date) == ("9", date(2024, 9, 12))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("от 05.02.2020 г.", date(2020, 2, 5)),
        ("24 марта 2023 года", date(2023, 3, 24)),
        ("«21» февраля 2024 г.", date(2024, 2, 21)),
        ("Дата проведения: 15.11.2023", date(2023, 11, 15)),
        ("Дата: 15 ноября 2023 г.", date(2023, 11, 15)),
        ("г. Сосновка 12.03.2024", date(2024, 3, 12)),
        ("12.03.2024 г. Сосновка", date(2024, 3, 12)),
    ],
)
def test_date_forms(line: str, expected: date) -> None:
    parsed = parse(f"Протокол совещания\n\n{line}\n\nРешили:\n1. Провести в срок до 01.06.2024.")
    assert parsed.date == expected


def test_date_inside_the_title_line() -> None:
    parsed = parse("Протокол совещания руководителей от 5 февраля 2020 г.\n\nРешили:\n1. Провести.")
    assert parsed.date == date(2020, 2, 5)
    assert parsed.title == "Протокол совещания руководителей"


def test_no_date_is_a_warning_and_never_a_deadline_taken_for_it() -> None:
    parsed = parse("Протокол совещания\n\nРешили:\n1. Руководителям ОО провести до 01.06.2024.")
    assert parsed.date is None
    assert warned(parsed, "Не найдена дата")


def test_an_impossible_date_is_not_taken() -> None:
    parsed = parse("Протокол совещания\nот 31.02.2024\n\nРешили:\n1. Провести.")
    assert parsed.date is None


@pytest.mark.parametrize(
    ("line", "place"),
    [
        ("Место проведения: актовый зал администрации района", "актовый зал администрации района"),
        ("Место: кабинет № 12.", "кабинет № 12"),
        ("Место проведения – МБОУ «СОШ № 1»", "МБОУ «СОШ № 1»"),
    ],
)
def test_place(line: str, place: str) -> None:
    parsed = parse(f"Протокол совещания\nот 12.03.2024\n\n{line}\n\nРешили:\n1. Провести.")
    assert parsed.place == place


def test_an_unnamed_document_warns() -> None:
    parsed = parse("Совещание руководителей 12.03.2024\n\nРешили:\n1. Провести.")
    assert parsed.kind == "protocol"
    assert warned(parsed, "Не найдено, что это за документ")


# ================================================================== agenda


def test_agenda_items_with_speakers_on_the_same_and_the_next_lines() -> None:
    parsed = parse(
        """
        Протокол совещания от 12.03.2024

        Повестка дня:
        1. О ходе подготовки к ГИА.
        Докладчик: Иванова Т.П., главный специалист.
        2. Об организации летнего отдыха.
        Докладчики:
        Сергеева М.Н., заместитель начальника;
        Л.Д. Рыбина, методист
        3. Разное.

        1. СЛУШАЛИ: Иванову Т.П.
        РЕШИЛИ:
        1.1. Руководителям ОО обеспечить проведение собеседования.
        """
    )
    assert [(a.number, a.title, a.speakers) for a in parsed.agenda] == [
        (1, "О ходе подготовки к ГИА", ("Иванова Т.П.",)),
        (2, "Об организации летнего отдыха", ("Сергеева М.Н.", "Л.Д. Рыбина")),
        (3, "Разное", ()),
    ]
    assert only(parsed).agenda_item == 1


@pytest.mark.parametrize(
    "heading",
    ["Повестка дня:", "ПОВЕСТКА:", "ПОВЕСТКА ДНЯ", "Вопросы повестки:", "Повестка заседания:"],
)
def test_agenda_headings(heading: str) -> None:
    parsed = parse(
        f"Протокол совещания от 12.03.2024\n\n{heading}\n1. Об итогах олимпиады.\n\n"
        "Решили:\n1. Руководителям ОО поощрить педагогов."
    )
    assert [a.title for a in parsed.agenda] == ["Об итогах олимпиады"]


@pytest.mark.parametrize(
    ("line", "speakers"),
    [
        ("методист МКУ «ИМЦСОУР»- Рыбина Л.Д.", ("Рыбина Л.Д.",)),
        ("Рыбина Людмила Дмитриевна, методист", ("Рыбина Людмила Дмитриевна",)),
        ("Л.Д. Рыбина; М.В. Нефёдова", ("Л.Д. Рыбина", "М.В. Нефёдова")),
        ("Рыбина Л.Д., Нефёдова М.В.", ("Рыбина Л.Д.", "Нефёдова М.В.")),
    ],
)
def test_speaker_forms(line: str, speakers: tuple[str, ...]) -> None:
    parsed = parse(
        f"Протокол от 12.03.2024\n\nПовестка дня:\n1. Итоги мониторинга\nДокладчик:\n\n{line}\n\n"
        "По первому вопросу\nРешили:\n1. Руководителям ОО довести итоги до педагогов."
    )
    assert parsed.agenda[0].speakers == speakers


@pytest.mark.parametrize(
    ("item", "title", "speakers"),
    [
        ("1. О ГИА (докладчик – Иванова Т.П.)", "О ГИА", ("Иванова Т.П.",)),
        ("1) О ГИА. (Иванова Т.П., главный специалист)", "О ГИА", ("Иванова Т.П.",)),
        ("1. О ГИА. Докладчик: Иванова Т.П.", "О ГИА", ("Иванова Т.П.",)),
        ("I. О ГИА – Иванова Т.П., главный специалист", "О ГИА", ("Иванова Т.П.",)),
    ],
)
def test_speaker_inside_the_agenda_item(item: str, title: str, speakers: tuple[str, ...]) -> None:
    parsed = parse(f"Протокол от 12.03.2024\n\nПовестка:\n{item}\n\nРешили:\n1. Провести.")
    assert [(a.number, a.title, a.speakers) for a in parsed.agenda] == [(1, title, speakers)]


def test_speaker_without_a_name_is_kept_and_warned() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\n\nПовестка:\n1. О ГИА.\nДокладчик: начальник отдела образования\n\n"
        "Решили:\n1. Провести."
    )
    assert parsed.agenda[0].speakers == ("начальник отдела образования",)
    assert warned(parsed, "без фамилии")


def test_agenda_continuation_line_joins_the_item() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\n\nПовестка дня:\n1. Итоги мониторинга организации работы\n"
        "с одарёнными детьми.\n\nРешили:\n1. Провести."
    )
    assert parsed.agenda[0].title == "Итоги мониторинга организации работы с одарёнными детьми"


def test_agenda_ends_where_numbering_starts_again() -> None:
    parsed = parse(
        """
        Протокол от 12.03.2024
        Повестка дня:
        1. О подготовке к ГИА.
        2. Об итогах олимпиады.
        1. О подготовке к ГИА.
        Решили:
        1. Руководителям ОО провести пробный экзамен.
        2. Об итогах олимпиады.
        Решили:
        1. Руководителям ОО поощрить победителей.
        """
    )
    assert [a.number for a in parsed.agenda] == [1, 2]
    assert [(d.number, d.agenda_item) for d in parsed.decisions] == [("1", 1), ("1", 2)]


def test_roman_agenda_and_sections() -> None:
    parsed = parse(
        """
        Протокол от 12.09.2024
        ПОВЕСТКА:
        I. О готовности ОО к учебному году.
        II. Об организации питания.

        I. СЛУШАЛИ: Смирнову Е.В.
        РЕШИЛИ:
        1. Директорам ОО устранить замечания.
        II. СЛУШАЛИ: Котову А.И.
        РЕШИЛИ:
        1. Директорам ОО обеспечить охват горячим питанием.
        """
    )
    assert [a.number for a in parsed.agenda] == [1, 2]
    assert [d.agenda_item for d in parsed.decisions] == [1, 2]


# ================================================================== sections


@pytest.mark.parametrize(
    "second",
    [
        "По второму вопросу",
        "По второму вопросу повестки дня",
        "2. СЛУШАЛИ: Петрову П.П.",
        "СЛУШАЛИ: Петрову П.П.",
        "По вопросу № 2",
        "По 2 вопросу:",
        "Вопрос 2.",
        "2. Об итогах олимпиады.",
    ],
)
def test_sections_set_the_agenda_item(second: str) -> None:
    parsed = parse(
        f"""
        Протокол от 12.03.2024
        Повестка дня:
        1. О подготовке к ГИА.
        2. Об итогах олимпиады.

        СЛУШАЛИ: Иванову И.И.
        РЕШИЛИ:
        1. Руководителям ОО провести пробный экзамен.

        {second}
        РЕШИЛИ:
        1. Руководителям ОО поощрить победителей.
        """
    )
    assert [d.agenda_item for d in parsed.decisions] == [1, 2]


def test_one_agenda_item_takes_every_decision() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nПовестка дня:\n1. О ГИА.\n\nРешили:\n1. Провести.\n"
        "Постановили:\n1. Утвердить."
    )
    assert [d.agenda_item for d in parsed.decisions] == [1, 1]


def test_no_agenda_no_agenda_item() -> None:
    parsed = parse("Протокол от 12.03.2024\n\n1. СЛУШАЛИ: Иванову\nРешили:\n1.1. Провести.")
    assert parsed.agenda == ()
    assert only(parsed).agenda_item is None


def test_decision_numbers_tell_the_question_when_no_section_does() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nПовестка дня:\n1. О ГИА.\n2. Об олимпиаде.\n\n"
        "Решили:\n1.1. Провести.\n2.1. Наградить."
    )
    assert [d.agenda_item for d in parsed.decisions] == [1, 2]


def test_decisions_that_cannot_be_placed_are_warned() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nПовестка дня:\n1. О ГИА.\n2. Об олимпиаде.\n\nРешили:\n1. Провести."
    )
    assert only(parsed).agenda_item is None
    assert warned(parsed, "вопрос повестки", "1")


def test_section_number_not_on_the_agenda_is_warned() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nПовестка дня:\n1. О ГИА.\n2. Об олимпиаде.\n\n"
        "По пятому вопросу\nРешили:\n1. Провести."
    )
    assert only(parsed).agenda_item is None
    assert warned(parsed, "вопросу 5")


# ================================================================== decision headings


@pytest.mark.parametrize(
    "heading",
    [
        "Приняли решение:",
        "Решили:",
        "РЕШИЛИ:",
        "Р Е Ш И Л И:",
        "РЕШИЛИ",
        "Постановили:",
        "ПОСТАНОВИЛИ:",
        "Совещание РЕШАЕТ:",
        "Коллегия решила:",
        "Педагогический совет постановил:",
        "Решение:",
        "Решение совещания:",
        "Принято решение:",
        "По итогам обсуждения участники совещания решили:",
        "Заслушав и обсудив информацию, совещание решило:",
        "ПРИКАЗЫВАЮ:",
    ],
)
def test_decision_headings(heading: str) -> None:
    parsed = parse(
        f"Протокол от 12.03.2024\n\nСЛУШАЛИ: Иванову И.И.\n{heading}\n"
        "1. Руководителям ОО обеспечить участие в семинаре.\n2. Информацию принять к сведению."
    )
    assert numbers(parsed) == ["1", "2"]
    assert parsed.decisions[0].addressee == "Руководителям ОО"


@pytest.mark.parametrize(
    "heading", ["Рекомендовать:", "Участники совещания рекомендуют:", "Совещание РЕКОМЕНДУЕТ:"]
)
def test_recommending_headings_make_recommendations(heading: str) -> None:
    parsed = parse(
        f"Резолюция от 12.03.2024\n\n{heading}\n1. Руководителям ОО обеспечить участие в семинаре.\n"
        "2. Продолжить работу с одарёнными детьми."
    )
    assert [d.kind for d in parsed.decisions] == ["recommendation", "recommendation"]


def test_decision_on_the_heading_line() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\n\nСЛУШАЛИ: Иванову.\nРЕШИЛИ: Информацию принять к сведению."
    )
    decision = only(parsed)
    assert (decision.number, decision.kind, decision.text) == (
        "",
        "information",
        "Информацию принять к сведению.",
    )


def test_numbered_items_on_the_heading_line() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\n\nРЕШИЛИ: 1. Информацию принять к сведению. "
        "2. Руководителям ОО провести семинар."
    )
    assert numbers(parsed) == ["1", "2"]
    assert parsed.decisions[1].addressee == "Руководителям ОО"


def test_votes_and_speeches_end_a_block() -> None:
    parsed = parse(
        """
        Протокол от 12.03.2024
        РЕШИЛИ:
        1. Руководителям ОО провести семинар.
        Голосовали: «за» – 25, «против» – 0.
        Решение принято единогласно.
        ВЫСТУПИЛИ:
        Петрова А.А. предложила провести семинар в апреле.
        """
    )
    assert numbers(parsed) == ["1"]
    assert only(parsed).text == "провести семинар."
    assert parsed.warnings == ()


def test_a_table_that_is_not_of_decisions_is_not_read_as_one() -> None:
    blocks: list[Block] = [
        Paragraph("Протокол от 12.03.2024"),
        Table(rows=(("№", "ФИО", "Должность"), ("1", "Иванова И.И.", "директор"))),
        Paragraph("Решили:"),
        Paragraph("1. Руководителям ОО провести семинар."),
    ]
    assert numbers(parse_blocks(blocks)) == ["1"]


# ================================================================== numbering


def test_seed_like_numbering_across_a_blank_line_and_continuation_lines() -> None:
    parsed = parse(
        """
        Протокол от 05.02.2020
        Приняли решение:
        Руководителям образовательных учреждений:
        1. Довести результаты мониторинга до сведения
        педагогического коллектива.
        2. Обеспечить условия для проектной деятельности.

        3. Принять меры к охвату детей проектной деятельностью.
        """
    )
    assert numbers(parsed) == ["1", "2", "3"]
    assert parsed.decisions[0].text == (
        "Довести результаты мониторинга до сведения педагогического коллектива."
    )
    assert {d.addressee for d in parsed.decisions} == {"Руководителям образовательных учреждений"}
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    ("markers", "expected"),
    [
        (["1.", "2."], ["1", "2"]),
        (["1)", "2)"], ["1)", "2)"]),
        (["1.1.", "1.2."], ["1.1", "1.2"]),
        (["1.1)", "1.2)"], ["1.1)", "1.2)"]),
        (["а)", "б)"], ["а)", "б)"]),
        (["а.", "б."], ["а", "б"]),
        (["-", "-"], ["", ""]),
        (["•", "•"], ["", ""]),
    ],
)
def test_numbering_forms(markers: list[str], expected: list[str]) -> None:
    items = "\n".join(
        f"{m} руководителям ОО провести мероприятие № {k};" for k, m in enumerate(markers, 1)
    )
    parsed = parse(f"Протокол от 12.03.2024\n\nРешили:\n{items}")
    assert numbers(parsed) == expected
    assert all(d.addressee == "руководителям ОО" for d in parsed.decisions)


def test_restart_is_kept_as_printed_and_warned() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\nЗаведующим ДОУ:\n1. Провести.\n2. Организовать.\n"
        "3. Обеспечить.\n1. Разработать.\n2. Представить."
    )
    assert numbers(parsed) == ["1", "2", "3", "1", "2"]
    assert warned(parsed, "начинается заново после пункта 3")


def test_gap_is_kept_as_printed_and_warned() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Провести.\n2. Организовать.\n4. Обеспечить."
    )
    assert numbers(parsed) == ["1", "2", "4"]
    assert warned(parsed, "После пункта 2 идёт пункт 4")


def test_numbered_addressee_heading_governs_its_sub_items() -> None:
    parsed = parse(
        """
        Протокол от 12.03.2024
        РЕШИЛИ:
        1. Информацию принять к сведению.
        2. Руководителям ОО:
        2.1. обеспечить участие в семинаре;
        2.2. представить отчёты в срок до 01.04.2024.
        3. Отделу образования (Иванова Т.П.):
        3.1. подготовить сводный отчёт.
        """
    )
    assert [(d.number, d.addressee, d.text) for d in parsed.decisions] == [
        ("1", "", "Информацию принять к сведению."),
        ("2.1", "Руководителям ОО", "обеспечить участие в семинаре;"),
        ("2.2", "Руководителям ОО", "представить отчёты."),
        ("3.1", "Отделу образования (Иванова Т.П.)", "подготовить сводный отчёт."),
    ]
    assert parsed.decisions[2].deadline.date == date(2024, 4, 1)


def test_lead_in_with_a_verb_hands_it_to_lettered_sub_items() -> None:
    parsed = parse(
        """
        Протокол от 12.03.2024
        РЕШИЛИ:
        1. Руководителям ОО обеспечить:
        а) информирование выпускников о порядке ГИА;
        б) проведение пробных экзаменов в срок до 15.03.2024.
        """
    )
    assert [(d.number, d.addressee, d.text) for d in parsed.decisions] == [
        ("а)", "Руководителям ОО", "обеспечить информирование выпускников о порядке ГИА;"),
        ("б)", "Руководителям ОО", "обеспечить проведение пробных экзаменов."),
    ]


def test_sub_items_of_a_decision_are_decisions_too() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Руководителям ОО провести семинар.\n"
        "1.1. Заместителям директоров подготовить выступления.\n2. Принять к сведению."
    )
    assert [(d.number, d.addressee) for d in parsed.decisions] == [
        ("1", "Руководителям ОО"),
        ("1.1", "Заместителям директоров"),
        ("2", ""),
    ]


def test_bullets_under_a_lead_in() -> None:
    parsed = parse(
        "Резолюция от 12.03.2024\nУчастники рекомендуют:\nРуководителям ОО:\n"
        "- продолжить работу с одарёнными детьми;\n- обобщить опыт педагогов."
    )
    assert [(d.number, d.kind, d.addressee) for d in parsed.decisions] == [
        ("", "recommendation", "Руководителям ОО"),
        ("", "recommendation", "Руководителям ОО"),
    ]


def test_numbered_addressee_heading_without_sub_items_governs_what_follows() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Принять к сведению.\n2. Руководителям ОО:\n"
        "3. Обеспечить участие.\n4. Организовать работу."
    )
    assert [(d.number, d.addressee) for d in parsed.decisions] == [
        ("1", ""),
        ("3", "Руководителям ОО"),
        ("4", "Руководителям ОО"),
    ]
    assert warned(parsed, "Пункт 2", "адресат следующих пунктов")


def test_unnumbered_decisions_each_on_its_line() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\nИнформацию принять к сведению.\n"
        "Руководителям ОО обеспечить участие в семинаре.\nЗаведующим ДОУ провести\n"
        "родительские собрания."
    )
    assert [(d.number, d.addressee, d.text) for d in parsed.decisions] == [
        ("", "", "Информацию принять к сведению."),
        ("", "Руководителям ОО", "обеспечить участие в семинаре."),
        ("", "Заведующим ДОУ", "провести родительские собрания."),
    ]


def test_an_unknown_line_inside_numbered_decisions_is_skipped_with_a_warning() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Руководителям ОО провести семинар.\n\n"
        "Материалы семинара размещены на сайте."
    )
    assert numbers(parsed) == ["1"]
    assert warned(parsed, "пропущена", "Материалы семинара")


def test_control_after_the_numbered_items_is_its_own_decision() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Руководителям ОО провести семинар.\n"
        "Контроль за исполнением решения оставляю за собой."
    )
    assert [(d.number, d.kind) for d in parsed.decisions] == [("1", "instruction"), ("", "control")]


def test_word_numbering_comes_from_list_number() -> None:
    blocks: list[Block] = [
        Paragraph("ПРОТОКОЛ № 4"),
        Paragraph("от 20.02.2024"),
        Paragraph("Повестка:"),
        Paragraph("Об итогах олимпиады", "1.", 0),
        Paragraph("Докладчик: Смирнова О.В."),
        Paragraph("О подготовке к ГИА", "2.", 0),
        Paragraph("По первому вопросу:"),
        Paragraph("Информацию принять к сведению.", "1.", 0),
        Paragraph("Руководителям ОО:", "2.", 0),
        Paragraph("поощрить педагогов;", "2.1.", 1),
        Paragraph("проанализировать результаты.", "2.2.", 1),
        Paragraph("По второму вопросу:"),
        Paragraph("Руководителям ОО обеспечить:", "1.", 0),
        Paragraph("информирование выпускников;", "а)", 1),
        Paragraph("проведение пробных экзаменов.", "б)", 1),
        Paragraph("•", None),
    ]
    parsed = parse_blocks(blocks)
    assert [(a.number, a.title, a.speakers) for a in parsed.agenda] == [
        (1, "Об итогах олимпиады", ("Смирнова О.В.",)),
        (2, "О подготовке к ГИА", ()),
    ]
    assert [(d.number, d.agenda_item, d.addressee, d.text) for d in parsed.decisions] == [
        ("1", 1, "", "Информацию принять к сведению."),
        ("2.1", 1, "Руководителям ОО", "поощрить педагогов;"),
        ("2.2", 1, "Руководителям ОО", "проанализировать результаты."),
        ("а)", 2, "Руководителям ОО", "обеспечить информирование выпускников;"),
        ("б)", 2, "Руководителям ОО", "обеспечить проведение пробных экзаменов."),
    ]


def test_word_bullets_under_a_numbered_lead_in() -> None:
    blocks: list[Block] = [
        Paragraph("Протокол от 20.02.2024"),
        Paragraph("Решили:"),
        Paragraph("Заведующим ДОУ обеспечить:", "1.", 0),
        Paragraph("соблюдение норм питания;", "•", 1),
        Paragraph("контроль за качеством продуктов.", "•", 1),
    ]
    parsed = parse_blocks(blocks)
    assert [(d.addressee, d.text) for d in parsed.decisions] == [
        ("Заведующим ДОУ", "обеспечить соблюдение норм питания;"),
        ("Заведующим ДОУ", "обеспечить контроль за качеством продуктов."),
    ]


# ================================================================== tables


def test_markdown_table_of_decisions() -> None:
    parsed = parse_text(
        dedent(
            """
            # Протокол совещания
            от 18.04.2024

            ## Решили
            | № | Срок исполнения | Содержание решения | Примечание | Ответственный |
            |---|---|---|---|---|
            | 1 | до 01.05.2024 | Провести пробный экзамен. | | Руководители ОО |
            | 2 | — | Информацию принять к сведению. | | — |
            | 3 | постоянно | Рекомендовать заведующим ДОУ обновить сайты. | x | |
            """
        ),
        markdown=True,
    )
    assert [(d.number, d.kind, d.addressee, d.text, d.deadline.kind) for d in parsed.decisions] == [
        ("1", "instruction", "Руководители ОО", "Провести пробный экзамен.", DeadlineKind.DATE),
        ("2", "information", "", "Информацию принять к сведению.", DeadlineKind.NONE),
        (
            "3",
            "recommendation",
            "заведующим ДОУ",
            "Рекомендовать заведующим ДОУ обновить сайты.",
            DeadlineKind.ONGOING,
        ),
    ]
    assert parsed.decisions[0].deadline.date == date(2024, 5, 1)


def test_table_with_merged_section_rows_and_word_numbers_in_cells() -> None:
    table = Table(
        rows=(
            ("№ п/п", "Содержание решения (мероприятие)", "Ответственный (исполнитель)", "Срок"),
            ("1", "2", "3", "4"),
            (
                "По первому вопросу",
                "По первому вопросу",
                "По первому вопросу",
                "По первому вопросу",
            ),
            ("", "1. Провести семинар", "Иванова И.И.", "15 мая 2024 г."),
            (
                "По второму вопросу",
                "По второму вопросу",
                "По второму вопросу",
                "По второму вопросу",
            ),
            ("1.", "Обновить сайты", "-", "-"),
        )
    )
    blocks: list[Block] = [
        Paragraph("Протокол от 05.03.2024"),
        Paragraph("Повестка дня:"),
        Paragraph("1. О семинаре."),
        Paragraph("2. О сайтах."),
        Paragraph(""),
        Paragraph("Решили:"),
        table,
    ]
    parsed = parse_blocks(blocks)
    assert [(d.number, d.agenda_item, d.addressee, d.deadline.date) for d in parsed.decisions] == [
        ("1", 1, "Иванова И.И.", date(2024, 5, 15)),
        ("1", 2, "", None),
    ]


def test_a_table_deadline_that_cannot_be_read_is_warned() -> None:
    table = Table(rows=(("№", "Мероприятие", "Срок"), ("1", "Провести классные часы", "в марте")))
    parsed = parse_blocks([Paragraph("Протокол от 05.03.2024"), table])
    assert only(parsed).deadline.kind is DeadlineKind.NONE
    assert warned(parsed, "Пункт 1", "«в марте»")


def test_tab_separated_table_pasted_from_word() -> None:
    parsed = parse_text(
        "Протокол от 05.03.2024\n\nРешили:\n№\tМероприятие\tОтветственный\tСрок\n"
        "1\tПровести эвакуацию\tРуководители ОО\tдо 15.03.2024\n"
        "2\tПровести классные часы\tКлассные руководители\tпостоянно\n",
        markdown=False,
    )
    assert [(d.addressee, d.deadline.kind) for d in parsed.decisions] == [
        ("Руководители ОО", DeadlineKind.DATE),
        ("Классные руководители", DeadlineKind.ONGOING),
    ]


# ================================================================== addressees


@pytest.mark.parametrize(
    "heading",
    [
        "Руководителям образовательных учреждений:",
        "Заведующим ДОУ:",
        "Директорам ОО:",
        "Отделу образования:",
        "МБУ ДО «ЦДО»:",
        "Классным руководителям 9-х классов:",
        "Социальному педагогу:",
    ],
)
def test_addressee_headings(heading: str) -> None:
    parsed = parse(f"Протокол от 12.03.2024\nРешили:\n{heading}\n1. Провести.\n2. Организовать.")
    assert [d.addressee for d in parsed.decisions] == [heading[:-1]] * 2


def test_an_addressee_heading_governs_until_the_next_one() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nСовещание РЕШАЕТ:\nРуководителям ОО:\n1. Провести.\n"
        "Заведующим ДОУ:\n2. Организовать.\n3. Обеспечить."
    )
    assert [d.addressee for d in parsed.decisions] == [
        "Руководителям ОО",
        "Заведующим ДОУ",
        "Заведующим ДОУ",
    ]


@pytest.mark.parametrize(
    ("item", "addressee", "text"),
    [
        ("Руководителям ОО обеспечить участие.", "Руководителям ОО", "обеспечить участие."),
        (
            "Директору МБОУ СОШ № 2 (Петрова А.А.) подготовить пункт.",
            "Директору МБОУ СОШ № 2 (Петрова А.А.)",
            "подготовить пункт.",
        ),
        (
            "Заведующему МБДОУ «Детский сад № 4 «Солнышко» (Климова Н.С.) устранить нарушения.",
            "Заведующему МБДОУ «Детский сад № 4 «Солнышко» (Климова Н.С.)",
            "устранить нарушения.",
        ),
        ("Руководителям ОО: обеспечить участие.", "Руководителям ОО", "обеспечить участие."),
        (
            "Ведущему специалисту Орловой Е.А. направить письма.",
            "Ведущему специалисту Орловой Е.А.",
            "направить письма.",
        ),
        ("Кузнецовой О.Н. подготовить справку.", "Кузнецовой О.Н.", "подготовить справку."),
        (
            "Руководителям ОО, заведующим ДОУ провести собрания.",
            "Руководителям ОО, заведующим ДОУ",
            "провести собрания.",
        ),
        ("МБУ ДО «ЦДО» организовать конкурс.", "МБУ ДО «ЦДО»", "организовать конкурс."),
        ("Классным руководителям провести часы.", "Классным руководителям", "провести часы."),
    ],
)
def test_dative_openings(item: str, addressee: str, text: str) -> None:
    decision = only(parse(f"Протокол от 12.03.2024\nРешили:\n1. {item}"))
    assert (decision.addressee, decision.text) == (addressee, text)


@pytest.mark.parametrize(
    "item",
    [
        "Обеспечить участие педагогов.",
        "Школьный этап олимпиады провести в октябре.",
        "Довести результаты мониторинга до сведения педагогов.",
        "Организация работы с одарёнными детьми продолжить.",
    ],
)
def test_no_addressee_in_these_openings(item: str) -> None:
    parsed = parse(f"Протокол от 12.03.2024\nРешили:\n1. {item}")
    assert only(parsed).addressee == ""
    assert warned(parsed, "Пункт 1", "не найден адресат")


def test_recommendation_keeps_its_wording_and_names_its_addressee() -> None:
    decision = only(
        parse(
            "Протокол от 12.03.2024\nРешили:\n1. Рекомендовать руководителям ОО назначить ответственных."
        )
    )
    assert (decision.kind, decision.addressee, decision.text) == (
        "recommendation",
        "руководителям ОО",
        "Рекомендовать руководителям ОО назначить ответственных.",
    )


def test_own_addressee_under_a_heading_wins_and_is_warned() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\nРуководителям ОО:\n1. Заместителям директоров по УВР "
        "провести семинар.\n2. Провести собрания."
    )
    assert [d.addressee for d in parsed.decisions] == [
        "Заместителям директоров по УВР",
        "Руководителям ОО",
    ]
    assert warned(parsed, "Пункт 1", "и в заголовке", "и в самом пункте")


def test_responsible_line_under_an_item() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nПостановили:\n1. Подготовить аналитическую справку.\n"
        "Срок: до 01.12.2023.\nОтветственный: Гусева Н.В.\n2. Утвердить план."
    )
    first = parsed.decisions[0]
    assert (first.addressee, first.text, first.deadline.date) == (
        "Гусева Н.В.",
        "Подготовить аналитическую справку.",
        date(2023, 12, 1),
    )
    assert parsed.decisions[1].addressee == ""
    assert not warned(parsed, "не найден адресат")  # «Утвердить» is done by the meeting itself


def test_responsible_inside_the_item() -> None:
    decision = only(
        parse(
            "Протокол от 12.03.2024\nРешили:\n1. Провести семинар (ответственный – Иванова И.И.)."
        )
    )
    assert (decision.addressee, decision.text) == ("Иванова И.И.", "Провести семинар.")


# ================================================================== kinds


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        ("Принять к сведению информацию о результатах проверки.", "information"),
        ("Информацию Ивановой Т.П. принять к сведению.", "information"),
        ("Доклад начальника отдела принять к сведению.", "information"),
        ("Работу МБОУ СОШ № 1 признать удовлетворительной.", "information"),
        ("Информацию принять к сведению, руководителям ОО обеспечить участие.", "instruction"),
        ("Рекомендовать руководителям ОО рассмотреть вопрос.", "recommendation"),
        ("Руководителям ОО рекомендуется рассмотреть вопрос.", "recommendation"),
        ("Контроль за исполнением решения возложить на заместителя Сергееву М.Н.", "control"),
        ("Контроль исполнения настоящего протокола оставляю за собой.", "control"),
        ("Возложить контроль за выполнением решения на Иванову И.И.", "control"),
        ("Осуществлять контроль за реализацией программ.", "instruction"),
        ("Руководителям ОО обеспечить участие.", "instruction"),
        ("Довести результаты до сведения педагогов.", "instruction"),
    ],
)
def test_kinds(item: str, kind: str) -> None:
    assert only(parse(f"Протокол от 12.03.2024\nРешили:\n1. {item}")).kind == kind


def test_information_and_control_have_no_addressee_even_under_a_heading() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\nРуководителям ОО:\n1. Информацию принять к сведению.\n"
        "2. Контроль за исполнением решения оставляю за собой."
    )
    assert [(d.kind, d.addressee) for d in parsed.decisions] == [
        ("information", ""),
        ("control", ""),
    ]
    assert parsed.warnings == ()


# ================================================================== deadlines


def test_deadline_phrase_is_cut_out_of_the_text() -> None:
    decision = only(
        parse(
            "Протокол от 12.03.2024\nРешили:\n1. Руководителям ОО в срок до 01.04.2024 представить списки."
        )
    )
    assert (decision.addressee, decision.text) == ("Руководителям ОО", "представить списки.")
    assert (decision.deadline.kind, decision.deadline.date) == (DeadlineKind.DATE, date(2024, 4, 1))


def test_deadline_on_the_line_under_the_item() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Руководителям ОО провести семинар.\nСрок: 15.04.2024.\n"
        "2. Руководителям ОО организовать работу.\nСрок: постоянно."
    )
    assert [d.deadline.kind for d in parsed.decisions] == [DeadlineKind.DATE, DeadlineKind.ONGOING]
    assert not warned(parsed, "несколько пунктов")


def test_deadline_after_all_the_items_applies_to_all_and_is_warned() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Руководителям ОО провести семинар.\n"
        "2. Руководителям ОО представить отчёт.\nСрок: до 01.06.2024."
    )
    assert [d.deadline.date for d in parsed.decisions] == [date(2024, 6, 1)] * 2
    assert warned(parsed, "применён к пунктам 1, 2")


def test_deadline_in_an_addressee_heading_applies_to_its_items() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\nРуководителям ОО (срок – до 01.06.2024):\n"
        "1. Провести семинар.\n2. Представить отчёт до 15.04.2024."
    )
    assert [d.addressee for d in parsed.decisions] == ["Руководителям ОО"] * 2
    assert [d.deadline.date for d in parsed.decisions] == [date(2024, 6, 1), date(2024, 4, 15)]


def test_relative_ongoing_and_periodic_deadlines() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Руководителям ОО устранить нарушения в течение 10 рабочих дней.\n"
        "2. Руководителям ОО обновлять сайты постоянно.\n"
        "3. Руководителям ОО ежемесячно до 5 числа представлять отчёты."
    )
    first, second, third = parsed.decisions
    assert (first.deadline.kind, first.deadline.working_days) == (DeadlineKind.RELATIVE, 10)
    assert second.deadline.kind is DeadlineKind.ONGOING
    assert (third.deadline.kind, third.deadline.period, third.deadline.days) == (
        DeadlineKind.PERIODIC,
        Period.MONTHLY,
        5,
    )
    assert third.text == "представлять отчёты."


# ================================================================== signatures


@pytest.mark.parametrize(
    ("tail", "signatures"),
    [
        (
            "Начальник отдела образования\n\nМ.В.Нефёдова\n\nСекретарь\n\nН.В.Дудяк",
            [("Начальник отдела образования", "М.В.Нефёдова"), ("Секретарь", "Н.В.Дудяк")],
        ),
        (
            "Председатель                    С.А. Морозов\nСекретарь                    О.Н. Кузнецова",
            [("Председатель", "С.А. Морозов"), ("Секретарь", "О.Н. Кузнецова")],
        ),
        ("Секретарь: Дудяк Н.В.", [("Секретарь", "Дудяк Н.В.")]),
        ("Председатель ___________ Иванов И.И.", [("Председатель", "Иванов И.И.")]),
        ("Председатель – М.В. Нефёдова", [("Председатель", "М.В. Нефёдова")]),
        (
            "Начальник управления образования   /подпись/   С.Н. Ковалёва",
            [("Начальник управления образования", "С.Н. Ковалёва")],
        ),
        (
            "Председатель коллегии,\nначальник управления образования        А.В. Громов\n\nСекретарь коллегии    Н.И. Лаптева",
            [
                ("Председатель коллегии, начальник управления образования", "А.В. Громов"),
                ("Секретарь коллегии", "Н.И. Лаптева"),
            ],
        ),
        ("Протокол вела: _______ Н.В. Дудяк\nМ.П.", [("Протокол вела", "Н.В. Дудяк")]),
        ("Выписка верна\nСекретарь Л.В. Смирнова", [("Секретарь", "Л.В. Смирнова")]),
    ],
)
def test_signatures(tail: str, signatures: list[tuple[str, str]]) -> None:
    parsed = parse_text(
        f"Протокол от 12.03.2024\n\nРешили:\n1. Руководителям ОО провести семинар.\n\n{tail}",
        markdown=False,
    )
    assert [(s.position, s.name) for s in parsed.signatures] == signatures
    assert numbers(parsed) == ["1"]
    assert only(parsed).text == "провести семинар."


def test_signatures_in_a_two_column_table() -> None:
    blocks: list[Block] = [
        Paragraph("Протокол от 12.03.2024"),
        Paragraph("Решили:"),
        Paragraph("1. Руководителям ОО провести семинар."),
        Table(rows=(("Председатель", "М.В. Нефёдова"), ("Секретарь", "Н.В. Дудяк"))),
    ]
    assert parse_blocks(blocks).signatures == (
        Signature("Председатель", "М.В. Нефёдова"),
        Signature("Секретарь", "Н.В. Дудяк"),
    )


def test_the_chair_and_secretary_at_the_top_are_not_signatures() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nПредседатель: Морозов С.А.\nСекретарь: Кузнецова О.Н.\n\n"
        "Решили:\n1. Руководителям ОО провести семинар."
    )
    assert parsed.signatures == ()


def test_an_unnumbered_last_decision_is_not_taken_for_a_position() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\nИнформацию принять к сведению\n\nПредседатель\nМ.В. Нефёдова"
    )
    assert only(parsed).kind == "information"
    assert parsed.signatures == (Signature("Председатель", "М.В. Нефёдова"),)


# ================================================================== running text, no decisions


def test_recommendations_in_running_text() -> None:
    parsed = parse(
        """
        Резолюция семинара
        24 марта 2023 года

        Семинар проходил в режиме ВКС. С приветственным словом выступила Л.Д. Рыбина.
        Участники семинара рекомендуют руководителям ОО использовать опыт коллег в работе.
        Разработаны методические рекомендации.
        """
    )
    decision = only(parsed)
    assert (decision.kind, decision.addressee, decision.text) == (
        "recommendation",
        "руководителям ОО",
        "использовать опыт коллег в работе.",
    )
    assert warned(parsed, "прочитана из текста")


def test_several_recommending_sentences_give_several_recommendations() -> None:
    parsed = parse(
        "Резолюция от 24.03.2023\n\nУчастники рекомендуют одобрить опыт школ. "
        "Также рекомендуется продолжить работу сетевых сообществ."
    )
    assert [d.text for d in parsed.decisions] == [
        "одобрить опыт школ.",
        "продолжить работу сетевых сообществ.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Протокол от 12.03.2024\n\nПрисутствовали: 12 человек.\nСлушали: Иванову И.И. о ГИА.",
        "Резолюция\nРазработаны методические рекомендации для педагогов.",
        "просто текст",
        "1234",
    ],
)
def test_no_decisions_is_our_error(text: str) -> None:
    with pytest.raises(ProtocolError, match=NO_DECISIONS):
        parse_text(text)


def test_nothing_at_all_is_our_error() -> None:
    with pytest.raises(ProtocolError):
        parse_text("   \n\n  ")
    with pytest.raises(ProtocolError):
        parse_blocks([])
    with pytest.raises(ProtocolError):
        parse_blocks([Paragraph(""), Table(rows=())])


def test_numbered_items_without_any_heading_are_read_and_warned() -> None:
    parsed = parse(
        "РЕЗОЛЮЦИЯ семинара\nот 12.03.2024\n\n1. Одобрить опыт школ.\n2. Руководителям ОО обобщить опыт."
    )
    assert numbers(parsed) == ["1", "2"]
    assert warned(parsed, "Заголовок решений", "не найден")


def test_parse_document_reads_bytes_of_a_text_file() -> None:
    data = "Протокол от 12.03.2024\r\nРешили:\r\n1. Руководителям ОО провести семинар.\r\n".encode(
        "cp1251"
    )
    assert numbers(parse_document(data, "протокол.txt")) == ["1"]


def test_to_json_is_the_contract_shape() -> None:
    data = to_json(parse(SIMPLE))
    assert data["kind"] == "protocol"
    assert data["decisions"][0]["deadline"] == {
        "kind": "none",
        "date": None,
        "text": "",
        "period": None,
        "working_days": None,
        "days": None,
    }


def test_large_protocol_reads_every_decision() -> None:
    lines = ["ПРОТОКОЛ № 7", "от 12.03.2024", "Повестка дня:"]
    lines += [f"{q}. О мероприятии № {q}" for q in range(1, 11)]
    for q in range(1, 11):
        lines += [f"{q}. СЛУШАЛИ: Иванову Т.П.", "РЕШИЛИ:"]
        lines += [
            f"{q}.{n}. Руководителям ОО провести мероприятие {q}-{n} до 01.06.2024."
            for n in range(1, 21)
        ]
    parsed = parse_text("\n".join(lines), markdown=False)
    assert len(parsed.decisions) == 200
    assert {d.agenda_item for d in parsed.decisions} == set(range(1, 11))
    assert parsed.warnings == ()


# ================================================================== hypothesis: never anything but our error


RUSSIAN = st.text(
    alphabet=st.sampled_from(
        list(
            'абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ0123456789 .,:;-–—()«»"№/_\t*#|'
        )
    ),
    max_size=80,
)
WORDS = st.sampled_from(
    [
        "ПРОТОКОЛ", "Протокол № 3", "Выписка из протокола", "РЕЗОЛЮЦИЯ", "РЕШЕНИЕ", "от 12.03.2024",
        "Повестка дня:", "ПОВЕСТКА:", "Докладчик:", "Докладчики:", "Рыбина Л.Д.", "М.В.Нефёдова",
        "1.", "2.", "1.1.", "1)", "а)", "б)", "-", "•", "I.", "II.", "СЛУШАЛИ:", "РЕШИЛИ:",
        "Решили:", "Приняли решение:", "Совещание РЕШАЕТ:", "Рекомендовать:", "По первому вопросу",
        "По второму вопросу", "Руководителям ОО:", "Руководителям ОО", "Заведующим ДОУ:",
        "обеспечить", "провести", "Срок:", "до 01.03.2024", "постоянно", "ежемесячно до 5 числа",
        "Ответственный:", "принять к сведению", "Контроль за исполнением возложить на",
        "оставляю за собой", "рекомендуют", "Председатель", "Секретарь", "____", "(", ")", "«", "»",
        ":", ";", ".", "\t", "|", "| --- |", "**", "#",
    ]
)  # fmt: skip
PROTOCOLISH = st.lists(st.lists(WORDS | RUSSIAN, max_size=8).map(" ".join), max_size=40).map(
    "\n".join
)


def _parses_or_refuses(result: object) -> None:
    assert isinstance(result, ParsedProtocol)
    to_json(result)  # and it serialises
    for decision in result.decisions:
        assert decision.text.strip()
        assert len(decision.number) <= 20
    numbers_on_agenda = {a.number for a in result.agenda}
    assert len(numbers_on_agenda) == len(result.agenda)
    for decision in result.decisions:
        assert decision.agenda_item is None or decision.agenda_item in numbers_on_agenda


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400) | PROTOCOLISH)
def test_any_text_parses_or_raises_our_error(text: str) -> None:
    try:
        result = parse_text(text)
    except ProtocolError:
        return
    _parses_or_refuses(result)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans())
def test_markdown_or_not_any_text_parses_or_raises(markdown: bool) -> None:
    for text in ("| a | b |\n|---|---|\n| 1 | 2 |", "# \n**\n", "\t\t\n\t1\t2"):
        with contextlib.suppress(ProtocolError):
            _parses_or_refuses(parse_text(text, markdown=markdown))


PARAGRAPHS = st.builds(
    Paragraph,
    text=WORDS | RUSSIAN | st.text(max_size=60),
    list_number=st.none()
    | st.sampled_from(["1.", "1.2.", "а)", "•", "I.", "", "x", "1)", "Статья 1."]),
    list_level=st.integers(min_value=-1, max_value=9),
)
TABLES = st.builds(
    Table,
    rows=st.lists(
        st.lists(
            st.sampled_from(
                ["№", "Содержание", "Ответственный", "Срок", "", "-", "1", "По первому вопросу"]
            )
            | RUSSIAN,
            max_size=5,
        ).map(tuple),
        max_size=6,
    ).map(tuple),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PARAGRAPHS | TABLES, max_size=30))
def test_any_blocks_parse_or_raise_our_error(blocks: list[Block]) -> None:
    try:
        result = parse_blocks(blocks)
    except ProtocolError:
        return
    _parses_or_refuses(result)


def _seed_lines() -> list[str]:
    texts = []
    for name in ("004_98c1e272bfa50f87.txt", "000_f43442a6699a9483.txt"):
        path = SEEDS / name
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    texts.append(dedent(SIMPLE))
    return "\n".join(texts).splitlines()


SEED_LINES = _seed_lines()


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        op = draw(st.sampled_from(["drop", "dup", "swap", "noise", "cut", "join", "number"]))
        if not lines:
            break
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "noise":
            lines[i] = draw(RUSSIAN) + lines[i] + draw(RUSSIAN)
        elif op == "cut":
            k = draw(st.integers(min_value=0, max_value=max(len(lines[i]), 1)))
            lines[i] = lines[i][:k]
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + " " + lines[i + 1]]
        elif op == "number":
            lines[i] = (
                draw(st.sampled_from(["1. ", "2) ", "а) ", "- ", "1.1. ", "II. "])) + lines[i]
            )
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed(), st.sampled_from([None, True, False]))
def test_mutated_seeds_parse_or_raise_our_error(text: str, markdown: bool | None) -> None:
    try:
        result = parse_text(text, markdown=markdown)
    except ProtocolError:
        return
    _parses_or_refuses(result)


# ================================================================== shapes met later


def test_fixed_width_resolution_with_postanovlyayu() -> None:
    parsed = parse_text(
        dedent(
            """
                             АДМИНИСТРАЦИЯ ГОРОДА ЭНСКА

                                ПОСТАНОВЛЕНИЕ

         04.04.2012                                             N 220

                        О плане мероприятий подготовки
                        муниципальных образовательных
                        учреждений к новому учебному году

         В  целях  обеспечения  своевременной  и  качественной  подготовки
    муниципальных образовательных учреждений

                                 ПОСТАНОВЛЯЮ:

         1. Утвердить   план    мероприятий    согласно
    приложению.

         2. Начальнику  Управления  образования   города   Энска
    (Уваровский А.П.), начальникам отделов образования районов города:
         2.1. организовать   подготовку   муниципальных    образовательных
    учреждений;
         2.2. создать комиссии по  приемке  учреждений в срок до 01.06.2012.

         3. Контроль за исполнением постановления возложить на заместителя
    главы администрации города Петрова П.П.

    Мэр города                                              И.И. Иванов
            """
        ),
        markdown=False,
    )
    assert (parsed.kind, parsed.number, parsed.date) == ("decision", "220", date(2012, 4, 4))
    assert parsed.title == (
        "ПОСТАНОВЛЕНИЕ О плане мероприятий подготовки муниципальных образовательных "
        "учреждений к новому учебному году"
    )
    addressee = (
        "Начальнику Управления образования города Энска (Уваровский А.П.), "
        "начальникам отделов образования районов города"
    )
    assert [(d.number, d.kind, d.addressee, d.text) for d in parsed.decisions] == [
        ("1", "instruction", "", "Утвердить план мероприятий согласно приложению."),
        (
            "2.1",
            "instruction",
            addressee,
            "организовать подготовку муниципальных образовательных учреждений;",
        ),
        ("2.2", "instruction", addressee, "создать комиссии по приемке учреждений."),
        (
            "3",
            "control",
            "",
            "Контроль за исполнением постановления возложить на заместителя главы администрации "
            "города Петрова П.П.",
        ),
    ]
    assert parsed.signatures == (Signature("Мэр города", "И.И. Иванов"),)


def test_bulleted_agenda_and_an_observations_list_before_recommendations() -> None:
    parsed = parse(
        """
        РЕЗОЛЮЦИЯ
        районного методического совета
        16 января 2024 г.

        Председатель – Марденова Г.С.

        ПОВЕСТКА ДНЯ:
        - Об итогах муниципального этапа олимпиады;
        - О подготовке к региональному этапу.

        Участники совещания отмечают:
        1. Рост числа участников олимпиады на 12%.
        2. Низкие результаты по физике и химии.

        Совет рекомендует:
        1. Руководителям ОО проанализировать результаты до 01.02.2024.
        2. Учителям физики организовать работу с мотивированными обучающимися.
        """
    )
    assert [a.title for a in parsed.agenda] == [
        "Об итогах муниципального этапа олимпиады",
        "О подготовке к региональному этапу",
    ]
    assert [(d.kind, d.addressee) for d in parsed.decisions] == [
        ("recommendation", "Руководителям ОО"),
        ("recommendation", "Учителям физики"),
    ]
    assert parsed.signatures == ()


@pytest.mark.parametrize(
    ("item", "addressee", "text"),
    [
        (
            "Провести семинар (отв. Иванова И.И., срок до 01.04.2024).",
            "Иванова И.И.",
            "Провести семинар.",
        ),
        (
            "Подготовить отчёт. Ответственные: руководители ОО. Срок: до 15.04.2024.",
            "руководители ОО",
            "Подготовить отчёт.",
        ),
        (
            "Обновить сайты, отв.: руководители ОО, срок: 01.04.2024.",
            "руководители ОО",
            "Обновить сайты.",
        ),
        (
            "Провести мониторинг — Сидорова С.С., до 20.04.2024.",
            "Сидорова С.С.",
            "Провести мониторинг.",
        ),
        (
            "Организовать курсы (ответственный — Петрова П.П.; срок до 01.04.2024).",
            "Петрова П.П.",
            "Организовать курсы.",
        ),
    ],
)
def test_responsible_and_deadline_notes_inside_the_item(
    item: str, addressee: str, text: str
) -> None:
    decision = only(parse(f"Протокол от 12.03.2024\nРешили:\n1. {item}"))
    assert (decision.addressee, decision.text) == (addressee, text)
    assert decision.deadline.kind is DeadlineKind.DATE


def test_a_name_ending_the_last_item_is_not_a_signature() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n1. Контроль за исполнением решения возложить на заместителя\n"
        "начальника отдела образования\nПетрову П.П.\n\nНачальник отдела образования   М.В. Нефёдова"
    )
    assert only(parsed).text.endswith("заместителя начальника отдела образования Петрову П.П.")
    assert parsed.signatures == (Signature("Начальник отдела образования", "М.В. Нефёдова"),)


def test_a_list_of_another_style_under_an_item_ending_with_a_colon() -> None:
    parsed = parse(
        "Протокол от 12.03.2024\nРешили:\n2.1. Принять к сведению.\n"
        "2.2. Руководителям ОО, реализующих программу «Орлята России»:\n"
        "1) обеспечить курсовую подготовку;\n2) размещать информацию на сайтах.\n"
        "2.3. Отделу образования подготовить отчёт."
    )
    addressee = "Руководителям ОО, реализующих программу «Орлята России»"
    assert [(d.number, d.addressee) for d in parsed.decisions] == [
        ("2.1", ""),
        ("1)", addressee),
        ("2)", addressee),
        ("2.3", "Отделу образования"),
    ]
    assert parsed.warnings == ()


def test_vypiska_over_two_lines_and_a_vote_after_the_decisions() -> None:
    parsed = parse(
        "ВЫПИСКА\nиз протокола № 4 заседания совета\n\n«21» февраля 2024 г.\n\nРешили:\n"
        "1. Руководителям ОО провести профилактическую работу.\n\nРезолюция принята единогласно."
    )
    assert (parsed.kind, parsed.title, parsed.number) == (
        "protocol",
        "ВЫПИСКА из протокола заседания совета",
        "4",
    )
    assert parsed.date == date(2024, 2, 21)
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    "items",
    [
        "\n".join(("1. x:" if i % 2 == 0 else "1) y:") for i in range(3000)) + "\n1. провести",
        "\n".join(".".join(["1"] * (k + 1)) + ". провести" for k in range(1500)),
        "\n".join(f"{'  ' * k}- провести:" for k in range(3000)),
    ],
    ids=["alternating lead-ins", "deep decimals", "deep bullets"],
)
def test_deep_nesting_is_no_crash(items: str) -> None:
    _parses_or_refuses(parse_text(f"Протокол\nРешили:\n{items}", markdown=False))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=300))
def test_any_word_list_levels_give_a_bounded_tree(levels: list[int]) -> None:
    blocks: list[Block] = [Paragraph("Протокол"), Paragraph("Решили:")]
    blocks += [
        Paragraph(f"провести {i}:", f"{level + 1}.", level) for i, level in enumerate(levels)
    ]
    _parses_or_refuses(parse_blocks(blocks))


def test_an_appendix_after_the_signatures_is_left_out_and_warned() -> None:
    parsed = parse(
        """
        Протокол от 12.03.2024
        Решили:
        1. Руководителям ОО провести мероприятия по плану (приложение 1).

        Председатель          М.В. Нефёдова
        Секретарь          Н.В. Дудяк

        Приложение 1
        к протоколу от 12.03.2024
        План мероприятий
        1. Классные часы – март.
        """
    )
    assert only(parsed).text == "провести мероприятия по плану (приложение 1)."
    assert [s.name for s in parsed.signatures] == ["М.В. Нефёдова", "Н.В. Дудяк"]
    assert warned(parsed, "после подписей", "Приложение 1")


def test_headings_naming_bodies_in_the_dative_govern_their_items() -> None:
    parsed = parse_text(
        "ПРОТОКОЛ № 5\nот 12.03.2024\n\nРЕШИЛИ:\n"
        "Комиссии по делам несовершеннолетних:\n"
        "1. Провести рейды в срок до 01.04.2024.\n"
        "Службе сопровождения:\n"
        "1. Организовать консультации, постоянно.\n"
    )
    assert [(d.addressee, d.text) for d in parsed.decisions] == [
        ("Комиссии по делам несовершеннолетних", "Провести рейды."),
        ("Службе сопровождения", "Организовать консультации."),
    ]


def test_bullets_under_a_numbered_lead_in_carry_its_number() -> None:
    parsed = parse_text(
        "ПРОТОКОЛ № 9\nот 15.10.2025\n\nРЕШИЛИ:\n"
        "1.1. Информацию принять к сведению.\n"
        "1.2. Директорам ОО:\n"
        "- обеспечить участие победителей в муниципальном этапе;\n"
        "- провести анализ результатов в срок до 01.11.2025.\n"
        "1.3. Подготовить справку.\n"
    )
    assert [(d.number, d.addressee) for d in parsed.decisions] == [
        ("1.1", ""),
        ("1.2", "Директорам ОО"),
        ("1.2", "Директорам ОО"),
        ("1.3", ""),
    ]
    assert parsed.decisions[2].deadline.date == date(2025, 11, 1)
