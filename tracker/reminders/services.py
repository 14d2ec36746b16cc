"""The reminder sweep: what is due today becomes reminder rows, then messages in the outbox.

    sweep(today)
      1. record: open assignments due up to the policy's horizon, or overdue → the events of
         ``policy.events`` → ``reminder`` rows, inserted ON CONFLICT DO NOTHING on
         (assignment, kind, key date): what was recorded before is skipped;
      2. compose: reminder rows not yet composed are claimed (``composed`` false → true) in
         small transactions, each together with the messages it makes (one digest a day per
         user, or one message per reminder), queued in the outbox under unique keys.

Run it twice, or on two workers at once, or kill it half-way: a reminder row exists once, and
it is claimed by exactly one transaction that also queues its messages, or by none (then the
next sweep does). Sending is the outbox's job (``tracker.mail.services.deliver``), started by
the caller after the sweep has committed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from tracker import clock, db
from tracker.accounts.roles import Role
from tracker.accounts.tables import User
from tracker.assignments.lifecycle import OPEN_STATUSES
from tracker.calendar.services import effective_calendar
from tracker.calendar.workdays import WorkCalendar
from tracker.mail import services as mail
from tracker.reminders import messages
from tracker.reminders.messages import Item
from tracker.reminders.policy import Audience, Event, ReminderPolicy, events, horizon
from tracker.reminders.policy import working_days_between as count_working_days
from tracker.reminders.settings import load_policy
from tracker.reminders.tables import Reminder
from tracker.settings import get_settings

log = logging.getLogger(__name__)

INSERT_CHUNK = 5000
CANDIDATE_BATCH = 20_000
"""Open assignments read at a time by the sweep (their events recorded before the next)."""
SCHOOLS_PER_TRANSACTION = 25
"""Schools whose reminders are composed in one transaction (a region's school may have
hundreds of reminders on a first sweep)."""
CLAIM_BATCH = 5000
"""Assignments whose head reminders are claimed at a time into the heads' one digest."""


