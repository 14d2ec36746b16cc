"""The stored form of a follow-up's snapshot: what is written reads back the same (the names
stored once for the follow-up, keyed by id as JSON keeps them), and what was written before the
ids-only form still reads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.followup.snapshot import DecisionSnapshot

BASE = DecisionSnapshot(
    decision_id=7,
    meeting_id=2,
    meeting_date=date(2026, 2, 5),
    meeting_number="3",
    meeting_title="Совещание руководителей",
    number="2.1",
    text="Обеспечить участие…",
    deadline_kind="date",
    deadline_text="до 01.03.2026",
    due_on=date(2026, 3, 1),
    total=4,
    on_time=1,
    late=0,
    reported=1,
    overdue=1,
    open=1,
    returned=0,
    extension_pending=0,
    overdue_school_ids=(12,),
    overdue_schools=("МБОУ СОШ № 2",),
    lagging_school_ids=(11, 12, 13),
    lagging_schools=("МБОУ СОШ № 1", "МБОУ СОШ № 2", "МБОУ СОШ № 3"),
)


def stored(snapshot: DecisionSnapshot) -> DecisionSnapshot:
    """Through the database's JSON text and back, the names as the follow-up keeps them."""
    names = json.loads(json.dumps(snapshot.school_names()))
    return DecisionSnapshot.from_json(json.loads(json.dumps(snapshot.to_json())), names)


@given(
    names=st.lists(st.text(min_size=1, max_size=20), max_size=30),
    overdue=st.sets(st.integers(0, 29)),
    due_on=st.none() | st.dates(date(2020, 1, 1), date(2030, 12, 31)),
)
def test_round_trip(names: list[str], overdue: set[int], due_on: date | None) -> None:
    ids = tuple(range(100, 100 + len(names)))
    late = [n for n in range(len(names)) if n in overdue]
    snapshot = replace(
        BASE,
        due_on=due_on,
        lagging_school_ids=ids,
        lagging_schools=tuple(names),
        overdue_school_ids=tuple(ids[n] for n in late),
        overdue_schools=tuple(names[n] for n in late),
    )
    assert stored(snapshot) == snapshot


def test_the_item_keeps_ids_only() -> None:
    data = BASE.to_json()
    assert data["lagging_school_ids"] == [11, 12, 13]
    assert data["overdue_school_ids"] == [12]
    assert "lagging_schools" not in data
    assert "overdue_schools" not in data
    assert BASE.school_names() == {11: "МБОУ СОШ № 1", 12: "МБОУ СОШ № 2", 13: "МБОУ СОШ № 3"}


def test_a_name_missing_from_the_follow_up_reads_as_its_number() -> None:
    found = DecisionSnapshot.from_json(BASE.to_json(), {"11": "МБОУ СОШ № 1"})
    assert found.lagging_schools == ("МБОУ СОШ № 1", "№ 12", "№ 13")
    assert found.overdue_schools == ("№ 12",)


def test_the_earlier_stored_form_still_reads() -> None:
    data = BASE.to_json()
    del data["overdue_school_ids"]
    data["lagging_schools"] = ["МБОУ СОШ № 1", "МБОУ СОШ № 2", "МБОУ СОШ № 3"]
    data["overdue_schools"] = ["МБОУ СОШ № 2"]
    assert DecisionSnapshot.from_json(data, {}) == BASE
