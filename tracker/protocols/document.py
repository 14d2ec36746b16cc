"""From a protocol file to blocks (paragraphs and tables in document order). Pure.

``read_document(data, filename)`` decides the format by the content first and the file name
second: a ZIP holding a Word document is read as ``.docx``; anything else that is text is decoded
(UTF-8 with or without a BOM, UTF-16 with a BOM, else cp1251 or KOI8-R, whichever reads as Russian)
and read line by line, as Markdown when the name ends in ``.md``/``.markdown`` or the text plainly
is Markdown. ``read_text(text)`` reads text already decoded (a paste).

Every failure is a ``ProtocolError`` with a Russian message fit to show as it is; no other
exception escapes, whatever the bytes.

What the parser gets:

* one ``Paragraph`` per line of text (blank lines kept as ``Paragraph("")``, leading and trailing
  ones dropped); spaces normalised (NBSP and other Unicode spaces and tabs become one space, soft
  hyphens and zero-width characters go, each line is stripped), «» quotes and dashes kept;
* Markdown: emphasis, headings, quotes, links and backslash escapes removed, list markers kept
  ("1. ", "- "; "* " and "+ " become "- "), ``| a | b |`` tables with a ``|---|`` line as ``Table``;
* plain text: two or more consecutive lines split by tabs into the same number of cells (a table
  pasted from Word) become a ``Table``;
* ``.docx``: the body in order, paragraphs and tables interleaved (content controls and tracked
  insertions included, deletions and hidden text left out, headers, footers and footnotes
  ignored); a paragraph with soft line breaks becomes several ``Paragraph``; Word's automatic
  numbering is computed as Word shows it and put in ``Paragraph.list_number`` ("1.", "1.2.",
  "а)", "•" for a bullet) with ``list_level`` (0 for the outermost level), on the first line of
  the paragraph only. In a table cell the number is written before the cell's text
  ("1. Обеспечить…"), since ``Table`` holds plain strings.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from tracker.protocols.model import Block, Paragraph, ProtocolError, Table

MAX_BYTES = 50 * 1024 * 1024
"""The largest file (or pasted text, in characters) read at all."""

MAX_PART_BYTES = 64 * 1024 * 1024
"""The largest uncompressed XML part of a .docx read (a guard against ZIP bombs)."""

EMPTY = "Файл пустой."
EMPTY_TEXT = "Текст пустой."
TOO_BIG = "Файл больше 50 МБ: такой протокол не прочитать."
TEXT_TOO_BIG = "Текст длиннее 50 миллионов знаков: такой протокол не прочитать."
DOC = "Формат .doc не поддерживается: сохраните документ как .docx или .txt."
ENCRYPTED = "Документ защищён паролем: снимите защиту и сохраните его как .docx или .txt."
PDF = "PDF не поддерживается: сохраните документ как .docx или .txt (или вставьте текст)."
RTF = "Формат RTF не поддерживается: сохраните документ как .docx или .txt."
ODT = "Формат .odt не поддерживается: сохраните документ как .docx или .txt."
HTML = "Веб-страница (HTML) не поддерживается: сохраните документ как .docx или .txt."
XML = "Файл XML не поддерживается: сохраните документ как .docx или .txt."
IMAGE = "Это изображение, а не текст: нужен протокол в формате .docx, .txt или .md."
SPREADSHEET = "Это таблица Excel, а не документ Word: сохраните протокол как .docx или .txt."
PRESENTATION = "Это презентация, а не документ Word: сохраните протокол как .docx или .txt."
ARCHIVE = "Это архив, а не документ: загрузите протокол в формате .docx, .txt или .md."
BINARY = "Файл не похож ни на текст, ни на документ Word: загрузите .docx, .txt или .md."
DOCX_BROKEN = "Файл .docx повреждён или обрезан."
DOCX_NO_TEXT = "В документе нет текста (может быть, это скан): нужен документ с текстом."
DOCX_TOO_BIG = "Документ .docx слишком большой в распакованном виде: такой протокол не прочитать."

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
_DOCX_SUFFIXES = frozenset({".docx", ".docm", ".dotx", ".dotm"})


def read_document(data: bytes, filename: str) -> list[Block]:
    """The blocks of a protocol file (``.docx``, ``.txt``, ``.md``); ``ProtocolError`` otherwise."""
    if len(data) > MAX_BYTES:
        raise ProtocolError(TOO_BIG)
    suffix = posixpath.splitext(filename.replace("\\", "/").lower())[1]
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _read_zip(data, suffix)
    _refuse_binary(data)
    text = _decode(data)
    _refuse_binary_text(text)
    markdown = True if suffix in MARKDOWN_SUFFIXES else None
    return _read_text(text, markdown=markdown, empty=EMPTY)


def read_text(text: str, *, markdown: bool | None = None) -> list[Block]:
    """The blocks of a protocol given as text (a paste, or a file already decoded).

    ``markdown``: True or False to say so; None (the default) decides by the text itself
    (``**bold**``, ``# headings`` or a ``|---|`` table line mean Markdown).
    """
    if len(text) > MAX_BYTES:
        raise ProtocolError(TEXT_TOO_BIG)
    return _read_text(text, markdown=markdown, empty=EMPTY_TEXT)


# ------------------------------------------------------------------ normalising text

_SPACE_CHARS = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_GONE_CHARS = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
_NEWLINE_CHARS = "\v\f\x85\u2028\u2029"
_CONTROL_CHARS = "".join(
    chr(code) for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if chr(code) not in "\t\n"
)
_REPLACEMENTS = {
    **dict.fromkeys(_CONTROL_CHARS, ""),  # control characters carry no text
    **dict.fromkeys(_SPACE_CHARS, " "),
    **dict.fromkeys(_GONE_CHARS, ""),
    **dict.fromkeys(_NEWLINE_CHARS, "\n"),
}
_ODD_CHARS = re.compile(f"[{re.escape(''.join(_REPLACEMENTS))}]")


def _lines(text: str) -> list[str]:
    """Text split into lines: newlines unified, odd characters gone, tabs kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ODD_CHARS.sub(lambda match: _REPLACEMENTS[match[0]], text).split("\n")


def _clean_line(line: str) -> str:
    """One line (already through ``_lines``) as the parser reads it: single spaces, stripped."""
    return " ".join(line.split())


def _trim(blocks: list[Block]) -> list[Block]:
    """Without the blank paragraphs at the start and at the end."""
    start, end = 0, len(blocks)
    while start < end and _is_blank(blocks[start]):
        start += 1
    while end > start and _is_blank(blocks[end - 1]):
        end -= 1
    return blocks[start:end]


def _is_blank(block: Block) -> bool:
    return isinstance(block, Paragraph) and not block.text and block.list_number is None


def _has_text(blocks: list[Block]) -> bool:
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.text:
                return True
        elif any(cell for row in block.rows for cell in row):
            return True
    return False


# ------------------------------------------------------------------ sniffing and decoding

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",  # .ico
)
_ARCHIVE_MAGIC = (b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"BZh", b"\xfd7zXZ\x00")


