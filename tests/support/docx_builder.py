"""Build .docx files in memory, with python-docx, for tests and fixtures.

Word's automatic numbering is made the way Word makes it: an abstract definition and a list
instance in numbering.xml, and a w:numPr on the paragraph, so the numbers are not in the text::

    doc = DocxBuilder()
    doc.paragraph("ПРОТОКОЛ № 3", bold=True)
    decisions = doc.numbering(("decimal", "%1."), ("decimal", "%1.%2."))
    doc.paragraph("Обеспечить участие …", numbering=decisions)            # Word shows «1.»
    doc.paragraph("Подготовить отчёт …", numbering=decisions, level=1)    # «1.1.»
    letters = doc.numbering(("russianLower", "%1)"))                       # «а)», «б)» …
    again = doc.restart(decisions)                                         # «1.» once more
    doc.table([["№", "Содержание", "Срок"], ["", "Обеспечить …", "до 01.03.2024"]],
              numbering=decisions)                                         # «№» cells numbered
    data = doc.to_bytes()

A text with "\\n" becomes soft line breaks (w:br) inside one paragraph, as Shift+Enter does.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph as DocxParagraph

Run = tuple[str, bool]
"""A run of text and whether it is bold."""


@dataclass(frozen=True)
class WordList:
    """One list instance (w:num) and the abstract definition it shows."""

    num_id: int
    abstract_id: int


class DocxBuilder:
    def __init__(self) -> None:
        self.document = docx.Document()
        self._numbering = self.document.part.numbering_part.element

    # ------------------------------------------------------------------ text

    def paragraph(
        self,
        text: str | Sequence[Run] = "",
        *,
        bold: bool = False,
        style: str | None = None,
        numbering: WordList | None = None,
        level: int = 0,
        hidden: bool = False,
    ) -> DocxParagraph:
        """A paragraph of one run (or of ``[(text, bold), …]`` runs), in a Word list if asked."""
        paragraph = self.document.add_paragraph(style=style)
        runs = [(text, bold)] if isinstance(text, str) else list(text)
        for run_text, run_bold in runs:
            run = paragraph.add_run(run_text)  # "\n" → <w:br/>, "\t" → <w:tab/>
            run.bold = run_bold or None
            if hidden:
                run.font.hidden = True
        if numbering is not None:
            self._number(paragraph, numbering, level)
        return paragraph

    def header(self, text: str) -> None:
        self.document.sections[0].header.paragraphs[0].text = text

    def footer(self, text: str) -> None:
        self.document.sections[0].footer.paragraphs[0].text = text

    def raw(self, xml: str) -> None:
        """Body-level WordprocessingML (``w:`` prefix declared), e.g. a content control or a
        tracked change."""
        element = parse_xml(f"<w:wrap {nsdecls('w')}>{xml}</w:wrap>")
        body = self.document.element.body
        for child in list(element):
            if body.sectPr is not None:
                body.sectPr.addprevious(child)
            else:
                body.append(child)

    # ------------------------------------------------------------------ numbering

    def numbering(self, *levels: tuple[str, str], start: int = 1) -> WordList:
        """A new list: level i is ``levels[i]`` = (w:numFmt, w:lvlText), e.g. ("decimal", "%1."),
        ("decimal", "%1.%2."), ("russianLower", "%1)"), ("bullet", "•")."""
        abstract_id = 1 + max(
            (int(value) for value in self._numbering.xpath("./w:abstractNum/@w:abstractNumId")),
            default=-1,
        )
        lvl_xml = "".join(
            f'<w:lvl w:ilvl="{index}"><w:start w:val="{start}"/>'
            f'<w:numFmt w:val="{number_format}"/><w:lvlText w:val="{text}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (index + 1)}" '
            f'w:hanging="360"/></w:pPr></w:lvl>'
            for index, (number_format, text) in enumerate(levels)
        )
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="{"multilevel" if len(levels) > 1 else "singleLevel"}"/>'
            f"{lvl_xml}</w:abstractNum>"
        )
        first_num = self._numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self._numbering.append(abstract)
        num = self._numbering.add_num(abstract_id)
        return WordList(num_id=int(num.numId), abstract_id=abstract_id)

    def bullets(self) -> WordList:
        """A bulleted list as Word makes it: the Symbol font's bullet (a private-use character)."""
        return self.numbering(("bullet", "\uf0b7"))

    def restart(self, word_list: WordList, *, start: int = 1, level: int = 0) -> WordList:
        """A new instance of ``word_list``'s definition that starts again (Word's «Начать заново»)."""
        num = self._numbering.add_num(word_list.abstract_id)
        num.add_lvlOverride(ilvl=level).add_startOverride(start)
        return WordList(num_id=int(num.numId), abstract_id=word_list.abstract_id)

    def another_instance(self, word_list: WordList) -> WordList:
        """A new instance of the same definition without an override: Word continues counting."""
        num = self._numbering.add_num(word_list.abstract_id)
        return WordList(num_id=int(num.numId), abstract_id=word_list.abstract_id)

    def numbered_style(self, name: str, word_list: WordList, *, level: int | None = None) -> str:
        """A paragraph style that puts its paragraphs in ``word_list`` (numbering through the style)."""
        style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
        if level is not None:
            num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = word_list.num_id
        return name

    def _number(self, paragraph: DocxParagraph, word_list: WordList, level: int) -> None:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = word_list.num_id

    # ------------------------------------------------------------------ tables

    def table(
        self,
        rows: Sequence[Sequence[str]],
        *,
        numbering: WordList | None = None,
        numbered_column: int = 0,
        merge: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
    ) -> None:
        """A table; with ``numbering``, the ``numbered_column`` cells of every row after the
        header are in that Word list (their text, usually empty, follows the number).
        ``merge``: ((row, column), (row, column)) corners of cells to merge."""
        width = max((len(row) for row in rows), default=1)
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for row_index, row in enumerate(rows):
            for column, text in enumerate(row):
                cell = table.cell(row_index, column)
                lines = text.split("\n\n")  # a blank line: another paragraph in the cell
                cell.paragraphs[0].add_run(lines[0])
                for line in lines[1:]:
                    cell.add_paragraph().add_run(line)
                if numbering is not None and row_index > 0 and column == numbered_column:
                    self._number(cell.paragraphs[0], numbering, 0)
        for (top, left), (bottom, right) in merge:
            table.cell(top, left).merge(table.cell(bottom, right))

    # ------------------------------------------------------------------ output

    def to_bytes(self) -> bytes:
        stream = io.BytesIO()
        self.document.save(stream)
        return stream.getvalue()
