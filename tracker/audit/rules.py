"""The audit trail as people read it: what each action is called, what changed (before → after)
in words, which page the object is on, and the filters of the log. Pure: no database, no clock.

Labels are Russian; templates show them through the catalog (``| translated``) and list them in
``tracker/i18n/messages.py``. The export keeps them Russian, as every document of ours does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tracker.accounts.roles import ROLE_LABELS, Role
from tracker.assignments.lifecycle import STATUS_LABELS
from tracker.i18n import formats
from tracker.i18n.locales import RUSSIAN
from tracker.mail.outbox import STATUS_LABELS as OUTBOX_LABELS

AUDIT_ROLES = frozenset({Role.HEAD, Role.ADMIN})
"""Who reads the whole trail: the head and the administrator (everyone sees an assignment's own
history on its page, within their school)."""

PAGE_SIZE = 50
MAX_TEXT = 200
MAX_VALUE = 300
"""A value longer than this is cut on the page (the export keeps it whole)."""

ENTITY_LABELS = {
    "assignment": "Поручение",
    "decision": "Решение",
    "meeting": "Совещание",
    "follow_up": "Вопрос о ходе исполнения",
    "follow_up_item": "Предложение по решению",
    "report_file": "Файл отчёта",
    "school": "Школа",
    "school_group": "Группа школ",
    "user": "Пользователь",
    "calendar_day": "День календаря",
    "reminder_policy": "Напоминания",
    "outbox_message": "Письмо",
    "feed_token": "Ссылка на календарь",
}
"""Every kind of object the trail records, in the order the filter offers them."""

ACTION_LABELS = {
    ("assignment", "create"): "Поручение назначено",
    ("assignment", "start"): "Принято в работу",
    ("assignment", "report"): "Отправлен отчёт",
    ("assignment", "accept"): "Снято с контроля",
    ("assignment", "return"): "Возвращено на доработку",
    ("assignment", "extension_requested"): "Запрошен перенос срока",
    ("assignment", "extension_approved"): "Перенос срока одобрен",
    ("assignment", "extension_rejected"): "Перенос срока отклонён",
    ("decision", "create"): "Решение добавлено",
    ("decision", "remove_from_control"): "Решение снято с контроля",
    ("meeting", "create"): "Совещание создано",
    ("meeting", "import"): "Протокол импортирован",
    ("meeting", "add_agenda_item"): "Добавлен вопрос повестки",
    ("follow_up", "compile"): "Сформирован вопрос о ходе исполнения",
    ("follow_up", "discard"): "Вопрос о ходе исполнения удалён",
    ("follow_up", "adopt"): "Предложения приняты как решения",
    ("follow_up_item", "update_proposal"): "Предложение изменено",
    ("report_file", "integrity_failed"): "Файл повреждён или утерян",
    ("school", "create"): "Школа добавлена",
    ("school", "update"): "Школа изменена",
    ("school_group", "create"): "Группа добавлена",
    ("school_group", "update"): "Группа переименована",
    ("user", "create"): "Пользователь добавлен",
    ("user", "update"): "Пользователь изменён",
    ("user", "login_failed"): "Неудачная попытка входа",
    ("user", "login_locked"): "Вход заблокирован после неудачных попыток",
    ("calendar_day", "create"): "День календаря изменён",
    ("calendar_day", "update"): "День календаря изменён",
    ("calendar_day", "delete"): "Поправка календаря отменена",
    ("reminder_policy", "update"): "Настройки напоминаний изменены",
    ("outbox_message", "retry"): "Письмо поставлено в очередь повторно",
    ("feed_token", "create"): "Выдана ссылка на календарь",
    ("feed_token", "regenerate"): "Ссылка на календарь заменена",
    ("feed_token", "revoke"): "Ссылка на календарь отозвана",
}

FIELD_LABELS = {
    "status": "Состояние",
    "due_on": "Срок",
    "requested_due_on": "Просит срок",
    "reason": "Причина",
    "comment": "Комментарий",
    "reported_at": "Отчёт отправлен",
    "accepted_at": "Снято с контроля",
    "accepted_on_time": "В срок",
    "files": "Файлы",
    "decision_id": "Решение",
    "meeting_id": "Совещание",
    "title": "Название",
    "date": "Дата",
    "number": "Номер",
    "text": "Текст",
    "agenda_items": "Вопросов повестки",
    "decisions": "Решения",
    "assignments": "Поручений",
    "speakers": "Докладчики",
    "source_name": "Файл протокола",
    "source_sha256": "Контрольная сумма файла",
    "sha256": "Контрольная сумма",
    "removed_from_control_at": "Снято с контроля",
    "deadline_kind": "Вид срока",
    "deadline_date": "Срок",
    "deadline_text": "Срок в тексте",
    "deadline_period": "Периодичность",
    "deadline_working_days": "Рабочих дней",
    "deadline_days": "Дней",
    "name": "Название",
    "short_name": "Краткое название",
    "groups": "Группы",
    "email": "Эл. почта",
    "role": "Роль",
    "school": "Школа",
    "school_id": "Школа",
    "full_name": "ФИО",
    "position": "Должность",
    "is_active": "Активен",
    "password": "Пароль",
    "day": "День",
    "working": "Рабочий день",
    "note": "Примечание",
    "attempts": "Попыток",
    "last_error": "Последняя ошибка",
    "created_at": "Создано",
    "as_of": "На дату",
    "replaced": "Заменяет",
    "adopted_at": "Принято",
    "items": "Предложений",
    "proposal": "Предложение",
    "proposal_text": "Текст предложения",
    "extend_to": "Продлить до",
    "follow_up_id": "Вопрос о ходе исполнения",
    "before_working_days": "Напоминать за (рабочих дней)",
    "on_due_day": "В день срока",
    "overdue_every_working_days": "Повторять при просрочке (рабочих дней)",
    "escalate_after_days": "Сообщать начальнику через (дней)",
    "notify_head_on_overdue": "Сообщать начальнику о просрочке",
    "daily_digest": "Одна сводка в день",
    "digest_hour": "Час рассылки",
    "address": "IP-адрес",
}

YES, NO, NOTHING = "да", "нет", "—"
SYSTEM = "система"
"""Who acted when no person did: a worker, the demo loader, a command."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")
_NUMBER = re.compile(r"^(?:№|#|n)?\s*(\d{1,12})$", re.IGNORECASE)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


