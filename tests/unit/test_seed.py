"""The synthetic district's plan: pure, no database (``tracker.seed``)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tracker.accounts.passwords import password_problem
from tracker.assignments.lifecycle import Status
from tracker.calendar.deadlines import DeadlineKind
from tracker.compliance.rules import Counts, bucket
from tracker.seed import (
    ASSIGNMENT_COLUMNS,
    EXTENSION_COLUMNS,
    SEED_PASSWORD,
    SeedError,
    Tally,
    assignment_rows,
    check_size,
    make_plan,
    school_names,
)

TODAY = date(2026, 3, 2)


def rows(
    schools: int, decisions: int
) -> tuple[list[dict[str, object]], list[dict[str, object]], Counts]:
    tally = Tally()
    assignments: list[dict[str, object]] = []
    requests: list[dict[str, object]] = []
    for chunk, _, asked in assignment_rows(make_plan(schools, decisions, TODAY), tally):
        assignments += [dict(zip(ASSIGNMENT_COLUMNS, row, strict=True)) for row in chunk]
        requests += [dict(zip(EXTENSION_COLUMNS, row, strict=True)) for row in asked]
    return assignments, requests, tally.counts()


def test_every_decision_goes_to_every_school_once() -> None:
    assignments, _, counts = rows(13, 17)

    assert counts.total == len(assignments) == 13 * 17
    assert len({(a["decision"], a["school"]) for a in assignments}) == 13 * 17
    assert [a["id"] for a in assignments] == list(range(1, 13 * 17 + 1))


def test_the_tally_is_what_the_compliance_rules_make_of_the_rows() -> None:
    assignments, requests, counts = rows(40, 30)
    pending = {r["assignment"] for r in requests if r["status"] == "pending"}

    by_rule: Counter[str] = Counter()
    for a in assignments:
        status = Status(str(a["status"]))
        due = a["due_on"]
        assert due is None or isinstance(due, date)
        on_time = a["accepted_on_time"]
        assert on_time is None or isinstance(on_time, bool)
        by_rule[bucket(status, due, on_time, today=TODAY).value] += 1
        by_rule["returned"] += status is Status.RETURNED
        by_rule["extension_pending"] += a["id"] in pending and status is not Status.ACCEPTED
    by_rule["total"] = len(assignments)

    assert counts == Counts(**{field: by_rule[field] for field in Counts._fields})
    assert all(field > 0 for field in counts), counts


def test_the_mix_is_repeatable() -> None:
    assert rows(9, 12) == rows(9, 12)


def test_the_decisions_mix_deadline_kinds_and_the_schools_kinds() -> None:
    plan = make_plan(30, 40, TODAY)
    kinds = Counter(d.deadline_kind for d in plan.decisions)
    shorts = [school_names(k)[1] for k in range(1, 31)]

    assert set(kinds) == {
        DeadlineKind.DATE,
        DeadlineKind.RELATIVE,
        DeadlineKind.ONGOING,
        DeadlineKind.PERIODIC,
    }
    assert len(plan.meeting_days) == 24
    assert all(day < TODAY for day in plan.meeting_days)
    assert (plan.meeting_days[-1] - plan.meeting_days[0]).days > 300
    assert "МБОУ СОШ № 1" in shorts
    assert "МБДОУ «Детский сад № 2»" in shorts
    assert any(s.startswith("МБУ ДО") for s in shorts)
    assert len(set(shorts)) == len(shorts)


@pytest.mark.parametrize(
    ("schools", "decisions", "message"),
    [(0, 5, "--schools"), (5, 0, "--decisions"), (5001, 1, "--schools"), (3000, 3000, "at most")],
)
def test_sizes_out_of_range_are_refused(schools: int, decisions: int, message: str) -> None:
    with pytest.raises(SeedError, match=message):
        check_size(schools, decisions)


def test_the_seeded_password_meets_the_password_rules() -> None:
    assert password_problem(SEED_PASSWORD, email="school1@seed.example.ru") is None
    assert password_problem(SEED_PASSWORD, email="head@seed.example.ru") is None
