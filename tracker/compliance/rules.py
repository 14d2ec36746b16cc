"""Compliance («исполнительская дисциплина») as rules. Pure: no database, no clock.

Every assignment falls, on a given date, into exactly one of five buckets:

    accepted on time   accepted («снято с контроля»), the accepted report in by the due date
    accepted late      accepted, the report came after the due date
    reported           a report waits for the department's review: the school has done its part
                       (never overdue, see ``tracker.assignments.lifecycle.is_overdue``)
    overdue            waiting for the school (assigned, in progress, returned) and past due
    open               waiting for the school and not yet due, or ongoing (no due date)

so ``total = accepted_on_time + accepted_late + reported + overdue + open``.

Two more figures are *subsets*, shown beside the buckets, not instead of them:

    returned           returned for rework: also counted as open or overdue by its date. A
                       returned assignment past due is late work like any other; counting it
                       apart would hide it from the overdue figure the meeting looks at first.
    extension pending  not yet accepted, with an extension request waiting for the head's
                       decision: counted in its bucket too (its due date has not moved yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from tracker.assignments.lifecycle import OPEN_STATUSES, Status
from tracker.calendar.deadlines import DeadlineKind

STANDING_KINDS = frozenset({DeadlineKind.ONGOING, DeadlineKind.PERIODIC})
"""«Постоянно», «ежеквартально»: under control until removed, whatever the assignments say."""


class Bucket(StrEnum):
    ACCEPTED_ON_TIME = "accepted_on_time"
    ACCEPTED_LATE = "accepted_late"
    REPORTED = "reported"
    OVERDUE = "overdue"
    OPEN = "open"


def bucket(
    status: Status, due_on: date | None, accepted_on_time: bool | None, *, today: date
) -> Bucket:
    """The one bucket of an assignment on ``today``.

    An accepted assignment whose ``accepted_on_time`` was never recorded counts as on time:
    the service records it on every acceptance, and lateness is a charge to be proven."""
    if status is Status.ACCEPTED:
        return Bucket.ACCEPTED_LATE if accepted_on_time is False else Bucket.ACCEPTED_ON_TIME
    if status is Status.REPORTED:
        return Bucket.REPORTED
    if status in OPEN_STATUSES and due_on is not None and due_on < today:
        return Bucket.OVERDUE
    return Bucket.OPEN


class Counts(NamedTuple):
    """Assignments by bucket (see the module's docstring); ``returned`` and
    ``extension_pending`` are subsets of the others.

    A named tuple, not a dataclass: the matrix makes one per decision × school (50,000 for a
    district's meeting) straight from the aggregate's row, ``Counts._make(row)``, and sums
    them column by column (``sum_counts``)."""

    total: int = 0
    accepted_on_time: int = 0
    accepted_late: int = 0
    reported: int = 0
    overdue: int = 0
    open: int = 0
    returned: int = 0
    extension_pending: int = 0

    @property
    def done(self) -> int:
        """Accepted, on time or late."""
        return self.accepted_on_time + self.accepted_late

    @property
    def not_done(self) -> int:
        return self.total - self.done

    def add(self, other: Counts) -> Counts:
        """Field by field (``+`` would concatenate the tuples)."""
        return Counts._make(a + b for a, b in zip(self, other, strict=True))


ZERO = Counts()


def percent(part: int, whole: int) -> int:
    """The share in whole percent, halves rounded up; 0 of nothing is 0 %."""
    if whole <= 0:
        return 0
    return (200 * part + whole) // (2 * whole)


def sum_counts(parts: Sequence[Counts]) -> Counts:
    """The sum of many Counts, field by field (one pass per field, not one object per add)."""
    if not parts:
        return ZERO
    return Counts._make(map(sum, zip(*parts, strict=True)))


def count_one(
    status: Status,
    due_on: date | None,
    accepted_on_time: bool | None,
    *,
    today: date,
    extension_pending: bool = False,
) -> Counts:
    """The counts of a single assignment: total 1, one bucket, and the subsets it is in."""
    which = bucket(status, due_on, accepted_on_time, today=today)
    return Counts(
        total=1,
        accepted_on_time=int(which is Bucket.ACCEPTED_ON_TIME),
        accepted_late=int(which is Bucket.ACCEPTED_LATE),
        reported=int(which is Bucket.REPORTED),
        overdue=int(which is Bucket.OVERDUE),
        open=int(which is Bucket.OPEN),
        returned=int(status is Status.RETURNED),
        extension_pending=int(extension_pending and status is not Status.ACCEPTED),
    )


def under_control(
    *,
    tracked: bool,
    deadline_kind: str,
    removed_from_control: bool,
    total: int,
    done: int,
) -> bool:
    """Whether a decision is still under control (and so goes to the next meeting's follow-up).

    - Never when it is not tracked («принять к сведению») or was removed from control.
    - Always when it is ongoing or periodic: it ends only when removed from control.
    - Otherwise while any of its ``total`` assignments is not accepted (``done`` < ``total``),
      and also while it has no assignment at all: nothing of it is done (it was never
      assigned, or it is addressed to the department's own staff), and dropping it silently
      from the follow-up would hide exactly that; the meeting removes it from control."""
    if not tracked or removed_from_control:
        return False
    if deadline_kind in STANDING_KINDS:
        return True
    return total == 0 or done < total
