"""Reading protocol files into blocks: encodings, Markdown, Word documents and their automatic
numbering, and every kind of bad input (pure: no database)."""

from __future__ import annotations

import io
import random
import zipfile
from typing import Any

import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.docx_builder import DocxBuilder
from tracker.protocols.document import MAX_BYTES, read_document, read_text
from tracker.protocols.model import Paragraph, ProtocolError, Table


def texts(blocks: list[Paragraph | Table]) -> list[str]:
    return [block.text for block in blocks if isinstance(block, Paragraph)]


def w(tag: str, attributes: dict[str, str] | None = None, *children: Any) -> BaseOxmlElement:
    """A w: element for numbering.xml, with w: attributes and children."""
    element = OxmlElement(f"w:{tag}", {qn(f"w:{k}"): v for k, v in (attributes or {}).items()})
    element.extend(children)
    return element


def numbered(blocks: list[Paragraph | Table]) -> list[tuple[str | None, str]]:
    return [(b.list_number, b.text) for b in blocks if isinstance(b, Paragraph) and b.text]


# ------------------------------------------------------------------ text files


PROTOCOL = "ПРОТОКОЛ N 3\n\nРЕШИЛИ:\n1. Руководителям ОО обеспечить явку.\n2. Срок: до 01.03.2024."


def test_each_line_is_a_paragraph_and_blank_lines_stay() -> None:
    blocks = read_document(PROTOCOL.encode(), "протокол.txt")

    assert blocks == [
        Paragraph("ПРОТОКОЛ N 3"),
        Paragraph(""),
        Paragraph("РЕШИЛИ:"),
        Paragraph("1. Руководителям ОО обеспечить явку."),
        Paragraph("2. Срок: до 01.03.2024."),
    ]


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8-r", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_russian_text_in_every_encoding_people_save(encoding: str) -> None:
    assert texts(read_document(PROTOCOL.encode(encoding), "p.txt")) == texts(
        read_document(PROTOCOL.encode(), "p.txt")
    )


@pytest.mark.parametrize("word", ["РЕШИЛИ:", "Решили:", "ПОСТАНОВИЛИ", "Срок: до 01.03"])
@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_even_one_short_line_is_decoded_as_russian(word: str, encoding: str) -> None:
    assert texts(read_document(word.encode(encoding), "p.txt")) == [word]


def test_cp1251_with_quotes_and_numero_sign() -> None:
    line = "Директору МБОУ «СОШ № 2» (Петрова А.А.) — подготовить отчёт"

    assert texts(read_document(line.encode("cp1251"), "p.txt")) == [line]


def test_a_utf8_file_with_its_last_character_cut_stays_utf8() -> None:
    data = ("Решили обеспечить участие педагогов в семинарах. " * 5 + "Ж").encode()[:-1]

    (paragraph,) = read_document(data, "p.txt")

    assert isinstance(paragraph, Paragraph)
    assert paragraph.text.startswith("Решили обеспечить участие")


def test_spaces_are_normalised_and_quotes_and_dashes_kept() -> None:
    raw = (
        "\ufeff  Срок\u00a0–\u00a0до\t01.03.2024   г.\r\n"
        "обу\u00adчающихся\u200b «Точка роста» — 2\u2009024\r\n"
        "строка\u2028вторая\x0bтретья\x07"
    )

    assert texts(read_text(raw)) == [
        "Срок – до 01.03.2024 г.",
        "обучающихся «Точка роста» — 2 024",
        "строка",
        "вторая",
        "третья",
    ]


def test_blank_lines_at_the_edges_are_dropped_inner_ones_kept() -> None:
    assert texts(read_text("\n\n  \nРешили:\n\n\n1. Обеспечить\n \n")) == [
        "Решили:",
        "",
        "",
        "1. Обеспечить",
    ]


