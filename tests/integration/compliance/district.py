"""A bigger district for the compliance tests, built through the services, and the figures
counted independently: straight from the ``assignment`` and ``extension_request`` rows, in
plain Python, without ``tracker.compliance``."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tests.support.http import PASSWORD
from tests.support.world import World, actor_of
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.assignments import services as assignments
from tracker.assignments.tables import Assignment, ExtensionRequest
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule, Period
from tracker.meetings import services as meetings
from tracker.schools import services as schools
from tracker.schools.services import AllSchools, ChosenSchools

FIELDS = (
    "total",
    "accepted_on_time",
    "accepted_late",
    "reported",
    "overdue",
    "open",
    "returned",
    "extension_pending",
)


@dataclass
class District:
    world: World
    schools: list[int] = field(default_factory=list)
    """Every school: the world's three, then five more."""
    school_actors: dict[int, Actor] = field(default_factory=dict)
    old_meeting: int = 0
    """Held 10.01.2024: a dated decision long past due, an ongoing one, a periodic one
    (two quarters assigned), a recommendation due 2031, «принять к сведению»."""
    old_decisions: list[int] = field(default_factory=list)
    new_meeting: int = 0
    """Held 01.10.2026: one decision due 01.11.2026."""
    new_decisions: list[int] = field(default_factory=list)
    scenarios: Counter[str] = field(default_factory=Counter)


def rule(kind: DeadlineKind, on: date | None = None, **extra: Any) -> DeadlineRule:
    return DeadlineRule(kind=kind, date=on, text="", **extra)


async def _meeting(
    on: date, number: str, decisions: list[meetings.DecisionDraft]
) -> tuple[int, list[int]]:
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title=f"Совещание № {number}", date=on, number=number, decisions=tuple(decisions)
        ),
    )
    return created.id, [decision_id for decision_id, _ in created.decisions]


SCENARIOS = (
    "assigned",
    "started",
    "reported",
    "accepted",
    "returned",
    "returned_reported",
    "extension",
    "extension_reported",
    "extension_rejected",
    "returned_extension",
)


async def _play(head: Actor, school: Actor, assignment_id: int, scenario: str) -> None:
    """Drive one assignment through the services to the state the scenario names."""

    async def extend() -> int:
        return await assignments.request_extension(
            school, assignment_id, due_on=date(2035, 1, 1), reason="Ремонт", today=date(2026, 1, 1)
        )

    if scenario == "started":
        await assignments.start(school, assignment_id)
    if scenario in {"extension", "extension_reported", "extension_rejected"}:
        request_id = await extend()
        if scenario == "extension_rejected":
            await assignments.decide_extension(head, request_id, approve=False)
    if scenario in {"reported", "accepted", "returned", "returned_reported", "extension_reported"}:
        await assignments.submit_report(school, assignment_id, text="Исполнено.")
    if scenario == "returned_extension":
        await assignments.submit_report(school, assignment_id, text="Исполнено.")
    if scenario == "accepted":
        await assignments.accept(head, assignment_id)
    if scenario in {"returned", "returned_reported", "returned_extension"}:
        await assignments.return_for_rework(head, assignment_id, comment="Нет плана.")
    if scenario == "returned_reported":
        await assignments.submit_report(school, assignment_id, text="Исполнено, план приложен.")
    if scenario == "returned_extension":
        await extend()


