"""Compliance rules: one bucket per assignment, counts that add up, and when a decision stays
under control."""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.assignments.lifecycle import Status
from tracker.calendar.deadlines import DeadlineKind
from tracker.compliance.rules import ZERO, Bucket, Counts, bucket, count_one, under_control

TODAY = date(2026, 3, 10)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
S, B = Status, Bucket


@pytest.mark.parametrize(
    ("status", "due_on", "on_time", "expected"),
    [
        (S.ACCEPTED, YESTERDAY, True, B.ACCEPTED_ON_TIME),
        (S.ACCEPTED, YESTERDAY, False, B.ACCEPTED_LATE),
        (S.ACCEPTED, None, True, B.ACCEPTED_ON_TIME),
        (S.ACCEPTED, TOMORROW, None, B.ACCEPTED_ON_TIME),  # never recorded: not a charge
        (S.REPORTED, YESTERDAY, None, B.REPORTED),  # the school has done its part
        (S.REPORTED, TOMORROW, None, B.REPORTED),
        (S.ASSIGNED, YESTERDAY, None, B.OVERDUE),
        (S.IN_PROGRESS, YESTERDAY, None, B.OVERDUE),
        (S.RETURNED, YESTERDAY, None, B.OVERDUE),
        (S.ASSIGNED, TODAY, None, B.OPEN),  # due today is not overdue yet
        (S.RETURNED, TOMORROW, None, B.OPEN),
        (S.IN_PROGRESS, None, None, B.OPEN),  # ongoing: never overdue
    ],
)
def test_bucket(
    status: Status, due_on: date | None, on_time: bool | None, expected: Bucket
) -> None:
    assert bucket(status, due_on, on_time, today=TODAY) is expected


def test_returned_is_counted_in_its_bucket_too() -> None:
    overdue = count_one(S.RETURNED, YESTERDAY, None, today=TODAY)
    assert (overdue.overdue, overdue.open, overdue.returned) == (1, 0, 1)
    not_due = count_one(S.RETURNED, TOMORROW, None, today=TODAY)
    assert (not_due.overdue, not_due.open, not_due.returned) == (0, 1, 1)


def test_extension_pending_is_a_subset_and_ends_with_acceptance() -> None:
    waiting = count_one(S.IN_PROGRESS, YESTERDAY, None, today=TODAY, extension_pending=True)
    assert (waiting.total, waiting.overdue, waiting.extension_pending) == (1, 1, 1)
    reported = count_one(S.REPORTED, YESTERDAY, None, today=TODAY, extension_pending=True)
    assert reported.extension_pending == 1
    accepted = count_one(S.ACCEPTED, YESTERDAY, True, today=TODAY, extension_pending=True)
    assert accepted.extension_pending == 0


def test_add_and_done() -> None:
    a = Counts(total=3, accepted_on_time=1, accepted_late=1, open=1, returned=1)
    b = Counts(total=2, overdue=1, reported=1, extension_pending=1)
    total = a.add(b)
    assert total == Counts(
        total=5,
        accepted_on_time=1,
        accepted_late=1,
        reported=1,
        overdue=1,
        open=1,
        returned=1,
        extension_pending=1,
    )
    assert (total.done, total.not_done) == (2, 3)
    assert ZERO.add(a) == a


assignments = st.lists(
    st.tuples(
        st.sampled_from(Status),
        st.none() | st.dates(date(2025, 1, 1), date(2027, 12, 31)),
        st.none() | st.booleans(),
        st.booleans(),
    ),
    max_size=60,
)


@given(rows=assignments, today=st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_counts_add_up_to_the_total(
    rows: list[tuple[Status, date | None, bool | None, bool]], today: date
) -> None:
    counts = reduce(
        Counts.add,
        (count_one(s, d, t, today=today, extension_pending=e) for s, d, t, e in rows),
        ZERO,
    )
    assert counts.total == len(rows)
    assert (
        counts.accepted_on_time + counts.accepted_late + counts.reported + counts.overdue
        == counts.total - counts.open
    )
    assert counts.done == sum(1 for s, *_ in rows if s is S.ACCEPTED)
    assert counts.returned == sum(1 for s, *_ in rows if s is S.RETURNED)
    assert counts.returned <= counts.open + counts.overdue
    assert counts.extension_pending <= counts.total - counts.done
    assert counts.overdue == sum(
        1
        for s, d, *_ in rows
        if s in {S.ASSIGNED, S.IN_PROGRESS, S.RETURNED} and d is not None and d < today
    )


@given(rows=assignments, split=st.integers(0, 60), today=st.dates())
def test_adding_parts_equals_counting_the_whole(
    rows: list[tuple[Status, date | None, bool | None, bool]], split: int, today: date
) -> None:
    def count(part: list[tuple[Status, date | None, bool | None, bool]]) -> Counts:
        return reduce(
            Counts.add,
            (count_one(s, d, t, today=today, extension_pending=e) for s, d, t, e in part),
            ZERO,
        )

    assert count(rows[:split]).add(count(rows[split:])) == count(rows)


# ---------------------------------------------------------------- under control


@pytest.mark.parametrize(
    ("tracked", "kind", "removed", "total", "done", "expected"),
    [
        (True, DeadlineKind.DATE, False, 3, 2, True),  # one school still owes
        (True, DeadlineKind.DATE, False, 3, 3, False),  # all accepted
        (True, DeadlineKind.RELATIVE, False, 1, 1, False),
        (True, DeadlineKind.NONE, False, 0, 0, True),  # never assigned: nothing done yet
        (True, DeadlineKind.ONGOING, False, 3, 3, True),  # «постоянно» until removed
        (True, DeadlineKind.PERIODIC, False, 3, 3, True),
        (True, DeadlineKind.PERIODIC, False, 0, 0, True),
        (True, DeadlineKind.ONGOING, True, 3, 3, False),  # removed ends it
        (True, DeadlineKind.DATE, True, 3, 0, False),  # removed, open assignments or not
        (False, DeadlineKind.NONE, False, 0, 0, False),  # «принять к сведению»
    ],
)
def test_under_control(
    *, tracked: bool, kind: DeadlineKind, removed: bool, total: int, done: int, expected: bool
) -> None:
    assert (
        under_control(
            tracked=tracked,
            deadline_kind=kind,
            removed_from_control=removed,
            total=total,
            done=done,
        )
        is expected
    )


@given(
    tracked=st.booleans(),
    kind=st.sampled_from(DeadlineKind),
    removed=st.booleans(),
    total=st.integers(0, 1000),
    data=st.data(),
)
def test_under_control_properties(
    tracked: bool, kind: DeadlineKind, removed: bool, total: int, data: st.DataObject
) -> None:
    done = data.draw(st.integers(0, total))
    result = under_control(
        tracked=tracked, deadline_kind=kind, removed_from_control=removed, total=total, done=done
    )
    if removed or not tracked:
        assert not result
    elif kind in {DeadlineKind.ONGOING, DeadlineKind.PERIODIC}:
        assert result
    else:
        assert result == (done < total or total == 0)