def test_tab_separated_lines_pasted_from_a_word_table_become_a_table() -> None:
    pasted = "РЕШИЛИ:\n№\tСодержание\tСрок\n1.\tОбеспечить явку\tдо 01.03.2024\n2.\tПровести\tпостоянно\nКонец\tтекста"

    blocks = read_text(pasted)

    assert blocks == [
        Paragraph("РЕШИЛИ:"),
        Table(
            rows=(
                ("№", "Содержание", "Срок"),
                ("1.", "Обеспечить явку", "до 01.03.2024"),
                ("2.", "Провести", "постоянно"),
            )
        ),
        Paragraph("Конец текста"),  # one tabbed line alone is not a table
    ]


def test_an_indent_by_tab_is_not_a_table() -> None:
    assert read_text("\tПервый абзац\n\tВторой абзац") == [
        Paragraph("Первый абзац"),
        Paragraph("Второй абзац"),
    ]


# ------------------------------------------------------------------ Markdown


def test_markdown_marks_are_stripped_and_list_markers_kept() -> None:
    source = (
        "# ПРОТОКОЛ № 5 #\n"
        "## заседания *методического* совета\n"
        "> **Место:** актовый зал\n"
        "\n"
        "**РЕШИЛИ:**\n"
        "1\\. Руководителям ОО обеспечить __явку__ (см. [приказ](http://example.ru/1)).\n"
        "* первый\n"
        "+ второй\n"
        "- третий `код`\n"
        "а) ~~старое~~ новое\n"
        "---\n"
        "Председатель\\\n"
        "snake_case, 2*3*4, сноска* и 5 * 6\n"
    )

    assert texts(read_document(source.encode(), "protocol.md")) == [
        "ПРОТОКОЛ № 5",
        "заседания методического совета",
        "Место: актовый зал",
        "",
        "РЕШИЛИ:",
        "1. Руководителям ОО обеспечить явку (см. приказ).",
        "- первый",
        "- второй",
        "- третий код",
        "а) старое новое",
        "",
        "Председатель",
        "snake_case, 2*3*4, сноска* и 5 * 6",
    ]


def test_bold_may_run_over_lines_but_not_over_a_blank_line() -> None:
    assert texts(
        read_text("**Выписка из протокола\nот 05.02.2020 г.**\n\n**начало\n\nконец**")
    ) == [
        "Выписка из протокола",
        "от 05.02.2020 г.",
        "",
        "**начало",
        "",
        "конец**",
    ]


def test_markdown_table_becomes_a_table_block() -> None:
    source = (
        "РЕШИЛИ:\n"
        "| № | Содержание | Ответственный | Срок |\n"
        "|---|:-----------|---------------|-----:|\n"
        "| 1 | Обеспечить **участие** | Директору МБОУ СОШ № 2 | до 01.03.2024 |\n"
        "| 2 | Провести \\| совещание<br>и отчитаться | Иванов И.И. | постоянно |\n"
        "\n"
        "Председатель"
    )

    blocks = read_text(source, markdown=True)

    assert blocks == [
        Paragraph("РЕШИЛИ:"),
        Table(
            rows=(
                ("№", "Содержание", "Ответственный", "Срок"),
                ("1", "Обеспечить участие", "Директору МБОУ СОШ № 2", "до 01.03.2024"),
                ("2", "Провести | совещание\nи отчитаться", "Иванов И.И.", "постоянно"),
            )
        ),
        Paragraph(""),
        Paragraph("Председатель"),
    ]


def test_a_txt_file_that_is_plainly_markdown_is_read_as_markdown() -> None:
    assert texts(read_document("**Решили:**".encode(), "a.txt")) == ["Решили:"]


def test_signature_underscores_and_star_rows_are_not_emphasis() -> None:
    source = "**РЕШИЛИ:**\nПредседатель ____________ И.И. Иванов\n*****\nИтог: ***важно***"

    assert texts(read_text(source)) == [
        "РЕШИЛИ:",
        "Председатель ____________ И.И. Иванов",
        "",
        "Итог: важно",
    ]


