"""The core loop through the services, on the real database: assign → report → review."""

from datetime import date

import pytest

from tests.support.world import World, actor_of
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.assignments.lifecycle import Status
from tracker.errors import ConflictError, NotFoundError, PayloadTooLargeError, ValidationError
from tracker.schools.services import AllSchools, ChosenSchools


async def test_assigning_again_keeps_existing_assignments(world: World) -> None:
    head = await actor_of(world, "head")
    rows = await assignments.assign(head, world.decisions[0], AllSchools())
    assert {r.school_id for r in rows} == set(world.schools.values())
    assert not any(r.created for r in rows)
    assert {r.id for r in rows} == set(world.assignments.values())


async def test_information_decision_cannot_be_assigned(world: World) -> None:
    head = await actor_of(world, "head")
    with pytest.raises(ConflictError):
        await assignments.assign(head, world.decisions[2], AllSchools())


async def test_recommendation_without_deadline_gets_default_term(world: World) -> None:
    head = await actor_of(world, "head")
    rows = await assignments.assign(
        head, world.decisions[1], ChosenSchools((world.schools["a"],)), today=date(2026, 3, 1)
    )
    assert [r.due_on for r in rows] == [date(2026, 3, 31)]


async def test_report_accept_loop_records_on_time(world: World) -> None:
    school = await actor_of(world, "school_a")
    head = await actor_of(world, "head")
    assignment_id = world.assignments["a"]
    await assignments.submit_report(
        school,
        assignment_id,
        text="Проведены семинары.",
        links=["https://school1.example.ru/news/1"],
        uploads=[Upload("план.pdf", "application/pdf", b"%PDF-1.4 test")],
    )
    with pytest.raises(ConflictError):
        await assignments.submit_report(school, assignment_id, text="Ещё раз")
    await assignments.accept(head, assignment_id, comment="Принято")
    detail = await assignments.get_assignment(head, assignment_id)
    assert detail.summary.status is Status.ACCEPTED
    assert detail.summary.accepted_on_time is True
    assert detail.reports[0].files[0].name == "план.pdf"
    assert [h.action for h in detail.history] == ["create", "report", "accept"]
    download = await assignments.open_file(school, detail.reports[0].files[0].id)
    assert download.data == b"%PDF-1.4 test"


async def test_other_school_gets_not_found(world: World) -> None:
    other = await actor_of(world, "school_b")
    with pytest.raises(NotFoundError):
        await assignments.get_assignment(other, world.assignments["a"])
    with pytest.raises(NotFoundError):
        await assignments.submit_report(other, world.assignments["a"], text="чужое")
    assert [a.school_id for a in await assignments.list_assignments(other)] == [world.schools["b"]]


async def test_accept_without_report_is_a_conflict(world: World) -> None:
    head = await actor_of(world, "head")
    with pytest.raises(ConflictError):
        await assignments.accept(head, world.assignments["a"])


async def test_return_needs_comment_and_reopens(world: World) -> None:
    school = await actor_of(world, "school_a")
    head = await actor_of(world, "head")
    await assignments.submit_report(school, world.assignments["a"], text="Сделано")
    with pytest.raises(ValidationError):
        await assignments.return_for_rework(head, world.assignments["a"], comment=" ")
    await assignments.return_for_rework(head, world.assignments["a"], comment="Нет плана")
    detail = await assignments.get_assignment(school, world.assignments["a"])
    assert detail.summary.status is Status.RETURNED
    assert detail.reports[0].review_comment == "Нет плана"
    assert detail.can_report


async def test_extension_approved_moves_due_date(world: World) -> None:
    school = await actor_of(world, "school_a")
    head = await actor_of(world, "head")
    request_id = await assignments.request_extension(
        school,
        world.assignments["a"],
        due_on=date(2030, 4, 1),
        reason="Ремонт",
        today=date(2026, 3, 1),
    )
    with pytest.raises(ConflictError):
        await assignments.request_extension(
            school,
            world.assignments["a"],
            due_on=date(2030, 5, 1),
            reason="Ещё",
            today=date(2026, 3, 1),
        )
    await assignments.decide_extension(head, request_id, approve=True)
    detail = await assignments.get_assignment(head, world.assignments["a"])
    assert detail.summary.due_on == date(2030, 4, 1)
    assert detail.extensions[0].previous_due_on == date(2030, 3, 1)
    with pytest.raises(ConflictError):
        await assignments.decide_extension(head, request_id, approve=False)


async def test_oversized_file_is_refused_and_nothing_written(world: World) -> None:
    school = await actor_of(world, "school_a")
    big = Upload("big.bin", "application/octet-stream", b"x" * (20 * 1024 * 1024 + 1))
    with pytest.raises(PayloadTooLargeError):
        await assignments.submit_report(school, world.assignments["a"], text="x", uploads=[big])
    detail = await assignments.get_assignment(school, world.assignments["a"])
    assert detail.reports == ()
    assert detail.summary.status is Status.ASSIGNED


async def test_progress_counts_overdue(world: World) -> None:
    progress = await assignments.progress_by_decision(world.decisions, today=date(2030, 3, 2))
    assert progress[world.decisions[0]].total == 3
    assert progress[world.decisions[0]].overdue == 3
    assert world.decisions[1] not in progress


async def test_review_comment_is_in_the_history(world: World) -> None:
    school = await actor_of(world, "school_a")
    head = await actor_of(world, "head")
    await assignments.submit_report(school, world.assignments["a"], text="Сделано")
    await assignments.return_for_rework(head, world.assignments["a"], comment="Приложите план")
    detail = await assignments.get_assignment(head, world.assignments["a"])
    assert detail.history[-1].action == "return"
    assert detail.history[-1].after is not None
    assert detail.history[-1].after["comment"] == "Приложите план"