async def make_district(world: World, *, seed: int = 5) -> District:
    district = District(world=world)
    head = await actor_of(world, "head")
    district.school_actors[world.schools["a"]] = await actor_of(world, "school_a")
    district.school_actors[world.schools["b"]] = await actor_of(world, "school_b")
    for n in range(5, 10):
        short = f"МБОУ СОШ № {n}"
        school_id = await schools.create_school(
            None,
            name=f"Муниципальное учреждение {short}",
            short_name=short,
            group_ids=[world.groups["СОШ"]],
        )
        user_id = await accounts.create_user(
            None,
            email=f"school{n}@example.ru",
            role="school",
            password=PASSWORD,
            school_id=school_id,
        )
        found = await accounts.actor_for_user(user_id)
        assert found is not None
        district.school_actors[school_id] = found
    user_id = await accounts.create_user(
        None,
        email="school_c@example.ru",
        role="school",
        password=PASSWORD,
        school_id=world.schools["c"],
    )
    found = await accounts.actor_for_user(user_id)
    assert found is not None
    district.school_actors[world.schools["c"]] = found
    district.schools = list(district.school_actors)

    district.old_meeting, district.old_decisions = await _meeting(
        date(2024, 1, 10),
        "1",
        [
            meetings.DecisionDraft(
                number="1",
                text="Обеспечить отчёт.",
                deadline=rule(DeadlineKind.DATE, date(2024, 3, 1)),
            ),
            meetings.DecisionDraft(
                number="2", text="Постоянно информировать.", deadline=rule(DeadlineKind.ONGOING)
            ),
            meetings.DecisionDraft(
                number="3",
                text="Ежеквартально представлять сведения.",
                deadline=rule(DeadlineKind.PERIODIC, period=Period.QUARTERLY, days=5),
            ),
            meetings.DecisionDraft(
                number="4",
                kind="recommendation",
                text="Рекомендовать.",
                deadline=rule(DeadlineKind.DATE, date(2031, 1, 1)),
            ),
            meetings.DecisionDraft(number="5", kind="information", text="Принять к сведению."),
        ],
    )
    district.new_meeting, district.new_decisions = await _meeting(
        date(2026, 10, 1),
        "3",
        [
            meetings.DecisionDraft(
                number="1", text="Провести.", deadline=rule(DeadlineKind.DATE, date(2026, 11, 1))
            )
        ],
    )
    dated, ongoing, periodic, recommendation, _ = district.old_decisions
    await assignments.assign(head, dated, AllSchools())
    await assignments.assign(head, ongoing, AllSchools())
    await assignments.assign(head, periodic, AllSchools(), today=date(2024, 2, 10))
    await assignments.assign(head, periodic, AllSchools(), today=date(2024, 5, 10))
    await assignments.assign(head, recommendation, ChosenSchools(tuple(district.schools[::2])))
    await assignments.assign(head, district.new_decisions[0], AllSchools())
    await assignments.assign(head, world.decisions[0], AllSchools())  # the new schools too

    rng = random.Random(seed)
    rows = await Assignment.select(Assignment.id, Assignment.school).order_by(Assignment.id)
    for index, row in enumerate(rows):
        # every scenario at least once, the rest at random
        scenario = SCENARIOS[index] if index < len(SCENARIOS) else rng.choice(SCENARIOS)
        await _play(head, district.school_actors[row["school"]], row["id"], scenario)
        district.scenarios[scenario] += 1
    return district


# ---------------------------------------------------------------- the independent count


async def assignment_rows() -> list[dict[str, Any]]:
    return list(
        await Assignment.select(
            Assignment.id,
            Assignment.decision,
            Assignment.school,
            Assignment.status,
            Assignment.due_on,
            Assignment.accepted_on_time,
            Assignment.decision.meeting.as_alias("meeting"),
        )
    )


async def count_independently(
    today: date,
    *,
    meeting_id: int | None = None,
    decision_ids: set[int] | None = None,
    school_ids: set[int] | None = None,
) -> dict[tuple[int, int], Counter[str]]:
    """(decision, school) → figures, from the rows, by the issue's wording: accepted on time or
    late; a report on review; waiting for the school and past due (overdue) or not (open);
    returned; an extension request still pending on an assignment not accepted."""
    pending = {
        r["assignment"]
        for r in await ExtensionRequest.select(ExtensionRequest.assignment).where(
            ExtensionRequest.status == "pending"
        )
    }
    cells: dict[tuple[int, int], Counter[str]] = {}
    for r in await assignment_rows():
        if meeting_id is not None and r["meeting"] != meeting_id:
            continue
        if decision_ids is not None and r["decision"] not in decision_ids:
            continue
        if school_ids is not None and r["school"] not in school_ids:
            continue
        cell = cells.setdefault((r["decision"], r["school"]), Counter(dict.fromkeys(FIELDS, 0)))
        cell["total"] += 1
        status = r["status"]
        if status == "accepted":
            cell["accepted_on_time" if r["accepted_on_time"] else "accepted_late"] += 1
        elif status == "reported":
            cell["reported"] += 1
        elif r["due_on"] is not None and r["due_on"] < today:
            cell["overdue"] += 1
        else:
            cell["open"] += 1
        if status == "returned":
            cell["returned"] += 1
        if r["id"] in pending and status != "accepted":
            cell["extension_pending"] += 1
    return cells


def summed(
    cells: dict[tuple[int, int], Counter[str]],
    *,
    decision: int | None = None,
    school: int | None = None,
) -> dict[str, int]:
    total: Counter[str] = Counter(dict.fromkeys(FIELDS, 0))
    for (d, s), cell in cells.items():
        if (decision is None or d == decision) and (school is None or s == school):
            total.update(cell)
    return {f: total[f] for f in FIELDS}