def test_a_heading_or_a_table_rule_is_enough_to_read_text_as_markdown() -> None:
    assert texts(read_text("# Протокол № 1\nРешили:")) == ["Протокол № 1", "Решили:"]
    assert read_text("| № | Срок |\n|---|---|\n| 1 | до 01.03 |") == [
        Table(rows=(("№", "Срок"), ("1", "до 01.03")))
    ]


def test_text_that_starts_like_a_zip_signature_is_still_text() -> None:
    assert texts(read_document("PK-ПРОТОКОЛ № 1".encode(), "p.txt")) == ["PK-ПРОТОКОЛ № 1"]


def test_markdown_can_be_refused_or_forced_for_pasted_text() -> None:
    assert texts(read_text("**Решили:**", markdown=False)) == ["**Решили:**"]
    assert texts(read_text("*Решили:*", markdown=True)) == ["Решили:"]
    assert texts(read_text("*Решили:*")) == ["*Решили:*"]  # one italic is no proof of Markdown


# The shapes of shared/seeds/004 and 000: .txt files written with Markdown bold (over several
# lines), hard line breaks by two trailing spaces, numbering that restarts.
SEED_004_HEAD = (
    "\n\n**Выписка из протокола\nсовещания руководителей муниципальных образовательных\n"
    "учреждений от 05.02.2020 г.**\n\nВремя проведения: 10.00\n\nДокладчик:\n\n"
    "методист МКУ «ИМЦСОУР»- Рыбина Л.Д.\n\n1. По первому вопросу\n\nПриняли решение:\n\n"
    "Руководителям образовательных учреждений:\n\n"
    "1. Довести результаты мониторинга до сведения педагогического коллектива.\n"
    "2. Обеспечить условия для проведения инновационной и проектной деятельности.\n\n"
    "8. Обеспечить активное участие одарённых детей в конкурсах и олимпиадах.\n\n"
    "Начальник отдела образования\n\nМ.В.Нефёдова\n\nСекретарь\n\nН.В.Дудяк"
)
SEED_000_HEAD = (
    "\n\n**Резолюция**  \n**городской научно-практической конференции**  \n"
    "**«Успешные практики сопровождения и поддержки**  \n**одарённых обучающихся»**\n\n"
    "**24 марта 2023 года**\n\nПредметом обсуждения стали следующие вопросы:\n\n"
    "- Организация работы школьных научных обществ как актуальной формы работы;\n"
    "- Успешные практики сетевого взаимодействия.\n\n"
    "Участники конференции рекомендуют одобрить представленный на конференции опыт."
)


def test_seed_004_shape_reads_as_plain_lines_without_markdown() -> None:
    lines = texts(read_document(SEED_004_HEAD.encode(), "004_98c1e272bfa50f87.txt"))

    assert lines == [
        "Выписка из протокола",
        "совещания руководителей муниципальных образовательных",
        "учреждений от 05.02.2020 г.",
        "",
        "Время проведения: 10.00",
        "",
        "Докладчик:",
        "",
        "методист МКУ «ИМЦСОУР»- Рыбина Л.Д.",
        "",
        "1. По первому вопросу",
        "",
        "Приняли решение:",
        "",
        "Руководителям образовательных учреждений:",
        "",
        "1. Довести результаты мониторинга до сведения педагогического коллектива.",
        "2. Обеспечить условия для проведения инновационной и проектной деятельности.",
        "",
        "8. Обеспечить активное участие одарённых детей в конкурсах и олимпиадах.",
        "",
        "Начальник отдела образования",
        "",
        "М.В.Нефёдова",
        "",
        "Секретарь",
        "",
        "Н.В.Дудяк",
    ]


