"""The draft proposal of a follow-up item: which kind, its Russian wording, its new date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.calendar.deadlines import DeadlineKind
from tracker.calendar.workdays import WorkCalendar
from tracker.followup.proposals import draft_proposal, proposal_text
from tracker.followup.snapshot import DecisionSnapshot, ProposalKind

TODAY = date(2026, 11, 20)  # a Friday

BASE = DecisionSnapshot(
    decision_id=1,
    meeting_id=1,
    meeting_date=date(2026, 2, 5),
    meeting_number="1",
    meeting_title="Совещание",
    number="3",
    text="Обеспечить участие педагогов в семинарах.",
    deadline_kind=DeadlineKind.DATE.value,
    deadline_text="до 01.10.2026",
    due_on=date(2026, 10, 1),
    total=3,
    on_time=1,
    late=0,
    reported=0,
    overdue=2,
    open=0,
    returned=0,
    extension_pending=0,
    overdue_school_ids=(11, 12),
    overdue_schools=("МБОУ СОШ № 1", "МБОУ СОШ № 2"),
    lagging_school_ids=(11, 12),
    lagging_schools=("МБОУ СОШ № 1", "МБОУ СОШ № 2"),
)


def test_all_done_is_removed_from_control() -> None:
    snapshot = replace(
        BASE,
        on_time=2,
        late=1,
        overdue=0,
        overdue_school_ids=(),
        overdue_schools=(),
        lagging_school_ids=(),
        lagging_schools=(),
    )
    kind, text, extend_to = draft_proposal(snapshot, today=TODAY)
    assert kind is ProposalKind.REMOVE
    assert text == "Снять с контроля п. 3 решения совещания от 05.02.2026 в связи с исполнением."
    assert extend_to is None


def test_overdue_schools_are_instructed_by_name_in_ten_working_days() -> None:
    kind, text, extend_to = draft_proposal(BASE, today=TODAY)
    assert kind is ProposalKind.INSTRUCT
    assert extend_to == date(2026, 12, 4)  # two weeks of working days after a Friday
    assert text == (
        "Руководителям МБОУ СОШ № 1, МБОУ СОШ № 2 обеспечить исполнение п. 3 решения "
        "совещания от 05.02.2026 в срок до 04.12.2026."
    )


def test_the_production_calendar_moves_the_new_date() -> None:
    holiday = WorkCalendar(holidays=frozenset({date(2026, 11, 23)}))
    assert draft_proposal(BASE, today=TODAY, calendar=holiday)[2] == date(2026, 12, 7)


def test_ongoing_and_periodic_stay_under_control_even_when_overdue() -> None:
    ongoing = replace(BASE, deadline_kind=DeadlineKind.ONGOING.value, deadline_text="", due_on=None)
    kind, text, extend_to = draft_proposal(ongoing, today=TODAY)
    assert (kind, extend_to) == (ProposalKind.KEEP, None)
    assert text == (
        "Оставить на контроле п. 3 решения совещания от 05.02.2026 (срок исполнения — постоянно)."
    )
    periodic = replace(BASE, deadline_kind=DeadlineKind.PERIODIC.value, deadline_text="ежемесячно")
    assert draft_proposal(periodic, today=TODAY)[0] is ProposalKind.KEEP


def test_not_yet_due_is_kept() -> None:
    snapshot = replace(BASE, overdue=0, open=2, overdue_school_ids=(), overdue_schools=())
    kind, text, _ = draft_proposal(snapshot, today=TODAY)
    assert kind is ProposalKind.KEEP
    assert text.endswith("(срок исполнения — до 01.10.2026).")


def test_a_decision_without_number_and_the_extend_wording() -> None:
    snapshot = replace(BASE, number="")
    assert proposal_text(ProposalKind.REMOVE, snapshot, None) == (
        "Снять с контроля решение совещания от 05.02.2026 в связи с исполнением."
    )
    assert proposal_text(ProposalKind.EXTEND, BASE, date(2026, 12, 25)) == (
        "Продлить срок исполнения п. 3 решения совещания от 05.02.2026 до 25.12.2026."
    )


@st.composite
def snapshots(draw: st.DrawFn) -> DecisionSnapshot:
    buckets = draw(st.lists(st.integers(0, 5), min_size=5, max_size=5))
    on_time, late, reported, overdue, open_ = buckets
    lagging = reported + overdue + open_
    names = tuple(f"МБОУ СОШ № {n}" for n in range(1, lagging + 1))
    kind = draw(st.sampled_from(list(DeadlineKind)))
    return replace(
        BASE,
        number=draw(st.sampled_from(["", "1", "2.1"])),
        deadline_kind=kind.value,
        deadline_text=draw(st.sampled_from(["", "до 01.10.2026", "ежеквартально"])),
        due_on=draw(st.none() | st.dates(date(2020, 1, 1), date(2030, 1, 1))),
        total=sum(buckets),
        on_time=on_time,
        late=late,
        reported=reported,
        overdue=overdue,
        open=open_,
        overdue_school_ids=tuple(range(1, overdue + 1)),
        overdue_schools=names[:overdue],
        lagging_school_ids=tuple(range(1, lagging + 1)),
        lagging_schools=names,
    )


@given(snapshots(), st.dates(date(2020, 1, 1), date(2035, 1, 1)))
def test_a_proposal_is_always_well_formed(snapshot: DecisionSnapshot, today: date) -> None:
    kind, text, extend_to = draft_proposal(snapshot, today=today)
    assert isinstance(kind, ProposalKind)
    assert text.strip()
    assert text.endswith(".")
    assert f"{snapshot.meeting_date:%d.%m.%Y}" in text
    if kind in {ProposalKind.EXTEND, ProposalKind.INSTRUCT}:
        assert extend_to is not None
        assert today < extend_to <= today + timedelta(days=30)
        assert f"{extend_to:%d.%m.%Y}" in text
    else:
        assert extend_to is None
    if kind is ProposalKind.REMOVE:
        assert snapshot.done == snapshot.total > 0
    if kind is ProposalKind.INSTRUCT:
        assert snapshot.overdue > 0
        assert all(name in text for name in snapshot.lagging_schools)
