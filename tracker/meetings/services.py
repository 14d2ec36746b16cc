"""Meetings, agenda items and decisions: recording what a meeting decided."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from piccolo.query.functions.aggregate import Max

from tracker import clock, db
from tracker.accounts.roles import Actor, Permission
from tracker.audit import services as audit
from tracker.calendar.deadlines import KIND_LABELS, DeadlineKind, DeadlineRule, Period
from tracker.errors import ConflictError, NotFoundError, ValidationError
from tracker.meetings.tables import AgendaItem, Decision, Meeting
from tracker.schools.services import GroupView, SchoolView, list_groups, list_schools
from tracker.settings import get_settings

if TYPE_CHECKING:  # assignments imports this module: no cycle at run time
    from tracker.assignments.services import AssignmentSummary, Progress


class MeetingKind(StrEnum):
    PROTOCOL = "protocol"
    RESOLUTION = "resolution"
    DECISION = "decision"


MEETING_KIND_LABELS = {
    MeetingKind.PROTOCOL: "Протокол",
    MeetingKind.RESOLUTION: "Резолюция",
    MeetingKind.DECISION: "Решение",
}


class DecisionKind(StrEnum):
    INSTRUCTION = "instruction"  # «Поручить / Обеспечить …»: tracked
    RECOMMENDATION = "recommendation"  # «Рекомендовать …»: tracked, softer wording
    INFORMATION = "information"  # «Принять к сведению»: nothing to track
    CONTROL = "control"  # «Контроль … возложить на …»: names who controls

    @property
    def label(self) -> str:
        return DECISION_KIND_LABELS[self]

    @property
    def is_tracked(self) -> bool:
        return self in {DecisionKind.INSTRUCTION, DecisionKind.RECOMMENDATION}


DECISION_KIND_LABELS = {
    DecisionKind.INSTRUCTION: "Поручение",
    DecisionKind.RECOMMENDATION: "Рекомендация",
    DecisionKind.INFORMATION: "Принять к сведению",
    DecisionKind.CONTROL: "Контроль исполнения",
}

MAX_TEXT = 20_000


@dataclass(frozen=True)
class AgendaDraft:
    title: str
    number: int | None = None
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionDraft:
    text: str
    number: str = ""
    kind: str = DecisionKind.INSTRUCTION
    addressee: str = ""
    agenda_item: int | None = None
    """The agenda item's number as the parsed protocol gives it: its ``AgendaDraft.number``,
    or its place in the draft (1-based) when the agenda is not numbered."""
    deadline: DeadlineRule = field(default_factory=DeadlineRule)


@dataclass(frozen=True)
class MeetingDraft:
    title: str
    date: date | None
    kind: str = MeetingKind.PROTOCOL
    number: str = ""
    place: str = ""
    agenda: tuple[AgendaDraft, ...] = ()
    decisions: tuple[DecisionDraft, ...] = ()


@dataclass(frozen=True)
class CreatedMeeting:
    id: int
    decisions: tuple[tuple[int, str], ...]
    """(decision id, number as printed), in order."""


@dataclass(frozen=True)
class AgendaItemView:
    id: int
    position: int
    title: str
    speakers: tuple[str, ...]


@dataclass(frozen=True)
class DecisionView:
    id: int
    meeting_id: int
    agenda_item_id: int | None
    position: int
    number: str
    text: str
    kind: DecisionKind
    addressee: str
    deadline: DeadlineRule
    removed_from_control_at: datetime | None = None
    """When the department removed it from control («снято с контроля»); None while it is
    under control (or was never tracked)."""

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def under_control(self) -> bool:
        """Tracked and not removed from control: assignments, periods and reminders go on."""
        return self.kind.is_tracked and self.removed_from_control_at is None

    @property
    def deadline_label(self) -> str:
        return self.deadline.text or describe_deadline(self.deadline)


PERIOD_LABELS = {
    Period.MONTHLY: "ежемесячно",
    Period.QUARTERLY: "ежеквартально",
    Period.YEARLY: "ежегодно",
}


def _days(n: int, working: bool) -> str:
    """«10 рабочих дней», «1 дня», «21 дня» — after «в течение», which wants the genitive."""
    ones = n % 10 == 1 and n % 100 != 11
    if working:
        return f"{n} {'рабочего дня' if ones else 'рабочих дней'}"
    return f"{n} {'дня' if ones else 'дней'}"


def describe_deadline(rule: DeadlineRule) -> str:
    """A Russian label for a deadline entered without its printed wording:
    «до 01.03.2026», «в течение 10 рабочих дней», «ежемесячно до 5 числа», «постоянно»."""
    if rule.kind is DeadlineKind.DATE and rule.date is not None:
        return f"до {rule.date:%d.%m.%Y}"
    if rule.kind is DeadlineKind.RELATIVE and rule.working_days:
        return f"в течение {_days(rule.working_days, working=True)}"
    if rule.kind is DeadlineKind.RELATIVE and rule.days:
        return f"в течение {_days(rule.days, working=False)}"
    if rule.kind is DeadlineKind.PERIODIC and rule.period is not None:
        label = PERIOD_LABELS[rule.period]
        return f"{label} до {rule.days} числа" if rule.days else label
    return KIND_LABELS[rule.kind]


@dataclass(frozen=True)
class MeetingView:
    id: int
    kind: MeetingKind
    title: str
    number: str
    date: date
    place: str
    decision_count: int = 0

    @property
    def kind_label(self) -> str:
        return MEETING_KIND_LABELS[self.kind]


@dataclass(frozen=True)
class MeetingDetail:
    meeting: MeetingView
    agenda: tuple[AgendaItemView, ...]
    decisions: tuple[DecisionView, ...]


def _check_deadline(rule: DeadlineRule, prefix: str, errors: dict[str, str]) -> None:
    if rule.kind is DeadlineKind.DATE and rule.date is None:
        errors[f"{prefix}deadline"] = "Для срока «к дате» укажите дату."
    if rule.kind is DeadlineKind.RELATIVE and not (rule.working_days or rule.days):
        errors[f"{prefix}deadline"] = "Для относительного срока укажите число дней."
    for value in (rule.working_days, rule.days):
        if value is not None and not 0 < value <= 3660:
            errors[f"{prefix}deadline"] = "Число дней должно быть от 1 до 3660."
    if rule.kind is DeadlineKind.PERIODIC and rule.period is None:
        errors[f"{prefix}deadline"] = "Для периодического срока укажите период."


def check_decision(draft: DecisionDraft, prefix: str = "") -> dict[str, str]:
    """Russian messages for what is wrong with one decision, keyed by field."""
    errors: dict[str, str] = {}
    if not draft.text.strip():
        errors[f"{prefix}text"] = "Введите текст решения."
    elif len(draft.text) > MAX_TEXT:
        errors[f"{prefix}text"] = f"Текст решения длиннее {MAX_TEXT} символов."
    if len(draft.number) > 20:
        errors[f"{prefix}number"] = "Номер пункта не длиннее 20 символов."
    if draft.kind not in DecisionKind.__members__.values():
        errors[f"{prefix}kind"] = "Неизвестный вид решения."
    _check_deadline(draft.deadline, prefix, errors)
    return errors


def check_meeting(draft: MeetingDraft) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not draft.title.strip():
        errors["title"] = "Введите название совещания."
    elif len(draft.title) > 2000:
        errors["title"] = "Название длиннее 2000 символов."
    if draft.date is None:
        errors["date"] = "Укажите дату совещания."
    elif not 1990 <= draft.date.year <= 2100:
        errors["date"] = "Дата совещания вне разумных пределов."
    if draft.kind not in MeetingKind.__members__.values():
        errors["kind"] = "Неизвестный вид документа."
    if len(draft.number) > 50:
        errors["number"] = "Номер протокола не длиннее 50 символов."
    if len(draft.place) > 500:
        errors["place"] = "Место проведения не длиннее 500 символов."
    errors |= _check_agenda(draft.agenda)
    numbers = agenda_numbers(draft.agenda)
    for index, decision in enumerate(draft.decisions):
        errors |= check_decision(decision, f"decisions.{index}.")
        if decision.agenda_item is not None and decision.agenda_item not in numbers:
            errors[f"decisions.{index}.agenda_item"] = "Нет такого вопроса повестки."
    return errors


def _check_agenda(agenda: Sequence[AgendaDraft]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for index, item in enumerate(agenda):
        if not item.title.strip():
            errors[f"agenda.{index}.title"] = "Введите формулировку вопроса повестки."
        if item.number is not None and not 1 <= item.number <= 1000:
            errors[f"agenda.{index}.number"] = "Номер вопроса повестки — от 1 до 1000."
    numbers = agenda_numbers(agenda)
    if len(set(numbers)) != len(numbers):
        errors["agenda"] = "Номера вопросов повестки повторяются."
    return errors


def agenda_numbers(agenda: Sequence[AgendaDraft]) -> list[int]:
    """The number each agenda item is known by: its own, else its place (1-based)."""
    return [item.number or position for position, item in enumerate(agenda, start=1)]


def _deadline_columns(rule: DeadlineRule) -> dict[str, Any]:
    return {
        "deadline_kind": rule.kind.value,
        "deadline_date": rule.date,
        "deadline_text": rule.text.strip(),
        "deadline_period": rule.period.value if rule.period else None,
        "deadline_working_days": rule.working_days,
        "deadline_days": rule.days,
    }


async def _insert_decision(
    meeting_id: int, position: int, draft: DecisionDraft, agenda_item_id: int | None
) -> int:
    row = (
        await Decision.insert(
            Decision(
                meeting=meeting_id,
                agenda_item=agenda_item_id,
                position=position,
                number=draft.number.strip(),
                text=draft.text.strip(),
                kind=draft.kind,
                addressee=draft.addressee.strip(),
                created_at=clock.now(),
                **_deadline_columns(draft.deadline),
            )
        ).returning(Decision.id)
    )[0]
    return int(row["id"])


async def create_meeting(actor: Actor | None, draft: MeetingDraft) -> CreatedMeeting:
    """Record a meeting with its agenda and decisions, all or nothing. No assignments yet."""
    if actor is not None:
        actor.require(Permission.MANAGE_MEETINGS)
    if errors := check_meeting(draft):
        raise ValidationError(errors)
    assert draft.date is not None  # checked above
    async with db.transaction():
        row = (
            await Meeting.insert(
                Meeting(
                    kind=draft.kind,
                    title=draft.title.strip(),
                    number=draft.number.strip(),
                    date=draft.date,
                    place=draft.place.strip(),
                    created_by=actor.user_id if actor else None,
                    created_at=clock.now(),
                )
            ).returning(Meeting.id)
        )[0]
        meeting_id = int(row["id"])
        agenda_ids: list[int] = []
        for position, item in enumerate(draft.agenda, start=1):
            agenda_row = (
                await AgendaItem.insert(
                    AgendaItem(
                        meeting=meeting_id,
                        position=item.number or position,
                        title=item.title.strip(),
                        speakers=[s.strip() for s in item.speakers if s.strip()],
                    )
                ).returning(AgendaItem.id)
            )[0]
            agenda_ids.append(int(agenda_row["id"]))
        by_number = dict(zip(agenda_numbers(draft.agenda), agenda_ids, strict=True))
        decisions: list[tuple[int, str]] = []
        for position, decision in enumerate(draft.decisions, start=1):
            agenda_id = by_number[decision.agenda_item] if decision.agenda_item else None
            decision_id = await _insert_decision(meeting_id, position, decision, agenda_id)
            decisions.append((decision_id, decision.number.strip()))
        await audit.record(
            actor,
            "meeting",
            meeting_id,
            "create",
            after={
                "title": draft.title,
                "date": draft.date,
                "agenda_items": len(draft.agenda),
                "decisions": len(draft.decisions),
            },
        )
    return CreatedMeeting(id=meeting_id, decisions=tuple(decisions))


async def _require_meeting(meeting_id: int) -> None:
    if not await Meeting.exists().where(Meeting.id == meeting_id):
        raise NotFoundError("Совещание не найдено.")


async def _next_position(table: type[AgendaItem] | type[Decision], meeting_id: int) -> int:
    """After the last one: agenda items may be numbered with gaps («1», «3»), so not a count."""
    row = (
        await table.select(Max(table.position, alias="last"))
        .where(table.meeting == meeting_id)
        .first()
    )
    return int((row or {}).get("last") or 0) + 1


async def add_agenda_item(
    actor: Actor, meeting_id: int, *, title: str, speakers: Sequence[str] = ()
) -> int:
    actor.require(Permission.MANAGE_MEETINGS)
    await _require_meeting(meeting_id)
    if not title.strip():
        raise ValidationError.single("title", "Введите формулировку вопроса повестки.")
    names = [s.strip() for s in speakers if s.strip()]
    async with db.transaction():
        position = await _next_position(AgendaItem, meeting_id)
        row = (
            await AgendaItem.insert(
                AgendaItem(
                    meeting=meeting_id, position=position, title=title.strip(), speakers=names
                )
            ).returning(AgendaItem.id)
        )[0]
        await audit.record(
            actor,
            "meeting",
            meeting_id,
            "add_agenda_item",
            after={"title": title.strip(), "speakers": names},
        )
    return int(row["id"])


async def add_decision(
    actor: Actor, meeting_id: int, draft: DecisionDraft, *, agenda_item_id: int | None = None
) -> int:
    """Add one decision to a recorded meeting (``agenda_item_id`` is a database id here)."""
    actor.require(Permission.MANAGE_MEETINGS)
    await _require_meeting(meeting_id)
    if errors := check_decision(draft):
        raise ValidationError(errors)
    if agenda_item_id is not None and not await AgendaItem.exists().where(
        (AgendaItem.id == agenda_item_id) & (AgendaItem.meeting == meeting_id)
    ):
        raise ValidationError.single("agenda_item_id", "Нет такого вопроса повестки.")
    async with db.transaction():
        position = await _next_position(Decision, meeting_id)
        decision_id = await _insert_decision(meeting_id, position, draft, agenda_item_id)
        await audit.record(
            actor,
            "decision",
            decision_id,
            "create",
            after={"meeting_id": meeting_id, "number": draft.number, "text": draft.text}
            | _deadline_columns(draft.deadline),
        )
    return decision_id


def _meeting_view(row: dict[str, object], decision_count: int = 0) -> MeetingView:
    return MeetingView(
        id=int(row["id"]),  # type: ignore[call-overload]
        kind=MeetingKind(str(row["kind"])),
        title=str(row["title"]),
        number=str(row["number"]),
        date=row["date"],  # type: ignore[arg-type]
        place=str(row["place"]),
        decision_count=decision_count,
    )


def decision_view(row: dict[str, object]) -> DecisionView:
    """A decision row (all columns of ``Decision``) as a view."""
    period = row["deadline_period"]
    return DecisionView(
        id=int(row["id"]),  # type: ignore[call-overload]
        meeting_id=int(row["meeting"]),  # type: ignore[call-overload]
        agenda_item_id=row["agenda_item"],  # type: ignore[arg-type]
        position=int(row["position"]),  # type: ignore[call-overload]
        number=str(row["number"]),
        text=str(row["text"]),
        kind=DecisionKind(str(row["kind"])),
        addressee=str(row["addressee"]),
        deadline=DeadlineRule(
            kind=DeadlineKind(str(row["deadline_kind"])),
            date=row["deadline_date"],  # type: ignore[arg-type]
            text=str(row["deadline_text"]),
            period=Period(str(period)) if period else None,
            working_days=row["deadline_working_days"],  # type: ignore[arg-type]
            days=row["deadline_days"],  # type: ignore[arg-type]
        ),
        removed_from_control_at=row.get("removed_from_control_at"),  # type: ignore[arg-type]
    )


def _agenda_view(row: dict[str, Any]) -> AgendaItemView:
    speakers = row["speakers"]
    if isinstance(speakers, str):  # JSON read without load_json
        speakers = json.loads(speakers)
    return AgendaItemView(
        id=row["id"],
        position=row["position"],
        title=row["title"],
        speakers=tuple(speakers or ()),
    )


async def list_meetings(actor: Actor) -> list[MeetingView]:
    """Newest first, for the department."""
    actor.require(Permission.SEE_ALL_SCHOOLS)
    rows = (
        await Meeting.select()
        .order_by(Meeting.date, ascending=False)
        .order_by(Meeting.id, ascending=False)
    )
    counts: dict[int, int] = {}
    for r in await Decision.select(Decision.meeting):
        counts[r["meeting"]] = counts.get(r["meeting"], 0) + 1
    return [_meeting_view(r, counts.get(r["id"], 0)) for r in rows]


async def get_meeting(actor: Actor, meeting_id: int) -> MeetingDetail:
    actor.require(Permission.SEE_ALL_SCHOOLS)
    row = await Meeting.select().where(Meeting.id == meeting_id).first()
    if row is None:
        raise NotFoundError("Совещание не найдено.")
    agenda = (
        await AgendaItem.select()
        .where(AgendaItem.meeting == meeting_id)
        .order_by(AgendaItem.position)
        .output(load_json=True)
    )
    decisions = (
        await Decision.select().where(Decision.meeting == meeting_id).order_by(Decision.position)
    )
    return MeetingDetail(
        meeting=_meeting_view(row, len(decisions)),
        agenda=tuple(_agenda_view(a) for a in agenda),
        decisions=tuple(decision_view(d) for d in decisions),
    )


async def get_decision(actor: Actor, decision_id: int) -> tuple[MeetingView, DecisionView]:
    """A decision with its meeting, for the department's decision page."""
    actor.require(Permission.SEE_ALL_SCHOOLS)
    row = await Decision.select().where(Decision.id == decision_id).first()
    if row is None:
        raise NotFoundError("Решение не найдено.")
    meeting = await Meeting.select().where(Meeting.id == row["meeting"]).first()
    assert meeting is not None  # the foreign key guarantees it
    return _meeting_view(meeting), decision_view(row)


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class MeetingPage:
    """A meeting as its page shows it: agenda, decisions, and each decision's progress."""

    detail: MeetingDetail
    progress: Mapping[int, Progress]
    """Decision id → progress, for every decision of the meeting (zeros when unassigned)."""

    def agenda_number(self, agenda_item_id: int | None) -> int | None:
        """The number of the agenda item a decision belongs to, as the protocol prints it."""
        return next((a.position for a in self.detail.agenda if a.id == agenda_item_id), None)


