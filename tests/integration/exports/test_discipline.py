"""The execution-discipline report for a period, on the real database: the service, the page
(full and htmx fragment) and the .xlsx hold what a count straight from the assignment rows
gives; a bad period is refused in Russian; only the department sees it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from tests.integration.compliance.district import District, assignment_rows, make_district
from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker import clock
from tracker.errors import ValidationError
from tracker.exports.discipline import discipline
from tracker.schools.tables import School

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
START, END = date(2024, 1, 1), date(2026, 12, 31)
"""Holds the old meeting's dated and periodic assignments and the new meeting's; not the
world's (due 2030) nor the recommendation (due 2031) nor the ongoing ones (no due date)."""


async def count_by_school(start: date, end: date, today: date) -> dict[str, Counter[str]]:
    """School name → total, on time, late, overdue, counted from the rows due in the period."""
    names = {s["id"]: s["short_name"] for s in await School.select(School.id, School.short_name)}
    found: dict[str, Counter[str]] = {}
    for r in await assignment_rows():
        due = r["due_on"]
        if due is None or not start <= due <= end:
            continue
        counts = found.setdefault(names[r["school"]], Counter())
        counts["total"] += 1
        if r["status"] == "accepted":
            counts["on_time" if r["accepted_on_time"] else "late"] += 1
        elif r["status"] != "reported" and due < today:
            counts["overdue"] += 1
    return found


@pytest.fixture
async def district(world: World) -> District:
    return await make_district(world)


async def test_the_service_matches_an_independent_count(district: District) -> None:
    today = clock.today()
    head = await actor_of(district.world, "head")

    report = await discipline(head, start=START, end=END, today=today)

    expected = await count_by_school(START, END, today)
    assert expected, "the period holds assignments"
    got = {
        row.name: Counter(
            total=row.counts.total,
            on_time=row.counts.accepted_on_time,
            late=row.counts.accepted_late,
            overdue=row.counts.overdue,
        )
        for row in report.schools
    }
    assert {k: +v for k, v in got.items()} == {k: +v for k, v in expected.items()}
    assert report.total.total == sum(c["total"] for c in expected.values())
    shares = [(-r.on_time_share, r.overdue_share) for r in report.schools]
    assert shares == sorted(shares)
    assert sum(r.counts.total for r in report.decisions) == report.total.total


async def test_a_later_period_holds_only_the_world_decision(district: District) -> None:
    head = await actor_of(district.world, "head")
    report = await discipline(
        head, start=date(2030, 1, 1), end=date(2030, 12, 31), today=clock.today()
    )
    assert [r.id for r in report.decisions] == [district.world.decisions[0]]
    assert report.total.total == len(district.schools)


@pytest.mark.parametrize("key", ["head", "secretary"])
async def test_the_page_and_its_fragment(district: District, pages: PageClient, key: str) -> None:
    await pages.login(district.world.users[key])
    url = f"/reports/discipline?start={START}&end={END}"

    full = await pages.get(url)
    part = await pages.get(url, htmx=True)

    assert full.status_code == 200, full.text
    assert "<html" in full.text
    assert "Исполнительская дисциплина" in full.text
    assert part.status_code == 200
    assert "<html" not in part.text
    assert 'id="discipline"' in part.text
    assert f"/reports/discipline.xlsx?start={START}&amp;end={END}" in part.text
    for name, counts in (await count_by_school(START, END, clock.today())).items():
        assert name in part.text
        assert f'<td data-label="Всего">{counts["total"]}</td>' in part.text


async def test_the_page_without_a_period_shows_this_year(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    response = await pages.get("/reports/discipline")
    assert response.status_code == 200
    assert f'value="{clock.today().year}-01-01"' in response.text


async def test_the_workbook_matches_an_independent_count(
    district: District, pages: PageClient
) -> None:
    await pages.login(district.world.users["head"])

    response = await pages.get(f"/reports/discipline.xlsx?start={START}&end={END}")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    name = "Исполнительская дисциплина 01.01.2024–31.12.2026.xlsx"
    assert quote(name, safe="") in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["По школам", "По решениям"]
    sheet = book["По школам"]
    expected = await count_by_school(START, END, clock.today())
    rows = {
        row[1]: row
        for row in sheet.iter_rows(min_row=5, values_only=True)
        if isinstance(row[0], int)
    }
    assert set(rows) == set(expected)
    for name, counts in expected.items():
        total, on_time, late, overdue = rows[name][2], rows[name][3], rows[name][4], rows[name][6]
        assert (total, on_time, late, overdue) == (
            counts["total"],
            counts["on_time"],
            counts["late"],
            counts["overdue"],
        )
        assert rows[name][8] == pytest.approx(counts["on_time"] / counts["total"])
    assert [r[0] for r in rows.values()] == list(range(1, len(rows) + 1))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-02-01&end=2026-01-01", "Конец периода не может быть раньше его начала."),
        ("start=2020-01-01&end=2026-01-01", "Период не может быть длиннее пяти лет."),
        ("start=2026-02-30&end=2026-03-01", "Неверная дата"),
        ("start=2026-01-01", "Укажите конец периода."),
    ],
)
async def test_a_bad_period_is_422_in_russian(
    world: World, pages: PageClient, query: str, message: str
) -> None:
    await pages.login(world.users["secretary"])
    for url in (f"/reports/discipline?{query}", f"/reports/discipline.xlsx?{query}"):
        response = await pages.get(url)
        assert response.status_code == 422, url
        assert message in response.text, url
    fragment = await pages.get(f"/reports/discipline?{query}", htmx=True)
    assert fragment.status_code == 422
    assert message in fragment.text


async def test_the_service_refuses_a_bad_period(world: World) -> None:
    head = await actor_of(world, "head")
    with pytest.raises(ValidationError):
        await discipline(head, start=date(2026, 2, 1), end=date(2026, 1, 1), today=clock.today())


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_other_roles_are_refused(world: World, pages: PageClient, key: str) -> None:
    await pages.login(world.users[key])
    for url in ("/reports/discipline", "/reports/discipline.xlsx?start=2026-01-01&end=2026-12-31"):
        assert (await pages.get(url)).status_code == 403, url
