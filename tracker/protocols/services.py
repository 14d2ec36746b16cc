"""Importing a protocol: a document (or pasted text) → an editable draft → the meeting, its
decisions and their assignments.

- ``read_document`` / ``read_text`` parse (pure, no database: the CLI uses them too) and turn
  every kind of bad input into one ``TrackerError`` with a Russian message: 400 empty, 413 over
  the limit, 422 not a protocol or no decisions.
- ``preview`` / ``preview_text`` give a ``Preview``: the parsed protocol with each decision's
  addressee resolved to schools, its due date and whether it will be tracked, and warnings.
- ``review`` rebuilds the preview from a draft the user edited (the review screen keeps the
  draft in its form, no server-side state): an addressee the user rewrote is resolved again,
  a target the user chose is kept.
- ``confirm`` writes it all in one transaction: the meeting with its agenda and decisions
  (``meetings.create_meeting``), then one assignment per school for each tracked decision
  (``assignments.assign``); both join the outer transaction, so a failure anywhere leaves
  nothing. The document's SHA-256 is stored on the meeting; importing the same document again
  is a 409 unless the user says «Импортировать повторно».
"""

from __future__ import annotations

import hashlib
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from tracker import clock, db
from tracker.accounts.roles import Actor, Permission
from tracker.assignments import services as assignments
from tracker.audit import services as audit
from tracker.calendar.deadlines import due_date
from tracker.errors import (
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    ValidationError,
)
from tracker.meetings import services as meetings
from tracker.meetings.tables import Meeting
from tracker.protocols.addressees import (
    Directory,
    GroupRef,
    Resolution,
    SchoolRef,
    TargetKind,
    load_directory,
)
from tracker.protocols.model import ParsedProtocol, ProtocolError
from tracker.protocols.parser import parse_document, parse_text
from tracker.schools.services import AllSchools, ChosenSchools, GroupOfSchools, SchoolTarget
from tracker.settings import get_settings

MAX_DOCUMENT_MB = 50
MAX_DOCUMENT_BYTES = MAX_DOCUMENT_MB * 1024 * 1024
"""The largest protocol file (or pasted text, in bytes of UTF-8) accepted: 413 beyond it."""
SHA256 = re.compile(r"[0-9a-f]{64}")
TRACKED_KINDS = frozenset({meetings.DecisionKind.INSTRUCTION, meetings.DecisionKind.RECOMMENDATION})


class EmptyInputError(ValidationError):
    """Nothing to read: an empty file, an empty paste, no file at all."""

    status_code = 400


# ---------------------------------------------------------------------------- reading


def _with_decisions(parsed: ParsedProtocol, field_name: str) -> ParsedProtocol:
    if not parsed.decisions:
        raise ValidationError.single(
            field_name,
            "В документе не найдено ни одного решения: проверьте, что это протокол "
            "с разделом «Решили:» (или «Приняли решение:», «Постановили:»).",
        )
    return parsed


def read_document(data: bytes, filename: str) -> ParsedProtocol:
    """The parsed protocol of a ``.txt``, ``.md`` or ``.docx`` file. Pure (no database).

    Raises ``EmptyInputError`` (400), ``PayloadTooLargeError`` (413) or ``ValidationError``
    (422, keyed ``file``) with a Russian message; nothing else."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise PayloadTooLargeError(
            f"Файл больше {MAX_DOCUMENT_MB} МБ: загрузите протокол поменьше или вставьте его текст."
        )
    if not data.strip():
        raise EmptyInputError({"file": "Файл пустой: в нём нет текста протокола."})
    try:
        parsed = parse_document(data, filename)
    except ProtocolError as exc:
        raise ValidationError.single("file", str(exc)) from exc
    return _with_decisions(parsed, "file")


def read_text(text: str) -> ParsedProtocol:
    """The parsed protocol of pasted text; errors as ``read_document``'s, keyed ``text``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES:
        raise PayloadTooLargeError(
            f"Текст больше {MAX_DOCUMENT_MB} МБ: вставьте протокол поменьше."
        )
    if not text.strip():
        raise EmptyInputError({"text": "Вставьте текст протокола или выберите файл."})
    try:
        parsed = parse_text(text)
    except ProtocolError as exc:
        raise ValidationError.single("text", str(exc)) from exc
    return _with_decisions(parsed, "text")