def action_label(entity: str, action: str) -> str:
    return ACTION_LABELS.get((entity, action), action)


# ---------------------------------------------------------------- before → after in words


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an event: its label, the value before and after (None: absent on that
    side). ``labelled``: the values are labels from a list (statuses, roles) that the page
    shows in the reader's language."""

    field: str
    label: str
    old: str | None
    new: str | None
    labelled: bool = False

    @property
    def changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old != self.new

    def as_text(self) -> str:
        """«Состояние: В работе → На проверке», «Срок: 01.03.2030»."""
        if self.changed:
            return f"{self.label}: {self.old} → {self.new}"
        shown = self.new if self.new is not None else self.old
        suffix = " → —" if self.new is None and self.old is not None else ""
        return f"{self.label}: {shown}{suffix}"


def _cut(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local_moment(value: datetime, tz: ZoneInfo) -> str:
    """«05.02.2020 14:30» on the department's clock."""
    return formats.short_datetime(value, RUSSIAN, tz=tz)


def format_value(  # noqa: PLR0911 - a kind of value each
    entity: str, field: str, value: Any, tz: ZoneInfo
) -> tuple[str, bool]:
    """A stored value as people read it, and whether it is a label from a list."""
    if value is None or value == "":
        return NOTHING, False
    if isinstance(value, bool):
        return (YES if value else NO), False
    if field == "status" and entity == "assignment" and value in STATUS_LABELS:
        return STATUS_LABELS[value], True
    if field == "status" and entity == "outbox_message" and value in OUTBOX_LABELS:
        return OUTBOX_LABELS[value], True
    if field == "role" and value in ROLE_LABELS:
        return ROLE_LABELS[value], True
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            return formats.short_date(date.fromisoformat(value), RUSSIAN), False
        if _ISO_MOMENT.fullmatch(value):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value, False
            if moment.tzinfo is not None:
                return local_moment(moment, tz), False
        return value, False
    if isinstance(value, list | tuple):
        return ", ".join(format_value(entity, field, v, tz)[0] for v in value) or NOTHING, False
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str), False
    return str(value), False


def describe(
    entity: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    tz: ZoneInfo,
    *,
    limit: int | None = MAX_VALUE,
) -> tuple[Change, ...]:
    """Each field the event records, after's order first, then those only before had."""
    before, after = before or {}, after or {}
    fields = [*after, *(k for k in before if k not in after)]
    changes = []
    for field in fields:
        old = new = None
        labelled = False
        if field in before:
            old, labelled = format_value(entity, field, before[field], tz)
            old = _cut(old, limit)
        if field in after:
            new, labelled = format_value(entity, field, after[field], tz)
            new = _cut(new, limit)
        changes.append(Change(field, FIELD_LABELS.get(field, field), old, new, labelled))
    return tuple(changes)


# ---------------------------------------------------------------- the object and its page


@dataclass(frozen=True, slots=True)
class ObjectRef:
    label: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Related:
    """What the log's query found beside the event about its object."""

    decision_number: str | None = None
    school_name: str | None = None
    meeting_title: str | None = None
    meeting_date: date | None = None
    user_email: str | None = None