def test_seed_000_shape_reads_with_its_title_lines_and_dashes() -> None:
    lines = texts(read_document(SEED_000_HEAD.encode("cp1251"), "000.txt"))

    assert lines == [
        "Резолюция",
        "городской научно-практической конференции",
        "«Успешные практики сопровождения и поддержки",
        "одарённых обучающихся»",
        "",
        "24 марта 2023 года",
        "",
        "Предметом обсуждения стали следующие вопросы:",
        "",
        "- Организация работы школьных научных обществ как актуальной формы работы;",
        "- Успешные практики сетевого взаимодействия.",
        "",
        "Участники конференции рекомендуют одобрить представленный на конференции опыт.",
    ]


# ------------------------------------------------------------------ .docx: text and order


def test_docx_paragraphs_and_tables_come_in_document_order() -> None:
    doc = DocxBuilder()
    doc.paragraph([("ПРОТОКОЛ", True), (" № 3", False)])
    doc.paragraph("")
    doc.paragraph("РЕШИЛИ:")
    doc.table([["№", "Содержание", "Срок"], ["1.", "Обеспечить\n\nявку", "до 01.03.2024"]])
    doc.paragraph("Председатель\tИ.И. Иванов")

    blocks = read_document(doc.to_bytes(), "протокол.docx")

    assert blocks == [
        Paragraph("ПРОТОКОЛ № 3"),
        Paragraph(""),
        Paragraph("РЕШИЛИ:"),
        Table(rows=(("№", "Содержание", "Срок"), ("1.", "Обеспечить\nявку", "до 01.03.2024"))),
        Paragraph("Председатель И.И. Иванов"),
    ]


def test_docx_is_known_by_its_content_whatever_the_name() -> None:
    doc = DocxBuilder()
    doc.paragraph("Решили:")
    data = doc.to_bytes()

    for name in ("протокол.doc", "протокол.txt", "upload", "C:\\Documents\\протокол.DOCX"):
        assert read_document(data, name) == [Paragraph("Решили:")]


def test_soft_line_breaks_split_a_paragraph_number_on_the_first_line_only() -> None:
    doc = DocxBuilder()
    decisions = doc.numbering(("decimal", "%1."))
    doc.paragraph("Начальник отдела образования\nМ.В.Нефёдова")
    doc.paragraph("Обеспечить явку.\nСрок: до 01.03.2024\n", numbering=decisions)

    assert read_document(doc.to_bytes(), "p.docx") == [
        Paragraph("Начальник отдела образования"),
        Paragraph("М.В.Нефёдова"),
        Paragraph("Обеспечить явку.", list_number="1.", list_level=0),
        Paragraph("Срок: до 01.03.2024"),
    ]


def test_headers_footers_and_hidden_text_are_left_out() -> None:
    doc = DocxBuilder()
    doc.header("Администрация района — колонтитул")
    doc.footer("Страница 1")
    doc.paragraph([("Решили: ", False), ("скрытая правка ", False), ("обеспечить", False)])
    doc.document.paragraphs[-1].runs[1].font.hidden = True

    assert texts(read_document(doc.to_bytes(), "p.docx")) == ["Решили: обеспечить"]


def test_tracked_changes_content_controls_and_hyperlinks() -> None:
    doc = DocxBuilder()
    doc.raw(
        '<w:p><w:r><w:t xml:space="preserve">Срок: до </w:t></w:r>'
        '<w:del w:id="1" w:author="a"><w:r><w:delText>01.02</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="a"><w:r><w:t>01.03</w:t></w:r></w:ins>'
        "<w:hyperlink><w:r><w:t>.2024</w:t></w:r></w:hyperlink></w:p>"
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Из поля формы</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>a</w:t><w:noBreakHyphen/><w:t>b</w:t><w:softHyphen/><w:t>c</w:t>"
        '<w:sym w:font="Symbol" w:char="F0B7"/><w:sym w:char="2116"/></w:r></w:p>'
    )

    assert texts(read_document(doc.to_bytes(), "p.docx")) == [
        "Срок: до 01.03.2024",
        "Из поля формы",
        "a-bc№",
    ]