def _refuse_binary(data: bytes) -> None:
    """ProtocolError for the binary formats people upload by mistake, named where we can."""
    head = data[:32]
    if head.startswith(_OLE2):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ProtocolError(ENCRYPTED)  # a password-protected .docx is an OLE2 container
        raise ProtocolError(DOC)
    if b"%PDF-" in data[:1024]:
        raise ProtocolError(PDF)
    if head.lstrip().startswith(b"{\\rtf"):
        raise ProtocolError(RTF)
    if head.startswith(_IMAGE_MAGIC) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        raise ProtocolError(IMAGE)
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        raise ProtocolError(IMAGE)
    if head.startswith(_ARCHIVE_MAGIC):
        raise ProtocolError(ARCHIVE)


def _decode(data: bytes) -> str:
    """The text of a file: UTF-8 (BOM or not), UTF-16 (BOM, or plainly so), cp1251 or KOI8-R."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return data.decode(utf16, "replace")
    if b"\x00" in data[:65536]:
        raise ProtocolError(BINARY)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # A few broken bytes (a last character cut in half, a stray byte) in a UTF-8 file are not
    # a reason to read it as cp1251; a cp1251 or KOI8-R file is almost never valid UTF-8 at all.
    lenient = data.decode("utf-8", "replace")
    broken = lenient.count("\ufffd")
    decoded = sum(1 for char in lenient if char > "\x7f") - broken
    if decoded >= 10 * broken:
        return lenient
    candidates = [data.decode("koi8_r")]
    with contextlib.suppress(UnicodeDecodeError):  # byte 0x98 has no cp1251 character
        candidates.insert(0, data.decode("cp1251"))
    return max(candidates, key=_russian_score)  # the first (cp1251) on a tie


def _utf16_without_bom(data: bytes) -> str | None:
    """The UTF-16 codec ("utf-16-le"/"utf-16-be") when every other byte is 0x00 or 0x04 (ASCII and Cyrillic)."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    sample = sample[: len(sample) // 2 * 2]
    for codec, high in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if sum(1 for byte in high if byte in (0, 4)) >= 0.95 * len(high) and high.count(0):
            return codec
    return None


# Russian letters from the most to the least frequent; their weights fall by a tenth a rank,
# close to the real frequencies (о 11 %, е 8.5 %, а 8 % … ф 0.3 %).
_RUSSIAN_LETTERS = {
    letter: 100 * 0.9**rank for rank, letter in enumerate("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё")
}


def _russian_score(text: str) -> float:
    """How much ``text`` reads as Russian: frequent letters count, box-drawing junk counts against."""
    counts = Counter(text[:65536].lower())
    score = 0.0
    for char, count in counts.items():
        weight = _RUSSIAN_LETTERS.get(char)
        if weight is not None:
            score += weight * count
        elif "\u2500" <= char <= "\u25ff" or "\u0400" <= char < "\u0410" or char > "\u044f":
            score -= 50 * count  # box drawing, Ukrainian and Serbian letters, symbols
    return score


