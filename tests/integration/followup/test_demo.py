"""The follow-up on the demo district: figures against an independent count, frozen, adopted."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.followup.test_services import independent_count, meeting
from tracker import clock
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor, Role
from tracker.assignments import services as assignments
from tracker.assignments.lifecycle import OPEN_STATUSES
from tracker.assignments.tables import Assignment
from tracker.demo import DEMO_PASSWORD, DemoSummary, load_demo
from tracker.followup import services as followup
from tracker.followup.snapshot import ProposalKind
from tracker.schools.tables import School


async def staff(role: Role, summary: DemoSummary) -> Actor:
    email = next(e for label, e, _ in summary.logins if label == role.label)
    actor = await accounts.authenticate(email, DEMO_PASSWORD)
    assert actor is not None
    return actor


async def test_follow_up_of_the_demo_district(clean_db: None) -> None:
    summary = await load_demo()
    today = clock.today()
    secretary = await staff(Role.SECRETARY, summary)
    head = await staff(Role.HEAD, summary)
    admin = await staff(Role.ADMIN, summary)
    new_meeting, _ = await meeting(today + timedelta(days=7))
    names = {r["id"]: r["short_name"] for r in await School.select(School.id, School.short_name)}

    # compiled: every figure as counted here from the assignment rows
    view = await followup.compile_follow_up(
        secretary, new_meeting, as_of=today, speaker="Рыбина Л.Д."
    )
    assert view.agenda_title == "О ходе исполнения решений совещания от 05.02.2020"
    assert view.items
    for item in view.items:
        s = item.snapshot
        expected = await independent_count(s.decision_id, today)
        assert (s.total, s.done, s.late, s.reported, s.overdue) == (
            expected["total"],
            expected["done"],
            expected["late"],
            expected["reported"],
            expected["overdue"],
        )
        assert set(s.overdue_schools) == {names[i] for i in expected["overdue_school_ids"]}
        assert set(s.lagging_school_ids) == expected["lagging_school_ids"]
    instructed = [i for i in view.items if i.proposal is ProposalKind.INSTRUCT]
    assert instructed, "the demo has overdue assignments"

    # reports arriving later change nothing of the snapshot
    target = instructed[0]
    rows = await assignments.list_assignments(head, decision_id=target.decision_id, today=today)
    waiting = next(r for r in rows if r.status in OPEN_STATUSES)
    school = await accounts.actor_for_user(
        next(u.id for u in await accounts.list_users(admin) if u.school_id == waiting.school_id)
    )
    assert school is not None
    await assignments.submit_report(school, waiting.id, text="Исполнено.")
    await assignments.accept(head, waiting.id)
    again = await followup.get_follow_up(head, new_meeting)
    assert again is not None
    assert [i.snapshot for i in again.items] == [i.snapshot for i in view.items]

    # adopted: each instruction assigned to its lagging schools only
    adopted = await followup.adopt(secretary, view.id)
    for item in adopted.items:
        assert item.new_decision_id is not None
        rows = await Assignment.select(Assignment.school, Assignment.due_on).where(
            Assignment.decision == item.new_decision_id
        )
        if item.proposal is ProposalKind.INSTRUCT:
            assert {r["school"] for r in rows} == set(item.snapshot.lagging_school_ids)
            assert {r["due_on"] for r in rows} == {item.extend_to}
        else:
            assert rows == []
