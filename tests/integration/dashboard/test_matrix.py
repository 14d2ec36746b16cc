"""The dashboard's matrix on the real database: its figures against a count made straight from
the assignment rows, the filters (meeting, period, group, status), the pages of schools, the
cells' links, the page and its htmx fragment, bad filters and the roles."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from tests.integration.compliance.district import (
    FIELDS,
    District,
    assignment_rows,
    count_independently,
    summed,
)
from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker import clock
from tracker.assignments import services as assignments
from tracker.compliance.rules import Counts
from tracker.dashboard.rules import PAGE_SIZE, StatusFilter
from tracker.dashboard.services import Dashboard, Filters, dashboard
from tracker.schools import services as schools


def figures(counts: Counts) -> dict[str, int]:
    return {f: getattr(counts, f) for f in FIELDS}


async def board_for(district: District, **filters: object) -> Dashboard:
    head = await actor_of(district.world, "head")
    return await dashboard(head, Filters(**filters), today=clock.today())  # type: ignore[arg-type]


def cell_links(html: str) -> dict[str, str]:
    """Cell link → the school named in its hidden text, from the page."""
    return dict(
        re.findall(
            r'<td class="matrix-cell b-\w+"><a href="([^"]+)".*?visually-hidden">([^<:]+):', html
        )
    )


async def test_without_filters_the_latest_meeting_with_assignments_shows(
    district: District,
) -> None:
    # a meeting held later than any other, with no assignment, is passed over
    board = await board_for(district)

    assert board.meeting is not None
    assert board.meeting.id == district.new_meeting
    assert {row.decision.id for row in board.rows} == set(district.new_decisions)


async def test_every_figure_equals_a_count_from_the_rows(district: District) -> None:
    today = clock.today()
    board = await board_for(district, meeting_id=district.old_meeting)
    expected = await count_independently(today, meeting_id=district.old_meeting)

    assert {(r.decision.id) for r in board.rows} == {d for d, _ in expected}
    assert board.school_count == len({s for _, s in expected})
    for row in board.rows:
        assert figures(row.counts) == summed(expected, decision=row.decision.id)
        for school, cell in zip(board.schools, row.cells, strict=True):
            want = expected.get((row.decision.id, school.id))
            assert figures(cell.counts) == (
                {f: want[f] for f in FIELDS} if want else dict.fromkeys(FIELDS, 0)
            )
    for school, counts in zip(board.schools, board.school_totals, strict=True):
        assert figures(counts) == summed(expected, school=school.id)
    assert figures(board.total) == summed(expected)
    assert board.total.overdue > 0, "the district has overdue work to show"


async def test_the_page_shows_the_counters_and_the_matrix(
    district: District, pages: PageClient
) -> None:
    today = clock.today()
    expected = summed(await count_independently(today, meeting_id=district.old_meeting))
    await pages.login(district.world.users["secretary"])

    response = await pages.get(f"/dashboard?meeting={district.old_meeting}")

    assert response.status_code == 200
    html = response.text
    assert "<caption" in html
    assert '<th scope="col" class="matrix-school">' in html
    assert '<th scope="row" class="matrix-decision">' in html
    assert f"<dt>Поручений</dt><dd>{expected['total']}</dd>" in html
    assert f"<dt>Просрочено</dt><dd>{expected['overdue']} " in html
    assert f"<dt>Исполнено в срок</dt><dd>{expected['accepted_on_time']} " in html
    assert f'href="/meetings/{district.old_meeting}/compliance.xlsx"' in html
    assert f'href="/meetings/{district.old_meeting}/compliance/print"' in html
    assert 'class="matrix-cell b-overdue"' in html
    assert "просроч." in html, "overdue is said in words, not by colour alone"
    assert 'hx-get="/charts/trend"' in html
    assert 'id="dashboard-ranking-title"' in html
    assert 'hx-get="/dashboard"' in html
    assert 'method="get" action="/dashboard"' in html


async def test_htmx_gets_only_the_results(district: District, pages: PageClient) -> None:
    await pages.login(district.world.users["head"])

    response = await pages.get(f"/dashboard?meeting={district.old_meeting}", htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="dashboard-results"')
    assert "<html" not in response.text
    assert 'id="dashboard-filters"' not in response.text


async def test_a_group_narrows_to_its_schools(district: District) -> None:
    world = district.world
    board = await board_for(district, meeting_id=world.meeting_id, group_id=world.groups["ДОУ"])

    assert [s.id for s in board.schools] == [world.schools["c"]]
    expected = await count_independently(
        clock.today(), meeting_id=world.meeting_id, school_ids={world.schools["c"]}
    )
    assert figures(board.total) == summed(expected)

    sosh = await board_for(district, meeting_id=world.meeting_id, group_id=world.groups["СОШ"])
    assert world.schools["c"] not in {s.id for s in sosh.schools}
    assert len(sosh.schools) == len(district.schools) - 1


async def test_a_status_keeps_the_cells_in_that_state(district: District) -> None:
    today = clock.today()
    expected = await count_independently(today, meeting_id=district.old_meeting)
    for status, field in [
        (StatusFilter.OVERDUE, "overdue"),
        (StatusFilter.REPORTED, "reported"),
        (StatusFilter.OPEN, "open"),
    ]:
        board = await board_for(district, meeting_id=district.old_meeting, status=status)

        shown = {
            (row.decision.id, school.id)
            for row in board.rows
            for school, cell in zip(board.schools, row.cells, strict=True)
            if cell.url
        }
        assert shown == {key for key, cell in expected.items() if cell[field]}, status
        assert board.total.total < summed(expected)["total"]
    done = await board_for(district, meeting_id=district.old_meeting, status=StatusFilter.DONE)
    assert {s.id for s in done.schools} == {
        s for (_, s), c in expected.items() if c["accepted_on_time"] + c["accepted_late"]
    }


async def test_a_period_takes_the_assignments_due_in_it_from_every_meeting(
    district: District,
) -> None:
    start, end = date(2024, 1, 1), date(2026, 12, 31)
    board = await board_for(district, period=(start, end))

    rows = [r for r in await assignment_rows() if r["due_on"] and start <= r["due_on"] <= end]
    per_cell = Counter((r["decision"], r["school"]) for r in rows)
    assert board.meeting is None
    assert {row.decision.meeting_id for row in board.rows} == {
        district.old_meeting,
        district.new_meeting,
    }
    got = {
        (row.decision.id, school.id): cell.counts.total
        for row in board.rows
        for school, cell in zip(board.schools, row.cells, strict=True)
        if cell.counts.total
    }
    assert got == dict(per_cell)

    # a meeting with the period: that meeting's assignments due in the period only
    both = await board_for(district, period=(start, end), meeting_id=district.new_meeting)
    assert {row.decision.id for row in both.rows} == set(district.new_decisions)


async def test_cells_link_to_their_assignment_or_to_the_list_of_its_periods(
    district: District, pages: PageClient
) -> None:
    board = await board_for(district, meeting_id=district.old_meeting)
    dated, _, periodic, *_ = district.old_decisions
    rows = await assignment_rows()
    school = board.schools[0]
    by_decision = {row.decision.id: row for row in board.rows}

    [one] = [r["id"] for r in rows if r["decision"] == dated and r["school"] == school.id]
    assert by_decision[dated].cells[0].url == f"/assignments/{one}"
    quarters = [r for r in rows if r["decision"] == periodic and r["school"] == school.id]
    assert len(quarters) == 2
    assert by_decision[periodic].cells[0].url == (
        f"/assignments?meeting={district.old_meeting}&school={school.id}&decision={periodic}"
    )

    await pages.login(district.world.users["head"])
    html = (await pages.get(f"/dashboard?meeting={district.old_meeting}")).text
    links = cell_links(html)
    names = {s.id: s.name for s in board.schools}
    for r in rows:
        if r["decision"] == dated:
            assert links[f"/assignments/{r['id']}"] == names[r["school"]]


async def test_schools_come_in_pages(world: World, pages: PageClient) -> None:
    for n in range(PAGE_SIZE + 2):
        await schools.create_school(
            None, name=f"Муниципальная школа № {100 + n}", short_name=f"Школа № {100 + n}"
        )
    await assignments.assign(None, world.decisions[0], schools.AllSchools())
    head = await actor_of(world, "head")
    total = PAGE_SIZE + 2 + 3

    first = await dashboard(head, Filters(meeting_id=world.meeting_id), today=clock.today())
    second = await dashboard(
        head, Filters(meeting_id=world.meeting_id, page=2), today=clock.today()
    )
    beyond = await dashboard(
        head, Filters(meeting_id=world.meeting_id, page=99), today=clock.today()
    )

    assert first.school_count == second.school_count == total
    assert len(first.schools) == PAGE_SIZE
    assert len(second.schools) == total - PAGE_SIZE
    assert not {s.id for s in first.schools} & {s.id for s in second.schools}
    assert beyond.page.number == 2
    assert [s.id for s in beyond.schools] == [s.id for s in second.schools]
    # the row totals count every school, not the page's
    assert first.rows[0].counts.total == second.rows[0].counts.total == total

    await pages.login(world.users["head"])
    html = (await pages.get(f"/dashboard?meeting={world.meeting_id}&page=2")).text
    assert f'href="/dashboard?meeting={world.meeting_id}&amp;page=1"' in html
    assert 'aria-current="page">2</a>' in html
    assert html.count('class="matrix-school"') == total - PAGE_SIZE


async def test_an_empty_district_says_so(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    html = (await pages.get(f"/dashboard?meeting={world.meeting_id}&status=done")).text
    assert "Поручений в этом состоянии нет." in html


async def test_bad_filters_are_refused_in_russian(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    for query, message in [
        ("meeting=abc", "Ожидается число."),
        ("meeting=99999", "Нет такого совещания"),
        ("group=99999", "Нет такой группы"),
        ("status=lost", "Выберите состояние из списка."),
        ("start=2024-05-01", "Укажите конец периода"),
        ("start=2024-05-01&end=2024-01-01", "Конец периода раньше его начала."),
        ("start=31.02.2024&end=2024-05-01", "Неверная дата"),
    ]:
        page = await pages.get(f"/dashboard?{query}")
        swap = await pages.get(f"/dashboard?{query}", htmx=True)

        assert page.status_code == 422, query
        assert message in page.text, query
        assert 'id="dashboard-filters"' in page.text
        assert swap.status_code == 422, query
        assert message in swap.text
        assert swap.text.lstrip().startswith('<div id="dashboard-results"')


async def test_only_the_department_opens_the_dashboard(world: World, pages: PageClient) -> None:
    for key in ("school_a", "admin"):
        await pages.login(world.users[key])
        assert (await pages.get("/dashboard")).status_code == 403, key
        assert (await pages.get("/dashboard", htmx=True)).status_code == 403, key
        await pages.post("/logout")
    assert (await pages.get("/dashboard")).status_code in {401, 303}