def test_merged_cells_repeat_as_word_reports_them() -> None:
    doc = DocxBuilder()
    doc.table(
        [["Ответственный", "", "Срок"], ["Иванов", "Петров", "до 01.03"], ["", "Сидоров", ""]],
        merge=[((0, 0), (0, 1)), ((1, 2), (2, 2))],
    )

    (table,) = read_document(doc.to_bytes(), "p.docx")

    assert table == Table(
        rows=(
            ("Ответственный", "Ответственный", "Срок"),
            ("Иванов", "Петров", "до 01.03"),
            ("", "Сидоров", "до 01.03"),
        )
    )


def test_strict_open_xml_documents_are_read_too() -> None:
    doc = DocxBuilder()
    decisions = doc.numbering(("decimal", "%1."))
    doc.paragraph("Обеспечить явку", numbering=decisions)
    data = doc.to_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    transitional = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    strict = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    parts = ["word/document.xml", "word/numbering.xml", "word/styles.xml"]

    strict_data = rezip(data, {n: archive.read(n).replace(transitional, strict) for n in parts})

    assert read_document(strict_data, "p.docx") == [
        Paragraph("Обеспечить явку", list_number="1.", list_level=0)
    ]


# ------------------------------------------------------------------ .docx: automatic numbering


def test_word_numbering_decimal_and_multilevel() -> None:
    doc = DocxBuilder()
    decisions = doc.numbering(("decimal", "%1."), ("decimal", "%1.%2."))
    doc.paragraph("Руководителям ОО:", numbering=decisions)
    doc.paragraph("обеспечить явку;", numbering=decisions, level=1)
    doc.paragraph("подготовить отчёт.", numbering=decisions, level=1)
    doc.paragraph("Принять к сведению.", numbering=decisions)
    doc.paragraph("без номера")
    doc.paragraph("Контроль возложить на …", numbering=decisions)
    doc.paragraph("сначала", numbering=decisions, level=1)

    blocks = read_document(doc.to_bytes(), "p.docx")

    assert numbered(blocks) == [
        ("1.", "Руководителям ОО:"),
        ("1.1.", "обеспечить явку;"),
        ("1.2.", "подготовить отчёт."),
        ("2.", "Принять к сведению."),
        (None, "без номера"),
        ("3.", "Контроль возложить на …"),
        ("3.1.", "сначала"),  # a deeper level restarts under a new parent
    ]
    assert [b.list_level for b in blocks if isinstance(b, Paragraph)] == [0, 1, 1, 0, 0, 0, 1]


def test_word_numbering_russian_letters_skip_yo_i_kratkoye_and_signs() -> None:
    doc = DocxBuilder()
    letters = doc.numbering(("russianLower", "%1)"))
    for index in range(12):
        doc.paragraph(f"пункт {index}", numbering=letters)
    upper = doc.numbering(("russianUpper", "%1."))
    doc.paragraph("раздел", numbering=upper)

    numbers = [number for number, _ in numbered(read_document(doc.to_bytes(), "p.docx"))]

    assert numbers == ["а)", "б)", "в)", "г)", "д)", "е)", "ж)", "з)", "и)", "к)", "л)", "м)", "А."]


def test_word_numbering_restart_and_continuation_across_list_instances() -> None:
    doc = DocxBuilder()
    first = doc.numbering(("decimal", "%1."))
    doc.paragraph("a", numbering=first)
    doc.paragraph("b", numbering=first)
    again = doc.restart(first)  # «Начать заново с 1»
    doc.paragraph("c", numbering=again)
    doc.paragraph("d", numbering=again)
    from_five = doc.restart(first, start=5)
    doc.paragraph("e", numbering=from_five)
    continued = doc.another_instance(first)  # «Продолжить нумерацию»
    doc.paragraph("f", numbering=continued)
    other = doc.numbering(("decimal", "%1)"))
    doc.paragraph("g", numbering=other)

    assert numbered(read_document(doc.to_bytes(), "p.docx")) == [
        ("1.", "a"),
        ("2.", "b"),
        ("1.", "c"),
        ("2.", "d"),
        ("5.", "e"),
        ("6.", "f"),
        ("1)", "g"),
    ]


