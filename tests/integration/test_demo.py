"""The demo district loaded on the first start of ``tracker run``: built through the services,
alive relative to today, and only ever loaded into an empty database."""

from __future__ import annotations

from collections import Counter

import pytest

from tracker import clock
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor, Role
from tracker.assignments import services as assignments
from tracker.assignments.lifecycle import Status
from tracker.assignments.tables import ExtensionRequest, Report
from tracker.demo import ADDRESSEE, DEMO_PASSWORD, DemoAlreadyLoadedError, DemoSummary, load_demo
from tracker.meetings import services as meetings
from tracker.schools import services as schools


async def staff(role: Role, summary: DemoSummary) -> Actor:
    email = next(e for label, e, _ in summary.logins if label == role.label)
    actor = await accounts.authenticate(email, DEMO_PASSWORD)
    assert actor is not None
    return actor


async def test_demo_district(clean_db: None) -> None:
    # When the demo is loaded into an empty database
    summary = await load_demo()
    today = clock.today()
    head = await staff(Role.HEAD, summary)
    admin = await staff(Role.ADMIN, summary)

    # Then there are 15±3 schools, each in one of three groups
    groups = await schools.list_groups(admin)
    all_schools = await schools.list_schools(admin)
    assert len(groups) == summary.groups == 3
    assert 12 <= len(all_schools) == summary.schools <= 18
    assert sum(g.school_count for g in groups) == len(all_schools)
    assert all(len(s.groups) == 1 for s in all_schools)
    assert all(s.email.endswith("@sosnovka-edu.example.ru") for s in all_schools)

    # and one user per role, a school user for every school
    users = await accounts.list_users(admin)
    by_role = Counter(u.role for u in users)
    assert by_role == {
        Role.HEAD: 1,
        Role.SECRETARY: 1,
        Role.ADMIN: 1,
        Role.SCHOOL: len(all_schools),
    }
    assert {u.school_id for u in users if u.role is Role.SCHOOL} == {s.id for s in all_schools}
    assert next(u for u in users if u.role is Role.HEAD).full_name == "Нефёдова Марина Викторовна"

    # and the meeting of seed 004 as the protocol has it
    [meeting] = await meetings.list_meetings(head)
    detail = await meetings.get_meeting(head, meeting.id)
    assert (
        detail.meeting.title == "Совещание руководителей муниципальных образовательных учреждений"
    )
    assert detail.meeting.date.isoformat() == "2020-02-05"
    assert [a.speakers for a in detail.agenda] == [("Рыбина Л.Д.",)]
    assert [d.number for d in detail.decisions] == [str(n) for n in range(1, 10)]
    assert {d.addressee for d in detail.decisions} == {ADDRESSEE}
    assert {d.kind for d in detail.decisions} == {meetings.DecisionKind.INSTRUCTION}
    assert detail.decisions[0].text.startswith("Довести результаты мониторинга")

    # and every decision assigned to every active school
    active = {s.id for s in all_schools if s.is_active}
    items = await assignments.list_assignments(head, today=today)
    for decision in detail.decisions:
        assert {a.school_id for a in items if a.decision_id == decision.id} == active
    assert len(items) == summary.assignments == 9 * len(active)

    # and the assignments in every state: overdue, accepted on time and late, extensions
    assert {a.status for a in items} == set(Status)
    assert any(a.overdue for a in items)
    accepted = [a for a in items if a.status is Status.ACCEPTED]
    assert {a.accepted_on_time for a in accepted} == {True, False}
    due_dates = {a.due_on for a in items if a.due_on}
    assert min(due_dates) < today < max(due_dates)
    queue = await assignments.review_queue(head, today=today)
    assert queue.extensions  # pending extension requests
    assert queue.reports
    extensions = Counter(
        r["status"] for r in await ExtensionRequest.select(ExtensionRequest.status)
    )
    assert extensions["approved"] >= 1
    reports = await Report.select(Report.links, Report.outcome).output(load_json=True)
    assert len(reports) == summary.reports
    assert any(r["links"] for r in reports)
    assert {r["outcome"] for r in reports} == {"pending", "accepted", "returned"}

    # and the printed logins work, the school one for the school it names
    assert {label for label, _, _ in summary.logins} >= {Role.HEAD.label, Role.SECRETARY.label}
    for label, email, password in summary.logins:
        actor = await accounts.authenticate(email, password)
        assert actor is not None, email
        assert label.startswith(actor.role.label)
        if actor.role is Role.SCHOOL:
            school = await schools.get_school(actor, actor.school_id or 0)
            assert school.short_name == summary.login_school
            mine = await assignments.list_assignments(actor, today=today)
            assert {a.school_id for a in mine} == {school.id}


async def test_demo_refuses_a_database_with_users(clean_db: None) -> None:
    await accounts.create_user(
        None, email="admin@example.ru", role="admin", password="brave-kite-12"
    )
    with pytest.raises(DemoAlreadyLoadedError):
        await load_demo()
    assert await schools.list_groups(Actor(user_id=0, role=Role.ADMIN)) == []
