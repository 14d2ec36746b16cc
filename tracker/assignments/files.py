"""Report files on disk: ``TRACKER_DATA_DIR/files/ab/abcdef…``, named by a random id,
never by what the user uploaded; the original name is kept in the database."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from tracker.settings import get_settings


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


def discard(stored_name: str) -> None:
    """Remove a stored file whose database row was never committed."""
    path_for(stored_name).unlink(missing_ok=True)


def read_verified(stored_name: str, sha256: str) -> bytes | None:
    """The file's bytes, or None when it is missing or its checksum no longer matches."""
    path = path_for(stored_name)
    if not path.is_file():
        return None
    data = path.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def safe_filename(name: str) -> str:
    """The last path component, without control characters, at most 255 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f\"]", "", base).strip().lstrip(".")
    return (base or "файл")[-255:]
