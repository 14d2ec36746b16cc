"""The login throttle's rule (tracker.accounts.throttle): pure, ``now`` given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.accounts.throttle import (
    Limit,
    retry_after_minutes,
    retry_after_seconds,
    verdict,
    wait,
)

NOW = datetime(2026, 2, 5, 9, 0, tzinfo=UTC)
FIVE = Limit(5, timedelta(minutes=15))
TWENTY = Limit(20, timedelta(minutes=15))


def ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_below_the_limit_goes_ahead() -> None:
    assert wait([], NOW, FIVE) is None
    assert wait(ago(1, 2, 3, 4), NOW, FIVE) is None


def test_at_the_limit_waits_until_the_oldest_counted_failure_leaves_the_window() -> None:
    # Given five failures 1..5 minutes ago
    failures = ago(1, 2, 3, 4, 5)

    # Then the next attempt waits until the one 5 minutes ago is 15 minutes old
    assert wait(failures, NOW, FIVE) == timedelta(minutes=10)


def test_failures_outside_the_window_do_not_count() -> None:
    assert wait(ago(1, 2, 3, 4, 15, 16, 60), NOW, FIVE) is None


def test_failure_exactly_a_window_ago_has_left_it() -> None:
    assert wait(ago(0, 1, 2, 3, 15), NOW, FIVE) is None


def test_with_more_failures_than_the_limit_the_fifth_most_recent_decides() -> None:
    # e.g. parallel attempts: six failures; the lock lasts until only four are left in it
    failures = ago(1, 2, 3, 4, 6, 7)

    assert wait(failures, NOW, FIVE) == timedelta(minutes=9)


def test_order_of_the_failures_does_not_matter() -> None:
    assert wait(ago(5, 1, 4, 2, 3), NOW, FIVE) == wait(ago(1, 2, 3, 4, 5), NOW, FIVE)


def test_failures_stamped_later_than_now_count_as_now() -> None:
    # an attempt that started a moment after ours, or another worker's clock a little ahead:
    # it counts, and never locks anyone out for longer than the window
    assert wait([NOW + timedelta(seconds=1)] * 5, NOW, FIVE) == FIVE.window
    assert wait([NOW + timedelta(hours=1)] * 5, NOW, FIVE) == FIVE.window


def test_verdict_takes_the_longer_wait_of_account_and_address() -> None:
    account = ago(1, 2, 3, 4, 5)  # 10 minutes to wait
    address = ago(*[0.5] * 19, 14)  # 1 minute to wait

    assert verdict(account, address, NOW, account=FIVE, address=TWENTY) == timedelta(minutes=10)
    assert verdict([], address, NOW, account=FIVE, address=TWENTY) == timedelta(minutes=1)
    assert verdict(account[:4], address[:19], NOW, account=FIVE, address=TWENTY) is None


def test_limits_must_make_sense() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Limit(0, timedelta(minutes=1))
    with pytest.raises(ValueError, match="positive"):
        Limit(5, timedelta(0))


@pytest.mark.parametrize(
    ("delay", "seconds", "minutes"),
    [
        (timedelta(seconds=0.2), 1, 1),
        (timedelta(seconds=59), 59, 1),
        (timedelta(seconds=61), 61, 2),
        (timedelta(minutes=15), 900, 15),
        (timedelta(minutes=14, seconds=59, microseconds=1), 900, 15),
    ],
)
def test_retry_after_rounds_up(delay: timedelta, seconds: int, minutes: int) -> None:
    assert retry_after_seconds(delay) == seconds
    assert retry_after_minutes(delay) == minutes


@given(
    st.lists(st.floats(min_value=-5, max_value=60, allow_nan=False), max_size=30),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=1, max_value=30),
)
def test_a_wait_never_exceeds_the_window_and_ends_the_lock(
    minutes_ago: list[float], failures: int, window_minutes: int
) -> None:
    limit = Limit(failures, timedelta(minutes=window_minutes))
    times = ago(*minutes_ago)

    delay = wait(times, NOW, limit)

    if delay is None:
        assert sum(NOW - limit.window < t for t in times) < failures
    else:
        assert timedelta(0) < delay <= limit.window
        if all(t <= NOW for t in times):
            # once the wait is over, the same failures no longer lock
            assert wait(times, NOW + delay, limit) is None
            # and a moment before, they still did
            assert wait(times, NOW + delay - timedelta(microseconds=1), limit) is not None
