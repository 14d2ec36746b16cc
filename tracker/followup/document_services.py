"""The meeting's documents as files: the agenda with its follow-up annex, and a school's
extract of the protocol. Permissions here; the layout in ``documents`` and ``extract``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker import db
from tracker.accounts.roles import Actor, Permission, Role
from tracker.assignments.tables import Assignment
from tracker.errors import NotFoundError
from tracker.followup.documents import AgendaDocument, AgendaEntry, AnnexRow, agenda_docx
from tracker.followup.extract import Extract, ExtractDecision, extract_docx
from tracker.followup.services import meeting_row
from tracker.followup.snapshot import DecisionSnapshot
from tracker.followup.tables import FollowUp, FollowUpItem
from tracker.meetings.tables import AgendaItem
from tracker.schools.tables import School
from tracker.settings import get_settings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTRACT_OF = {"protocol": "протокола", "resolution": "решения", "decision": "решения"}


@dataclass(frozen=True)
class DocumentFile:
    name: str
    content_type: str
    data: bytes


async def agenda_document(actor: Actor, meeting_id: int) -> DocumentFile:
    """The agenda of the meeting; with a compiled follow-up, its annex from the frozen snapshot.
    The department's (head and secretary), as the meeting is."""
    actor.require(Permission.MANAGE_MEETINGS)
    meeting = await meeting_row(meeting_id)
    items = await (
        AgendaItem.select(AgendaItem.title, AgendaItem.speakers)
        .where(AgendaItem.meeting == meeting_id)
        .order_by(AgendaItem.position)
    )
    follow_up = await FollowUp.select().where(FollowUp.meeting == meeting_id).first()
    annex: list[AnnexRow] = []
    if follow_up is not None:
        names = db.json_value(follow_up["school_names"])
        rows = await (
            FollowUpItem.select(FollowUpItem.snapshot, FollowUpItem.proposal_text)
            .where(FollowUpItem.follow_up == follow_up["id"])
            .order_by(FollowUpItem.position)
        )
        annex = [
            AnnexRow(
                DecisionSnapshot.from_json(db.json_value(r["snapshot"]), names), r["proposal_text"]
            )
            for r in rows
        ]
    meeting_date: date = meeting["date"]
    document = AgendaDocument(
        organisation=get_settings().organisation,
        meeting_title=str(meeting["title"]),
        meeting_date=meeting_date,
        place=str(meeting["place"]),
        entries=tuple(
            AgendaEntry(i["title"], tuple(db.json_value(i["speakers"]) or ())) for i in items
        ),
        annex=tuple(annex),
        as_of=follow_up["as_of"] if follow_up else None,
    )
    return DocumentFile(
        name=f"Повестка {meeting_date:%d.%m.%Y}.docx", content_type=DOCX, data=agenda_docx(document)
    )


async def extract_document(actor: Actor, meeting_id: int, school_id: int) -> DocumentFile:
    """«Выписка из протокола» for one school: the department's, and a school user's of their
    own school only (another school's is a 404)."""
    if actor.role is not Role.SCHOOL:
        actor.require(Permission.MANAGE_MEETINGS)
    actor.require_school(school_id)
    meeting = await meeting_row(meeting_id)
    school = await School.select(School.short_name).where(School.id == school_id).first()
    if school is None:
        raise NotFoundError("Учреждение не найдено.")
    rows = await (
        Assignment.select(
            Assignment.decision._.number.as_alias("number"),
            Assignment.decision._.text.as_alias("text"),
            Assignment.decision._.deadline_text.as_alias("deadline_text"),
            Assignment.due_on,
            Assignment.decision._.position.as_alias("position"),
        )
        .where((Assignment.school == school_id) & (Assignment.decision._.meeting == meeting_id))
        .order_by(Assignment.decision._.position)
        .order_by(Assignment.due_on)
    )
    seen: set[int] = set()
    decisions: list[ExtractDecision] = []
    for r in rows:  # a periodic decision has an assignment per period: list it once
        if r["position"] in seen:
            continue
        seen.add(r["position"])
        due = r["deadline_text"] or (f"до {r['due_on']:%d.%m.%Y}" if r["due_on"] else "постоянно")
        decisions.append(ExtractDecision(r["number"], r["text"], due))
    meeting_date: date = meeting["date"]
    extract = Extract(
        organisation=get_settings().organisation,
        meeting_kind=EXTRACT_OF.get(str(meeting["kind"]), "протокола"),
        meeting_title=str(meeting["title"]),
        meeting_number=str(meeting["number"]),
        meeting_date=meeting_date,
        school_name=school["short_name"],
        decisions=tuple(decisions),
    )
    return DocumentFile(
        name=f"Выписка {meeting_date:%d.%m.%Y} {school['short_name']}.docx",
        content_type=DOCX,
        data=extract_docx(extract),
    )
