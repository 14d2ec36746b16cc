"""The meeting's compliance matrix downloaded as .xlsx (page and API) and its print view, on
the real database: each cell says what a count made straight from the assignment rows says."""

from __future__ import annotations

from collections import Counter
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.integration.compliance.district import District, count_independently, make_district
from tests.support.http import ApiClient, PageClient
from tests.support.world import World
from tracker import clock
from tracker.meetings.tables import Decision, Meeting
from tracker.schools.tables import School

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SINGLE = {
    "accepted_on_time": "исполнено в срок",
    "accepted_late": "исполнено с нарушением срока",
    "reported": "отчёт на проверке",
    "overdue": "просрочено",
    "open": "в работе",
}


def expected_text(cell: Counter[str]) -> str:
    """The documented rule, restated: one bucket → its name; mixed → «исполнено N из M»
    and «, просрочено K» when some are overdue."""
    present = [name for name in SINGLE if cell[name]]
    if len(present) == 1:
        return SINGLE[present[0]]
    done = cell["accepted_on_time"] + cell["accepted_late"]
    text = f"исполнено {done} из {cell['total']}"
    return text + (f", просрочено {cell['overdue']}" if cell["overdue"] else "")


def open_book(content: bytes) -> dict[str, Worksheet]:
    return {sheet.title: sheet for sheet in load_workbook(BytesIO(content)).worksheets}


async def assert_matrix(content: bytes, meeting_id: int) -> None:
    expected = await count_independently(clock.today(), meeting_id=meeting_id)
    sheets = open_book(content)
    assert list(sheets) == ["Исполнение", "Итоги по школам"]
    sheet = sheets["Исполнение"]
    header = [c.value for c in sheet[4]]
    school_names = header[3:-2]
    rows = {
        row[0].value: [c.value for c in row]
        for row in sheet.iter_rows(min_row=5)
        if row[0].value and row[2].value is not None
    }
    schools = {s["id"]: s["short_name"] for s in await _schools()}
    decisions = {d["id"]: d["number"] for d in await _decisions(meeting_id)}
    seen = 0
    for (decision_id, school_id), cell in expected.items():
        row = rows[decisions[decision_id]]
        column = 3 + school_names.index(schools[school_id])
        assert row[column] == expected_text(cell), (decision_id, school_id, cell)
        seen += 1
    assert seen == sum(1 for row in rows.values() for v in row[3:-2] if v)
    for decision_id, number in decisions.items():
        cells = [c for (d, _), c in expected.items() if d == decision_id]
        if not cells:
            assert number not in rows
            continue
        done = sum(c["accepted_on_time"] + c["accepted_late"] for c in cells)
        total = sum(c["total"] for c in cells)
        overdue = sum(c["overdue"] for c in cells)
        assert rows[number][-2:] == [f"{done} из {total}", overdue]
    assert sheet.freeze_panes == "D5"
    assert sheet.auto_filter.ref


async def _schools() -> list[dict[str, object]]:
    return list(await School.select(School.id, School.short_name))


async def _decisions(meeting_id: int) -> list[dict[str, object]]:
    return list(
        await Decision.select(Decision.id, Decision.number).where(Decision.meeting == meeting_id)
    )


@pytest.fixture
async def district(world: World) -> District:
    return await make_district(world)


@pytest.mark.parametrize("key", ["head", "secretary"])
async def test_the_page_download_holds_the_counted_statuses(
    district: District, pages: PageClient, key: str
) -> None:
    # Given a district where assignments went every way, when the department downloads
    await pages.login(district.world.users[key])
    response = await pages.get(f"/meetings/{district.old_meeting}/compliance.xlsx")

    # Then a workbook under its Russian name, each cell as the rows say
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    name = "Исполнение решений совещания от 10.01.2024.xlsx"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
    await assert_matrix(response.content, district.old_meeting)


async def test_the_api_download_holds_the_counted_statuses(
    district: District, api: ApiClient
) -> None:
    await api.login(district.world.users["head"])

    response = await api.get(f"/api/v1/meetings/{district.new_meeting}/compliance.xlsx")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    await assert_matrix(response.content, district.new_meeting)
    await assert_matrix(
        (await api.get(f"/api/v1/meetings/{district.old_meeting}/compliance.xlsx")).content,
        district.old_meeting,
    )


async def test_the_world_meeting_before_anything_is_reported(world: World, api: ApiClient) -> None:
    # Given the world: its first decision addressed to three schools, nothing reported yet
    await api.login(world.users["secretary"])

    response = await api.get(f"/api/v1/meetings/{world.meeting_id}/compliance.xlsx")

    sheet = open_book(response.content)["Исполнение"]
    assert [c.value for c in sheet[4]] == [
        "№",
        "Решение",
        "Совещание",
        "МБДОУ «Детский сад № 4»",
        "МБОУ СОШ № 1",
        "МБОУ СОШ № 2",
        "Исполнено",
        "Просрочено",
    ]
    assert [c.value for c in sheet[5]][3:] == ["в работе"] * 3 + ["0 из 3", 0]
    assert sheet["A6"].value is None  # the other decisions were never addressed


async def test_the_print_view_shows_the_matrix_without_navigation(
    district: District, pages: PageClient
) -> None:
    await pages.login(district.world.users["head"])

    response = await pages.get(f"/meetings/{district.old_meeting}/compliance/print")

    assert response.status_code == 200
    html = response.text
    assert "/static/print.css" in html  # landscape, colours kept on paper: tracker/static/print.css
    assert "Главное меню" not in html
    assert "Исполнение решений совещания от 10.01.2024" in html
    expected = await count_independently(clock.today(), meeting_id=district.old_meeting)
    for cell in expected.values():
        assert expected_text(cell) in html
    assert all(f"</span> {label}</li>" in html for label in SINGLE.values())


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_other_roles_are_refused(world: World, pages: PageClient, key: str) -> None:
    await pages.login(world.users[key])
    for url in (
        f"/meetings/{world.meeting_id}/compliance.xlsx",
        f"/meetings/{world.meeting_id}/compliance/print",
    ):
        assert (await pages.get(url)).status_code == 403, url


async def test_the_api_refuses_a_school_and_an_anonymous_caller(
    world: World, api: ApiClient
) -> None:
    url = f"/api/v1/meetings/{world.meeting_id}/compliance.xlsx"
    assert (await api.get(url)).status_code == 401
    await api.login(world.users["school_a"])
    assert (await api.get(url)).status_code == 403


async def test_an_unknown_meeting_is_404(world: World, api: ApiClient, pages: PageClient) -> None:
    missing = (await Meeting.select(Meeting.id)).pop()["id"] + 1000
    await api.login(world.users["head"])
    response = await api.get(f"/api/v1/meetings/{missing}/compliance.xlsx")
    assert response.status_code == 404
    assert "Совещание не найдено" in response.text
    await pages.login(world.users["head"])
    assert (await pages.get(f"/meetings/{missing}/compliance/print")).status_code == 404


async def test_the_api_download_is_described(world: World, api: ApiClient) -> None:
    response = await api.get("/schema/openapi.json")
    paths = response.json()["paths"]
    assert "get" in paths["/api/v1/meetings/{meeting_id}/compliance.xlsx"]
    assert not any("discipline" in path or "print" in path for path in paths)
