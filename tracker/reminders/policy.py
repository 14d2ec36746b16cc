"""The reminder policy as a pure function: which reminders an open assignment calls for today.

No database, no clock: ``today`` and the working calendar are parameters.

For an assignment due on D, on a working day ``today``:

- before D: ``before_N`` once the working days left (today, D] are N or fewer, for the
  smallest N of the policy that holds (3 then 1 by default);
- on D itself, or on the last working day before D when D is a day off: ``due``;
- after D, to the school: ``overdue`` on the 1st working day after D and every
  ``overdue_every_working_days`` working days after that;
- after D, to the head: ``overdue_notice`` once (the assignment became overdue) and
  ``escalation`` once it has been overdue ``escalate_after_days`` calendar days.

Every event carries a key date: D for the once-per-due-date kinds, the scheduled day for the
repeating overdue reminder. (assignment, kind, key date) is unique in the database, so a stage
that still holds tomorrow is not sent again, and a sweep that missed its day catches up once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tracker.calendar.workdays import WorkCalendar, add_working_days


class Audience(StrEnum):
    SCHOOL = "school"  # the users of the assignment's school
    HEAD = "head"  # the department's heads


class Kind(StrEnum):
    BEFORE = "before"  # stored as "before_3", "before_1"
    DUE = "due"
    OVERDUE = "overdue"
    OVERDUE_NOTICE = "overdue_notice"
    ESCALATION = "escalation"


MAX_BEFORE_DAYS = 30
MAX_DIGEST_HOUR = 23


@dataclass(frozen=True)
class ReminderPolicy:
    before_working_days: tuple[int, ...] = (3, 1)
    """Remind this many working days before the due date (each ≥ 1)."""
    on_due_day: bool = True
    overdue_every_working_days: int = 3
    """Remind the school again every this many working days while overdue; 0: once only."""
    escalate_after_days: int = 7
    """Tell the head when an assignment is this many days overdue; 0: never."""
    notify_head_on_overdue: bool = True
    daily_digest: bool = True
    """One message a day per user listing all their items, instead of one per item."""
    digest_hour: int = 9
    """The local hour (TRACKER_TIMEZONE) from which the day's reminders go out."""

    def problems(self) -> dict[str, str]:
        """What is wrong with the policy, by field, in Russian; empty when it is usable."""
        errors: dict[str, str] = {}
        if any(n < 1 or n > MAX_BEFORE_DAYS for n in self.before_working_days):
            errors["before_working_days"] = (
                f"Укажите числа от 1 до {MAX_BEFORE_DAYS} через запятую, например «3, 1»."
            )
        if not 0 <= self.overdue_every_working_days <= MAX_BEFORE_DAYS:
            errors["overdue_every_working_days"] = f"Число от 0 до {MAX_BEFORE_DAYS}."
        if not 0 <= self.escalate_after_days <= 365:
            errors["escalate_after_days"] = "Число дней от 0 до 365."
        if not 0 <= self.digest_hour <= MAX_DIGEST_HOUR:
            errors["digest_hour"] = "Час от 0 до 23."
        return errors


DEFAULT_POLICY = ReminderPolicy()


@dataclass(frozen=True)
class Event:
    assignment_id: int
    kind: str
    """A :class:`Kind` value, "before_N" for the reminders before the due date."""
    key_on: date
    due_on: date
    audience: Audience


def working_days_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """Working days d with start < d ≤ end (0 when end ≤ start)."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        count += calendar.is_working_day(day)
        day += timedelta(days=1)
    return count


def horizon(today: date, calendar: WorkCalendar, policy: ReminderPolicy) -> date:
    """The latest due date that can call for a reminder today: the sweep reads no further."""
    ahead = max(policy.before_working_days, default=0)
    last = add_working_days(today, ahead, calendar)
    # a due date on the days off right after ``last`` has the same working days left
    while not calendar.is_working_day(last + timedelta(days=1)):
        last += timedelta(days=1)
    return last


def events(
    assignment_id: int,
    due_on: date,
    *,
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
    working_days_to: int | None = None,
) -> list[Event]:
    """The reminders an open assignment due on ``due_on`` calls for on ``today``.

    ``working_days_to`` may pass ``working_days_between`` of (today, due_on) or (due_on, today)
    when the caller has it at hand (the sweep caches it per due date).
    """
    if not calendar.is_working_day(today):
        return []
    if due_on >= today:
        left = (
            working_days_to
            if working_days_to is not None
            else working_days_between(today, due_on, calendar)
        )
        return _before(assignment_id, due_on, left, policy)
    late = (
        working_days_to
        if working_days_to is not None
        else working_days_between(due_on, today, calendar)
    )
    return _after(assignment_id, due_on, late, today=today, calendar=calendar, policy=policy)


def _before(assignment_id: int, due_on: date, left: int, policy: ReminderPolicy) -> list[Event]:
    if left == 0:
        if policy.on_due_day:
            return [Event(assignment_id, Kind.DUE.value, due_on, due_on, Audience.SCHOOL)]
        return []
    reached = [n for n in policy.before_working_days if left <= n]
    if not reached:
        return []
    kind = f"{Kind.BEFORE.value}_{min(reached)}"
    return [Event(assignment_id, kind, due_on, due_on, Audience.SCHOOL)]


def _after(
    assignment_id: int,
    due_on: date,
    late: int,
    *,
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> list[Event]:
    found: list[Event] = []
    if late >= 1:
        every = policy.overdue_every_working_days
        step = 0 if every == 0 else (late - 1) // every * every
        key_on = add_working_days(due_on, 1 + step, calendar)
        found.append(Event(assignment_id, Kind.OVERDUE.value, key_on, due_on, Audience.SCHOOL))
    if policy.notify_head_on_overdue:
        found.append(Event(assignment_id, Kind.OVERDUE_NOTICE.value, due_on, due_on, Audience.HEAD))
    escalate = policy.escalate_after_days
    if escalate and today >= due_on + timedelta(days=escalate):
        found.append(Event(assignment_id, Kind.ESCALATION.value, due_on, due_on, Audience.HEAD))
    return found


def parse_day_list(raw: str) -> tuple[int, ...] | None:
    """«3, 1» → (3, 1), largest first, no repeats; None when it is not a list of numbers."""
    parts = [p for p in raw.replace(";", ",").replace(" ", ",").split(",") if p]
    if not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return tuple(sorted({int(p) for p in parts}, reverse=True))
