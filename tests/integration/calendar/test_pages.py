"""The production calendar page: the year grid, full and as its htmx fragment; admins only."""

from __future__ import annotations

import re

import pytest

from tests.support.http import PageClient
from tests.support.world import World
from tracker import clock
from tracker.audit.tables import AuditEvent
from tracker.calendar.tables import CalendarDay

MONTHS = ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь",
          "Октябрь", "Ноябрь", "Декабрь"]  # fmt: skip


async def test_full_page(admin_pages: PageClient) -> None:
    response = await admin_pages.get("/admin/calendar?year=2025")

    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith("<!doctype html>")
    assert '<nav aria-label="Главное меню">' in text
    assert '<div id="calendar-year">' in text
    assert "<title>Производственный календарь 2025" in text
    for month in MONTHS:
        assert f">{month}</h3>" in text
    assert text.count('<abbr title="понедельник">Пн</abbr>') == 12
    # the decree the year comes from, and its totals
    assert "Постановление Правительства РФ от 04.10.2024 № 1335" in text
    assert "<dd>247</dd>" in text  # working days in 2025
    assert "<dd>118</dd>" in text  # days off
    # one button per day, and a day off says so in words, not by colour alone
    assert text.count('class="cal-day') == 365
    assert 'aria-label="1 мая 2025, выходной — сделать рабочим"' in text
    assert 'aria-label="5 мая 2025, рабочий — сделать выходным"' in text
    assert 'aria-label="1 ноября 2025, рабочий — сделать выходным"' in text  # a working Saturday
    # the other years, and a way back for keyboard users after a change without JS
    assert 'href="/admin/calendar?year=2024" rel="prev"' in text
    assert 'href="/admin/calendar?year=2026" rel="next"' in text
    assert 'formaction="/admin/calendar/days/2025-05-01"' in text
    assert "Исправлений нет" in text
    assert 'id="calendar-day"' in text  # the form with a note


async def test_htmx_fragment(admin_pages: PageClient) -> None:
    response = await admin_pages.get("/admin/calendar?year=2025", htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert '<nav aria-label="Главное меню"' not in response.text
    assert response.text.lstrip().startswith('<div id="calendar-year">')
    assert "№ 1335" in response.text
    assert response.text.count('class="cal-day') == 365


async def test_boosted_navigation_gets_the_full_page(admin_pages: PageClient) -> None:
    response = await admin_pages.client.get(
        "/admin/calendar?year=2025", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )

    assert "<html" in response.text


async def test_the_current_year_by_default(admin_pages: PageClient) -> None:
    year = clock.today().year

    response = await admin_pages.get("/admin/calendar")

    assert response.status_code == 200
    assert f"<h2>{year} год</h2>" in response.text
    assert 'aria-current="date"' in response.text


async def test_a_provisional_year_says_so(admin_pages: PageClient) -> None:
    response = await admin_pages.get("/admin/calendar?year=2027")

    assert "(предварительно)" in response.text
    assert "Постановления о переносе выходных на 2027 год ещё нет" in response.text


async def test_a_year_outside_the_shipped_data_has_only_weekends_off(
    admin_pages: PageClient,
) -> None:
    response = await admin_pages.get("/admin/calendar?year=2030")

    assert response.status_code == 200
    assert "Производственного календаря на 2030 год в поставке нет" in response.text
    assert "Основание" not in response.text
    # 1 May 2030 is a Wednesday: without data it is an ordinary working day
    assert 'aria-label="1 мая 2030, рабочий — сделать выходным"' in response.text
    assert "<dd>261</dd>" in response.text


@pytest.mark.parametrize(("year", "absent"), [(2000, 'rel="prev"'), (2100, 'rel="next"')])
async def test_no_link_past_the_range(admin_pages: PageClient, year: int, absent: str) -> None:
    response = await admin_pages.get(f"/admin/calendar?year={year}")

    assert response.status_code == 200
    assert absent not in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("abc", "Год указывается четырьмя цифрами, например 2025."),
        ("20255", "Год указывается четырьмя цифрами, например 2025."),
        ("1999", "Календарь ведётся на 2000–2100 годы: год 1999 вне их."),
        ("2101", "Календарь ведётся на 2000–2100 годы: год 2101 вне их."),
    ],
)
async def test_a_bad_year_is_422_in_russian(
    admin_pages: PageClient, query: str, message: str
) -> None:
    response = await admin_pages.get(f"/admin/calendar?year={query}")

    assert response.status_code == 422
    assert message in response.text


# ---------------------------------------------------------------- other roles


WRITES = [
    ("/admin/calendar/days/2025-03-05", {"working": "0"}),
    ("/admin/calendar/days/2025-05-01/clear", {}),
    ("/admin/calendar/days", {"day": "2025-03-05", "working": "0", "note": "Указ"}),
]


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
async def test_other_roles_cannot_open_the_calendar(
    world: World, pages: PageClient, key: str, htmx: bool
) -> None:
    await pages.login(world.users[key])

    response = await pages.get("/admin/calendar?year=2025", htmx=htmx)

    assert response.status_code == 403
    assert "Недостаточно прав" in response.text
    assert "cal-day" not in response.text


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
async def test_other_roles_cannot_change_a_day(
    world: World, pages: PageClient, key: str, htmx: bool
) -> None:
    await pages.login(world.users[key])

    for url, data in WRITES:
        response = await pages.post(url, data, htmx=htmx)
        assert response.status_code == 403, url
        assert "Недостаточно прав" in response.text

    assert await CalendarDay.count() == 0
    assert await AuditEvent.count().where(AuditEvent.entity == "calendar_day") == 0


async def test_signed_out_is_sent_to_the_login(pages: PageClient) -> None:
    response = await pages.get("/admin/calendar")

    assert response.status_code == 303
    assert re.match(r"/login\?next=/admin/calendar", response.headers["location"])