def document_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    """Of the text normalised: the same protocol pasted twice (with other line endings,
    spaces or blank lines) has the same checksum."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    normal = "\n".join(line for line in lines if line)
    return hashlib.sha256(normal.encode("utf-8", "surrogatepass")).hexdigest()


def parse_for(
    actor: Actor, *, data: bytes | None = None, filename: str = "", text: str = ""
) -> ParsedProtocol:
    """``POST /api/v1/protocols/parse``: a file when given, else the text (head and secretary)."""
    actor.require(Permission.MANAGE_MEETINGS)
    if data is not None:
        return read_document(data, filename)
    return read_text(text)


# ---------------------------------------------------------------------------- the draft


@dataclass(frozen=True)
class DraftDecision:
    draft: meetings.DecisionDraft
    target: Resolution = field(default_factory=lambda: Resolution(TargetKind.UNRESOLVED))
    """To whom it goes: the resolved addressee, or what the user chose instead."""
    resolved_for: str | None = None
    """The addressee the target belongs to; when the addressee differs (the user rewrote it,
    or None: never resolved) the target is resolved again."""
    include: bool = True
    """False: the user left this decision out of the import."""


@dataclass(frozen=True)
class ImportDraft:
    """What the review screen edits and sends back."""

    meeting: meetings.MeetingDraft
    """Meeting fields and agenda; its ``decisions`` are unused (see ``decisions``)."""
    decisions: tuple[DraftDecision, ...] = ()
    source_sha256: str = ""
    source_name: str = ""
    warnings: tuple[str, ...] = ()
    """The parser's, carried along."""


def draft_of(
    parsed: ParsedProtocol, *, source_sha256: str = "", source_name: str = ""
) -> ImportDraft:
    agenda_numbers = {a.number for a in parsed.agenda}
    return ImportDraft(
        meeting=meetings.MeetingDraft(
            title=parsed.title,
            date=parsed.date,
            kind=parsed.kind,
            number=parsed.number,
            place=parsed.place,
            agenda=tuple(
                meetings.AgendaDraft(title=a.title, number=a.number, speakers=a.speakers)
                for a in parsed.agenda
            ),
        ),
        decisions=tuple(
            DraftDecision(
                meetings.DecisionDraft(
                    text=d.text,
                    number=d.number,
                    kind=d.kind,
                    addressee=d.addressee,
                    agenda_item=d.agenda_item if d.agenda_item in agenda_numbers else None,
                    deadline=d.deadline,
                )
            )
            for d in parsed.decisions
        ),
        source_sha256=source_sha256,
        source_name=source_name,
        warnings=parsed.warnings,
    )


# ---------------------------------------------------------------------------- the preview


@dataclass(frozen=True)
class DecisionPreview:
    index: int
    """Its place in the draft (from 0): the form's field names use it."""
    item: DraftDecision
    resolved: Resolution
    """What the addressee as written resolves to (shown beside a target the user changed)."""
    target_label: str
    """«Все школы (15)», «Группа: ДОУ (4)», the schools' names, «не распознано»."""
    tracked: bool
    """Its kind needs work from schools (instruction, recommendation)."""
    school_count: int
    """Assignments it will create."""
    due_on: date | None
    """None for a decision not tracked, or ongoing («постоянно»)."""
    warnings: tuple[str, ...]

    @property
    def decision(self) -> meetings.DecisionDraft:
        return self.item.draft

    @property
    def target(self) -> Resolution:
        return self.item.target

    @property
    def kind_label(self) -> str:
        kind = self.item.draft.kind
        known = {k.value: label for k, label in meetings.DECISION_KIND_LABELS.items()}
        return known.get(kind, kind)

    @property
    def choice(self) -> str:
        """The value of the form's target select."""
        target = self.item.target
        if target.kind is TargetKind.GROUP and target.ids:
            return f"group:{target.ids[0]}"
        if target.kind is TargetKind.UNRESOLVED:
            return ""
        return target.kind.value

    @property
    def flagged(self) -> bool:
        return bool(self.warnings) or (self.tracked and self.item.target.flagged)


@dataclass(frozen=True)
class EarlierImport:
    id: int
    title: str
    date: date


