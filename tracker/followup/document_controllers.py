"""Downloads of a meeting's documents: the agenda (.docx, with the follow-up annex) and a
school's extract of the protocol. Pages (session) and API (bearer) alike."""

from __future__ import annotations

from litestar import Controller, Response, get

from tracker.followup import document_services as documents
from tracker.web.auth import CurrentActor
from tracker.web.downloads import attachment
from tracker.web.openapi import ApiController, PathId


def _file(found: documents.DocumentFile) -> Response[bytes]:
    return attachment(found.name, found.content_type, found.data)


class MeetingDocumentsController(Controller):
    path = "/meetings/{meeting_id:int}"
    include_in_schema = False

    @get("/agenda.docx")
    async def agenda(self, actor: CurrentActor, meeting_id: PathId) -> Response[bytes]:
        return _file(await documents.agenda_document(actor, meeting_id))

    @get("/extracts/{school_id:int}")
    async def extract(
        self, actor: CurrentActor, meeting_id: PathId, school_id: PathId
    ) -> Response[bytes]:
        return _file(await documents.extract_document(actor, meeting_id, school_id))


class MeetingDocumentsApiController(ApiController):
    path = "/api/v1/meetings/{meeting_id:int}"
    tags = ["documents"]  # noqa: RUF012 - Litestar's declaration style

    @get("/agenda.docx", media_type=documents.DOCX, response_description="The agenda (.docx)")
    async def agenda(self, actor: CurrentActor, meeting_id: PathId) -> Response[bytes]:
        """The agenda as .docx (ГОСТ Р 7.0.97-2016), with the annex «Информация о ходе
        исполнения решений» once the follow-up is compiled (its frozen figures)."""
        return _file(await documents.agenda_document(actor, meeting_id))

    @get(
        "/extracts/{school_id:int}",
        media_type=documents.DOCX,
        response_description="The school's extract of the protocol (.docx)",
    )
    async def extract(
        self, actor: CurrentActor, meeting_id: PathId, school_id: PathId
    ) -> Response[bytes]:
        """«Выписка из протокола» for one school (.docx): only its decisions."""
        return _file(await documents.extract_document(actor, meeting_id, school_id))
