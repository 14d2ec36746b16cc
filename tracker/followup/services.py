"""The follow-up question of a meeting («О ходе исполнения решений совещаний от …»).

``compile_follow_up`` takes the decisions still under control from meetings held before this one,
freezes a ``DecisionSnapshot`` of each (figures counted on ``as_of``), adds one agenda item to
the meeting and stores the follow-up with a draft proposal per decision. ``update_proposal``
edits a proposal until ``adopt`` turns every proposal into a decision of the new meeting.

Recompiling a follow-up not yet adopted *replaces* it: its items and its agenda item are deleted
and a new one is compiled, in the same transaction (so the figures are those of the new
``as_of``). Once adopted, it is a record of what the meeting decided: 409.

Transactions: ``tracker.db.transaction`` nests (Piccolo runs an inner transaction inside the
outer one, on SQLite and PostgreSQL alike), so the meetings and assignments services called here
write inside our single transaction: a failure anywhere leaves nothing written, ``adopted_at``
unset, and a retry starts afresh.

Adopting removes the superseded decisions from control itself (with an audit event) rather than
through ``meetings.remove_from_control``: that one is the head's act (``Permission.REVIEW``),
here the meeting decided it and the secretary records it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Max
from piccolo.table import Table

from tracker import clock, db
from tracker.accounts.roles import Actor, Permission
from tracker.assignments import services as assignments
from tracker.assignments.tables import Assignment
from tracker.audit import services as audit
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.calendar.services import effective_calendar
from tracker.compliance.rules import ZERO
from tracker.compliance.services import (
    DecisionRow,
    TrackedDecision,
    compliance,
    tracked_decisions,
    tracked_with_counts,
)
from tracker.errors import ConflictError, NotFoundError, ValidationError
from tracker.followup.proposals import draft_proposal, proposal_text
from tracker.followup.snapshot import DecisionSnapshot, ProposalKind
from tracker.followup.tables import FollowUp, FollowUpItem
from tracker.meetings import services as meetings
from tracker.meetings.tables import AgendaItem, Decision, Meeting
from tracker.schools.services import ChosenSchools
from tracker.settings import get_settings

MAX_SPEAKER = 300
ADDRESSEE = "Руководителям"


def _d(day: date) -> str:
    return f"{day:%d.%m.%Y}"


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class FollowUpItemView:
    id: int
    position: int
    decision_id: int | None
    """The earlier decision; None when it was deleted since (the snapshot still reads the same)."""
    snapshot: DecisionSnapshot
    proposal: ProposalKind
    proposal_text: str
    extend_to: date | None
    new_decision_id: int | None


@dataclass(frozen=True)
class FollowUpView:
    id: int
    meeting_id: int
    meeting_date: date
    agenda_item_id: int | None
    agenda_title: str
    speakers: tuple[str, ...]
    as_of: date
    created_at: datetime
    adopted_at: datetime | None
    items: tuple[FollowUpItemView, ...]

    @property
    def adopted(self) -> bool:
        return self.adopted_at is not None


@dataclass(frozen=True)
class FollowUpPage:
    """What the follow-up section of a meeting shows."""

    meeting_id: int
    meeting_date: date
    meeting_title: str
    follow_up: FollowUpView | None
    candidates: tuple[DecisionRow, ...]
    """Tracked decisions of earlier meetings not removed from control, with today's counts:
    what compiling would take (those under control, and those done but not yet removed)."""
    today: date


def agenda_title(meeting_dates: Sequence[date]) -> str:
    """«О ходе исполнения решений совещания от 05.02.2026» (one meeting), «… совещаний от
    05.02.2026, 12.03.2026» (several, oldest first)."""
    dates = sorted(set(meeting_dates))
    which = "совещания" if len(dates) == 1 else "совещаний"
    return f"О ходе исполнения решений {which} от {', '.join(_d(d) for d in dates)}"


async def _lock(table: type[Table], row_id: int) -> None:
    """Hold the row until the transaction ends, so that two compilations of one meeting (or an
    edit and the adoption) take turns. PostgreSQL: ``FOR UPDATE``; SQLite needs nothing, its
    write transaction (``BEGIN IMMEDIATE``) already runs alone."""
    if isinstance(db.engine(), PostgresEngine):
        key = table._meta.primary_key
        await table.select(key).where(key == row_id).lock_rows()


async def meeting_row(meeting_id: int) -> dict[str, Any]:
    """The meeting's row, or a 404 in Russian (the follow-up's and its documents')."""
    row = await Meeting.select().where(Meeting.id == meeting_id).first()
    if row is None:
        raise NotFoundError("Совещание не найдено.")
    return row