async def meeting_page(actor: Actor, meeting_id: int, *, today: date | None = None) -> MeetingPage:
    """The department's page of one meeting (head and secretary)."""
    from tracker.assignments import services as assignments  # noqa: PLC0415 - import cycle

    actor.require(Permission.MANAGE_MEETINGS)
    detail = await get_meeting(actor, meeting_id)
    ids = [d.id for d in detail.decisions]
    found = await assignments.progress_by_decision(ids, today=today)
    return MeetingPage(
        detail=detail,
        progress={i: found.get(i) or assignments.Progress() for i in ids},
    )


@dataclass(frozen=True)
class DecisionPage:
    """A decision with its schools, and what its assign form offers."""

    meeting: MeetingView
    decision: DecisionView
    agenda_item: AgendaItemView | None
    assignments: tuple[AssignmentSummary, ...]
    """By school name."""
    progress: Progress
    schools: tuple[SchoolView, ...]
    """Active schools, for choosing addressees."""
    groups: tuple[GroupView, ...]
    can_assign: bool
    """The actor may assign and the decision is under control (tracked, not removed)."""
    can_remove_from_control: bool = False
    """The actor is the head and the decision is still under control."""

    @property
    def assigned_school_ids(self) -> frozenset[int]:
        return frozenset(a.school_id for a in self.assignments)


