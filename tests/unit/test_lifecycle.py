"""The assignment lifecycle as data: every status × action, overdue rules, random walks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.assignments.lifecycle import (
    OPEN_STATUSES,
    STATUS_LABELS,
    Action,
    Status,
    allowed_actions,
    can_request_extension,
    is_closed,
    is_overdue,
    next_status,
)
from tracker.errors import ConflictError

S, A = Status, Action

EXPECTED: dict[tuple[Status, Action], Status] = {
    (S.ASSIGNED, A.START): S.IN_PROGRESS,
    (S.ASSIGNED, A.REPORT): S.REPORTED,
    (S.IN_PROGRESS, A.REPORT): S.REPORTED,
    (S.RETURNED, A.START): S.IN_PROGRESS,
    (S.RETURNED, A.REPORT): S.REPORTED,
    (S.REPORTED, A.ACCEPT): S.ACCEPTED,
    (S.REPORTED, A.RETURN): S.RETURNED,
}

ALL_PAIRS = [(status, action) for status in Status for action in Action]


@pytest.mark.parametrize(("status", "action"), [p for p in ALL_PAIRS if p in EXPECTED])
def test_allowed_action_gives_the_next_status(status: Status, action: Action) -> None:
    assert next_status(status, action) is EXPECTED[(status, action)]
    assert action in allowed_actions(status)


@pytest.mark.parametrize(("status", "action"), [p for p in ALL_PAIRS if p not in EXPECTED])
def test_any_other_action_is_a_conflict(status: Status, action: Action) -> None:
    with pytest.raises(ConflictError) as refused:
        next_status(status, action)
    assert refused.value.status_code == 409
    assert refused.value.message  # a Russian sentence for the user
    assert action not in allowed_actions(status)


def test_accepting_a_never_reported_assignment_is_refused() -> None:
    for status in (S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.ACCEPTED):
        with pytest.raises(ConflictError):
            next_status(status, A.ACCEPT)


def test_accepted_is_terminal_and_closed() -> None:
    assert allowed_actions(S.ACCEPTED) == frozenset()
    assert is_closed(S.ACCEPTED)
    assert not any(is_closed(s) for s in Status if s is not S.ACCEPTED)


def test_every_status_has_a_russian_label() -> None:
    assert set(STATUS_LABELS) == set(Status)
    assert S.RETURNED.label == "Возвращено на доработку"


def test_extensions_only_while_waiting_for_the_school() -> None:
    assert {s for s in Status if can_request_extension(s)} == {
        S.ASSIGNED,
        S.IN_PROGRESS,
        S.RETURNED,
    }


# ---------------------------------------------------------------- overdue

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_open_and_past_due_is_overdue(status: Status) -> None:
    assert is_overdue(status, TODAY - timedelta(days=1), TODAY)


@pytest.mark.parametrize("status", list(Status))
def test_due_today_or_later_is_not_overdue(status: Status) -> None:
    assert not is_overdue(status, TODAY, TODAY)
    assert not is_overdue(status, TODAY + timedelta(days=30), TODAY)


def test_reported_is_not_overdue_even_past_due() -> None:
    # The school has done its part; lateness is judged when the report is accepted.
    assert not is_overdue(S.REPORTED, date(2020, 1, 1), TODAY)


def test_accepted_is_never_overdue() -> None:
    assert not is_overdue(S.ACCEPTED, date(2020, 1, 1), TODAY)


@given(status=st.sampled_from(Status), today=st.dates())
def test_no_due_date_is_never_overdue(status: Status, today: date) -> None:
    assert not is_overdue(status, None, today)


@given(status=st.sampled_from(Status), due_on=st.dates(), today=st.dates())
def test_overdue_means_open_and_strictly_past_due(
    status: Status, due_on: date, today: date
) -> None:
    assert is_overdue(status, due_on, today) == (status in OPEN_STATUSES and due_on < today)


# ---------------------------------------------------------------- random action sequences


@given(actions=st.lists(st.sampled_from(Action), max_size=40))
def test_random_sequences_keep_a_valid_status_and_accepted_is_terminal(
    actions: list[Action],
) -> None:
    status = S.ASSIGNED
    for action in actions:
        before = status
        try:
            status = next_status(status, action)
        except ConflictError:
            assert action not in allowed_actions(before)
            assert status is before  # a refusal changes nothing
        else:
            assert before is not S.ACCEPTED  # nothing leaves ACCEPTED
            assert (before, action) in EXPECTED
        assert status in set(Status)
        if before is S.ACCEPTED:
            assert status is S.ACCEPTED


@given(actions=st.lists(st.sampled_from(Action), max_size=40))
def test_accepted_only_ever_follows_a_report(actions: list[Action]) -> None:
    status, previous = S.ASSIGNED, None
    for action in actions:
        try:
            new = next_status(status, action)
        except ConflictError:
            continue
        previous, status = status, new
        if status is S.ACCEPTED:
            assert previous is S.REPORTED
