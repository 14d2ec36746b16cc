"""The test world: a small district built through our own services (never raw inserts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tests.support.http import PASSWORD
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.assignments import services as assignments
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.meetings import services as meetings
from tracker.schools import services as schools


@dataclass
class World:
    groups: dict[str, int] = field(default_factory=dict)
    schools: dict[str, int] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    """Role name (or «school_a», «school_b») → e-mail."""
    user_ids: dict[str, int] = field(default_factory=dict)
    meeting_id: int = 0
    decisions: list[int] = field(default_factory=list)
    """Three decisions: an instruction due 2030-03-01, a recommendation, «принять к сведению»."""
    assignments: dict[str, int] = field(default_factory=dict)
    """School key («a», «b», «c») → its assignment of the first decision (due 2030-03-01)."""


async def make_world() -> World:
    world = World()
    for position, name in enumerate(["СОШ", "ДОУ"]):
        world.groups[name] = await schools.create_group(None, name=name, position=position)
    for key, short, group in [
        ("a", "МБОУ СОШ № 1", "СОШ"),
        ("b", "МБОУ СОШ № 2", "СОШ"),
        ("c", "МБДОУ «Детский сад № 4»", "ДОУ"),
    ]:
        world.schools[key] = await schools.create_school(
            None,
            name=f"Муниципальное учреждение {short}",
            short_name=short,
            group_ids=[world.groups[group]],
        )
    for key, role, school in [
        ("head", "head", None),
        ("secretary", "secretary", None),
        ("admin", "admin", None),
        ("school_a", "school", "a"),
        ("school_b", "school", "b"),
    ]:
        email = f"{key}@example.ru"
        world.users[key] = email
        world.user_ids[key] = await accounts.create_user(
            None,
            email=email,
            role=role,
            password=PASSWORD,
            full_name=key.replace("_", " ").title(),
            school_id=world.schools[school] if school else None,
        )
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей образовательных учреждений",
            date=date(2026, 2, 5),
            number="1",
            place="актовый зал",
            agenda=(meetings.AgendaDraft(title="Итоги мониторинга", speakers=("Рыбина Л.Д.",)),),
            decisions=(
                meetings.DecisionDraft(
                    number="1",
                    text="Обеспечить участие педагогов в семинарах.",
                    addressee="Руководителям образовательных учреждений",
                    agenda_item=1,
                    deadline=DeadlineRule(
                        kind=DeadlineKind.DATE, date=date(2030, 3, 1), text="до 01.03.2030"
                    ),
                ),
                meetings.DecisionDraft(
                    number="2", kind="recommendation", text="Рекомендовать обобщить опыт."
                ),
                meetings.DecisionDraft(
                    number="3", kind="information", text="Принять к сведению информацию."
                ),
            ),
        ),
    )
    world.meeting_id = created.id
    world.decisions = [decision_id for decision_id, _ in created.decisions]
    rows = await assignments.assign(None, world.decisions[0], schools.AllSchools())
    by_school = {school_id: key for key, school_id in world.schools.items()}
    world.assignments = {by_school[r.school_id]: r.id for r in rows}
    return world


async def actor_of(world: World, key: str) -> Actor:
    """The acting user of one of the world's accounts («head», «school_a» …)."""
    found = await accounts.actor_for_user(world.user_ids[key])
    assert found is not None
    return found
