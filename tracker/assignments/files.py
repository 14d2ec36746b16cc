"""Report files: what may be attached, and where it is kept.

What a file is, is read from its bytes (``detect``), never from the name or the type the
browser sent; the name's extension must then agree with it (``check_uploads``). The allow-list
is what a school's report is made of: PDF, Word, Excel, PowerPoint (Microsoft's current and old
formats and OpenDocument's), JPEG and PNG photos and scans, plain text and CSV. Office files
that carry macros, bare ZIP archives, executables, HTML, SVG and anything unrecognised are
refused: the head opens these files on the department's computers.

On disk: ``TRACKER_DATA_DIR/files/ab/abcdef…``, named by a random id, never by what the user
uploaded (the original name, cleaned by ``safe_filename``, is kept in the database); the data
dir is not served as static files. A file is read back only when its SHA-256 still matches.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tracker.errors import PayloadTooLargeError, TrackerError, ValidationError
from tracker.settings import get_settings

log = logging.getLogger("tracker.files")

REPORT_LIMIT_FILES = 5
"""All the files of one report together may weigh this many times the one-file limit
(``TRACKER_MAX_UPLOAD_MB``); the web app's request body limit is set just above it."""


@dataclass(frozen=True)
class Upload:
    """A file as received from a form or the API."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    sha256: str
    size: int


class FileDamagedError(TrackerError):
    """A stored file is missing or its bytes no longer match the checksum taken on upload:
    it is not sent (410 Gone), and the attempt is written to the audit trail."""

    status_code = 410


# ---------------------------------------------------------------- what a file is


@dataclass(frozen=True)
class FileType:
    label: str
    """What a person calls it: «PDF», «DOCX»."""
    extensions: tuple[str, ...]
    """The name's extensions this content may have, each mapped to the type served."""
    content_types: tuple[str, ...]
    """The Content-Type served for each extension, in the same order."""

    def content_type_for(self, extension: str) -> str:
        return self.content_types[self.extensions.index(extension)]


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

PDF = FileType("PDF", (".pdf",), ("application/pdf",))
JPEG = FileType("JPEG", (".jpg", ".jpeg"), ("image/jpeg", "image/jpeg"))
PNG = FileType("PNG", (".png",), ("image/png",))
DOCX = FileType("DOCX", (".docx",), (f"{_OOXML}.wordprocessingml.document",))
XLSX = FileType("XLSX", (".xlsx",), (f"{_OOXML}.spreadsheetml.sheet",))
PPTX = FileType("PPTX", (".pptx",), (f"{_OOXML}.presentationml.presentation",))
ODT = FileType("ODT", (".odt",), (f"{_ODF}.text",))
ODS = FileType("ODS", (".ods",), (f"{_ODF}.spreadsheet",))
ODP = FileType("ODP", (".odp",), (f"{_ODF}.presentation",))
DOC = FileType("DOC", (".doc",), ("application/msword",))
XLS = FileType("XLS", (".xls",), ("application/vnd.ms-excel",))
PPT = FileType("PPT", (".ppt",), ("application/vnd.ms-powerpoint",))
TEXT_UTF8 = FileType(
    "текст", (".txt", ".csv"), ("text/plain; charset=utf-8", "text/csv; charset=utf-8")
)
TEXT_CP1251 = FileType(
    "текст",
    (".txt", ".csv"),
    ("text/plain; charset=windows-1251", "text/csv; charset=windows-1251"),
)
"""Excel and Notepad on a Russian Windows save CSV and text in Windows-1251."""

