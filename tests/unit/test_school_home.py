"""The school leader's home split into sections: each open assignment in exactly one, the
first cards of each nearest due date first, and every section's true size."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.assignments.lifecycle import Status
from tracker.assignments.services import HOME_SECTIONS, home_section, split_home

TODAY = date(2026, 11, 24)  # a Tuesday
WEEK_END = date(2026, 11, 27)  # that week's Friday


def test_each_state_lands_in_its_section() -> None:
    def where(status: Status, due_on: date | None) -> str | None:
        return home_section(status, due_on, today=TODAY, week_end=WEEK_END)

    yesterday = TODAY - timedelta(days=1)
    assert where(Status.ASSIGNED, yesterday) == "overdue"
    assert where(Status.RETURNED, yesterday) == "overdue"  # overdue before returned
    assert where(Status.RETURNED, TODAY) == "returned"
    assert where(Status.IN_PROGRESS, TODAY) == "week"
    assert where(Status.ASSIGNED, WEEK_END) == "week"
    assert where(Status.ASSIGNED, WEEK_END + timedelta(days=1)) == "open"
    assert where(Status.ASSIGNED, None) == "open"  # «постоянно»: never overdue
    assert where(Status.REPORTED, yesterday) == "review"  # the school has done its part
    assert where(Status.ACCEPTED, yesterday) is None


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(list(Status)),
        st.one_of(st.none(), st.dates(date(2026, 10, 1), date(2027, 1, 31))),
    ),
    max_size=60,
)


@given(rows=rows_strategy, limit=st.integers(0, 8), whole=st.sampled_from([None, *HOME_SECTIONS]))
def test_sections_cut_at_the_limit_keep_their_sizes(
    rows: list[tuple[Status, date | None]], limit: int, whole: str | None
) -> None:
    numbered = [(n + 1, status, due_on) for n, (status, due_on) in enumerate(rows)]
    split = split_home(numbered, today=TODAY, week_end=WEEK_END, limit=limit, whole=whole)
    everything = split_home(numbered, today=TODAY, week_end=WEEK_END, limit=None)

    due = {n: due_on for n, _, due_on in numbered}
    for key in HOME_SECTIONS:
        ids, total = split[key]
        members = [
            n for n, s, d in numbered if home_section(s, d, today=TODAY, week_end=WEEK_END) == key
        ]
        # the size is the whole section's, whatever is shown
        assert total == len(members) == everything[key][1]
        # the shown cards are the first of the whole section, nearest due date first
        expected = sorted(members, key=lambda n: (due[n] or date.max, n))
        assert ids == (expected if key == whole else expected[:limit])
    # accepted assignments are in no section
    shown = [n for ids, _ in everything.values() for n in ids]
    assert sorted(shown) == sorted(n for n, s, _ in numbered if s is not Status.ACCEPTED)