@dataclass
class SweepSummary:
    today: date
    ran: bool = True
    reason: str = ""
    """Why the sweep did nothing (a day off, before the digest hour)."""
    candidates: int = 0
    """Open assignments near or past their due date."""
    reminders: int = 0
    """New reminder rows."""
    skipped: int = 0
    """Reminders already recorded by an earlier sweep: not sent again."""
    queued: int = 0
    """Messages put in the outbox."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"today": self.today.isoformat()}


async def sweep(
    *,
    today: date | None = None,
    now: datetime | None = None,
    force: bool = False,
    policy: ReminderPolicy | None = None,
    calendar: WorkCalendar | None = None,
) -> SweepSummary:
    """One sweep for ``today`` (the department's date by default).

    Unless ``force``, nothing happens on days off or before the policy's digest hour: beat may
    call it every few minutes and the day's messages go out once, at the hour."""
    settings = get_settings()
    now = now or clock.now()
    today = today or now.astimezone(settings.tz).date()
    policy = policy or await load_policy()
    calendar = calendar or await effective_calendar()
    summary = SweepSummary(today=today)
    if not calendar.is_working_day(today):
        summary.ran, summary.reason = False, "нерабочий день"
        return summary
    if not force and now.astimezone(settings.tz).hour < policy.digest_hour:
        summary.ran, summary.reason = False, f"напоминания рассылаются с {policy.digest_hour}:00"
        return summary
    # a batch at a time: a region's first sweep finds a million
    async for found in _event_batches(today, calendar, policy):
        summary.candidates += len({e.assignment_id for e in found})
        created = await record(found, today)
        summary.reminders += created
        summary.skipped += len(found) - created
    summary.queued = await compose(today, policy)
    log.info("reminder sweep %s", summary.as_dict())
    return summary


# ---------------------------------------------------------------- 1. record


CANDIDATES_SQL = """
SELECT a.id, a.due_on FROM assignment a JOIN decision d ON d.id = a.decision
WHERE a.status IN ({statuses}) AND a.due_on IS NOT NULL AND a.due_on <= {{}}
  AND d.removed_from_control_at IS NULL AND (a.due_on, a.id) > ({{}}, {{}})
ORDER BY a.due_on, a.id
""".format(statuses=", ".join(f"'{s.value}'" for s in sorted(OPEN_STATUSES)))
"""Open assignments due up to the horizon, after a (due date, id). The statuses are literals so
that the partial index ``assignment_open_due_idx`` (migration 0005) serves it, in its order:
the sweep reads what is due, not the whole table, a batch at a time."""


async def find_events(today: date, calendar: WorkCalendar, policy: ReminderPolicy) -> list[Event]:
    """Every event of ``today`` at once (the sweep itself reads them in batches)."""
    return [event async for batch in _event_batches(today, calendar, policy) for event in batch]


async def _event_batches(
    today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> AsyncIterator[list[Event]]:
    """The events of ``CANDIDATE_BATCH`` candidates at a time, until none are left."""
    after: tuple[date, int] | None = START
    while after is not None:
        batch, after = await _find_batch(today, calendar, policy, after)
        if batch:
            yield batch


START = (date.min, 0)
"""Before the first candidate, in the sweep's (due date, id) order."""


async def _find_batch(
    today: date, calendar: WorkCalendar, policy: ReminderPolicy, after: tuple[date, int]
) -> tuple[list[Event], tuple[date, int] | None]:
    """The events of the next ``CANDIDATE_BATCH`` candidates after ``after`` (a due date and an
    id), and the last one read (None when there were none)."""
    rows = await db.fetch_rows(
        CANDIDATES_SQL + f" LIMIT {CANDIDATE_BATCH}", horizon(today, calendar, policy), *after
    )
    distance: dict[date, int] = {}  # working days between today and a due date, per due date
    found: list[Event] = []
    for assignment_id, due_on in rows:
        due = db.date_value(due_on)
        if due not in distance:
            start, end = (today, due) if due >= today else (due, today)
            distance[due] = count_working_days(start, end, calendar)
        found += events(
            assignment_id,
            due,
            today=today,
            calendar=calendar,
            policy=policy,
            working_days_to=distance[due],
        )
    if not rows:
        return found, None
    last_id, last_due = rows[-1]
    return found, (db.date_value(last_due), last_id)


async def record(found: Sequence[Event], today: date) -> int:
    """Insert the events as reminder rows; returns how many were new."""
    created = 0
    for start in range(0, len(found), INSERT_CHUNK):
        created += len(
            await db.insert_new(
                Reminder,
                [
                    {
                        "assignment": e.assignment_id,
                        "kind": e.kind,
                        "key_on": e.key_on,
                        "due_on": e.due_on,
                        "created_on": today,
                        "composed": False,
                    }
                    for e in found[start : start + INSERT_CHUNK]
                ],
                unique=(Reminder.assignment, Reminder.kind, Reminder.key_on),
                returning=Reminder.id,
            )
        )
    return created


# ---------------------------------------------------------------- 2. compose


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str


async def compose(today: date, policy: ReminderPolicy) -> int:
    """Turn every reminder row not yet composed into messages; returns how many were queued."""
    waiting = Reminder.composed == False  # noqa: E712 - SQL
    school_ids = [
        r["school"]
        for r in await Reminder.select(Reminder.assignment.school.as_alias("school"))
        .where(waiting & Reminder.kind.not_in(HEAD_KINDS))
        .distinct()
        .order_by(Reminder.assignment.school)
    ]
    queued = 0
    for start in range(0, len(school_ids), SCHOOLS_PER_TRANSACTION):
        queued += await compose_schools(
            school_ids[start : start + SCHOOLS_PER_TRANSACTION], today, policy
        )
    if await Reminder.exists().where(waiting & Reminder.kind.is_in(HEAD_KINDS)):
        queued += await _compose_heads(today, policy)
    return queued


HEAD_KINDS = sorted(messages.HEAD_KINDS)


async def _claim(where: Any) -> list[Item]:
    """Mark the matching uncomposed reminders composed and return them as items. Only this
    transaction gets them: a concurrent composer's update finds them composed already."""
    ids = [r["id"] for r in await Reminder.select(Reminder.id).where(where)]
    if not ids:
        return []
    claimed = await (
        Reminder.update({Reminder.composed: True})
        .where(Reminder.id.is_in(ids) & (Reminder.composed == False))  # noqa: E712
        .returning(Reminder.id)
    )
    return await _items([r["id"] for r in claimed])


async def _claim_batches(where: Any) -> AsyncIterator[list[Item]]:
    """``_claim`` a batch of assignments at a time, each assignment's reminders together (a
    digest shows an assignment once, under its most urgent kind)."""
    after = 0
    while True:
        batch = [
            r["assignment"]
            for r in await Reminder.select(Reminder.assignment)
            .where(where & (Reminder.assignment > after))
            .distinct()
            .order_by(Reminder.assignment)
            .limit(CLAIM_BATCH)
        ]
        if not batch:
            return
        after = batch[-1]
        yield await _claim(where & Reminder.assignment.is_in(batch))


async def _items(reminder_ids: list[int]) -> list[Item]:
    if not reminder_ids:
        return []
    a = Reminder.assignment
    rows = await Reminder.select(
        Reminder.id,
        Reminder.kind,
        a.id.as_alias("assignment_id"),
        a.due_on.as_alias("due_on"),
        a.period.as_alias("period"),
        a.school.as_alias("school_id"),
        a._.school._.name.as_alias("school_name"),
        a._.decision._.number.as_alias("decision_number"),
        a._.decision._.text.as_alias("decision_text"),
        a._.decision._.meeting._.date.as_alias("meeting_date"),
    ).where(Reminder.id.is_in(reminder_ids))
    return [
        Item(
            reminder_id=r["id"],
            assignment_id=r["assignment_id"],
            kind=r["kind"],
            due_on=r["due_on"],
            school_id=r["school_id"],
            school_name=r["school_name"],
            decision_number=r["decision_number"],
            decision_text=r["decision_text"],
            meeting_date=r["meeting_date"],
            period=r["period"],
        )
        for r in rows
    ]


async def compose_schools(school_ids: list[int], today: date, policy: ReminderPolicy) -> int:
    """Compose the uncomposed reminders of these schools into their users' messages, in one
    transaction; returns how many messages were queued."""
    async with db.transaction():
        items = await _claim(
            (Reminder.composed == False)  # noqa: E712
            & Reminder.assignment.school.is_in(school_ids)
            & Reminder.kind.not_in(HEAD_KINDS)
        )
        if not items:
            return 0
        by_school: dict[int, list[Item]] = defaultdict(list)
        for item in items:
            by_school[item.school_id].append(item)
        users = await _school_users(list(by_school))
        outgoing = [
            message
            for school_id, school_items in by_school.items()
            for message in _messages(
                users.get(school_id, []), school_items, Audience.SCHOOL, today, policy
            )
        ]
        return len(await mail.queue(outgoing))


async def _compose_heads(today: date, policy: ReminderPolicy) -> int:
    """The heads' reminders in one transaction: one digest a day for each head however many
    assignments fell overdue (claimed in batches; the digest keeps each section's first
    ``messages.MAX_LISTED`` and counts the rest), or one message per reminder."""
    async with db.transaction():
        heads = await _users(User.role == Role.HEAD.value)
        digest: list[messages.Section] = []
        first = 0
        queued = 0
        async for items in _claim_batches(
            (Reminder.composed == False) & Reminder.kind.is_in(HEAD_KINDS)  # noqa: E712
        ):
            if not items:
                continue
            if policy.daily_digest:
                digest = messages.merge_sections(digest, messages.sections(items))
                first = min(first or items[0].reminder_id, *(i.reminder_id for i in items))
            else:
                queued += len(
                    await mail.queue(_messages(heads, items, Audience.HEAD, today, policy))
                )
        if digest:
            queued += len(
                await mail.queue(
                    _digests(
                        heads,
                        digest,
                        first=first,
                        audience=Audience.HEAD,
                        today=today,
                        policy=policy,
                    )
                )
            )
        return queued


async def _users(where: Any) -> list[Recipient]:
    rows = await (
        User.select(User.id, User.email, User.full_name)
        .where(where & (User.is_active == True))  # noqa: E712
        .order_by(User.id)
    )
    return [Recipient(r["id"], r["email"], r["full_name"]) for r in rows]


async def _school_users(school_ids: list[int]) -> dict[int, list[Recipient]]:
    rows = await (
        User.select(User.id, User.email, User.full_name, User.school)
        .where(
            (User.role == Role.SCHOOL.value)
            & User.school.is_in(school_ids)
            & (User.is_active == True)  # noqa: E712
        )
        .order_by(User.id)
    )
    found: dict[int, list[Recipient]] = defaultdict(list)
    for r in rows:
        found[r["school"]].append(Recipient(r["id"], r["email"], r["full_name"]))
    return found


def _messages(
    recipients: Iterable[Recipient],
    items: list[Item],
    audience: Audience,
    today: date,
    policy: ReminderPolicy,
) -> list[mail.Outgoing]:
    """One digest per recipient, or one message per reminder and recipient."""
    if policy.daily_digest:
        first = min(item.reminder_id for item in items)
        return _digests(
            recipients,
            messages.sections(items),
            first=first,
            audience=audience,
            today=today,
            policy=policy,
        )
    return [
        message
        for item in items
        for message in _digests(
            recipients,
            messages.sections([item]),
            first=item.reminder_id,
            audience=audience,
            today=today,
            policy=policy,
        )
    ]


def _digests(
    recipients: Iterable[Recipient],
    parts: Sequence[messages.Section],
    *,
    first: int,
    audience: Audience,
    today: date,
    policy: ReminderPolicy,
) -> list[mail.Outgoing]:
    """The message listing ``parts`` to each recipient, keyed by its first reminder's id."""
    base_url = get_settings().base_url
    outgoing: list[mail.Outgoing] = []
    for recipient in recipients:
        key = (
            f"digest:{recipient.user_id}:{today.isoformat()}:{first}"
            if policy.daily_digest
            else f"reminder:{first}:{recipient.user_id}"
        )
        rendered = messages.render(
            audience=audience,
            recipient_name=recipient.name,
            parts=parts,
            today=today,
            base_url=base_url,
        )
        outgoing.append(
            mail.Outgoing(
                key=key,
                to=recipient.email,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                user_id=recipient.user_id,
            )
        )
    return outgoing
