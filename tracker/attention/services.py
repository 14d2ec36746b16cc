"""What needs the user's attention now: one number per role, what it counts, where to look.

- a school: its open assignments that are overdue, due within three working days, or
  returned for rework (decisions removed from control do not count) → «Мои поручения»;
- the head: reports waiting for review and extension requests waiting for a decision → the
  review queue;
- the admin: e-mail that could not be sent → the outbox, failed messages only;
- the secretary: nothing (no badge).

Each role costs one or two queries, whatever the number of assignments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker.accounts.roles import Actor, Permission
from tracker.assignments.lifecycle import OPEN_STATUSES, Status, is_overdue
from tracker.assignments.tables import Assignment, ExtensionRequest
from tracker.calendar.services import effective_calendar
from tracker.calendar.workdays import add_working_days
from tracker.mail import outbox
from tracker.mail import services as mail

SOON_WORKING_DAYS = 3
"""«Срок скоро»: due today or within this many working days."""

NOTHING = "Ничего не требует внимания."


@dataclass(frozen=True, slots=True)
class Attention:
    count: int
    title: str
    """What the count is made of, in Russian («Просрочено: 1; возвращено на доработку: 2.»)."""
    url: str | None
    """Where those things are; None for a role that has nothing to attend to."""


@dataclass(frozen=True, slots=True)
class SchoolWork:
    """A school's open assignments that need it, each counted once: overdue before
    returned, returned before due soon."""

    overdue: int = 0
    returned: int = 0
    due_soon: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.returned + self.due_soon


def school_work(
    assignments: Iterable[tuple[Status, date | None]], *, today: date, soon_until: date
) -> SchoolWork:
    """Sort (status, due date) pairs into the three kinds of attention. Pure."""
    overdue = returned = due_soon = 0
    for status, due_on in assignments:
        if status not in OPEN_STATUSES:
            continue
        if is_overdue(status, due_on, today):
            overdue += 1
        elif status is Status.RETURNED:
            returned += 1
        elif due_on is not None and today <= due_on <= soon_until:
            due_soon += 1
    return SchoolWork(overdue=overdue, returned=returned, due_soon=due_soon)


def _title(parts: Iterable[tuple[str, int]]) -> str:
    shown = [f"{label}: {n}" for label, n in parts if n]
    if not shown:
        return NOTHING
    text = "; ".join(shown) + "."
    return text[0].upper() + text[1:]


async def _school(school_id: int, today: date) -> Attention:
    soon_until = add_working_days(today, SOON_WORKING_DAYS, await effective_calendar())
    rows = await Assignment.select(Assignment.status, Assignment.due_on).where(
        (Assignment.school == school_id)
        & Assignment.status.is_in([s.value for s in OPEN_STATUSES])
        & Assignment.decision.removed_from_control_at.is_null()
        & ((Assignment.due_on <= soon_until) | (Assignment.status == Status.RETURNED.value))
    )
    work = school_work(
        ((Status(r["status"]), r["due_on"]) for r in rows), today=today, soon_until=soon_until
    )
    title = _title(
        [
            ("просрочено", work.overdue),
            ("возвращено на доработку", work.returned),
            (f"срок в ближайшие {SOON_WORKING_DAYS} рабочих дня", work.due_soon),
        ]
    )
    return Attention(count=work.total, title=title, url="/my")


async def _head() -> Attention:
    reports = await Assignment.count().where(Assignment.status == Status.REPORTED.value)
    extensions = await ExtensionRequest.count().where(ExtensionRequest.status == "pending")
    title = _title([("отчётов на проверке", reports), ("запросов на перенос срока", extensions)])
    return Attention(count=reports + extensions, title=title, url="/review")


async def _admin(actor: Actor) -> Attention:
    failed = (await outbox.counts(actor))[mail.FAILED]
    return Attention(
        count=failed,
        title=_title([("писем не удалось отправить", failed)]),
        url=f"/admin/outbox?status={mail.FAILED}",
    )


async def attention(actor: Actor, *, today: date) -> Attention:
    """The actor's attention counter on ``today`` (the department's date)."""
    if actor.can(Permission.REVIEW):
        return await _head()
    if actor.can(Permission.ADMINISTER):
        return await _admin(actor)
    if actor.can(Permission.REPORT) and actor.school_scope is not None:
        return await _school(actor.school_scope, today)
    return Attention(count=0, title="", url=None)