@dataclass(frozen=True)
class Preview:
    draft: ImportDraft
    decisions: tuple[DecisionPreview, ...]
    schools: tuple[SchoolRef, ...]
    groups: tuple[GroupRef, ...]
    earlier: EarlierImport | None
    """The meeting imported from the same document before, if any."""
    warnings: tuple[str, ...]
    """For the top of the screen: ours about the whole document, and the parser's that name
    no decision (those that do are in the decision's ``warnings``)."""
    default_term_days: int

    @property
    def included(self) -> tuple[DecisionPreview, ...]:
        return tuple(d for d in self.decisions if d.item.include)

    @property
    def assignment_count(self) -> int:
        return sum(d.school_count for d in self.included)

    @property
    def agenda_options(self) -> list[tuple[int, str]]:
        """(number, «1. Итоги мониторинга…») for the decisions' agenda select."""
        agenda = self.draft.meeting.agenda
        return [
            (number, f"{number}. {textwrap.shorten(a.title, 70, placeholder='…')}")
            for number, a in zip(meetings.agenda_numbers(agenda), agenda, strict=True)
        ]


def _school_count(target: Resolution, directory: Directory) -> int:
    if target.kind is TargetKind.ALL:
        return len(directory.schools)
    if target.kind is TargetKind.GROUP:
        group = next((g for g in directory.groups if g.id in target.ids), None)
        return len(group.school_ids) if group else 0
    if target.kind is TargetKind.SCHOOLS:
        return len(target.ids)
    return 0


_FIXED_LABELS = {
    TargetKind.STAFF: "Сотрудник отдела (поручения школам не создаются)",
    TargetKind.NONE: "Не назначать школам",
    TargetKind.UNRESOLVED: "не распознано",
}


def target_label(target: Resolution, directory: Directory) -> str:
    """«Все школы (15)», «Группа: ДОУ (4)», «МБОУ СОШ № 1, МБОУ СОШ № 2», «не распознано»."""
    if target.kind in _FIXED_LABELS:
        return _FIXED_LABELS[target.kind]
    if target.kind is TargetKind.ALL:
        return f"Все школы ({len(directory.schools)})"
    if target.kind is TargetKind.GROUP:
        group = next((g for g in directory.groups if g.id in target.ids), None)
        return f"Группа: {group.name} ({len(group.school_ids)})" if group else "Группа не найдена"
    names = {s.id: s.short_name for s in directory.schools}
    known = [names[i] for i in target.ids if i in names]
    more = len(known) - 6
    shown = ", ".join(known[:6]) or "Школы не выбраны"
    return f"{shown} и ещё {more}" if more > 0 else shown


def _same_target(a: Resolution, b: Resolution) -> bool:
    if a.kind is not b.kind:
        return False
    return a.kind is TargetKind.ALL or sorted(a.ids) == sorted(b.ids)


def _settle(item: DraftDecision, resolved: Resolution) -> DraftDecision:
    """The target to show: the resolved one for a new or rewritten addressee, else the user's
    choice, explained by the resolution when it is the same."""
    addressee = item.draft.addressee.strip()
    if item.resolved_for is None or item.resolved_for.strip() != addressee:
        return replace(item, target=resolved, resolved_for=addressee)
    if _same_target(item.target, resolved):
        return replace(item, target=resolved)
    if item.target.kind in {TargetKind.UNRESOLVED, TargetKind.NONE}:
        return item
    return replace(
        item, target=replace(item.target, explanation="Выбрано вручную.", confidence=1.0)
    )


def _is_tracked(kind: str) -> bool:
    return kind in TRACKED_KINDS


def _decision_warnings(
    item: DraftDecision, tracked: bool, due_on: date | None, meeting_date: date | None
) -> tuple[str, ...]:
    found: list[str] = []
    if not item.include:
        return ()
    if tracked and item.target.kind is TargetKind.UNRESOLVED:
        found.append("Адресат не распознан: выберите, кому назначить решение.")
    elif tracked and item.target.flagged and item.target.kind is not TargetKind.NONE:
        found.append("Адресат распознан неуверенно: проверьте, кому назначено решение.")
    if tracked and due_on is not None and meeting_date is not None and due_on < meeting_date:
        found.append("Срок исполнения раньше даты совещания: проверьте срок.")
    if not item.draft.text.strip():
        found.append("Текст решения пустой.")
    return tuple(found)


