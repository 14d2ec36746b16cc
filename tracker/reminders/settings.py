"""The reminder policy in force: the admin's row, or the defaults."""

from __future__ import annotations

from typing import Any

from tracker.reminders.policy import DEFAULT_POLICY, ReminderPolicy, parse_day_list
from tracker.reminders.tables import ReminderPolicyRow

POLICY_ROW_ID = 1


def policy_from_row(row: dict[str, Any]) -> ReminderPolicy:
    days = row["before_working_days"]
    if isinstance(days, str):  # the JSON column reads back as text on some engines
        days = parse_day_list(days.strip("[]")) or DEFAULT_POLICY.before_working_days
    return ReminderPolicy(
        before_working_days=tuple(sorted({int(n) for n in days}, reverse=True)),
        on_due_day=bool(row["on_due_day"]),
        overdue_every_working_days=int(row["overdue_every_working_days"]),
        escalate_after_days=int(row["escalate_after_days"]),
        notify_head_on_overdue=bool(row["notify_head_on_overdue"]),
        daily_digest=bool(row["daily_digest"]),
        digest_hour=int(row["digest_hour"]),
    )


async def load_policy() -> ReminderPolicy:
    row = await ReminderPolicyRow.select().where(ReminderPolicyRow.id == POLICY_ROW_ID).first()
    return DEFAULT_POLICY if row is None else policy_from_row(row)
