"""The assignment lifecycle as data. Pure: no database, no clock.

    assigned → in_progress → reported → accepted
    reported → returned → (in_progress →) reported …

Overdue is derived (open and past its due date), never a stored status.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from tracker.errors import ConflictError


class Status(StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.ASSIGNED: "Назначено",
    Status.IN_PROGRESS: "В работе",
    Status.REPORTED: "На проверке",
    Status.RETURNED: "Возвращено на доработку",
    Status.ACCEPTED: "Снято с контроля",
}


class Action(StrEnum):
    START = "start"  # the school takes it into work
    REPORT = "report"
    ACCEPT = "accept"  # «снять с контроля»
    RETURN = "return"  # «вернуть на доработку»


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.ASSIGNED, Action.START): Status.IN_PROGRESS,
    (Status.RETURNED, Action.START): Status.IN_PROGRESS,
    (Status.ASSIGNED, Action.REPORT): Status.REPORTED,
    (Status.IN_PROGRESS, Action.REPORT): Status.REPORTED,
    (Status.RETURNED, Action.REPORT): Status.REPORTED,
    (Status.REPORTED, Action.ACCEPT): Status.ACCEPTED,
    (Status.REPORTED, Action.RETURN): Status.RETURNED,
}

REFUSALS = {
    Action.START: "Поручение уже в работе или исполнено.",
    Action.REPORT: "Отчёт уже на проверке или поручение снято с контроля.",
    Action.ACCEPT: "Снять с контроля можно только поручение, по которому есть отчёт на проверке.",
    Action.RETURN: "Вернуть на доработку можно только поручение, по которому есть отчёт на проверке.",
}

OPEN_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED})
"""Waiting for the school (a reported assignment waits for the department)."""


def next_status(current: Status, action: Action) -> Status:
    """The status after ``action``, or ConflictError (HTTP 409) when it is not allowed."""
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise ConflictError(REFUSALS[action]) from None


def allowed_actions(current: Status) -> frozenset[Action]:
    return frozenset(action for (status, action) in TRANSITIONS if status is current)


def is_closed(status: Status) -> bool:
    return status is Status.ACCEPTED


def is_overdue(status: Status, due_on: date | None, today: date) -> bool:
    """Waiting for the school and past the due date. A report on review is not overdue: the
    school has done its part; whether it was late is judged when it is accepted."""
    return status in OPEN_STATUSES and due_on is not None and due_on < today


def can_request_extension(status: Status) -> bool:
    return status in OPEN_STATUSES
