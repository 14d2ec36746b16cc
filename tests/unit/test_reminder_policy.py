"""The reminder policy: which reminders an assignment calls for on a given day. Pure."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.calendar.production import load_calendar
from tracker.calendar.workdays import WEEKENDS_ONLY, WorkCalendar
from tracker.reminders.policy import (
    DEFAULT_POLICY,
    Audience,
    ReminderPolicy,
    events,
    horizon,
    parse_day_list,
    working_days_between,
)

RU = load_calendar()


def kinds(
    due: date, today: date, calendar: WorkCalendar = WEEKENDS_ONLY, **policy: object
) -> set[str]:
    chosen = ReminderPolicy(**policy) if policy else DEFAULT_POLICY  # type: ignore[arg-type]
    return {e.kind for e in events(1, due, today=today, calendar=calendar, policy=chosen)}


# Friday 1 March 2030 (past the shipped calendar: weekends only)
DUE = date(2030, 3, 1)


def test_stages_before_the_due_date() -> None:
    assert kinds(DUE, date(2030, 2, 25)) == set()  # 4 working days left
    assert kinds(DUE, date(2030, 2, 26)) == {"before_3"}
    assert kinds(DUE, date(2030, 2, 27)) == {"before_3"}  # same stage: same key, sent once
    assert kinds(DUE, date(2030, 2, 28)) == {"before_1"}
    assert kinds(DUE, DUE) == {"due"}


def test_stages_after_the_due_date() -> None:
    assert kinds(DUE, date(2030, 3, 4)) == {"overdue", "overdue_notice"}
    assert kinds(DUE, date(2030, 3, 8)) == {"overdue", "overdue_notice", "escalation"}


def test_repeating_overdue_reminder_keys_by_its_scheduled_day() -> None:
    def key(today: date) -> date:
        (found,) = [
            e
            for e in events(1, DUE, today=today, calendar=WEEKENDS_ONLY, policy=DEFAULT_POLICY)
            if e.kind == "overdue"
        ]
        return found.key_on

    # working days late: Mon 4 → 1, Tue 5 → 2, Wed 6 → 3, Thu 7 → 4, Fri 8 → 5
    assert key(date(2030, 3, 4)) == date(2030, 3, 4)
    assert key(date(2030, 3, 6)) == date(2030, 3, 4)
    assert key(date(2030, 3, 7)) == date(2030, 3, 7)
    assert key(date(2030, 3, 12)) == date(2030, 3, 12)  # 7th working day late


def test_no_repeat_when_the_policy_says_once() -> None:
    first = events(
        1,
        DUE,
        today=date(2030, 3, 4),
        calendar=WEEKENDS_ONLY,
        policy=ReminderPolicy(overdue_every_working_days=0),
    )
    later = events(
        1,
        DUE,
        today=date(2030, 4, 15),
        calendar=WEEKENDS_ONLY,
        policy=ReminderPolicy(overdue_every_working_days=0),
    )
    assert {e.key_on for e in first if e.kind == "overdue"} == {
        e.key_on for e in later if e.kind == "overdue"
    }


def test_due_on_a_day_off_is_reminded_on_the_last_working_day_before() -> None:
    saturday = date(2030, 3, 2)
    assert kinds(saturday, date(2030, 3, 1)) == {"due"}
    assert kinds(saturday, date(2030, 2, 28)) == {"before_1"}


def test_nothing_is_sent_on_a_day_off() -> None:
    assert kinds(DUE, date(2030, 3, 9)) == set()  # Saturday, overdue
    # 4 November 2025 is National Unity Day; 1 November 2025 a working Saturday
    assert kinds(date(2025, 11, 7), date(2025, 11, 4), RU) == set()
    assert kinds(date(2025, 11, 5), date(2025, 11, 1), RU) == {"before_1"}


def test_the_production_calendar_counts_the_days() -> None:
    # due Monday 12 May 2025; 8 and 9 May are holidays in 2025: Wed 7 May has 1 working day left
    assert kinds(date(2025, 5, 12), date(2025, 5, 7), RU) == {"before_1"}
    assert kinds(date(2025, 5, 12), date(2025, 5, 5), RU) == {"before_3"}


def test_features_switched_off() -> None:
    quiet = {"before_working_days": (), "on_due_day": False, "notify_head_on_overdue": False}
    assert kinds(DUE, date(2030, 2, 28), **quiet) == set()
    assert kinds(DUE, DUE, **quiet) == set()
    assert kinds(DUE, date(2030, 3, 4), **quiet) == {"overdue"}
    assert kinds(DUE, date(2030, 3, 20), escalate_after_days=0) == {"overdue", "overdue_notice"}


def test_audiences() -> None:
    found = events(1, DUE, today=date(2030, 3, 8), calendar=WEEKENDS_ONLY, policy=DEFAULT_POLICY)
    assert {e.kind: e.audience for e in found} == {
        "overdue": Audience.SCHOOL,
        "overdue_notice": Audience.HEAD,
        "escalation": Audience.HEAD,
    }


def test_problems_are_named_in_russian() -> None:
    bad = ReminderPolicy(before_working_days=(0,), digest_hour=24, overdue_every_working_days=-1)
    assert set(bad.problems()) == {
        "before_working_days",
        "digest_hour",
        "overdue_every_working_days",
    }
    assert DEFAULT_POLICY.problems() == {}


def test_parse_day_list() -> None:
    assert parse_day_list("3, 1") == (3, 1)
    assert parse_day_list("1;3 3") == (3, 1)
    assert parse_day_list("") == ()
    assert parse_day_list("3, x") is None
    assert parse_day_list("²") is None


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31))
policies = st.builds(
    ReminderPolicy,
    before_working_days=st.lists(st.integers(1, 10), max_size=3, unique=True).map(
        lambda xs: tuple(sorted(xs, reverse=True))
    ),
    on_due_day=st.booleans(),
    overdue_every_working_days=st.integers(0, 10),
    escalate_after_days=st.integers(0, 30),
    notify_head_on_overdue=st.booleans(),
)


near = st.tuples(days, st.integers(-60, 60)).map(lambda p: (p[0], p[0] + timedelta(days=p[1])))


@given(pair=near, policy=policies)
def test_a_reminder_is_keyed_so_that_each_goes_out_once(
    pair: tuple[date, date], policy: ReminderPolicy
) -> None:
    due, today = pair
    found = events(1, due, today=today, calendar=RU, policy=policy)
    keys = [(e.kind, e.key_on) for e in found]
    assert len(keys) == len(set(keys))
    for event in found:
        assert event.key_on <= today or event.key_on == due
        if event.kind != "overdue":
            assert event.key_on == due  # once per due date
        else:
            assert RU.is_working_day(event.key_on)
            assert due < event.key_on <= today


@given(pair=near, policy=policies)
def test_the_sweep_horizon_covers_every_reminder_before_the_due_date(
    pair: tuple[date, date], policy: ReminderPolicy
) -> None:
    due, today = pair
    found = events(1, due, today=today, calendar=RU, policy=policy)
    if due >= today and found:
        assert due <= horizon(today, RU, policy)


@given(due=days, lead=st.integers(0, 40), policy=policies)
def test_reminders_before_the_due_date_fall_on_working_days_only(
    due: date, lead: int, policy: ReminderPolicy
) -> None:
    """Sweeping every day of the run-up: each (kind, key) is met on working days only."""
    seen: dict[tuple[str, date], list[date]] = {}
    day = due - timedelta(days=lead)
    while day <= due:
        for e in events(1, due, today=day, calendar=RU, policy=policy):
            seen.setdefault((e.kind, e.key_on), []).append(day)
        day += timedelta(days=1)
    for met in seen.values():
        working = [d for d in met if RU.is_working_day(d)]
        assert working == met


@given(a=days, b=days)
def test_working_days_between_counts_the_calendar(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    count = working_days_between(start, end, RU)
    assert 0 <= count <= (end - start).days
    assert working_days_between(end, start, RU) == 0
