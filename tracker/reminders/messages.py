"""What a reminder says: the items of one user's day grouped into a digest. Pure apart from
rendering the templates in ``templates/emails/``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from jinja2 import Environment

from tracker.reminders.policy import Audience, Kind
from tracker.web.templating import make_environment, plural_ru

MAX_LISTED = 100
"""A section lists at most this many items, then «и ещё N» with a link to the full list."""


@dataclass(frozen=True)
class Item:
    """One line of a reminder: an assignment and why it is mentioned."""

    reminder_id: int
    assignment_id: int
    kind: str
    due_on: date | None
    school_id: int
    school_name: str
    decision_number: str
    decision_text: str
    meeting_date: date
    period: str = ""


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    items: tuple[Item, ...]
    more: int = 0
    """How many more items there are than listed."""


# most urgent first: an assignment mentioned under several kinds shows under the first
SECTION_ORDER: tuple[tuple[str, str], ...] = (
    (Kind.ESCALATION.value, "Просрочены больше недели"),
    (Kind.OVERDUE_NOTICE.value, "Стали просроченными"),
    (Kind.OVERDUE.value, "Просрочены"),
    (Kind.DUE.value, "Срок сегодня"),
    ("before", "Скоро срок"),
)


def _section_of(kind: str) -> str:
    return "before" if kind.startswith(Kind.BEFORE.value + "_") else kind


HEAD_KINDS = frozenset({Kind.OVERDUE_NOTICE.value, Kind.ESCALATION.value})
"""Reminders that go to the department's heads; the others go to the school."""


def audience_of(kind: str) -> Audience:
    return Audience.HEAD if kind in HEAD_KINDS else Audience.SCHOOL


def sections(items: Sequence[Item]) -> list[Section]:
    """Items grouped by urgency; each assignment once, under its most urgent kind."""
    order = [key for key, _ in SECTION_ORDER]
    seen: set[int] = set()
    grouped: dict[str, list[Item]] = {key: [] for key in order}
    ranked = sorted(
        items,
        key=lambda i: (order.index(_section_of(i.kind)), i.due_on or date.max, i.assignment_id),
    )
    for item in ranked:
        if item.assignment_id in seen:
            continue
        seen.add(item.assignment_id)
        grouped[_section_of(item.kind)].append(item)
    return [
        Section(
            key, title, tuple(grouped[key][:MAX_LISTED]), max(len(grouped[key]) - MAX_LISTED, 0)
        )
        for key, title in SECTION_ORDER
        if grouped[key]
    ]


def _listed(items: Sequence[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.due_on or date.max, i.assignment_id))


def merge_sections(first: Sequence[Section], second: Sequence[Section]) -> list[Section]:
    """The sections of two disjoint sets of assignments as one: each section's first
    ``MAX_LISTED`` items of both, nearest due date first, and the count of the rest. Lets a
    digest of a million items be made a batch at a time. Pure."""
    by_key = {s.kind: s for s in first}
    for section in second:
        other = by_key.get(section.kind)
        if other is None:
            by_key[section.kind] = section
            continue
        items = _listed([*other.items, *section.items])
        total = len(other.items) + other.more + len(section.items) + section.more
        listed = tuple(items[:MAX_LISTED])
        by_key[section.kind] = Section(section.kind, section.title, listed, total - len(listed))
    return [by_key[key] for key, _ in SECTION_ORDER if key in by_key]


def subject(parts: Sequence[Section], audience: Audience) -> str:
    counts = ", ".join(
        f"{section.title.lower()} — {len(section.items) + section.more}" for section in parts
    )
    lead = "Контроль исполнения" if audience is Audience.HEAD else "Поручения"
    return f"{lead}: {counts}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    return make_environment()


def render(
    *,
    audience: Audience,
    recipient_name: str,
    parts: Sequence[Section],
    today: date,
    base_url: str,
) -> Rendered:
    """The e-mail (text and HTML) listing the items of ``parts`` (see ``sections``) to one
    recipient."""
    total = sum(len(s.items) + s.more for s in parts)
    context = {
        "audience": audience.value,
        "recipient_name": recipient_name,
        "sections": parts,
        "today": today,
        "base_url": base_url,
        "total_label": plural_ru(total, "поручение", "поручения", "поручений"),
        "list_url": f"{base_url}/my" if audience is Audience.SCHOOL else f"{base_url}/assignments",
    }
    env = _environment()
    return Rendered(
        subject=subject(parts, audience),
        text=env.get_template("emails/reminder.txt").render(context),
        html=env.get_template("emails/reminder.html").render(context),
    )
