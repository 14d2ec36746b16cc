"""Files sent to the browser: always an attachment, with the real (Cyrillic) name per RFC 5987,
a type we chose, and no sniffing or caching."""

from __future__ import annotations

import re
from urllib.parse import quote

from litestar import Response

_SAFE_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the real name per RFC 5987 (Cyrillic names)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{fallback or 'file'}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(name: str, content_type: str, data: bytes) -> Response[bytes]:
    media_type = content_type if _SAFE_TYPE.match(content_type) else ""
    return Response(
        content=data,
        media_type=media_type or "application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
