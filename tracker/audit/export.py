"""The audit log as CSV, the way Excel on a Russian Windows opens it: UTF-8 with a byte-order
mark, «;» between fields, one event a line. Pure: entries in, bytes out.

A value that a spreadsheet would take for a formula (it starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) gets a leading apostrophe: a comment typed by a user is never run
on the head's computer (CSV injection).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from zoneinfo import ZoneInfo

from tracker.audit import rules
from tracker.audit.search import AuditEntry

HEADER = (
    "Номер записи",
    "Когда",
    "Кто",
    "Действие",
    "Вид объекта",
    "Номер объекта",
    "Объект",
    "Школа",
    "Изменения",
    "Было (JSON)",
    "Стало (JSON)",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _json(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def row(entry: AuditEntry, tz: ZoneInfo) -> list[str]:
    return [
        cell(v)
        for v in (
            entry.id,
            rules.local_moment(entry.at, tz),
            entry.actor_name,
            entry.action_label,
            entry.entity_label,
            entry.entity_id,
            entry.object.label,
            entry.school_name or "",
            "\n".join(change.as_text() for change in entry.changes),
            _json(entry.before),
            _json(entry.after),
        )
    ]


def lines(rows: Iterable[Iterable[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


async def csv_chunks(
    batches: AsyncIterable[list[AuditEntry]], tz: ZoneInfo
) -> AsyncIterator[bytes]:
    """The byte-order mark and the header, then one chunk per batch of events."""
    yield codecs.BOM_UTF8 + lines([HEADER])
    async for batch in batches:
        yield lines(row(entry, tz) for entry in batch)