async def _view(row: dict[str, Any], meeting_date: date) -> FollowUpView:
    agenda = None
    if row["agenda_item"] is not None:
        agenda = (
            await AgendaItem.select(AgendaItem.title, AgendaItem.speakers)
            .where(AgendaItem.id == row["agenda_item"])
            .first()
        )
    items = (
        await FollowUpItem.select()
        .where(FollowUpItem.follow_up == row["id"])
        .order_by(FollowUpItem.position)
    )
    names = db.json_value(row["school_names"])
    return FollowUpView(
        id=row["id"],
        meeting_id=row["meeting"],
        meeting_date=meeting_date,
        agenda_item_id=row["agenda_item"],
        agenda_title=agenda["title"] if agenda else "",
        speakers=tuple(db.json_value(agenda["speakers"]) or ()) if agenda else (),
        as_of=row["as_of"],
        created_at=row["created_at"],
        adopted_at=row["adopted_at"],
        items=tuple(
            FollowUpItemView(
                id=i["id"],
                position=i["position"],
                decision_id=i["decision"],
                snapshot=DecisionSnapshot.from_json(db.json_value(i["snapshot"]), names),
                proposal=ProposalKind(i["proposal"]),
                proposal_text=i["proposal_text"],
                extend_to=i["extend_to"],
                new_decision_id=i["new_decision"],
            )
            for i in items
        ),
    )


async def get_follow_up(actor: Actor, meeting_id: int) -> FollowUpView | None:
    """The meeting's follow-up with its frozen snapshots and proposals; None before compiling."""
    actor.require(Permission.MANAGE_MEETINGS)
    meeting = await meeting_row(meeting_id)
    row = await FollowUp.select().where(FollowUp.meeting == meeting_id).first()
    return None if row is None else await _view(row, meeting["date"])


async def get_follow_up_by_id(actor: Actor, follow_up_id: int) -> FollowUpView:
    actor.require(Permission.MANAGE_MEETINGS)
    row = await FollowUp.select().where(FollowUp.id == follow_up_id).first()
    if row is None:
        raise NotFoundError("Вопрос о ходе исполнения не найден.")
    meeting = await meeting_row(row["meeting"])
    return await _view(row, meeting["date"])


async def meeting_of_item(actor: Actor, item_id: int) -> int:
    """The meeting whose follow-up holds the item."""
    actor.require(Permission.MANAGE_MEETINGS)
    row = (
        await FollowUpItem.select(FollowUpItem.follow_up.meeting.as_alias("meeting_id"))
        .where(FollowUpItem.id == item_id)
        .first()
    )
    if row is None:
        raise NotFoundError("Пункт вопроса о ходе исполнения не найден.")
    return int(row["meeting_id"])


async def follow_up_page(
    actor: Actor, meeting_id: int, *, today: date | None = None
) -> FollowUpPage:
    actor.require(Permission.MANAGE_MEETINGS)
    meeting = await meeting_row(meeting_id)
    today = today or clock.today()
    candidates = await tracked_with_counts(before=meeting["date"], today=today)
    return FollowUpPage(
        meeting_id=meeting_id,
        meeting_date=meeting["date"],
        meeting_title=meeting["title"],
        follow_up=await get_follow_up(actor, meeting_id),
        candidates=tuple(candidates),
        today=today,
    )


# ---------------------------------------------------------------- compiling


