"""Files sent to the browser: always an attachment, with the real (Cyrillic) name per RFC 5987,
a type we chose, and no sniffing or caching."""

from __future__ import annotations

import re
from collections.abc import AsyncIterable
from urllib.parse import quote

from litestar import Response
from litestar.response import Stream

_SAFE_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(; ?charset=[\w-]+)?")
"""A bare media type, or one with a charset: anything else (a header injected through a
stored value, a parameter we did not choose) is sent as ``application/octet-stream``."""


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the real name per RFC 5987 (Cyrillic names)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(name, safe='')}"


def _headers(name: str) -> dict[str, str]:
    return {
        "Content-Disposition": content_disposition(name),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }


def _media_type(content_type: str) -> tuple[str, str]:
    """The media type and its charset, apart: Litestar adds ``; charset=`` to a text type
    itself (from ``encoding``), and would add a second one."""
    if not _SAFE_TYPE.fullmatch(content_type):
        return "application/octet-stream", "utf-8"
    media_type, _, charset = content_type.partition(";")
    return media_type, charset.strip().removeprefix("charset=") or "utf-8"


def attachment(name: str, content_type: str, data: bytes) -> Response[bytes]:
    """Never shown inline, never sniffed, never cached, and inert if opened anyway (an empty
    sandboxed CSP): a file uploaded by one user cannot run in another's session."""
    media_type, charset = _media_type(content_type)
    return Response(data, media_type=media_type, encoding=charset, headers=_headers(name))


def streamed_attachment(name: str, content_type: str, chunks: AsyncIterable[bytes]) -> Stream:
    """The same, sent as it is made (a large export never whole in memory)."""
    media_type, charset = _media_type(content_type)
    return Stream(chunks, media_type=media_type, encoding=charset, headers=_headers(name))