_JUNK_CHARS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def _refuse_binary_text(text: str) -> None:
    """ProtocolError when the decoded "text" is mostly control characters or starts as HTML/XML."""
    sample = text[:65536]
    junk = len(_JUNK_CHARS.findall(sample))
    if junk > max(8, len(sample) // 100):
        raise ProtocolError(BINARY)
    start = sample.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")):
        raise ProtocolError(HTML)
    if start.startswith("<?xml"):
        raise ProtocolError(XML)


# ------------------------------------------------------------------ text and Markdown


def _read_text(text: str, *, markdown: bool | None, empty: str) -> list[Block]:
    if markdown is None:
        markdown = looks_like_markdown(text)
    lines = _lines(text)
    blocks = _trim(_markdown_blocks(lines) if markdown else _plain_blocks(lines))
    if not _has_text(blocks):
        raise ProtocolError(empty)
    return blocks


_MD_BOLD_SIGN = re.compile(r"\*\*[^\s*][^*]{0,1000}(?<=\S)\*\*|__[^\s_][^_]{0,1000}(?<=\S)__")
_MD_HEADING_SIGN = re.compile(r"^ {0,3}#{1,6} \S", re.MULTILINE)
_MD_TABLE_RULE = re.compile(r"^ *\|? *:?-{3,}:? *\|", re.MULTILINE)


def looks_like_markdown(text: str) -> bool:
    """True when the text is plainly Markdown: bold, an ATX heading or a table's rule line."""
    sample = text[:200_000]
    return bool(
        _MD_BOLD_SIGN.search(sample)
        or _MD_HEADING_SIGN.search(sample)
        or _MD_TABLE_RULE.search(sample)
    )


def _plain_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        cells = _tab_cells(lines[index])
        if cells is not None:
            end = index + 1
            while end < len(lines):
                following = _tab_cells(lines[end])
                if following is None or len(following) != len(cells):
                    break
                end += 1
            if end - index >= 2:
                rows = (_tab_cells(line) or [] for line in lines[index:end])
                blocks.append(Table(rows=tuple(tuple(map(_clean_line, row)) for row in rows)))
                index = end
                continue
        blocks.append(Paragraph(_clean_line(lines[index])))
        index += 1
    return blocks


def _tab_cells(line: str) -> list[str] | None:
    """The cells of a line that tabs split inside its text (not just an indent); None otherwise."""
    inner = line.strip(" \t")
    return inner.split("\t") if "\t" in inner else None


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MD_ESCAPED = re.compile("[\U000f0021-\U000f007e]")  # escaped ASCII punctuation, parked in plane 15
_MD_QUOTE = re.compile(r"^ {0,3}(?:> ?)+")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_MD_HEADING_END = re.compile(r"(?<![ \t])[ \t]+#+[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$")
_MD_BULLET = re.compile(r"^([ \t]*)[*+][ \t]+")
_MD_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_MD_INLINE_TAG = re.compile(
    r"</?(?:b|i|u|s|em|strong|del|ins|mark|sup|sub|span|small|big|font)\b[^<>\n]*>", re.IGNORECASE
)
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\([^()\s]*\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\s]*\)")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_MD_CODE = re.compile(r"(`+)([^`\n]+?)\1")
_MD_BLOCK_MARKS = frozenset("#>-*_=+")
_MD_DELIMITER = re.compile(r"\n[ \t]*\n|\*+|_+|~+")
_MD_MARKS = frozenset({"*", "**", "***", "_", "__", "___", "~~"})
_MD_TABLE_DELIMITER = re.compile(r"^ *\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")


def _markdown_blocks(lines: list[str]) -> list[Block]:
    lines = [_MD_ESCAPE.sub(lambda m: chr(0xF0000 + ord(m[1])), line) for line in lines]
    blocks: list[Block] = []
    prose: list[str] = []
    index = 0
    while index < len(lines):
        if _starts_markdown_table(lines, index):
            blocks.extend(_markdown_prose(prose))
            prose = []
            rows = [_markdown_row(lines[index])]
            index += 2
            while index < len(lines) and "|" in lines[index] and lines[index].strip():
                rows.append(_markdown_row(lines[index]))
                index += 1
            blocks.append(Table(rows=tuple(rows)))
            continue
        prose.append(lines[index])
        index += 1
    blocks.extend(_markdown_prose(prose))
    return blocks


def _starts_markdown_table(lines: list[str], index: int) -> bool:
    return (
        index + 1 < len(lines)
        and "|" in lines[index]
        and "|" in lines[index + 1]
        and "-" in lines[index + 1]
        and _MD_TABLE_DELIMITER.match(lines[index + 1]) is not None
    )


