"""The reminder policy: an admin page to read and change it, and the same in the JSON API.

Admins only (a guard on each controller: any other role gets 403); ``save_policy`` checks the
permission again.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import msgspec
from litestar import Controller, get, post, put
from litestar.params import JSONBody
from litestar.response import Redirect, Template

from tracker.accounts.roles import Permission
from tracker.reminders.policy import ReminderPolicy, parse_day_list
from tracker.reminders.settings import describe, load_policy, save_policy
from tracker.settings import get_settings
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import ApiController
from tracker.web.rendering import AnyRequest, Context, form_result, page

PAGE_URL = "/admin/reminders"
NUMBERS = ("overdue_every_working_days", "escalate_after_days", "digest_hour")
FLAGS = ("on_due_day", "notify_head_on_overdue", "daily_digest")
OUT_OF_RANGE = -1
"""Stands for a number that could not be read, so that the policy's own message names the
range; the policy is never saved with it."""


def _values(policy: ReminderPolicy) -> Context:
    """The form's fields as the page shows them."""
    return {
        "before_working_days": ", ".join(str(n) for n in policy.before_working_days),
        **{name: str(getattr(policy, name)) for name in NUMBERS},
        **{name: getattr(policy, name) for name in FLAGS},
    }


def _number(raw: str) -> int:
    try:
        return int(raw) if raw.isdigit() and len(raw) <= 6 else OUT_OF_RANGE
    except ValueError:  # a digit that is not a decimal one, such as «²»
        return OUT_OF_RANGE


def _policy_from_form(form: Form) -> tuple[ReminderPolicy, Context]:
    """The submitted policy, and the values to show again when it is refused. What cannot be
    read becomes a value the policy refuses with its own message."""
    values: Context = {"before_working_days": form.text("before_working_days", max_length=200)}
    values |= {name: form.text(name, max_length=20) for name in NUMBERS}
    values |= {name: form.flag(name) for name in FLAGS}
    try:
        days = parse_day_list(values["before_working_days"])
    except ValueError:  # a digit that is not a decimal one
        days = None
    policy = ReminderPolicy(
        before_working_days=(OUT_OF_RANGE,) if days is None else days,
        on_due_day=values["on_due_day"],
        overdue_every_working_days=_number(values["overdue_every_working_days"]),
        escalate_after_days=_number(values["escalate_after_days"]),
        notify_head_on_overdue=values["notify_head_on_overdue"],
        daily_digest=values["daily_digest"],
        digest_hour=_number(values["digest_hour"]),
    )
    return policy, values


def _context(policy: ReminderPolicy, **extra: Any) -> Context:
    context: Context = {
        "policy": policy,
        "description": describe(policy),
        "timezone": get_settings().timezone,
        "values": _values(policy),
        "errors": {},
    }
    return context | extra


class ReminderPolicyController(Controller):
    path = PAGE_URL
    guards = [requires(Permission.ADMINISTER)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/")
    async def show(self, request: AnyRequest) -> Template:
        context = _context(await load_policy())
        return page(
            request, "reminders/policy.html", context, fragment="reminders/_policy_form.html"
        )

    @post("/")
    async def save(self, request: AnyRequest, actor: CurrentActor) -> Template | Redirect:
        form = Form(await request.form())
        submitted, values = _policy_from_form(form)

        async def save() -> ReminderPolicy:
            form.check()
            return await save_policy(actor, submitted)

        async def invalid(errors: dict[str, str]) -> Context:
            return _context(await load_policy(), values=values, errors=errors)

        async def saved(policy: ReminderPolicy) -> Context:
            return _context(policy, saved=True)

        return await form_result(
            request,
            save,
            template="reminders/policy.html",
            form_fragment="reminders/_policy_form.html",
            invalid=invalid,
            saved=saved,
            message="Правила напоминаний сохранены",
            back=PAGE_URL,
        )


# ---------------------------------------------------------------------------- JSON API


class ReminderPolicyIn(msgspec.Struct, forbid_unknown_fields=True):
    """The whole policy: every field is required."""

    before_working_days: list[int]
    """Remind this many working days before the due date (each 1–30); [] for never."""
    on_due_day: bool
    """Remind on the due date itself."""
    overdue_every_working_days: int
    """Remind again every this many working days while overdue (0–30; 0: once only)."""
    escalate_after_days: int
    """Tell the head when an assignment is this many calendar days overdue (0–365; 0: never)."""
    notify_head_on_overdue: bool
    """Tell the head once when an assignment becomes overdue."""
    daily_digest: bool
    """One message a day per user with all their items, instead of one message per item."""
    digest_hour: int
    """The local hour (0–23) from which the day's reminders go out, on working days."""

    def to_policy(self) -> ReminderPolicy:
        return ReminderPolicy(
            before_working_days=tuple(self.before_working_days),
            on_due_day=self.on_due_day,
            overdue_every_working_days=self.overdue_every_working_days,
            escalate_after_days=self.escalate_after_days,
            notify_head_on_overdue=self.notify_head_on_overdue,
            daily_digest=self.daily_digest,
            digest_hour=self.digest_hour,
        )


class ReminderPolicyOut(msgspec.Struct):
    before_working_days: list[int]
    on_due_day: bool
    overdue_every_working_days: int
    escalate_after_days: int
    notify_head_on_overdue: bool
    daily_digest: bool
    digest_hour: int

    @classmethod
    def of(cls, policy: ReminderPolicy) -> ReminderPolicyOut:
        return cls(**asdict(policy) | {"before_working_days": list(policy.before_working_days)})


class ReminderPolicyApiController(ApiController):
    path = "/api/v1/reminder-policy"
    tags = ["reminders"]  # noqa: RUF012 - Litestar's declaration style
    guards = [requires(Permission.ADMINISTER)]  # noqa: RUF012 - Litestar's declaration style

    @get("/")
    async def get_policy(self) -> ReminderPolicyOut:
        """The reminder policy in force (admin only): the admin's or the defaults."""
        return ReminderPolicyOut.of(await load_policy())

    @put("/")
    async def put_policy(
        self, actor: CurrentActor, data: JSONBody[ReminderPolicyIn]
    ) -> ReminderPolicyOut:
        """Replace the reminder policy (admin only). Values out of range are a 422 error with
        a message per field; nothing is changed then."""
        return ReminderPolicyOut.of(await save_policy(actor, data.to_policy()))