def object_ref(  # noqa: PLR0911, PLR0912 - a kind of object each
    entity: str,
    entity_id: int,
    role: Role,
    related: Related,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> ObjectRef:
    """A name for the object and the page it is on, when the reader's role may open it."""
    values = {**(before or {}), **(after or {})}
    staff = role in (Role.HEAD, Role.SECRETARY)
    admin = role is Role.ADMIN
    number = f"№ {entity_id}"
    if entity == "assignment":
        parts = [f"Решение № {related.decision_number}" if related.decision_number else number]
        if related.school_name:
            parts.append(related.school_name)
        return ObjectRef(" — ".join(parts), f"/assignments/{entity_id}")
    if entity == "decision":
        label = f"Решение № {related.decision_number}" if related.decision_number else number
        if related.meeting_date:
            label += f" от {related.meeting_date:%d.%m.%Y}"
        return ObjectRef(label, f"/decisions/{entity_id}" if staff else None)
    if entity == "meeting":
        label = related.meeting_title or number
        if related.meeting_date:
            label += f" от {related.meeting_date:%d.%m.%Y}"
        return ObjectRef(label, f"/meetings/{entity_id}" if staff else None)
    if entity == "follow_up":
        meeting_id = values.get("meeting_id")
        url = f"/meetings/{meeting_id}/follow-up" if staff and meeting_id else None
        return ObjectRef(number, url)
    if entity == "school":
        url = f"/schools/{entity_id}" if staff else f"/admin/schools/{entity_id}" if admin else None
        return ObjectRef(related.school_name or str(values.get("short_name") or number), url)
    if entity == "user":
        label = related.user_email or str(values.get("email") or number)
        return ObjectRef(label, f"/admin/users/{entity_id}" if admin else None)
    if entity == "school_group":
        return ObjectRef(str(values.get("name") or number), "/admin/groups" if admin else None)
    if entity == "calendar_day":
        day = values.get("day")
        label = format_value(entity, "day", day, ZoneInfo("UTC"))[0] if day else number
        return ObjectRef(label, "/admin/calendar" if admin else None)
    if entity == "reminder_policy":
        return ObjectRef("", "/admin/reminders" if admin else None)
    if entity == "outbox_message":
        return ObjectRef(number, f"/admin/outbox/{entity_id}" if admin else None)
    if entity == "report_file":
        return ObjectRef(str(values.get("name") or number), None)
    return ObjectRef(number, None)


# ---------------------------------------------------------------- filters


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the log is narrowed to; every field empty: the whole trail."""

    text: str = ""
    entity: str = ""
    object_id: int | None = None
    """With ``entity``: one object's trail."""
    user_id: int | None = None
    system: bool = False
    """Only what no person did (workers, commands)."""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def empty(self) -> bool:
        return self == AuditFilter()


def period_bounds(
    date_from: date | None, date_to: date | None, tz: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """The moments a period of the department's days spans: from the first day's midnight,
    up to (not including) the midnight after the last day."""
    start = datetime.combine(date_from, time(), tzinfo=tz) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time(), tzinfo=tz) if date_to else None
    return start, end


def folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def matches(needle: str, *haystacks: str | None) -> bool:
    """``needle`` already ``folded``: found in any of the texts, whatever their letter case."""
    return any(needle in folded(h) for h in haystacks if h)


def actions_matching(needle: str) -> list[tuple[str, str]]:
    """The (object, action) pairs whose name contains the folded ``needle``: «возвращ» finds
    returns, «школ» every change of a school."""
    return [
        key
        for key, label in ACTION_LABELS.items()
        if matches(needle, label, key[1], key[0], ENTITY_LABELS.get(key[0]))
    ]


def number_in(text: str) -> int | None:
    """An object's number typed as «125», «№ 125» or «#125»."""
    found = _NUMBER.match(text.strip())
    return int(found.group(1)) if found else None


def like_pattern(text: str) -> str:
    """A LIKE pattern finding ``text`` anywhere, with ``!`` as the escape character."""
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def json_needles(text: str) -> list[str]:
    """What ``text`` looks like inside a stored JSON value, in the letter cases people write
    (as typed, lower, Capitalised, UPPER, Title): JSON text keeps Cyrillic as ``\\uXXXX``
    escapes, which no database folds to one case."""
    variants = dict.fromkeys(
        [text, text.lower(), text[:1].upper() + text[1:].lower(), text.upper(), text.title()]
    )
    needles = dict.fromkeys(
        form for v in variants for form in (json.dumps(v)[1:-1], v) if form.strip()
    )
    return list(needles)