ALLOWED: tuple[FileType, ...] = (
    PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, JPEG, PNG, TEXT_UTF8, TEXT_CP1251,
)  # fmt: skip
ALLOWED_EXTENSIONS = frozenset(ext for t in ALLOWED for ext in t.extensions)
ALLOWED_HINT = (
    "PDF, Word (DOC, DOCX, ODT), Excel (XLS, XLSX, ODS), презентации (PPT, PPTX, ODP), "
    "изображения JPEG и PNG, текст (TXT, CSV)"
)
ACCEPT_ATTRIBUTE = ",".join(sorted(ALLOWED_EXTENSIONS))
"""For ``<input type=file accept=…>``: the browser's file chooser offers these first."""

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_MAX_MANIFEST = 1024 * 1024
"""A container's manifest ([Content_Types].xml, mimetype) larger than this is not read."""
_OOXML_MAIN = {
    b"wordprocessingml.document.main+xml": DOCX,
    b"spreadsheetml.sheet.main+xml": XLSX,
    b"presentationml.presentation.main+xml": PPTX,
}
_ODF_MIMETYPES = {
    f"{_ODF}.text".encode(): ODT,
    f"{_ODF}.spreadsheet".encode(): ODS,
    f"{_ODF}.presentation".encode(): ODP,
}
_OLE2_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)
_TEXT_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
"""Bytes no text file has (tab, line feed, form feed, carriage return and ESC may occur)."""


class MacrosError(Exception):
    """An Office file that carries VBA macros."""


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole2(data: bytes, prefer: str) -> FileType | None:
    """An OLE2 compound file (Word, Excel, PowerPoint 97–2003), told apart by the names of
    its streams, which its directory keeps in UTF-16. A document may embed another (a chart
    from Excel in a Word file): the kind the name claims wins when its stream is there."""
    if _utf16("_VBA_PROJECT") in data:
        raise MacrosError
    found = [kind for stream, kind in _OLE2_STREAMS if _utf16(stream) in data]
    preferred = [kind for kind in found if prefer in kind.extensions]
    candidates = preferred or found
    return candidates[0] if candidates else None


def _zip(data: bytes) -> FileType | None:
    """OpenDocument (its ``mimetype`` entry) or Office Open XML (the main part's content type
    in ``[Content_Types].xml``); any other ZIP is not a document."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {info.filename: info for info in archive.infolist()}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise MacrosError
            for manifest in ("mimetype", "[Content_Types].xml"):
                info = names.get(manifest)
                if info is None or info.file_size > _MAX_MANIFEST:
                    continue
                with archive.open(info) as entry:
                    content = entry.read(_MAX_MANIFEST + 1)
                if manifest == "mimetype":
                    return _ODF_MIMETYPES.get(content.strip())
                if b"macroEnabled" in content:
                    raise MacrosError
                for part, kind in _OOXML_MAIN.items():
                    if part in content:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError):
        return None  # not a ZIP after all, encrypted, or compressed in a way we do not read
    except (EOFError, OSError, ValueError):
        return None
    return None


def _text(data: bytes) -> FileType | None:
    if _TEXT_CONTROLS.search(data):
        return None
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            body.decode("cp1251")
        except UnicodeDecodeError:
            return None
        return TEXT_CP1251
    return TEXT_UTF8


def detect(data: bytes, prefer: str = "") -> FileType | None:
    """The allowed type these bytes are, or None. Raises ``MacrosError`` for an Office file
    with macros. Only the bytes decide; ``prefer`` (the name's extension) only chooses between
    the kinds one old Office file holds at once."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG if data[12:16] == b"IHDR" else None
    if data.startswith(_OLE2_MAGIC):
        return _ole2(data, prefer)
    if data.startswith(_ZIP_MAGIC):
        return _zip(data)
    return _text(data)


def extension(name: str) -> str:
    """The name's extension in lower case, with its dot ("" for none)."""
    return os.path.splitext(name)[1].lower()


def content_error(name: str, data: bytes) -> str | None:
    """Why this file may not be attached (a Russian sentence naming it), or None."""
    shown = safe_filename(name)
    ext = extension(shown)
    if ext not in ALLOWED_EXTENSIONS:
        return f"Файл «{shown}»: такие файлы не принимаются. Можно приложить: {ALLOWED_HINT}."
    try:
        found = detect(data, ext)
    except MacrosError:
        return f"Файл «{shown}» содержит макросы: такие файлы не принимаются."
    if found is None:
        return (
            f"Файл «{shown}»: содержимое не похоже на {ext[1:].upper()}. Файл повреждён "
            "или это файл другого типа."
        )
    if ext not in found.extensions:
        return (
            f"Файл «{shown}»: по содержимому это {found.label}, а расширение имени "
            f"«{ext}». Сохраните файл с правильным расширением."
        )
    return None


def served_type(name: str, data: bytes) -> str:
    """The Content-Type a stored file is sent with: the one its bytes and its name agree on,
    else ``application/octet-stream`` (files kept before the check existed)."""
    ext = extension(name)
    try:
        found = detect(data, ext)
    except MacrosError:
        found = None
    if found is None or ext not in found.extensions:
        return "application/octet-stream"
    return found.content_type_for(ext)


def report_limit_bytes() -> int:
    return get_settings().max_upload_bytes * REPORT_LIMIT_FILES


def check_uploads(uploads: Sequence[Upload]) -> list[Upload]:
    """The report's files with their type as read from their bytes (the client's is
    dropped), or the whole report refused: 413 over the size limit of the report, 422
    naming the first file whose content is not allowed or does not match its name."""
    total = sum(len(u.data) for u in uploads)
    if total > report_limit_bytes():
        raise PayloadTooLargeError(
            f"Файлы отчёта вместе больше {get_settings().max_upload_mb * REPORT_LIMIT_FILES} МБ."
        )
    for upload in uploads:
        error = content_error(upload.filename, upload.data)
        if error is not None:
            raise ValidationError({"files": error})
    return [
        replace(u, content_type=served_type(safe_filename(u.filename), u.data)) for u in uploads
    ]


# ---------------------------------------------------------------- names

_PATH_SEPARATORS = re.compile(r"[\\/]")
_UNSAFE_CHARACTERS = re.compile(
    r"[\x00-\x1f\x7f-\x9f\"<>:|?*\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
)
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")
"""Control characters, the characters Windows forbids in a name, and the invisible and
direction marks (U+202E before «fdp.exe» makes «отчёт…fdp.exe» read as «отчётexe.pdf»)."""
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.I)
MAX_NAME = 255