async def _pick(meeting_date: date, decision_ids: Sequence[int] | None) -> list[TrackedDecision]:
    """The decisions the follow-up reports on, or the Russian reason why none: the tracked
    decisions of earlier meetings not removed from control (those still under control, and
    those done, which the meeting is to remove from control), or the picked ones among them."""
    if decision_ids is None:
        tracked = await tracked_decisions()
        earlier = [d for d in tracked if d.meeting_date < meeting_date]
        if earlier:
            return earlier
        later = sorted({d.meeting_date for d in tracked})
        if later:
            raise ValidationError.single(
                "",
                f"Нет решений на контроле от совещаний до {_d(meeting_date)}: решения на "
                f"контроле есть только у совещаний от {', '.join(_d(d) for d in later)}. "
                "Вопрос о ходе исполнения включают в повестку более позднего совещания.",
            )
        raise ValidationError.single("", "Нет решений на контроле: включать в повестку нечего.")
    if not decision_ids:
        raise ValidationError.single("decision_ids", "Выберите хотя бы одно решение.")
    wanted = sorted({int(i) for i in decision_ids})
    picked = await tracked_decisions(decision_ids=wanted)
    missing = sorted(set(wanted) - {d.id for d in picked})
    if missing:
        raise ValidationError.single(
            "decision_ids",
            "Не стоят на контроле (или не существуют) решения: "
            + ", ".join(str(i) for i in missing)
            + ".",
        )
    not_before = [d for d in picked if d.meeting_date >= meeting_date]
    if not_before:
        dates = ", ".join(sorted({_d(d.meeting_date) for d in not_before}))
        raise ValidationError.single(
            "decision_ids",
            f"Совещание от {_d(meeting_date)} проводится не позже совещания от {dates}: "
            "о ходе исполнения докладывают только по решениям более ранних совещаний.",
        )
    return picked


async def _latest_due(decision_ids: Sequence[int]) -> dict[int, date]:
    if not decision_ids:
        return {}
    rows = (
        await Assignment.select(Assignment.decision, Max(Assignment.due_on, alias="due"))
        .where(Assignment.decision.is_in(list(decision_ids)))
        .group_by(Assignment.decision)
    )
    return {int(r["decision"]): db.date_value(r["due"]) for r in rows if r["due"] is not None}


async def _snapshots(
    actor: Actor, picked: Sequence[TrackedDecision], as_of: date
) -> list[DecisionSnapshot]:
    """One aggregate for the cells of every picked decision; each decision's counts are the
    sums of its cells, its due date the latest of its assignments'."""
    ids = [d.id for d in picked]
    matrix = await compliance(actor, today=as_of, decision_ids=ids)
    latest = await _latest_due(ids)
    snapshots = []
    for d in picked:
        laggards = matrix.laggards(d.id)
        counts = matrix.by_decision.get(d.id, ZERO)
        snapshots.append(
            DecisionSnapshot(
                decision_id=d.id,
                meeting_id=d.meeting_id,
                meeting_date=d.meeting_date,
                meeting_number=d.meeting_number,
                meeting_title=d.meeting_title,
                number=d.number,
                text=d.text,
                deadline_kind=d.deadline_kind.value,
                deadline_text=d.deadline_text,
                due_on=latest.get(d.id, d.deadline_date),
                total=counts.total,
                on_time=counts.accepted_on_time,
                late=counts.accepted_late,
                reported=counts.reported,
                overdue=counts.overdue,
                open=counts.open,
                returned=counts.returned,
                extension_pending=counts.extension_pending,
                overdue_school_ids=tuple([s.id for s in laggards.overdue]),
                overdue_schools=tuple([s.name for s in laggards.overdue]),
                lagging_school_ids=tuple([s.id for s in laggards.not_done]),
                lagging_schools=tuple([s.name for s in laggards.not_done]),
            )
        )
    return snapshots


async def _discard_draft(actor: Actor, row: dict[str, Any]) -> None:
    """Delete a compiled follow-up not yet adopted, with its agenda item."""
    await FollowUpItem.delete().where(FollowUpItem.follow_up == row["id"])
    await FollowUp.delete().where(FollowUp.id == row["id"])
    if row["agenda_item"] is not None:
        await AgendaItem.delete().where(AgendaItem.id == row["agenda_item"])
    await audit.record(
        actor,
        "follow_up",
        row["id"],
        "discard",
        before={"meeting_id": row["meeting"], "as_of": row["as_of"]},
    )