async def decision_page(
    actor: Actor, decision_id: int, *, today: date | None = None
) -> DecisionPage:
    """The department's page of one decision (head and secretary)."""
    from tracker.assignments import services as assignments  # noqa: PLC0415 - import cycle

    actor.require(Permission.MANAGE_MEETINGS)
    meeting, decision = await get_decision(actor, decision_id)
    agenda_item = None
    if decision.agenda_item_id is not None:
        row = await AgendaItem.select().where(AgendaItem.id == decision.agenda_item_id).first()
        if row is not None:
            agenda_item = _agenda_view(row)
    rows = await assignments.list_assignments(actor, decision_id=decision_id, today=today)
    progress = await assignments.progress_by_decision([decision_id], today=today)
    return DecisionPage(
        meeting=meeting,
        decision=decision,
        agenda_item=agenda_item,
        assignments=tuple(sorted(rows, key=lambda a: (a.school_name.casefold(), a.id))),
        progress=progress.get(decision_id) or assignments.Progress(),
        schools=tuple(await list_schools(actor)),
        groups=tuple(await list_groups(actor)),
        can_assign=actor.can(Permission.ASSIGN) and decision.under_control,
        can_remove_from_control=actor.can(Permission.REVIEW) and decision.under_control,
    )


# ---------------------------------------------------------------- control


