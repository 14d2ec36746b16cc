"""What a report may attach is read from the bytes (``tracker.assignments.files``): the
allow-list, the name's extension agreeing with the content, macros and archives refused, and
names that stay harmless whatever the user's computer sent."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support import file_samples as samples
from tracker.assignments import files
from tracker.assignments.files import Upload
from tracker.errors import ValidationError
from tracker.settings import get_settings

OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"

ACCEPTED = [
    ("акт.pdf", samples.PDF, "application/pdf"),
    ("АКТ.PDF", samples.PDF, "application/pdf"),
    ("фото.jpg", samples.JPEG, "image/jpeg"),
    ("фото.jpeg", samples.JPEG, "image/jpeg"),
    ("скан.png", samples.png(), "image/png"),
    ("отчёт.docx", samples.docx_file(), f"{OOXML}.wordprocessingml.document"),
    ("таблица.xlsx", samples.xlsx_file(), f"{OOXML}.spreadsheetml.sheet"),
    ("слайды.pptx", samples.pptx_file(), f"{OOXML}.presentationml.presentation"),
    ("отчёт.odt", samples.odf_file("text"), f"{ODF}.text"),
    ("таблица.ods", samples.odf_file("spreadsheet"), f"{ODF}.spreadsheet"),
    ("слайды.odp", samples.odf_file("presentation"), f"{ODF}.presentation"),
    ("отчёт.doc", samples.doc_file(), "application/msword"),
    ("таблица.xls", samples.xls_file(), "application/vnd.ms-excel"),
    ("слайды.ppt", samples.ppt_file(), "application/vnd.ms-powerpoint"),
    ("справка.txt", samples.TEXT_UTF8, "text/plain; charset=utf-8"),
    ("справка.txt", b"\xef\xbb\xbf" + samples.TEXT_UTF8, "text/plain; charset=utf-8"),
    ("список.csv", samples.CSV_CP1251, "text/csv; charset=windows-1251"),
    ("список.csv", b"a;b\r\n1;2\r\n", "text/csv; charset=utf-8"),
    ("page.txt", samples.HTML, "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(
    ("name", "data", "served"), ACCEPTED, ids=[f"{n}-{s}" for n, _, s in ACCEPTED]
)
def test_allowed_content_under_its_own_extension_is_accepted_with_the_type_read(
    name: str, data: bytes, served: str
) -> None:
    assert files.content_error(name, data) is None
    [checked] = files.check_uploads([Upload(name, "text/html", data)])

    assert checked.content_type == served  # the client's «text/html» is dropped
    assert files.served_type(name, data) == served


REFUSED = [
    ("virus.exe", samples.EXE, "такие файлы не принимаются"),
    ("page.html", samples.HTML, "такие файлы не принимаются"),
    ("logo.svg", samples.SVG, "такие файлы не принимаются"),
    ("архив.zip", samples.plain_zip(), "такие файлы не принимаются"),
    ("без расширения", samples.PDF, "такие файлы не принимаются"),
    ("report.pdf", samples.EXE, "содержимое не похоже на PDF"),
    ("отчёт.docx", samples.plain_zip(), "содержимое не похоже на DOCX"),
    ("отчёт.doc", samples.ole2_file("Foo"), "содержимое не похоже на DOC"),
    ("скан.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "содержимое не похоже на PNG"),
    ("данные.txt", bytes(range(256)), "содержимое не похоже на TXT"),
    ("отчёт.pdf", samples.docx_file(), "по содержимому это DOCX"),
    ("отчёт.docx", samples.PDF, "по содержимому это PDF"),
    ("фото.jpg", samples.png(), "по содержимому это PNG"),
    ("таблица.xlsx", samples.odf_file("spreadsheet"), "по содержимому это ODS"),
    ("справка.txt", samples.PDF, "по содержимому это PDF"),
    ("отчёт.docx", samples.docm_file(), "содержит макросы"),
    ("отчёт.docm", samples.docm_file(), "такие файлы не принимаются"),
    ("таблица.xls", samples.xls_with_macros(), "содержит макросы"),
]


@pytest.mark.parametrize(
    ("name", "data", "says"), REFUSED, ids=[f"{n}-{k}" for k, (n, _, _) in enumerate(REFUSED)]
)
def test_refused_with_a_message_naming_the_file(name: str, data: bytes, says: str) -> None:
    message = files.content_error(name, data)

    assert message is not None
    assert f"«{files.safe_filename(name)}»" in message
    assert says in message
    with pytest.raises(ValidationError) as refused:
        files.check_uploads(
            [Upload("ok.pdf", "application/pdf", samples.PDF), Upload(name, "", data)]
        )
    assert refused.value.errors == {"files": message}


def test_an_old_office_file_is_what_its_name_says_when_it_embeds_another() -> None:
    """A Word file with an Excel chart holds both streams: named .doc it is a DOC, named .xls
    an XLS; named .pdf it is refused as what it mostly is."""
    both = samples.ole2_file("WordDocument", "Workbook")

    assert files.served_type("a.doc", both) == "application/msword"
    assert files.served_type("a.xls", both) == "application/vnd.ms-excel"
    assert "по содержимому это DOC" in (files.content_error("a.pdf", both) or "")


def test_a_manifest_too_large_to_read_is_not_trusted() -> None:
    """A [Content_Types].xml of 2 MB (a few KB compressed) is not decompressed to be read."""
    padding = b" " * (2 * 1024 * 1024)
    data = samples._zip(
        [
            (
                "[Content_Types].xml",
                padding + samples.content_types(f"{OOXML}.spreadsheetml.sheet.main+xml"),
            )
        ]
    )
    assert len(data) < 50_000

    assert files.detect(data) is None


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00" * 100,
        samples.docx_file()[:400],
        samples.docx_file()[:-30],
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ],
    ids=["zip-header-only", "docx-cut-short", "docx-no-end", "ole2-header-only"],
)
def test_broken_containers_are_unrecognised_not_errors(data: bytes) -> None:
    assert files.detect(data, ".docx") is None


def test_an_encrypted_zip_entry_is_unrecognised() -> None:
    data = bytearray(samples.pptx_file())
    # flag bit 0 (encrypted) in the local and central headers of every entry
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + offset] |= 1
            start += 4
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.infolist()[0].flag_bits & 1

    assert files.detect(bytes(data)) is None


def test_the_report_as_a_whole_may_not_exceed_five_files_at_the_limit() -> None:
    assert files.REPORT_LIMIT_FILES == 5
    assert files.report_limit_bytes() == get_settings().max_upload_bytes * 5


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("given_name", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\config.pdf", "config.pdf"),
        ("/var/lib/tracker/files/ab/x.pdf", "x.pdf"),
        ("..", "файл"),
        ("", "файл"),
        ("   ", "файл"),
        (".htaccess", "htaccess"),
        ("акт\x00.pdf", "акт.pdf"),
        ("акт.pdf\x00.exe", "акт.pdf.exe"),
        ("отчёт\r\nX-Injected: 1.pdf", "отчётX-Injected 1.pdf"),
        ('a"b<c>d|e?f*g:h.pdf', "abcdefgh.pdf"),
        ("отчёт\u202efdp.exe", "отчётfdp.exe"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("LPT1.csv", "_LPT1.csv"),
        ("nul.tar.pdf", "_nul.tar.pdf"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("отчёт. . .", "отчёт"),
        ("Отчёт №1.pdf", "Отчёт №1.pdf"),
        ("Справка о семинаре.txt", "Справка о семинаре.txt"),
    ],
)
def test_safe_filename(given_name: str, kept: str) -> None:
    assert files.safe_filename(given_name) == kept


def test_a_very_long_name_keeps_its_extension_within_255_characters() -> None:
    kept = files.safe_filename("я" * 5000 + ".docx")

    assert len(kept) == 255
    assert kept.endswith("я.docx")


def test_a_decomposed_name_is_composed() -> None:
    """macOS sends «й» as «и» and a combining breve."""
    assert files.safe_filename("Отчёт о рабо\u0438\u0306.pdf") == "Отчёт о рабо\u0439.pdf"


@given(st.text(max_size=600))
def test_any_name_becomes_one_harmless_component(name: str) -> None:
    kept = files.safe_filename(name)

    assert 0 < len(kept) <= 255
    assert not set(kept) & {"/", "\\", "\x00", "\n", "\r", '"', "\u202e"}
    assert not kept.startswith(".")
    assert kept == kept.strip()
    assert files.safe_filename(kept) == kept


def test_stored_names_are_random_hex_and_nothing_else_is_a_path() -> None:
    for bad in ("../secret_key", "ab/../../x", "A" * 32, "0" * 31, "0" * 32 + "\n"):
        with pytest.raises(ValueError, match="not a stored file name"):
            files.path_for(bad)
