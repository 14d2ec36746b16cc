"""Login throttling: the pure rule. No database and no clock: ``now`` is a parameter.

Two independent limits, each over a sliding window: failed sign-ins per account (the e-mail as
typed, lower-cased, whether or not such an account exists, so that a refusal tells nothing about
which addresses are real) and failed sign-ins per client address. An attempt is refused while
either limit is reached; a refused attempt is not a guess (the password is not checked), so it
is not counted and does not push the wait further.

The defaults (``tracker.settings``): 5 failures per account and 20 per address in 15 minutes.
Five lets a person who mistypes a few times keep trying; 480 guesses a day per account at most
(and none of the common passwords, which the password rules refuse) keep an online attack
hopeless. An address is allowed four accounts' worth, so that colleagues behind one office
router do not lock one another out by a few typos, while spraying one password over many
accounts from one address stays slow. A lock ends by itself once the oldest failure that
counts leaves the window, never later than the window after the last failure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``failures`` failed attempts within ``window``."""

    failures: int
    window: timedelta

    def __post_init__(self) -> None:
        if self.failures < 1:
            raise ValueError("a limit allows at least one failure")
        if self.window <= timedelta(0):
            raise ValueError("a limit's window must be positive")


def wait(failures: Iterable[datetime], now: datetime, limit: Limit) -> timedelta | None:
    """How long the next attempt must wait under ``limit``, given the times of earlier failed
    attempts (any order, any age); None when it may go ahead now.

    The attempt may go ahead when fewer than ``limit.failures`` of them lie inside the window
    (after ``now - window``); otherwise once enough of them have left it: the ``failures``-th
    most recent one leaves it at its time plus the window. A failure stamped later than ``now``
    (one that started a moment after ours, or another worker's clock a little ahead) counts
    as made now: a lock never lasts longer than the window."""
    start = now - limit.window
    recent = sorted((min(at, now) for at in failures if at > start), reverse=True)
    if len(recent) < limit.failures:
        return None
    return recent[limit.failures - 1] + limit.window - now


def verdict(
    account_failures: Iterable[datetime],
    address_failures: Iterable[datetime],
    now: datetime,
    *,
    account: Limit,
    address: Limit,
) -> timedelta | None:
    """The wait before the next attempt under both limits (the longer one); None: go ahead."""
    waits = [
        w
        for w in (wait(account_failures, now, account), wait(address_failures, now, address))
        if w is not None
    ]
    return max(waits) if waits else None


def retry_after_seconds(wait: timedelta) -> int:
    """The ``Retry-After`` value: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(wait.total_seconds()))


def retry_after_minutes(wait: timedelta) -> int:
    """The wait as people read it: whole minutes, rounded up, at least 1."""
    return max(1, math.ceil(wait.total_seconds() / 60))