def test_a_level_override_without_a_start_does_not_restart_at_zero() -> None:
    doc = DocxBuilder()
    first = doc.numbering(("decimal", "%1."))
    doc.paragraph("a", numbering=first)
    restyled = doc.another_instance(first)
    (num,) = doc.document.part.numbering_part.element.xpath(
        f'./w:num[@w:numId="{restyled.num_id}"]'
    )
    override = num.add_lvlOverride(ilvl=0)  # the level shown as "%1)", its start not given
    override.append(
        w("lvl", {"ilvl": "0"}, w("numFmt", {"val": "decimal"}), w("lvlText", {"val": "%1)"}))
    )
    doc.paragraph("b", numbering=restyled)

    assert numbered(read_document(doc.to_bytes(), "p.docx")) == [("1.", "a"), ("2)", "b")]


def test_word_bullets_show_as_a_bullet() -> None:
    doc = DocxBuilder()
    bullets = doc.bullets()
    doc.paragraph("Организация работы школьных научных обществ;", numbering=bullets)
    doc.paragraph("Методы выявления одарённых обучающихся.", numbering=bullets)

    assert numbered(read_document(doc.to_bytes(), "p.docx")) == [
        ("•", "Организация работы школьных научных обществ;"),
        ("•", "Методы выявления одарённых обучающихся."),
    ]


def test_word_numbering_through_a_paragraph_style_and_numid_zero() -> None:
    doc = DocxBuilder()
    doc.paragraph("первый", style="List Number")  # python-docx's template: numbering by style
    doc.paragraph("второй", style="List Number")
    decisions = doc.numbering(("decimal", "%1."), ("lowerLetter", "%2)"))
    style = doc.numbered_style("Решение", decisions, level=1)
    doc.paragraph("подпункт", style=style)
    plain = doc.paragraph("снят номер", style="List Number")
    num_pr = plain._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = 0  # numId 0: not numbered, whatever the style says
    based = doc.document.styles.add_style("Решение 2", 1)
    based.base_style = doc.document.styles["Решение"]
    doc.paragraph("через basedOn", style="Решение 2")

    assert numbered(read_document(doc.to_bytes(), "p.docx")) == [
        ("1.", "первый"),
        ("2.", "второй"),
        ("a)", "подпункт"),
        (None, "снят номер"),
        ("b)", "через basedOn"),
    ]


def test_word_numbering_formats_level_restart_and_legal_numbers() -> None:
    doc = DocxBuilder()
    outline = doc.numbering(
        ("upperRoman", "%1."), ("decimalZero", "%1.%2"), ("lowerRoman", "%1.%2.%3"), ("none", "")
    )
    lvl = doc.document.part.numbering_part.element.xpath(
        f'./w:abstractNum[@w:abstractNumId="{outline.abstract_id}"]/w:lvl'
    )
    lvl[1].find(qn("w:numFmt")).addnext(w("lvlRestart", {"val": "0"}))  # never restarts
    lvl[2].find(qn("w:numFmt")).addnext(w("isLgl"))  # "legal": every level in Arabic figures
    doc.paragraph("I", numbering=outline)
    doc.paragraph("I.01", numbering=outline, level=1)
    doc.paragraph("1.1.i", numbering=outline, level=2)
    doc.paragraph("II", numbering=outline)
    doc.paragraph("II.02", numbering=outline, level=1)
    doc.paragraph("пусто", numbering=outline, level=3)

    assert numbered(read_document(doc.to_bytes(), "p.docx")) == [
        ("I.", "I"),
        ("I.01", "I.01"),
        ("1.1.i", "1.1.i"),  # not "I.01.i"
        ("II.", "II"),
        ("II.02", "II.02"),
        (None, "пусто"),  # numFmt none and an empty level text: no number
    ]