async def compile_follow_up(
    actor: Actor,
    meeting_id: int,
    *,
    as_of: date | None = None,
    decision_ids: Sequence[int] | None = None,
    speaker: str = "",
) -> FollowUpView:
    """Freeze the figures of the decisions under control from earlier meetings (or of the
    picked ones, which must be such) on ``as_of`` (today when None) and add the question to
    the meeting's agenda, all or nothing. Recompiling a draft replaces it; an adopted one is a
    409."""
    actor.require(Permission.MANAGE_MEETINGS)
    meeting = await meeting_row(meeting_id)
    speaker = speaker.strip()
    if len(speaker) > MAX_SPEAKER:
        raise ValidationError.single("speaker", f"Не длиннее {MAX_SPEAKER} символов.")
    as_of = as_of or clock.today()
    calendar = await effective_calendar()
    start = max(as_of, meeting["date"])
    await _refuse_adopted(meeting_id)
    # read before the write transaction: the figures are those of ``as_of`` whenever counted,
    # and SQLite's writers need not queue behind the aggregate
    picked = await _pick(meeting["date"], decision_ids)
    snapshots = await _snapshots(actor, picked, as_of)
    async with db.transaction():
        await _lock(Meeting, meeting_id)
        existing = await _refuse_adopted(meeting_id)
        title = agenda_title([s.meeting_date for s in snapshots])
        if existing is not None:
            await _discard_draft(actor, existing)
        agenda_item_id = await meetings.add_agenda_item(
            actor, meeting_id, title=title, speakers=[speaker] if speaker else []
        )
        created_at = clock.now()
        follow_up_id = (
            await FollowUp.insert(
                FollowUp(
                    meeting=meeting_id,
                    agenda_item=agenda_item_id,
                    as_of=as_of,
                    created_by=actor.user_id,
                    created_at=created_at,
                    school_names=json.dumps(
                        {i: name for s in snapshots for i, name in s.school_names().items()},
                        ensure_ascii=False,
                    ),
                )
            ).returning(FollowUp.id)
        )[0]["id"]
        drafts = [
            (position, snapshot, *draft_proposal(snapshot, today=start, calendar=calendar))
            for position, snapshot in enumerate(snapshots, start=1)
        ]
        await db.insert_new(
            FollowUpItem,
            [
                {
                    "follow_up": follow_up_id,
                    "decision": snapshot.decision_id,
                    "position": position,
                    "snapshot": json.dumps(snapshot.to_json(), ensure_ascii=False),
                    "proposal": kind.value,
                    "proposal_text": text,
                    "extend_to": extend_to,
                }
                for position, snapshot, kind, text, extend_to in drafts
            ],
            unique=[FollowUpItem.follow_up, FollowUpItem.decision],
            returning=FollowUpItem.id,
        )
        await audit.record(
            actor,
            "follow_up",
            follow_up_id,
            "compile",
            after={
                "meeting_id": meeting_id,
                "as_of": as_of,
                "decisions": [s.decision_id for s in snapshots],
                "replaced": existing["id"] if existing else None,
            },
        )
    # the view of what was written, without reading the snapshots back
    positions = await FollowUpItem.select(FollowUpItem.id, FollowUpItem.position).where(
        FollowUpItem.follow_up == follow_up_id
    )
    item_id = {row["position"]: row["id"] for row in positions}
    return FollowUpView(
        id=follow_up_id,
        meeting_id=meeting_id,
        meeting_date=meeting["date"],
        agenda_item_id=agenda_item_id,
        agenda_title=title,
        speakers=(speaker,) if speaker else (),
        as_of=as_of,
        created_at=created_at,
        adopted_at=None,
        items=tuple(
            FollowUpItemView(
                id=item_id[position],
                position=position,
                decision_id=snapshot.decision_id,
                snapshot=snapshot,
                proposal=kind,
                proposal_text=text,
                extend_to=extend_to,
                new_decision_id=None,
            )
            for position, snapshot, kind, text, extend_to in drafts
        ),
    )


