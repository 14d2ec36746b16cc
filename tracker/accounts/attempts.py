"""Signing in under the login throttle: the page login and ``POST /api/v1/auth/token`` alike.

The failures live in the database (``login_attempt``), so every web worker counts the same
ones. The rule itself is ``tracker.accounts.throttle`` (pure); here are its reads and writes:

1. the attempt is written first, so that guesses sent in parallel count against one another
   (each sees the ones that started before it) instead of all passing the check at once;
2. if the failures before it reach a limit, it is removed again and refused with the wait,
   without the password being checked: a refusal says nothing about the password, and the
   same refusal comes for an address that has no account;
3. a wrong password keeps the row (a failure; older ones are pruned then) and is audited when
   the account exists; a success removes the account's rows: its counter starts again
   (the address's earlier failures still count).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from piccolo.custom_types import Combinable

from tracker import clock
from tracker.accounts import services as accounts
from tracker.accounts import throttle
from tracker.accounts.roles import Actor
from tracker.accounts.tables import LoginAttempt, User
from tracker.audit import services as audit
from tracker.errors import TrackerError
from tracker.settings import Settings, get_settings

log = logging.getLogger("tracker.security")

UNKNOWN_ADDRESS = "unknown"
MAX_SIGN_IN_PASSWORD = 1024
"""A longer password is wrong without being hashed: a sign-in never costs more than that."""


@dataclass(frozen=True, slots=True)
class Limits:
    account: throttle.Limit
    address: throttle.Limit

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        window = timedelta(minutes=settings.login_window_minutes)
        return cls(
            account=throttle.Limit(settings.login_account_failures, window),
            address=throttle.Limit(settings.login_address_failures, window),
        )

    @property
    def longest_window(self) -> timedelta:
        return max(self.account.window, self.address.window)


class LoginThrottledError(TrackerError):
    """Too many failed sign-ins for this account or from this address: try again later."""

    status_code = 429

    def __init__(self, wait: timedelta) -> None:
        self.wait = wait
        self.retry_after = throttle.retry_after_seconds(wait)
        """Seconds, for the ``Retry-After`` header."""
        self.minutes = throttle.retry_after_minutes(wait)
        super().__init__(
            f"Слишком много неудачных попыток входа. Попробуйте снова через {self.minutes} мин."
        )


def account_key(email: str) -> str:
    """What the account's failures are counted under: the e-mail as ``authenticate`` reads it."""
    return email.strip().lower()[:254]


def address_key(address: str | None) -> str:
    return (address or "").strip()[:100] or UNKNOWN_ADDRESS


async def _earlier(
    match: Combinable, attempt_id: int, now: datetime, limit: throttle.Limit
) -> list[datetime]:
    """The times of the attempts that started before ours within the window: at most as many
    as the rule needs to decide."""
    rows = (
        await LoginAttempt.select(LoginAttempt.at)
        .where(match & (LoginAttempt.id < attempt_id) & (LoginAttempt.at > now - limit.window))
        .order_by(LoginAttempt.at, ascending=False)
        .limit(limit.failures)
    )
    return [row["at"] for row in rows]


async def sign_in(
    email: str, password: str, address: str | None, *, limits: Limits | None = None
) -> Actor | None:
    """The actor for these credentials; None for a wrong e-mail or password or a disabled
    account. Raises ``LoginThrottledError`` (checking nothing) while a limit is reached."""
    limits = limits or Limits.from_settings(get_settings())
    account, client = account_key(email), address_key(address)
    now = clock.now()
    row = (
        await LoginAttempt.insert(LoginAttempt(email=account, address=client, at=now)).returning(
            LoginAttempt.id
        )
    )[0]
    attempt_id = int(row["id"])
    account_failures = await _earlier(
        LoginAttempt.email == account, attempt_id, now, limits.account
    )
    address_failures = await _earlier(
        LoginAttempt.address == client, attempt_id, now, limits.address
    )
    wait = throttle.verdict(
        account_failures, address_failures, now, account=limits.account, address=limits.address
    )
    if wait is not None:
        await LoginAttempt.delete().where(LoginAttempt.id == attempt_id)
        raise LoginThrottledError(wait)

    actor = (
        await accounts.authenticate(email, password)
        if len(password) <= MAX_SIGN_IN_PASSWORD
        else None
    )
    if actor is not None:
        await LoginAttempt.delete().where(LoginAttempt.email == account)
        return actor

    await LoginAttempt.delete().where(LoginAttempt.at <= now - limits.longest_window)
    locked_account = len(account_failures) + 1 >= limits.account.failures
    locked_address = len(address_failures) + 1 >= limits.address.failures
    if locked_address:
        log.warning("sign-in locked for address %r after repeated failures", client)
    user = await User.select(User.id).where(User.email == account).first()
    if user is not None:
        await audit.record(
            None,
            "user",
            int(user["id"]),
            "login_locked" if locked_account else "login_failed",
            after={"address": client},
        )
    if locked_account:
        log.warning("sign-in locked for account %r after repeated failures", account)
    return None