_NUMBER_IN_WARNING = re.compile(
    r"(?:пункт\w*|п\.|решени\w*|№)\s*([0-9]+(?:\.[0-9]+)*|[а-я]\))", re.IGNORECASE
)


def _parser_warnings_for(number: str, warnings: Sequence[str]) -> list[str]:
    """The parser's warnings that name this decision («пункт 3», «решение 1.2»)."""
    wanted = number.strip().rstrip(".")
    if not wanted:
        return []
    return [
        w
        for w in warnings
        if any(m.group(1).rstrip(".") == wanted for m in _NUMBER_IN_WARNING.finditer(w))
    ]


def _due(
    item: DraftDecision, tracked: bool, meeting_date: date | None, today: date, term: int
) -> date | None:
    """As ``assignments.assign`` will compute it (counted from the meeting, or from today
    when the meeting is in the past)."""
    if not tracked:
        return None
    assigned_on = max(today, meeting_date or today)
    return due_date(item.draft.deadline, assigned_on=assigned_on, default_term_days=term)


async def _earlier_import(source_sha256: str) -> EarlierImport | None:
    if not SHA256.fullmatch(source_sha256):
        return None
    row = (
        await Meeting.select(Meeting.id, Meeting.title, Meeting.date)
        .where(Meeting.source_sha256 == source_sha256)
        .order_by(Meeting.id, ascending=False)
        .first()
    )
    return EarlierImport(row["id"], row["title"], row["date"]) if row else None


async def review(actor: Actor, draft: ImportDraft, *, today: date | None = None) -> Preview:
    """The preview of a draft: addressees resolved, due dates computed, warnings marked."""
    actor.require(Permission.MANAGE_MEETINGS)
    actor.require(Permission.ASSIGN)
    today = today or clock.today()
    term = get_settings().default_term_days
    directory = await load_directory()
    meeting_date = draft.meeting.date
    items: list[DecisionPreview] = []
    settled: list[DraftDecision] = []
    placed: set[str] = set()
    """The parser's warnings shown beside their decision, so not again at the top."""
    for index, original in enumerate(draft.decisions):
        resolved = directory.resolve(original.draft.addressee)
        item = _settle(original, resolved)
        settled.append(item)
        tracked = _is_tracked(item.draft.kind)
        due_on = _due(item, tracked, meeting_date, today, term)
        own = _parser_warnings_for(item.draft.number, draft.warnings)
        placed.update(own)
        warnings = (*_decision_warnings(item, tracked, due_on, meeting_date), *own)
        items.append(
            DecisionPreview(
                index=index,
                item=item,
                resolved=resolved,
                target_label=target_label(item.target, directory),
                tracked=tracked,
                school_count=_school_count(item.target, directory) if tracked else 0,
                due_on=due_on,
                warnings=warnings,
            )
        )
    top = [w for w in draft.warnings if w not in placed]
    if meeting_date is None:
        top.append("Дата совещания не распознана: укажите её.")
    if not draft.meeting.title.strip():
        top.append("Название совещания не распознано: укажите его.")
    earlier = await _earlier_import(draft.source_sha256)
    return Preview(
        draft=replace(draft, decisions=tuple(settled)),
        decisions=tuple(items),
        schools=directory.schools,
        groups=directory.groups,
        earlier=earlier,
        warnings=tuple(top),
        default_term_days=term,
    )


async def preview(
    actor: Actor, data: bytes, filename: str, *, today: date | None = None
) -> Preview:
    """Parse an uploaded document and preview its import (nothing is written)."""
    actor.require(Permission.MANAGE_MEETINGS)
    parsed = read_document(data, filename)
    draft = draft_of(parsed, source_sha256=document_sha256(data), source_name=filename)
    return await review(actor, draft, today=today)


async def preview_text(actor: Actor, text: str, *, today: date | None = None) -> Preview:
    """Parse pasted text and preview its import (nothing is written)."""
    actor.require(Permission.MANAGE_MEETINGS)
    parsed = read_text(text)
    draft = draft_of(parsed, source_sha256=text_sha256(text), source_name="")
    return await review(actor, draft, today=today)


