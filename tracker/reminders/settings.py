"""The reminder policy in force: the admin's row, or the defaults."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from tracker import clock, db
from tracker.accounts.roles import Actor, Permission
from tracker.audit import services as audit
from tracker.errors import ValidationError
from tracker.reminders.policy import DEFAULT_POLICY, ReminderPolicy, parse_day_list
from tracker.reminders.tables import ReminderPolicyRow
from tracker.settings import get_settings
from tracker.web.templating import plural_ru

POLICY_ROW_ID = 1


def policy_from_row(row: dict[str, Any]) -> ReminderPolicy:
    days = row["before_working_days"]
    if isinstance(days, str):  # the JSON column reads back as text on some engines
        parsed = parse_day_list(days.strip("[]"))
        days = DEFAULT_POLICY.before_working_days if parsed is None else parsed
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


async def save_policy(actor: Actor, policy: ReminderPolicy) -> ReminderPolicy:
    """Put ``policy`` in force (admin only). A policy with problems changes nothing: a
    ValidationError carries the Russian messages by field. Returns the policy as stored."""
    actor.require(Permission.ADMINISTER)
    errors = policy.problems()
    if errors:
        raise ValidationError(errors)
    policy = replace(
        policy, before_working_days=tuple(sorted(set(policy.before_working_days), reverse=True))
    )
    values = asdict(policy)
    values["before_working_days"] = list(policy.before_working_days)
    async with db.transaction():
        before = await load_policy()
        row = ReminderPolicyRow(
            id=POLICY_ROW_ID, updated_by=actor.user_id, updated_at=clock.now(), **values
        )
        columns = [c for c in ReminderPolicyRow._meta.columns if c._meta.name != "id"]
        await ReminderPolicyRow.insert(row).on_conflict(
            target=ReminderPolicyRow.id, action="DO UPDATE", values=columns
        )
        await audit.record(
            actor,
            "reminder_policy",
            POLICY_ROW_ID,
            "update",
            before=asdict(before),
            after=asdict(policy),
        )
    return policy


def describe(policy: ReminderPolicy, *, timezone: str | None = None) -> list[str]:
    """The policy in plain Russian sentences, one per stage, for the admin's page.

    ``timezone`` is the department's (``TRACKER_TIMEZONE`` when None)."""
    zone = timezone or get_settings().timezone
    lines: list[str] = []
    days = policy.before_working_days
    if days:
        *first, last = sorted(set(days), reverse=True)
        counts = [f"за {n}" for n in first]
        counts.append("за " + plural_ru(last, "рабочий день", "рабочих дня", "рабочих дней"))
        listed = counts[0] if len(counts) == 1 else ", ".join(counts[:-1]) + " и " + counts[-1]
        lines.append(f"{listed[0].upper()}{listed[1:]} до срока — напоминание школе")
    else:
        lines.append("До срока школе не напоминают")
    if policy.on_due_day:
        lines.append("В день срока — напоминание школе")
    else:
        lines.append("В день срока школе не напоминают")
    lines.append("В первый рабочий день после срока — напоминание школе о просрочке")
    every = policy.overdue_every_working_days
    if every:
        lines.append(f"Затем {_every_working_days(every)} — повторное напоминание школе")
    else:
        lines.append("Повторных напоминаний о просрочке нет")
    if policy.notify_head_on_overdue:
        lines.append("В первый рабочий день после срока — сообщение руководителю о просрочке")
    escalate = policy.escalate_after_days
    if escalate:
        late = plural_ru(escalate, "день", "дня", "дней")
        lines.append(f"Через {late} просрочки — сообщение руководителю")
    if not policy.notify_head_on_overdue and not escalate:
        lines.append("Руководителю о просрочках не сообщают")
    hour = f"{policy.digest_hour}:00 по местному времени ({zone}), в рабочие дни"
    if policy.daily_digest:
        lines.append(f"Каждый пользователь получает одно письмо в день со всеми пунктами, в {hour}")
    else:
        lines.append(f"Каждое напоминание приходит отдельным письмом, с {hour}")
    return lines


def _every_working_days(n: int) -> str:
    """«каждый рабочий день», «каждые 3 рабочих дня», «каждые 5 рабочих дней», «каждый 21 …»."""
    if n == 1:
        return "каждый рабочий день"
    counted = plural_ru(n, "рабочий день", "рабочих дня", "рабочих дней")
    return ("каждый " if n % 10 == 1 and n % 100 != 11 else "каждые ") + counted