async def _refuse_adopted(meeting_id: int) -> dict[str, Any] | None:
    """The meeting's follow-up, if any; a 409 when it is adopted."""
    existing = await FollowUp.select().where(FollowUp.meeting == meeting_id).first()
    if existing is not None and existing["adopted_at"] is not None:
        raise _adopted_error(existing["adopted_at"])
    return existing


def _adopted_error(at: datetime) -> ConflictError:
    return ConflictError(
        f"Предложения о ходе исполнения уже приняты {at.astimezone(get_settings().tz):%d.%m.%Y}: "
        "их решения — в протоколе совещания, вопрос больше не меняется."
    )


# ---------------------------------------------------------------- proposals


def _kind(value: str | ProposalKind) -> ProposalKind:
    try:
        return ProposalKind(value)
    except ValueError:
        raise ValidationError.single("proposal", "Выберите предложение из списка.") from None


async def update_proposal(
    actor: Actor,
    item_id: int,
    *,
    kind: str | ProposalKind,
    text: str = "",
    extend_to: date | None = None,
) -> FollowUpItemView:
    """Change one proposal before adoption. An extension or an instruction needs a date not
    before the meeting's; an empty wording is drafted from the kind."""
    actor.require(Permission.MANAGE_MEETINGS)
    proposal = _kind(kind)
    row = await FollowUpItem.select().where(FollowUpItem.id == item_id).first()
    if row is None:
        raise NotFoundError("Пункт вопроса о ходе исполнения не найден.")
    parent = (
        await FollowUp.select(FollowUp.adopted_at, FollowUp.meeting, FollowUp.school_names)
        .where(FollowUp.id == row["follow_up"])
        .first()
    )
    assert parent is not None  # the item belongs to it (cascade)
    if parent["adopted_at"] is not None:
        raise _adopted_error(parent["adopted_at"])
    meeting_date: date = (await meeting_row(parent["meeting"]))["date"]
    snapshot = DecisionSnapshot.from_json(
        db.json_value(row["snapshot"]), db.json_value(parent["school_names"])
    )
    errors: dict[str, str] = {}
    if proposal in {ProposalKind.EXTEND, ProposalKind.INSTRUCT}:
        if not isinstance(extend_to, date):
            errors["extend_to"] = "Укажите новый срок исполнения."
        elif extend_to < meeting_date:
            errors["extend_to"] = (
                f"Новый срок не может быть раньше даты совещания ({_d(meeting_date)})."
            )
        if proposal is ProposalKind.INSTRUCT and not snapshot.lagging_school_ids:
            errors["proposal"] = "Все школы исполнили решение: поручать некому."
    else:
        extend_to = None
    text = text.strip() or proposal_text(proposal, snapshot, extend_to)
    if len(text) > meetings.MAX_TEXT:
        errors["proposal_text"] = f"Не длиннее {meetings.MAX_TEXT} символов."
    if errors:
        raise ValidationError(errors)
    async with db.transaction():
        await _lock(FollowUp, row["follow_up"])
        state = (
            await FollowUp.select(FollowUp.adopted_at)
            .where(FollowUp.id == row["follow_up"])
            .first()
        )
        if state is None or state["adopted_at"] is not None:
            raise _adopted_error(state["adopted_at"] if state else clock.now())
        await FollowUpItem.update(
            {
                FollowUpItem.proposal: proposal.value,
                FollowUpItem.proposal_text: text,
                FollowUpItem.extend_to: extend_to,
            }
        ).where(FollowUpItem.id == item_id)
        await audit.record(
            actor,
            "follow_up_item",
            item_id,
            "update_proposal",
            before={
                "proposal": row["proposal"],
                "proposal_text": row["proposal_text"],
                "extend_to": row["extend_to"],
            },
            after={"proposal": proposal.value, "proposal_text": text, "extend_to": extend_to},
        )
    return FollowUpItemView(
        id=item_id,
        position=row["position"],
        decision_id=row["decision"],
        snapshot=snapshot,
        proposal=proposal,
        proposal_text=text,
        extend_to=extend_to,
        new_decision_id=None,
    )


