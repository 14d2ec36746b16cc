"""One decision's page: its wording and deadline, its schools with their status, and assigning
it to all schools, a group or chosen schools — with and without htmx, never twice."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.assignments import services as assignments
from tracker.assignments.services import AssignmentSummary
from tracker.schools.services import ChosenSchools


async def assigned(world: World, decision_id: int) -> list[AssignmentSummary]:
    return await assignments.list_assignments(
        await actor_of(world, "head"), decision_id=decision_id
    )


# ---------------------------------------------------------------- reading


async def test_decision_page_lists_its_schools(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/decisions/{world.decisions[0]}")

    text = response.text
    assert response.status_code == 200
    assert "<html" in text
    assert "Решение № 1" in text
    assert "Обеспечить участие педагогов в семинарах." in text
    assert "до 01.03.2030" in text
    assert "Руководителям образовательных учреждений" in text
    assert "1. Итоги мониторинга" in text
    assert f'href="/meetings/{world.meeting_id}"' in text
    assert "принято 0 из 3" in text
    for key, assignment_id in world.assignments.items():
        assert f'href="/assignments/{assignment_id}"' in text, key
    assert text.count('<span class="status status-assigned">Назначено</span>') == 3
    assert text.count("01.03.2030</td>") == 3
    # Schools by name.
    assert text.index("МБДОУ «Детский сад № 4»") < text.index("МБОУ СОШ № 1")
    # The assign form, labelled, with a CSRF token.
    assert f'action="/decisions/{world.decisions[0]}/assignments"' in text
    assert 'for="assign-target-all"' in text
    assert 'for="assign-group"' in text
    assert f'for="assign-school-{world.schools["a"]}"' in text
    assert 'for="assign-due_on"' in text


async def test_decision_fragment_is_the_schools_table(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.get(f"/decisions/{world.decisions[0]}", htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="decision-schools"')
    assert "МБОУ СОШ № 2" in response.text


async def test_decision_page_shows_overdue_schools(world: World, pages: PageClient) -> None:
    head = await actor_of(world, "head")
    await assignments.assign(
        head,
        world.decisions[1],
        ChosenSchools((world.schools["b"],)),
        due_on=date(2026, 2, 10),
    )
    await pages.login(world.users["head"])

    response = await pages.get(f"/decisions/{world.decisions[1]}", htmx=True)

    assert '<span class="overdue">просрочено</span>' in response.text
    assert '<span class="overdue">просрочено: 1</span>' in response.text
    assert "10.02.2026" in response.text


async def test_unassigned_decision_says_so(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/decisions/{world.decisions[1]}")

    assert response.status_code == 200
    assert "Решение ещё не назначено ни одной школе." in response.text
    assert 'id="assign"' in response.text


async def test_information_decision_has_no_assign_form(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/decisions/{world.decisions[2]}")

    assert response.status_code == 200
    assert 'id="assign"' not in response.text
    assert "не требует исполнения" in response.text


async def test_unknown_decision_is_404(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    assert (await pages.get("/decisions/999999")).status_code == 404
    assert (await pages.post("/decisions/999999/assignments", {"target": "all"})).status_code == 404


# ---------------------------------------------------------------- assigning


async def test_assign_to_all_without_js(world: World, pages: PageClient) -> None:
    # Given a recommendation nobody has been assigned yet
    await pages.login(world.users["secretary"])
    decision_id = world.decisions[1]

    # When the secretary assigns it to every school with a due date
    response = await pages.post(
        f"/decisions/{decision_id}/assignments", {"target": "all", "due_on": "15.04.2026"}
    )

    # Then every school has it, due that day, and the page says how many were created
    assert response.status_code == 303
    assert response.headers["location"] == f"/decisions/{decision_id}"
    rows = await assigned(world, decision_id)
    assert {r.school_id for r in rows} == set(world.schools.values())
    assert {r.due_on for r in rows} == {date(2026, 4, 15)}
    page = await pages.get(response.headers["location"])
    assert "Создано 3 поручения." in page.text
    assert page.text.count("15.04.2026</td>") == 3


async def test_assign_to_a_group_with_htmx(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    decision_id = world.decisions[1]

    response = await pages.post(
        f"/decisions/{decision_id}/assignments",
        {"target": "group", "group": str(world.groups["СОШ"])},
        htmx=True,
    )

    text = response.text
    assert response.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith('<form id="assign"')
    assert '<div id="decision-schools" class="table-wrap" hx-swap-oob="true">' in text
    assert re.search(r'<div id="messages"[^>]*hx-swap-oob="innerHTML"', text)
    assert "Создано 2 поручения." in text
    rows = await assigned(world, decision_id)
    assert {r.school_id for r in rows} == {world.schools["a"], world.schools["b"]}


async def test_assign_to_chosen_schools(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    decision_id = world.decisions[1]

    response = await pages.client.post(
        f"/decisions/{decision_id}/assignments",
        data={
            "_csrf_token": pages.csrf_token,
            "target": "chosen",
            "schools": [str(world.schools["a"]), str(world.schools["c"])],
        },
    )

    assert response.status_code == 303
    rows = await assigned(world, decision_id)
    assert {r.school_id for r in rows} == {world.schools["a"], world.schools["c"]}


async def test_assigning_twice_creates_no_duplicates(world: World, pages: PageClient) -> None:
    # Given a recommendation already assigned to the two schools of the group «СОШ»
    await pages.login(world.users["head"])
    decision_id = world.decisions[1]
    await pages.post(
        f"/decisions/{decision_id}/assignments",
        {"target": "group", "group": str(world.groups["СОШ"])},
    )
    await pages.get(f"/decisions/{decision_id}")  # shows (and clears) the flash

    # When it is assigned to all schools
    first = await pages.post(f"/decisions/{decision_id}/assignments", {"target": "all"})
    page = await pages.get(first.headers["location"])

    # Then only the third school gets a new assignment, and the message says so
    assert "Создано 1 поручение; у 2 школ поручение уже было." in page.text

    # When it is assigned to all schools once more
    second = await pages.post(f"/decisions/{decision_id}/assignments", {"target": "all"}, htmx=True)

    # Then nothing is created, and each school still has exactly one assignment
    assert "Создано 0 поручений; у 3 школ поручение уже было." in second.text
    rows = await assigned(world, decision_id)
    assert sorted(r.school_id for r in rows) == sorted(world.schools.values())


async def test_a_group_chosen_without_its_radio_button_is_the_choice(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["head"])

    response = await pages.post(
        f"/decisions/{world.decisions[1]}/assignments", {"group": str(world.groups["ДОУ"])}
    )

    assert response.status_code == 303
    rows = await assigned(world, world.decisions[1])
    assert [r.school_id for r in rows] == [world.schools["c"]]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "target", "Выберите, кому назначить решение."),
        (
            {"group": "1", "schools": "1"},
            "target",
            "Выберите, кому назначить решение.",
        ),
        ({"target": "group"}, "group", "Выберите группу школ."),
        ({"target": "group", "group": "999999"}, "group", "Такой группы нет."),
        ({"target": "chosen"}, "schools", "Выберите хотя бы одну школу."),
        (
            {"target": "all", "due_on": "31.02.2026"},
            "due_on",
            "Неверная дата: укажите её как ДД.ММ.ГГГГ.",
        ),
        (
            {"target": "all", "due_on": "01.01.2026"},
            "due_on",
            "Срок исполнения не может быть раньше даты совещания.",
        ),
    ],
)
async def test_bad_assign_form_is_shown_beside_the_field(
    world: World, pages: PageClient, data: dict[str, str], field: str, message: str
) -> None:
    await pages.login(world.users["head"])
    decision_id = world.decisions[1]

    for htmx in (False, True):
        response = await pages.post(f"/decisions/{decision_id}/assignments", data, htmx=htmx)

        assert response.status_code == 422
        assert ("<html" in response.text) is not htmx
        assert f'id="assign-{field}-error">{message}</p>' in response.text

    assert await assigned(world, decision_id) == []


async def test_information_decision_cannot_be_assigned(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.post(f"/decisions/{world.decisions[2]}/assignments", {"target": "all"})
    fragment = await pages.post(
        f"/decisions/{world.decisions[2]}/assignments", {"target": "all"}, htmx=True
    )

    assert response.status_code == 409
    assert "не требует исполнения" in response.text
    assert fragment.status_code == 409
    assert fragment.headers["hx-retarget"] == "#messages"
    assert await assigned(world, world.decisions[2]) == []