async def remove_from_control(actor: Actor, decision_id: int, *, comment: str = "") -> None:
    """«Снять решение с контроля» (the head): an ongoing obligation ends, a periodic one gets
    no more periods, and nothing of it is reminded any more. Open assignments stay as they
    are. Once only: a second time is a conflict, even when two heads click at once."""
    actor.require(Permission.REVIEW)
    comment = comment.strip()
    if len(comment) > MAX_TEXT:
        raise ValidationError.single("comment", f"Комментарий длиннее {MAX_TEXT} символов.")
    row = await Decision.select(Decision.kind).where(Decision.id == decision_id).first()
    if row is None:
        raise NotFoundError("Решение не найдено.")
    kind = DecisionKind(row["kind"])
    if not kind.is_tracked:
        raise ConflictError(f"Решение вида «{kind.label}» не стоит на контроле.")
    now = clock.now()
    async with db.transaction():
        changed = (
            await Decision.update({Decision.removed_from_control_at: now})
            .where((Decision.id == decision_id) & Decision.removed_from_control_at.is_null())
            .returning(Decision.id)
        )
        if not changed:
            removed = (
                await Decision.select(Decision.removed_from_control_at)
                .where(Decision.id == decision_id)
                .first()
            )
            at = (removed or {}).get("removed_from_control_at")
            on = f" {at.astimezone(get_settings().tz):%d.%m.%Y}" if at else ""
            raise ConflictError(f"Решение уже снято с контроля{on}.")
        await audit.record(
            actor,
            "decision",
            decision_id,
            "remove_from_control",
            before={"removed_from_control_at": None},
            after={"removed_from_control_at": now} | ({"comment": comment} if comment else {}),
        )