def safe_filename(name: str) -> str:
    """The name to keep and show: the last path component, NFC, without control, invisible
    and direction characters or the characters Windows forbids, no leading dots, no trailing
    dots or spaces, not a Windows device name, at most 255 characters (the extension kept)."""
    base = _PATH_SEPARATORS.split(unicodedata.normalize("NFC", name or ""))[-1]
    base = _EDGES.sub("", _UNSAFE_CHARACTERS.sub("", base))
    if _WINDOWS_DEVICES.match(base):
        base = f"_{base}"
    if len(base) > MAX_NAME:
        stem, ext = os.path.splitext(base)
        ext = ext if len(ext) <= 16 else ""
        base = _EDGES.sub("", stem[: MAX_NAME - len(ext)]) + ext
    return base or "файл"


# ---------------------------------------------------------------- on disk


def path_for(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise ValueError("not a stored file name")
    return get_settings().files_dir / stored_name[:2] / stored_name


def store(data: bytes) -> StoredFile:
    """Write the bytes under a new random name; atomic (temp file, fsync, rename)."""
    stored_name = secrets.token_hex(16)
    target = path_for(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_suffix(".part")
    with temp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    temp.replace(target)
    return StoredFile(
        stored_name=stored_name, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )


def store_all(contents: Sequence[bytes]) -> list[StoredFile]:
    """Store every file or none: on a failure (a full disk) those already written are removed."""
    stored: list[StoredFile] = []
    try:
        stored.extend(store(data) for data in contents)
    except BaseException:
        for done in stored:
            discard(done.stored_name)
        raise
    return stored


def discard(stored_name: str) -> None:
    """Remove a stored file whose database row was never committed."""
    path_for(stored_name).unlink(missing_ok=True)


def read_verified(stored_name: str, sha256: str) -> bytes | None:
    """The file's bytes, or None when it is missing or its checksum no longer matches."""
    path = path_for(stored_name)
    if not path.is_file():
        log.error("stored file %s is missing", stored_name)
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        log.error("stored file %s does not match its checksum", stored_name)
        return None
    return data