def _markdown_row(line: str) -> tuple[str, ...]:
    inner = line.strip(" \t")
    inner = inner.removeprefix("|")
    if inner.endswith("|"):
        inner = inner[:-1]
    cells = []
    for cell in inner.split("|"):
        text = _markdown_inline(cell)
        cells.append("\n".join(filter(None, map(_clean_line, text.split("\n")))))
    return tuple(cells)


def _markdown_prose(lines: list[str]) -> list[Block]:
    if not lines:
        return []
    kept = []
    for raw in lines:
        line = raw.rstrip(" \t")
        if line.lstrip(" ")[:1] in _MD_BLOCK_MARKS:
            line = _MD_QUOTE.sub("", line)
            if _MD_RULE.match(line):
                kept.append("")
                continue
            if _MD_HEADING.match(line):
                line = _MD_HEADING_END.sub("", _MD_HEADING.sub("", line))
            line = _MD_BULLET.sub(r"\1- ", line)
        kept.append(line.removesuffix("\\"))  # a backslash at the end: a hard line break
    text = _markdown_inline("\n".join(kept))
    return [Paragraph(_clean_line(line)) for line in text.split("\n")]


def _group(number: int) -> Callable[[re.Match[str]], str]:
    return lambda match: match[number]


def _markdown_inline(text: str) -> str:
    if "<" in text:
        text = _MD_AUTOLINK.sub(_group(1), _MD_INLINE_TAG.sub("", _MD_BR.sub("\n", text)))
    if "](" in text:
        text = _MD_LINK.sub(_group(1), _MD_IMAGE.sub(_group(1), text))
    if "`" in text:
        text = _MD_CODE.sub(_group(2), text)
    if "*" in text or "_" in text or "~" in text:
        text = _strip_emphasis(text)
    return _MD_ESCAPED.sub(lambda match: chr(ord(match[0]) - 0xF0000), text)


def _strip_emphasis(text: str) -> str:
    """Text without the Markdown emphasis marks (``**``, ``__``, ``*``, ``_``, ``~~``) that pair up.

    A mark opens before a non-space and closes after one; it pairs with the next closing mark of
    the same kind in the same paragraph (emphasis may run over line ends, never over a blank line);
    ``_`` and a single ``*`` inside a word (snake_case, 2*3*4) are left alone. One pass: linear in
    the length of the text, whatever the text.
    """
    removed: list[tuple[int, int]] = []
    pending: dict[str, tuple[int, int]] = {}
    for match in _MD_DELIMITER.finditer(text):
        mark = match[0]
        if mark[0] == "\n":
            pending.clear()  # a blank line ends the paragraph and its open marks
            continue
        if mark not in _MD_MARKS:
            continue  # "__________" to sign on, "*****": not emphasis
        start, end = match.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        can_open, can_close = not after.isspace(), not before.isspace()
        if mark == "*" or mark[0] == "_":
            can_open = can_open and not (before.isalnum() or before == mark[0])
            can_close = can_close and not (after.isalnum() or after == mark[0])
        if can_close and mark in pending:
            removed.extend((pending.pop(mark), (start, end)))
        elif can_open:
            pending.setdefault(mark, (start, end))
    if not removed:
        return text
    pieces, position = [], 0
    for start, end in sorted(removed):
        pieces.append(text[position:start])
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# ------------------------------------------------------------------ .docx: the package

_REL_OFFICE_DOCUMENT = "/officeDocument"
_REL_STYLES = "/styles"
_REL_NUMBERING = "/numbering"


def _read_zip(data: bytes, suffix: str) -> list[Block]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = {info.filename.lower(): info for info in archive.infolist()}
    except Exception as exc:
        if suffix in _DOCX_SUFFIXES or b"word/" in data:
            raise ProtocolError(DOCX_BROKEN) from exc
        raise ProtocolError(ARCHIVE) from exc
    if not _is_word(archive, names):
        raise ProtocolError(_other_zip_message(archive, names, suffix))
    try:
        blocks = _Package(archive, names).blocks()
    except ProtocolError:
        raise
    except Exception as exc:  # zipfile, zlib, lxml, a malformed part: all the same to the user
        raise ProtocolError(DOCX_BROKEN) from exc
    blocks = _trim(blocks)
    if not _has_text(blocks):
        raise ProtocolError(DOCX_NO_TEXT)
    return blocks


def _is_word(archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> bool:
    if any(name.startswith("word/") for name in names):
        return True
    info = names.get("[content_types].xml")
    try:
        types = archive.read(info)[:MAX_PART_BYTES] if info is not None else b""
    except Exception:  # a broken entry: not recognisably Word
        return False
    return b"wordprocessingml.document.main" in types


def _other_zip_message(
    archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo], suffix: str
) -> str:
    if "mimetype" in names:
        try:
            mimetype = archive.read(names["mimetype"])[:100]
        except Exception:  # a broken entry only makes the message less precise
            mimetype = b""
        if b"opendocument" in mimetype:
            return ODT
    if any(name.startswith("xl/") for name in names):
        return SPREADSHEET
    if any(name.startswith("ppt/") for name in names):
        return PRESENTATION
    if suffix in _DOCX_SUFFIXES:
        return DOCX_BROKEN
    return ARCHIVE


