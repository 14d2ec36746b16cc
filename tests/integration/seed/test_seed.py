"""``tracker seed``: the synthetic district written to the real database (SQLite, or PostgreSQL
with TRACKER_TEST_DB=postgres), read back through the services."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tests.support.http import ApiClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.accounts.roles import Role
from tracker.assignments.lifecycle import Status
from tracker.assignments.tables import Assignment, ExtensionRequest, Report
from tracker.compliance.rules import Counts, bucket
from tracker.compliance.services import compliance
from tracker.meetings.tables import Decision, Meeting
from tracker.schools.tables import School, SchoolGroup, SchoolGroupMember
from tracker.seed import SeedError, SeedSummary, seed

TODAY = date(2026, 3, 2)
SCHOOLS = 20
DECISIONS = 30


@pytest.fixture
async def seeded(clean_db: None) -> SeedSummary:
    return await seed(SCHOOLS, DECISIONS, today=TODAY)


async def test_it_writes_n_schools_m_decisions_and_n_times_m_assignments(
    seeded: SeedSummary,
) -> None:
    assert await School.count() == SCHOOLS
    assert await Decision.count() == DECISIONS
    assert await Assignment.count() == SCHOOLS * DECISIONS
    assert await SchoolGroup.count() == 4
    assert await Meeting.count() == seeded.meetings == 24
    pairs = await Assignment.select(Assignment.decision, Assignment.school)
    assert len({(p["decision"], p["school"]) for p in pairs}) == SCHOOLS * DECISIONS
    assert (seeded.schools, seeded.decisions, seeded.assignments) == (
        SCHOOLS,
        DECISIONS,
        SCHOOLS * DECISIONS,
    )
    assert await Report.count() == seeded.reports
    assert await ExtensionRequest.count() == seeded.extension_requests


async def test_every_state_of_the_product_is_present(seeded: SeedSummary) -> None:
    statuses = {r["status"] for r in await Assignment.select(Assignment.status)}
    outcomes = {r["outcome"] for r in await Report.select(Report.outcome)}
    requests = {r["status"] for r in await ExtensionRequest.select(ExtensionRequest.status)}
    kinds = {r["deadline_kind"] for r in await Decision.select(Decision.deadline_kind)}
    members = Counter(r["group"] for r in await SchoolGroupMember.select(SchoolGroupMember.group))

    assert statuses == {s.value for s in Status}
    assert outcomes == {"pending", "accepted", "returned"}
    assert requests == {"pending", "approved", "rejected"}
    assert kinds == {"date", "relative", "ongoing", "periodic"}
    assert len(members) == 4
    assert all(field > 0 for field in seeded.counts), seeded.counts


async def test_the_compliance_service_counts_what_the_seed_says_it_wrote(
    seeded: SeedSummary,
) -> None:
    head = await accounts.authenticate(seeded.head_email, seeded.password)
    assert head is not None
    assert head.role is Role.HEAD

    figures = await compliance(head, today=TODAY)

    assert figures.total == seeded.counts
    assert figures.total == await _counts_by_the_rules()
    assert len(figures.decisions) == DECISIONS
    assert len(figures.schools) == SCHOOLS


async def _counts_by_the_rules() -> Counts:
    """The buckets of ``tracker.compliance.rules``, one assignment at a time."""
    pending = {
        r["assignment"]
        for r in await ExtensionRequest.select(ExtensionRequest.assignment).where(
            ExtensionRequest.status == "pending"
        )
    }
    tally: Counter[str] = Counter()
    for row in await Assignment.select(
        Assignment.id, Assignment.status, Assignment.due_on, Assignment.accepted_on_time
    ):
        status = Status(row["status"])
        tally[bucket(status, row["due_on"], row["accepted_on_time"], today=TODAY).value] += 1
        tally["returned"] += status is Status.RETURNED
        tally["extension_pending"] += row["id"] in pending and status is not Status.ACCEPTED
        tally["total"] += 1
    return Counts(**{field: tally[field] for field in Counts._fields})


async def test_a_seeded_school_user_signs_in_and_sees_only_their_school(
    seeded: SeedSummary, api: ApiClient
) -> None:
    await api.login(seeded.school_emails[2], seeded.password)

    response = await api.get("/api/v1/assignments")

    assert response.status_code == 200, response.text
    rows = response.json()
    school = await accounts.authenticate(seeded.school_emails[2], seeded.password)
    assert school is not None
    assert {r["school_id"] for r in rows} == {school.school_id}


async def test_the_same_numbers_write_the_same_district(clean_db: None) -> None:
    first = await seed(7, 11, today=TODAY)
    rows = await Assignment.select().order_by(Assignment.id)
    await _empty()
    again = await seed(7, 11, today=TODAY)

    assert again.counts == first.counts
    assert await Assignment.select().order_by(Assignment.id) == rows


async def _empty() -> None:
    from tests.conftest import empty_database  # noqa: PLC0415

    await empty_database()


async def test_a_database_with_meetings_is_refused_and_left_as_it_was(world: World) -> None:
    before = (await School.count(), await Assignment.count(), await Meeting.count())

    with pytest.raises(SeedError, match="--append"):
        await seed(5, 5, today=TODAY)

    assert (await School.count(), await Assignment.count(), await Meeting.count()) == before


async def test_append_adds_the_district_beside_what_is_there(world: World) -> None:
    schools, assignments = await School.count(), await Assignment.count()

    summary = await seed(5, 4, today=TODAY, append=True)
    more = await seed(5, 4, today=TODAY, append=True)

    assert await School.count() == schools + 10
    assert await Assignment.count() == assignments + 40
    assert summary.head_email != more.head_email
    assert await accounts.authenticate(more.head_email, more.password) is not None
    # new rows get ids after the seeded ones (PostgreSQL's sequences were moved past them)
    school_id = await School.insert(School(name="Новая школа", short_name="МБОУ Новая СОШ"))
    assert school_id[0]["id"] > max(more.first_ids["school"] + 4, summary.first_ids["school"])