# ---------------------------------------------------------------------------- confirming


@dataclass(frozen=True)
class Imported:
    meeting_id: int
    decisions: int
    assignments: int
    """Created now (a school that somehow had one already keeps it)."""


def _school_target(target: Resolution) -> SchoolTarget | None:
    if target.kind is TargetKind.ALL:
        return AllSchools()
    if target.kind is TargetKind.GROUP and target.ids:
        return GroupOfSchools(target.ids[0])
    if target.kind is TargetKind.SCHOOLS:
        return ChosenSchools(target.ids)
    return None


def _check(preview: Preview) -> tuple[meetings.MeetingDraft, dict[str, str]]:
    """The meeting to create, and the messages keyed by the form's fields
    (``decisions.<index in the draft>.<field>``)."""
    errors: dict[str, str] = {}
    included = preview.included
    if not included:
        errors[""] = (
            "Не выбрано ни одного решения: снимите отметку «Не импортировать» хотя бы с одного."
        )
    for d in included:
        key = f"decisions.{d.index}.target"
        if d.tracked and d.target.kind is TargetKind.UNRESOLVED:
            errors[key] = (
                "Выберите, кому назначить решение: всем школам, группе, выбранным школам "
                "или «не назначать»."
            )
        elif d.tracked and d.target.kind is TargetKind.SCHOOLS and not d.target.ids:
            errors[key] = "Отметьте хотя бы одну школу."
    meeting = replace(preview.draft.meeting, decisions=tuple(d.decision for d in included))
    positions = [d.index for d in included]
    for found, message in meetings.check_meeting(meeting).items():
        parts = found.split(".")
        key = found
        if parts[0] == "decisions" and len(parts) > 2 and parts[1].isdigit():
            key = ".".join(["decisions", str(positions[int(parts[1])]), *parts[2:]])
        errors.setdefault(key, message)
    return meeting, errors


async def check(actor: Actor, draft: ImportDraft, *, today: date | None = None) -> dict[str, str]:
    """What ``confirm`` would refuse, keyed by the form's fields (nothing is written)."""
    _, errors = _check(await review(actor, draft, today=today))
    return errors


async def confirm(
    actor: Actor, draft: ImportDraft, *, reimport: bool = False, today: date | None = None
) -> Imported:
    """Create the meeting, its agenda and decisions, and the assignments of each tracked
    decision to its schools — all in one transaction, or nothing.

    ``ValidationError`` keyed by the form's fields; ``ConflictError`` when the same document
    was imported before and ``reimport`` is not set."""
    actor.require(Permission.MANAGE_MEETINGS)
    actor.require(Permission.ASSIGN)
    today = today or clock.today()
    checked = await review(actor, draft, today=today)
    meeting, errors = _check(checked)
    if errors:
        raise ValidationError(errors)
    sha = draft.source_sha256 if SHA256.fullmatch(draft.source_sha256) else ""
    made = 0
    async with db.transaction():
        earlier = await _earlier_import(sha) if sha else None
        if earlier is not None and not reimport:
            raise ConflictError(
                f"Этот документ уже импортирован: совещание «{earlier.title}» от "
                f"{earlier.date:%d.%m.%Y}. Отметьте «Импортировать повторно», "
                "чтобы создать ещё одно совещание."
            )
        created = await meetings.create_meeting(actor, meeting)
        if sha:
            await Meeting.update({Meeting.source_sha256: sha}).where(Meeting.id == created.id)
        for (decision_id, _), item in zip(created.decisions, checked.included, strict=True):
            target = _school_target(item.target) if item.tracked else None
            if target is None:
                continue
            try:
                rows = await assignments.assign(actor, decision_id, target, today=today)
            except (ValidationError, NotFoundError) as exc:
                raise ValidationError.single(f"decisions.{item.index}.target", exc.message) from exc
            made += sum(1 for r in rows if r.created)
        await audit.record(
            actor,
            "meeting",
            created.id,
            "import",
            after={
                "source_sha256": sha or None,
                "source_name": draft.source_name[:200],
                "decisions": len(created.decisions),
                "assignments": made,
                "reimport": earlier is not None,
            },
        )
    return Imported(meeting_id=created.id, decisions=len(created.decisions), assignments=made)
