"""What a job can be: one function per kind, each calling the area's own service with the job's
plain parameters and telling its progress step by step.

- ``compliance_xlsx`` — a meeting's compliance matrix as ``.xlsx`` (a file to download);
- ``follow_up`` — compiling a meeting's follow-up question (a page: the compiled follow-up);
- ``protocol_parse`` — parsing an uploaded protocol (a page: the review of its draft, read back
  from the stored JSON by ``protocol_draft``).
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

import msgspec

from tracker import clock
from tracker.errors import ValidationError
from tracker.exports import services as exports
from tracker.exports.xlsx import MEDIA_TYPE, compliance_workbook
from tracker.followup import services as followup
from tracker.jobs.services import Context, Kind, Result, data_dir
from tracker.meetings.schemas import DeadlineIn
from tracker.protocols import services as protocols
from tracker.protocols.model import (
    AgendaEntry,
    ParsedDecision,
    ParsedProtocol,
    Signature,
    to_json,
)
from tracker.web.templating import plural_ru

COMPLIANCE_XLSX = "compliance_xlsx"
FOLLOW_UP = "follow_up"
PROTOCOL_PARSE = "protocol_parse"
UPLOADS = "jobs/uploads"
"""Protocol files waiting for their parse, under the data dir."""


async def compliance_xlsx(job: Context) -> Result:
    meeting_id = int(job.params["meeting_id"])
    await job.progress(0, 3, "Считаю исполнение решений по школам…")
    found = await exports.meeting_matrix(job.actor, meeting_id, today=clock.today())
    c = found.compliance
    size = len(c.decisions) * len(c.schools)
    await job.progress(
        1,
        3,
        f"Составляю таблицу: {plural_ru(len(c.decisions), 'решение', 'решения', 'решений')} × "
        f"{plural_ru(len(c.schools), 'школа', 'школы', 'школ')} ({size} ячеек)…",
    )
    data = await asyncio.to_thread(compliance_workbook, c, title=found.title)
    await job.progress(3, 3, "Файл готов.")
    return Result(
        message=f"Файл «{found.filename}» готов.",
        data=data,
        name=found.filename,
        media_type=MEDIA_TYPE,
    )


async def follow_up(job: Context) -> Result:
    params = job.params
    meeting_id = int(params["meeting_id"])
    as_of = params.get("as_of")
    await job.progress(0, 2, "Считаю исполнение решений прошлых совещаний…")
    view = await followup.compile_follow_up(
        job.actor,
        meeting_id,
        as_of=date.fromisoformat(as_of) if as_of else None,
        decision_ids=[int(i) for i in params.get("decision_ids") or []] or None,
        speaker=str(params.get("speaker") or ""),
    )
    await job.progress(2, 2, "Вопрос сформирован.")
    return Result(
        message=f"Вопрос «{view.agenda_title}» включён в повестку.",
        url=f"/meetings/{meeting_id}/follow-up",
    )


def upload_path(job_key: str, filename: str) -> str:
    """Where an uploaded protocol waits for its job, relative to the data dir."""
    suffix = Path(filename).suffix.lower()
    return f"{UPLOADS}/{job_key}{suffix if suffix.isascii() and len(suffix) <= 10 else ''}"


def save_upload(relative: str, data: bytes) -> None:
    target = data_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


async def protocol_parse(job: Context) -> Result:
    filename = str(job.params.get("filename") or "")
    source = data_dir() / str(job.params["path"])
    if not source.is_file():
        raise ValidationError.single("file", "Загруженный файл не найден: загрузите его ещё раз.")
    await job.progress(0, 2, f"Читаю документ «{filename}»…")
    data = await asyncio.to_thread(source.read_bytes)
    parsed = await asyncio.to_thread(protocols.read_document, data, filename)
    stored = {
        "parsed": to_json(parsed),
        "source_sha256": protocols.document_sha256(data),
        "source_name": filename,
    }
    source.unlink(missing_ok=True)
    decisions = plural_ru(len(parsed.decisions), "решение", "решения", "решений")
    await job.progress(2, 2, f"Документ прочитан: {decisions}.")
    return Result(
        message=f"Протокол прочитан: {decisions}. Проверьте черновик.",
        data=json.dumps(stored, ensure_ascii=False).encode(),
        name="draft.json",
        media_type="application/json",
        url=f"/protocols/import/jobs/{job.job_id}",
    )


def _parsed(data: dict[str, Any]) -> ParsedProtocol:
    """The parsed protocol back from its CONTRACT.md JSON (``to_json``)."""
    raw_date = data.get("date")
    return ParsedProtocol(
        kind=data.get("kind") or "protocol",
        title=data.get("title") or "",
        number=data.get("number") or "",
        date=date.fromisoformat(raw_date) if raw_date else None,
        place=data.get("place") or "",
        agenda=tuple(
            AgendaEntry(a["number"], a["title"], tuple(a.get("speakers") or ()))
            for a in data.get("agenda") or []
        ),
        decisions=tuple(
            ParsedDecision(
                number=d["number"],
                text=d["text"],
                kind=d.get("kind") or "instruction",
                addressee=d.get("addressee") or "",
                agenda_item=d.get("agenda_item"),
                deadline=msgspec.convert(d.get("deadline") or {}, DeadlineIn).to_rule(),
            )
            for d in data.get("decisions") or []
        ),
        signatures=tuple(Signature(s["position"], s["name"]) for s in data.get("signatures") or []),
        warnings=tuple(data.get("warnings") or ()),
    )


def protocol_draft(data: bytes) -> protocols.ImportDraft:
    """The import draft a ``protocol_parse`` job stored."""
    stored = json.loads(data)
    return protocols.draft_of(
        _parsed(stored["parsed"]),
        source_sha256=stored.get("source_sha256") or "",
        source_name=stored.get("source_name") or "",
    )


KINDS: dict[str, Kind] = {
    COMPLIANCE_XLSX: compliance_xlsx,
    FOLLOW_UP: follow_up,
    PROTOCOL_PARSE: protocol_parse,
}