def _xml_parser() -> Any:
    # No DTDs, no entities, no network, the default size limits: safe for hostile input.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class _Package:
    """The parts of a .docx that matter: the main document, its styles and numbering."""

    def __init__(self, archive: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> None:
        self._archive = archive
        self._names = names

    def blocks(self) -> list[Block]:
        main = self._main_part_name()
        document = self._xml(main)
        if document is None:
            raise ProtocolError(DOCX_BROKEN)
        namespace = etree.QName(document).namespace or ""
        if etree.QName(document).localname != "document":
            raise ProtocolError(DOCX_BROKEN)
        tags = _Tags(namespace)
        related = self._relationships(main)
        styles = _Styles(self._xml(related.get(_REL_STYLES, "word/styles.xml")), tags)
        numbering = _Numbering(
            self._xml(related.get(_REL_NUMBERING, "word/numbering.xml")), styles, tags
        )
        body = document.find(tags.body)
        if body is None:
            return []
        return _BodyReader(tags, styles, numbering).blocks(body)

    def _main_part_name(self) -> str:
        for kind, target in self._relationships("").items():
            if kind == _REL_OFFICE_DOCUMENT:
                return target
        return "word/document.xml"

    def _relationships(self, source: str) -> dict[str, str]:
        """Relationship type (its last path segment, with "/") → the target part's name."""
        folder, name = posixpath.split(source)
        root = self._xml(posixpath.join(folder, "_rels", f"{name}.rels"))
        found: dict[str, str] = {}
        if root is None:
            return found
        for rel in root:
            kind, target = rel.get("Type"), rel.get("Target")
            if not isinstance(kind, str) or not isinstance(target, str):
                continue
            if rel.get("TargetMode") == "External":
                continue
            suffix = kind[kind.rfind("/") :]
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
            found.setdefault(suffix, path)
        return found

    def _xml(self, name: str) -> Any:
        """The parsed part, or None when the package has no such part."""
        info = self._names.get(name.lower())
        if info is None:
            return None
        with self._archive.open(info) as stream:
            content = stream.read(MAX_PART_BYTES + 1)
        if len(content) > MAX_PART_BYTES:
            raise ProtocolError(DOCX_TOO_BIG)
        return etree.fromstring(content, _xml_parser())


class _Tags:
    """Clark names of the WordprocessingML elements and attributes we read, in one namespace
    (transitional or strict)."""

    def __init__(self, namespace: str) -> None:
        def w(local: str) -> str:
            return f"{{{namespace}}}{local}" if namespace else local

        self.body = w("body")
        self.p = w("p")
        self.pPr = w("pPr")
        self.pStyle = w("pStyle")
        self.numPr = w("numPr")
        self.numId = w("numId")
        self.ilvl = w("ilvl")
        self.r = w("r")
        self.rPr = w("rPr")
        self.vanish = w("vanish")
        self.t = w("t")
        self.tab = w("tab")
        self.ptab = w("ptab")
        self.br = w("br")
        self.cr = w("cr")
        self.noBreakHyphen = w("noBreakHyphen")
        self.sym = w("sym")
        self.char = w("char")
        self.tbl = w("tbl")
        self.tr = w("tr")
        self.trPr = w("trPr")
        self.gridBefore = w("gridBefore")
        self.tc = w("tc")
        self.tcPr = w("tcPr")
        self.gridSpan = w("gridSpan")
        self.vMerge = w("vMerge")
        self.sdt = w("sdt")
        self.sdtContent = w("sdtContent")
        self.customXml = w("customXml")
        self.val = w("val")
        self.inline_containers = frozenset(
            w(local)
            for local in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple")
        ) | {w("dir"), w("bdo")}
        self.row_containers = frozenset((self.sdt, self.customXml))
        # styles.xml
        self.style = w("style")
        self.type = w("type")
        self.styleId = w("styleId")
        self.default = w("default")
        self.basedOn = w("basedOn")
        # numbering.xml
        self.abstractNum = w("abstractNum")
        self.abstractNumId = w("abstractNumId")
        self.num = w("num")
        self.lvl = w("lvl")
        self.lvlOverride = w("lvlOverride")
        self.startOverride = w("startOverride")
        self.start = w("start")
        self.numFmt = w("numFmt")
        self.lvlText = w("lvlText")
        self.lvlRestart = w("lvlRestart")
        self.isLgl = w("isLgl")
        self.numStyleLink = w("numStyleLink")


def _int(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _is_on(element: Any, tags: _Tags) -> bool:
    """A w:ST_OnOff toggle (w:vanish, w:isLgl …): present and not switched off."""
    if element is None:
        return False
    return element.get(tags.val) not in ("0", "false", "off")


def _val(parent: Any, tag: str, tags: _Tags) -> str | None:
    if parent is None:
        return None
    child = parent.find(tag)
    if child is None:
        return None
    value = child.get(tags.val)
    return value if isinstance(value, str) else None


# ------------------------------------------------------------------ .docx: styles and numbering


@dataclass(frozen=True)
class _StyleNumbering:
    based_on: str | None
    num_id: int | None
    level: int | None


class _Styles:
    """Paragraph and numbering styles: the list a style puts its paragraphs in."""

    def __init__(self, root: Any, tags: _Tags) -> None:
        self.default_paragraph: str | None = None
        self._styles: dict[str, _StyleNumbering] = {}
        if root is None:
            return
        for style in root.iter(tags.style):
            style_id = style.get(tags.styleId)
            if not isinstance(style_id, str):
                continue
            if (
                style.get(tags.type) == "paragraph"
                and style.get(tags.default) in ("1", "true", "on")
                and self.default_paragraph is None
            ):
                self.default_paragraph = style_id
            num_pr = style.find(f"{tags.pPr}/{tags.numPr}")
            self._styles[style_id] = _StyleNumbering(
                based_on=_val(style, tags.basedOn, tags),
                num_id=_int(_val(num_pr, tags.numId, tags)),
                level=_int(_val(num_pr, tags.ilvl, tags)),
            )

    def numbering(self, style_id: str | None) -> tuple[int | None, int | None]:
        """(numId, ilvl) a paragraph of this style gets, following basedOn; None where unset."""
        num_id: int | None = None
        level: int | None = None
        seen: set[str] = set()
        while style_id is not None and style_id not in seen and len(seen) < 64:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                break
            if num_id is None:
                num_id = style.num_id
            if level is None:
                level = style.level
            if num_id is not None and level is not None:
                break
            style_id = style.based_on
        return num_id, level


@dataclass(frozen=True)
class _Level:
    start: int = 0
    format: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False
    style: str | None = None


@dataclass
class _List:
    """One w:num: the level definitions it shows, and the abstract numbering whose counters it
    shares with every other w:num on that definition (that is how Word continues a list)."""

    key: int
    levels: dict[int, _Level]
    restarts: dict[int, int]
    """Level → the value its counter restarts at the first time this w:num reaches that level
    (w:lvlOverride)."""
    seen: set[int] = field(default_factory=set)


class _Numbering:
    """numbering.xml, and the counters Word keeps while it numbers the document."""

    def __init__(self, root: Any, styles: _Styles, tags: _Tags) -> None:
        self._tags = tags
        self._styles = styles
        self._abstract: dict[int, tuple[dict[int, _Level], str | None]] = {}
        self._nums: dict[int, tuple[int, dict[int, int], dict[int, _Level]]] = {}
        self._lists: dict[int, _List | None] = {}
        self._counters: dict[int, list[int | None]] = {}
        if root is None:
            return
        for abstract in root.iter(tags.abstractNum):
            abstract_id = _int(abstract.get(tags.abstractNumId))
            if abstract_id is None or abstract_id in self._abstract:
                continue
            levels = {}
            for lvl in abstract.iter(tags.lvl):
                level = _int(lvl.get(tags.ilvl))
                if level is not None and 0 <= level <= 8 and level not in levels:
                    levels[level] = self._level(lvl)
            self._abstract[abstract_id] = (levels, _val(abstract, tags.numStyleLink, tags))
        for num in root.iter(tags.num):
            num_id = _int(num.get(tags.numId))
            abstract_id = _int(_val(num, tags.abstractNumId, tags))
            if num_id is None or abstract_id is None or num_id in self._nums:
                continue
            restarts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for override in num.iter(tags.lvlOverride):
                level = _int(override.get(tags.ilvl))
                if level is None or not 0 <= level <= 8:
                    continue
                lvl = override.find(tags.lvl)
                if lvl is not None:
                    overrides[level] = self._level(lvl)
                    if lvl.find(tags.start) is not None:
                        restarts[level] = overrides[level].start
                start = _int(_val(override, tags.startOverride, tags))
                if start is not None:
                    restarts[level] = start
            self._nums[num_id] = (abstract_id, restarts, overrides)

    def _level(self, lvl: Any) -> _Level:
        tags = self._tags
        start = _int(_val(lvl, tags.start, tags))
        return _Level(
            start=start if start is not None else 0,
            format=_val(lvl, tags.numFmt, tags) or "decimal",
            text=_val(lvl, tags.lvlText, tags) or "",
            restart=_int(_val(lvl, tags.lvlRestart, tags)),
            legal=_is_on(lvl.find(tags.isLgl), tags),
            style=_val(lvl, tags.pStyle, tags),
        )

    def find(self, num_id: int) -> _List | None:
        if num_id not in self._lists:
            self._lists[num_id] = self._resolve(num_id)
        return self._lists[num_id]

    def _resolve(self, num_id: int) -> _List | None:
        num = self._nums.get(num_id)
        if num is None:
            return None
        abstract_id, restarts, overrides = num
        # w:numStyleLink: the definition lives in the list a numbering style points to
        seen = {abstract_id}
        while True:
            abstract = self._abstract.get(abstract_id)
            if abstract is None:
                return None
            levels, link = abstract
            if link is None or levels:
                break
            linked_num, _ = self._styles.numbering(link)
            linked = self._nums.get(linked_num) if linked_num is not None else None
            if linked is None or linked[0] in seen:
                break
            abstract_id = linked[0]
            seen.add(abstract_id)
        return _List(key=abstract_id, levels={**levels, **overrides}, restarts=restarts)

    def advance(self, numbered: _List, level: int) -> str | None:
        """Count one paragraph of ``numbered`` at ``level``; the number Word shows for it."""
        counters = self._counters.setdefault(numbered.key, [None] * 9)
        definition = numbered.levels.get(level)
        if level not in numbered.seen and level in numbered.restarts:
            counters[level] = numbered.restarts[level]
        else:
            current = counters[level]
            start = definition.start if definition is not None else 0
            counters[level] = start if current is None else current + 1
        numbered.seen.add(level)
        for deeper in range(level + 1, 9):
            deeper_definition = numbered.levels.get(deeper)
            restart = deeper_definition.restart if deeper_definition is not None else None
            if restart == 0:
                continue  # w:lvlRestart 0: this level never restarts
            threshold = restart if restart is not None and restart <= deeper else deeper
            if level < threshold:
                counters[deeper] = None
        if definition is None:
            return None
        if definition.format == "bullet":
            return "•"

        def value(match: re.Match[str]) -> str:
            shown = int(match[1]) - 1
            shown_definition = numbered.levels.get(shown, _Level())
            count = counters[shown]
            if count is None:
                count = shown_definition.start
            legal = definition.legal and shown < level
            return _format_number(count, "decimal" if legal else shown_definition.format)

        rendered = " ".join(map(_clean_line, _lines(re.sub(r"%([1-9])", value, definition.text))))
        return rendered.strip() or None

    def level_for_style(self, numbered: _List, style_id: str | None) -> int:
        for level, definition in sorted(numbered.levels.items()):
            if style_id is not None and definition.style == style_id:
                return level
        return 0


_LATIN = "abcdefghijklmnopqrstuvwxyz"
_RUSSIAN = "абвгдежзиклмнопрстуфхцчшщыэюя"  # Word's russianLower skips ё, й, ъ and ь
_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _format_number(value: int, number_format: str) -> str:
    """``value`` written in a w:numFmt; decimal for the formats we do not draw."""
    special = {"none": "", "bullet": "•"}.get(number_format)
    if special is not None:
        return special
    if number_format == "decimalZero" and 0 <= value < 10:
        return f"0{value}"
    if number_format in ("lowerLetter", "upperLetter", "russianLower", "russianUpper"):
        letters = _LATIN if number_format.endswith("Letter") else _RUSSIAN
        if 1 <= value <= 30 * len(letters):
            letter = letters[(value - 1) % len(letters)] * ((value - 1) // len(letters) + 1)
            upper = number_format in ("upperLetter", "russianUpper")
            return letter.upper() if upper else letter
    if number_format in ("lowerRoman", "upperRoman") and 1 <= value < 4000:
        roman = []
        rest = value
        for amount, digits in _ROMAN:
            count, rest = divmod(rest, amount)
            roman.append(digits * count)
        joined = "".join(roman)
        return joined.upper() if number_format == "upperRoman" else joined
    return str(value)


# ------------------------------------------------------------------ .docx: the body


class _BodyReader:
    """Walks the body in document order, numbering paragraphs as it goes (Word's counters run
    through table cells too)."""

    def __init__(self, tags: _Tags, styles: _Styles, numbering: _Numbering) -> None:
        self._tags = tags
        self._styles = styles
        self._numbering = numbering

    def blocks(self, container: Any) -> list[Block]:
        out: list[Block] = []
        self._block_level(container, out)
        return out

    def _block_level(self, container: Any, out: list[Block]) -> None:
        tags = self._tags
        for child in container:
            tag = child.tag
            if tag == tags.p:
                out.extend(self._paragraph(child))
            elif tag == tags.tbl:
                table = self._table(child)
                if table.rows:
                    out.append(table)
            elif tag == tags.sdt:
                content = child.find(tags.sdtContent)
                if content is not None:
                    self._block_level(content, out)
            elif tag == tags.customXml:
                self._block_level(child, out)

    # paragraphs

    def _paragraph(self, p: Any) -> list[Paragraph]:
        number, level = self._list_number(p.find(self._tags.pPr))
        parts: list[str] = []
        self._inline(p, parts)
        lines = [_clean_line(line) for line in _lines("".join(parts))]
        while len(lines) > 1 and not lines[-1]:
            lines.pop()  # a line break at the end of a paragraph separates nothing
        first = Paragraph(lines[0], list_number=number, list_level=level if number else 0)
        return [first, *(Paragraph(line) for line in lines[1:])]

    def _list_number(self, p_pr: Any) -> tuple[str | None, int]:
        tags = self._tags
        num_pr = p_pr.find(tags.numPr) if p_pr is not None else None
        num_id = _int(_val(num_pr, tags.numId, tags))
        level = _int(_val(num_pr, tags.ilvl, tags))
        style_id = _val(p_pr, tags.pStyle, tags) or self._styles.default_paragraph
        if num_id is None or level is None:
            style_num_id, style_level = self._styles.numbering(style_id)
            num_id = style_num_id if num_id is None else num_id
            level = style_level if level is None else level
        if not num_id:
            return None, 0  # w:numId 0: "not numbered", even against the style
        numbered = self._numbering.find(num_id)
        if numbered is None:
            return None, 0
        if level is None:
            level = self._numbering.level_for_style(numbered, style_id)
        level = min(max(level, 0), 8)
        return self._numbering.advance(numbered, level), level

    def _inline(self, container: Any, out: list[str]) -> None:
        tags = self._tags
        for child in container:
            tag = child.tag
            if tag == tags.r:
                self._run(child, out)
            elif tag in tags.inline_containers:
                self._inline(child, out)
            elif tag == tags.sdt:
                content = child.find(tags.sdtContent)
                if content is not None:
                    self._inline(content, out)
            elif isinstance(tag, str) and tag.endswith(("}oMath", "}oMathPara")):
                out.append("".join(t.text or "" for t in child.iter() if _is_math_text(t)))
            # w:del, w:moveFrom (tracked deletions), w:pPr, bookmarks, comments: no text

    def _run(self, run: Any, out: list[str]) -> None:
        tags = self._tags
        r_pr = run.find(tags.rPr)
        if r_pr is not None and _is_on(r_pr.find(tags.vanish), tags):
            return  # hidden text
        for child in run:
            tag = child.tag
            if tag == tags.t:
                out.append(child.text or "")
            elif tag in (tags.tab, tags.ptab):
                out.append(" ")
            elif tag in (tags.br, tags.cr):
                out.append("\n")
            elif tag == tags.noBreakHyphen:
                out.append("-")
            elif tag == tags.sym:
                code = child.get(tags.char)
                out.append(_symbol(code))

    # tables

    def _table(self, tbl: Any) -> Table:
        tags = self._tags
        rows: list[tuple[str, ...]] = []
        above: dict[int, str] = {}
        for tr in self._children(tbl, tags.tr):
            cells: list[str] = []
            here: dict[int, str] = {}
            before = _int(_val(tr.find(tags.trPr), tags.gridBefore, tags)) or 0
            cells.extend("" for _ in range(min(max(before, 0), 64)))
            column = len(cells)
            for tc in self._children(tr, tags.tc):
                tc_pr = tc.find(tags.tcPr)
                span = min(max(_int(_val(tc_pr, tags.gridSpan, tags)) or 1, 1), 64)
                text = self._cell_text(tc)
                merge = tc_pr.find(tags.vMerge) if tc_pr is not None else None
                if merge is not None and merge.get(tags.val) in (None, "continue"):
                    text = above.get(column, text)  # the cell above, as Word shows it
                for offset in range(span):
                    cells.append(text)
                    here[column + offset] = text
                column += span
            above = here
            rows.append(tuple(cells))
        return Table(rows=tuple(rows))

    def _children(self, parent: Any, tag: str) -> Iterator[Any]:
        """``parent``'s children with ``tag``, looking through content controls and custom XML."""
        tags = self._tags
        for child in parent:
            if child.tag == tag:
                yield child
            elif child.tag in tags.row_containers:
                inner = child.find(tags.sdtContent) if child.tag == tags.sdt else child
                if inner is not None:
                    yield from self._children(inner, tag)

    def _cell_text(self, tc: Any) -> str:
        lines: list[str] = []
        for block in self.blocks(tc):
            if isinstance(block, Paragraph):
                if block.list_number:
                    lines.append(f"{block.list_number} {block.text}".strip())
                else:
                    lines.append(block.text)
            else:
                lines.extend(cell for row in block.rows for cell in row if cell)
        return "\n".join(lines).strip("\n ")


def _is_math_text(element: Any) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag.endswith("}t") and "math" in tag


def _symbol(code: object) -> str:
    """The character of a w:sym; nothing for the private-use codes of symbol fonts."""
    try:
        value = int(code, 16) if isinstance(code, str) else 0
    except ValueError:
        return ""
    if value < 0x20 or 0xD800 <= value <= 0xF8FF or value > 0x10FFFF:
        return ""  # controls, surrogates, the private use area of symbol fonts
    return chr(value)
