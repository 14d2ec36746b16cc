"""Small real files of each kind a report may attach, and of kinds it may not, made in memory.

DOCX and XLSX come from python-docx and openpyxl (what the product itself writes); the
OpenDocument and PPTX files are ZIP containers laid out as their specifications say (the
``mimetype`` entry first and stored, ``[Content_Types].xml``); the old Office files are OLE2
compound files with a header and a directory sector naming their streams, which is all a
type check reads (no tool here writes .doc or .xls).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import openpyxl

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xdb\x00\x43\x00"
    + bytes(range(64))
    + b"\xff\xd9"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
TEXT_UTF8 = "Справка: семинар проведён 12.03, участвовали 5 педагогов.\n".encode()
CSV_CP1251 = "Школа;Педагогов\nМБОУ СОШ № 1;5\n".encode("cp1251")

_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"


def png() -> bytes:
    """A 1 × 1 white PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def docx_file(text: str = "Отчёт об исполнении") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_file() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Школа", "Педагогов"])
    sheet.append(["МБОУ СОШ № 1", 5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (name, body) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and n == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), body, compress_type=method)
    return out.getvalue()


def content_types(main: str, *extra: str) -> bytes:
    overrides = "".join(
        f'<Override PartName="/part{n}.xml" ContentType="{kind}"/>'
        for n, kind in enumerate((main, *extra))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    ).encode()


def pptx_file() -> bytes:
    return _zip(
        [
            (
                "[Content_Types].xml",
                content_types(f"{_OOXML}.presentationml.presentation.main+xml"),
            ),
            ("ppt/presentation.xml", b"<p:presentation/>"),
        ]
    )


def docm_file() -> bytes:
    """A Word document with macros (what «.docm» is), whatever it is named."""
    return _zip(
        [
            (
                "[Content_Types].xml",
                content_types("application/vnd.ms-word.document.macroEnabled.main+xml"),
            ),
            ("word/document.xml", b"<w:document/>"),
            ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros"),
        ]
    )


def odf_file(kind: str) -> bytes:
    """``kind``: text, spreadsheet or presentation."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODF}.{kind}"/>'
        "</manifest:manifest>"
    ).encode()
    return _zip(
        [
            ("mimetype", f"{_ODF}.{kind}".encode()),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", manifest),
        ],
        stored_first=True,
    )


def plain_zip() -> bytes:
    return _zip([("отчёт.txt", TEXT_UTF8), ("setup.exe", EXE)])


def ole2_file(*streams: str) -> bytes:
    """An OLE2 compound file: the 512-byte header and one directory sector holding the root
    entry and ``streams`` (names in UTF-16, 128 bytes an entry)."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 0)  # the directory starts at sector 0
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)
    directory = bytearray(512)
    for n, (name, kind) in enumerate([("Root Entry", 5), *((s, 2) for s in streams)][:4]):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry = bytearray(128)
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), kind)
        directory[n * 128 : (n + 1) * 128] = entry
    return bytes(header) + bytes(directory) + b"\x00" * 512


def doc_file() -> bytes:
    return ole2_file("WordDocument", "1Table")


def xls_file() -> bytes:
    return ole2_file("Workbook")


def ppt_file() -> bytes:
    return ole2_file("PowerPoint Document", "Current User")


def xls_with_macros() -> bytes:
    return ole2_file("Workbook", "_VBA_PROJECT_CUR", "_VBA_PROJECT")