# ---------------------------------------------------------------- adopting


async def _supersede(actor: Actor, decision_id: int | None, follow_up_id: int) -> None:
    """Remove the earlier decision from control, if it still is (the meeting decided so)."""
    if decision_id is None:
        return
    now = clock.now()
    changed = (
        await Decision.update({Decision.removed_from_control_at: now})
        .where((Decision.id == decision_id) & Decision.removed_from_control_at.is_null())
        .returning(Decision.id)
    )
    if changed:
        await audit.record(
            actor,
            "decision",
            decision_id,
            "remove_from_control",
            before={"removed_from_control_at": None},
            after={"removed_from_control_at": now, "follow_up_id": follow_up_id},
        )


async def adopt(actor: Actor, follow_up_id: int) -> FollowUpView:
    """The meeting adopted the proposals: each becomes a decision of the new meeting under the
    follow-up's agenda item. Remove: the earlier decision is removed from control. Keep: it
    stays. Extend or instruct: a new instruction due ``extend_to``, assigned to the lagging
    schools only, supersedes the earlier one. Once only (409), all or nothing."""
    actor.require(Permission.MANAGE_MEETINGS)
    current = await get_follow_up_by_id(actor, follow_up_id)
    if current.adopted_at is not None:
        raise _adopted_error(current.adopted_at)
    now = clock.now()
    async with db.transaction():
        claimed = (
            await FollowUp.update({FollowUp.adopted_at: now, FollowUp.adopted_by: actor.user_id})
            .where((FollowUp.id == follow_up_id) & FollowUp.adopted_at.is_null())
            .returning(FollowUp.id)
        )
        if not claimed:
            raise _adopted_error(now)
        agenda_id = current.agenda_item_id
        if agenda_id is not None and not await AgendaItem.exists().where(
            AgendaItem.id == agenda_id
        ):
            agenda_id = None
        agenda_position = None
        if agenda_id is not None:
            agenda_position = (
                await AgendaItem.select(AgendaItem.position)
                .where(AgendaItem.id == agenda_id)
                .first()
            )["position"]  # type: ignore[index]
        for n, item in enumerate(current.items, start=1):
            snapshot = item.snapshot
            number = f"{agenda_position}.{n}" if agenda_position is not None else str(n)
            if item.proposal in {ProposalKind.EXTEND, ProposalKind.INSTRUCT}:
                assert item.extend_to is not None  # update_proposal and the draft see to it
                draft = meetings.DecisionDraft(
                    text=item.proposal_text,
                    number=number,
                    kind=meetings.DecisionKind.INSTRUCTION,
                    addressee=f"{ADDRESSEE} {', '.join(snapshot.lagging_schools)}",
                    deadline=DeadlineRule(
                        kind=DeadlineKind.DATE,
                        date=item.extend_to,
                        text=f"до {_d(item.extend_to)}",
                    ),
                )
            else:
                draft = meetings.DecisionDraft(
                    text=item.proposal_text, number=number, kind=meetings.DecisionKind.CONTROL
                )
            new_id = await meetings.add_decision(
                actor, current.meeting_id, draft, agenda_item_id=agenda_id
            )
            if item.proposal in {ProposalKind.EXTEND, ProposalKind.INSTRUCT}:
                if snapshot.lagging_school_ids:
                    await assignments.assign(
                        actor,
                        new_id,
                        ChosenSchools(tuple(snapshot.lagging_school_ids)),
                        due_on=item.extend_to,
                    )
                await _supersede(actor, item.decision_id, follow_up_id)
            elif item.proposal is ProposalKind.REMOVE:
                await _supersede(actor, item.decision_id, follow_up_id)
            await FollowUpItem.update({FollowUpItem.new_decision: new_id}).where(
                FollowUpItem.id == item.id
            )
        await audit.record(
            actor,
            "follow_up",
            follow_up_id,
            "adopt",
            before={"adopted_at": None},
            after={"adopted_at": now, "items": len(current.items)},
        )
    return await get_follow_up_by_id(actor, follow_up_id)