def test_word_numbers_in_a_table_are_written_into_the_cells() -> None:
    doc = DocxBuilder()
    decisions = doc.numbering(("decimal", "%1."))
    doc.paragraph("До таблицы", numbering=decisions)
    doc.table(
        [
            ["№", "Содержание", "Ответственный", "Срок"],
            ["", "Обеспечить явку", "Руководители ОО", "до 01.03.2024"],
            ["", "Провести совещание", "Иванов И.И.", "постоянно"],
        ],
        numbering=decisions,
    )
    doc.paragraph("После таблицы", numbering=decisions)

    blocks = read_document(doc.to_bytes(), "p.docx")

    assert blocks == [
        Paragraph("До таблицы", list_number="1.", list_level=0),
        Table(
            rows=(
                ("№", "Содержание", "Ответственный", "Срок"),
                ("2.", "Обеспечить явку", "Руководители ОО", "до 01.03.2024"),
                ("3.", "Провести совещание", "Иванов И.И.", "постоянно"),
            )
        ),
        Paragraph("После таблицы", list_number="4.", list_level=0),
    ]


# ------------------------------------------------------------------ bad input


def docx_bytes() -> bytes:
    doc = DocxBuilder()
    decisions = doc.numbering(("decimal", "%1."), ("decimal", "%1.%2."))
    doc.paragraph("ПРОТОКОЛ № 1", bold=True)
    doc.paragraph("Обеспечить явку", numbering=decisions)
    doc.paragraph("в срок до 01.03.2024", numbering=decisions, level=1)
    doc.table([["№", "Содержание"], ["", "Провести совещание"]], numbering=decisions)
    return doc.to_bytes()


VALID_DOCX = docx_bytes()


def rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """``data`` (a ZIP) with some entries replaced (None: removed)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = replace.get(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Файл пустой."),
        (b"  \r\n\t\n", "Файл пустой."),
        (b"\xef\xbb\xbf\n", "Файл пустой."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Формат .doc не поддерживается"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF не поддерживается"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Это изображение"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "Это изображение"),
        (b"{\\rtf1\\ansi\\ansicpg1251 \\f0 \\'d0\\'e5\\'f8\\'e8\\'eb\\'e8}", "Формат RTF"),
        (b"<!DOCTYPE html><html><body>\xd0\xa0</body></html>", "Веб-страница (HTML)"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "Это архив"),
        (b"Text with a NUL\x00 in it" * 3, "Файл не похож ни на текст"),
        (bytes(range(256)) * 4, "Файл не похож ни на текст"),
    ],
)
def test_bad_files_get_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ProtocolError) as error:
        read_document(data, "протокол.doc")

    assert str(error.value).startswith(message)


def test_password_protected_docx_says_so() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")

    with pytest.raises(ProtocolError, match="защищён паролем"):
        read_document(ole, "протокол.docx")


def test_empty_pasted_text() -> None:
    with pytest.raises(ProtocolError, match=r"^Текст пустой\.$"):
        read_text(" \n\u00a0\n\u200b")


def test_more_than_50_mb_is_refused() -> None:
    with pytest.raises(ProtocolError, match="50 МБ"):
        read_document(b"a" * (MAX_BYTES + 1), "big.txt")


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.1])
def test_a_docx_cut_short_is_broken(cut: float) -> None:
    with pytest.raises(ProtocolError, match=r"^Файл \.docx повреждён или обрезан\.$"):
        read_document(VALID_DOCX[: int(len(VALID_DOCX) * cut)], "протокол.docx")


@pytest.mark.parametrize(
    "replace",
    [
        {"word/document.xml": None},
        {"word/document.xml": b"<w:document><w:body><w:p>"},
        {"word/document.xml": b"\x00\x01 not xml"},
        {"word/numbering.xml": b"<broken"},
        {"word/_rels/document.xml.rels": b"<Relationships"},
    ],
)
def test_a_docx_with_a_missing_or_broken_part_is_broken(replace: dict[str, bytes | None]) -> None:
    with pytest.raises(ProtocolError, match=r"^Файл \.docx повреждён или обрезан\.$"):
        read_document(rezip(VALID_DOCX, replace), "протокол.docx")


def test_other_zip_files_are_named() -> None:
    def zip_of(*names: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in names:
                archive.writestr(name, b"application/vnd.oasis.opendocument.text")
        return out.getvalue()

    cases = {
        zip_of("mimetype", "content.xml"): "Формат .odt не поддерживается",
        zip_of("[Content_Types].xml", "xl/workbook.xml"): "Это таблица Excel",
        zip_of("photo.jpg"): "Это архив",
    }
    for data, message in cases.items():
        with pytest.raises(ProtocolError, match=message):
            read_document(data, "upload.zip")


def test_a_docx_without_any_text_says_so() -> None:
    doc = DocxBuilder()
    doc.paragraph("")
    doc.table([["", ""]])

    with pytest.raises(ProtocolError, match="В документе нет текста"):
        read_document(doc.to_bytes(), "скан.docx")


def test_entities_are_never_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "AAAAAAAAAA">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Resheno &b;</w:t></w:r></w:p></w:body></w:document>"
    )

    try:
        blocks = read_document(rezip(VALID_DOCX, {"word/document.xml": bomb}), "p.docx")
    except ProtocolError:
        return
    assert "AAAAAAAAAA" not in texts(blocks)[0]


# ------------------------------------------------------------------ never anything but ProtocolError


def read_or_refuse(data: bytes, name: str) -> None:
    try:
        blocks, message = read_document(data, name), ""
    except ProtocolError as error:
        blocks, message = [], str(error)
    assert bool(blocks) != bool(message)  # some blocks, or a message to show
    assert all(isinstance(block, Paragraph | Table) for block in blocks)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096), st.sampled_from(["p.docx", "p.txt", "p.md", "p.doc", ""]))
def test_arbitrary_bytes_give_blocks_or_a_protocol_error(data: bytes, name: str) -> None:
    read_or_refuse(data, name)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000), st.sampled_from([None, True, False]))
def test_arbitrary_text_gives_blocks_or_a_protocol_error(text: str, markdown: bool | None) -> None:
    try:
        blocks = read_text(text, markdown=markdown)
    except ProtocolError:
        return
    assert all(isinstance(block, Paragraph | Table) for block in blocks)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.integers(1, 40))
def test_mutated_docx_bytes_give_blocks_or_a_protocol_error(rnd: random.Random, flips: int) -> None:
    data = bytearray(VALID_DOCX)
    for _ in range(flips):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    read_or_refuse(bytes(data), "p.docx")
    read_or_refuse(bytes(data[: rnd.randrange(len(data))]), "p.docx")


ARCHIVE = zipfile.ZipFile(io.BytesIO(VALID_DOCX))
PARTS = {name: ARCHIVE.read(name) for name in ARCHIVE.namelist()}
XML_PARTS = sorted(
    name
    for name in PARTS
    if name in {"word/document.xml", "word/numbering.xml", "word/styles.xml"}
    or name.endswith(".rels")
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(XML_PARTS),
    st.randoms(use_true_random=False),
    st.lists(st.sampled_from(list(b'<>/"=:0123456789 wabcdeilmnprstuv&;#')), max_size=6),
)
def test_mutated_xml_inside_a_sound_zip_gives_blocks_or_a_protocol_error(
    part: str, rnd: random.Random, insert: list[int]
) -> None:
    content = bytearray(PARTS[part])
    for _ in range(rnd.randint(1, 4)):
        start = rnd.randrange(len(content))
        content[start : start + rnd.randint(0, 12)] = bytes(insert)
    read_or_refuse(rezip(VALID_DOCX, {part: bytes(content)}), "p.docx")
