"""Changing one day: the button without JS (redirect) and with htmx (the cell swapped),
the form with a note, going back to the shipped status, the audit trail, bad input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.support.http import PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.audit.tables import AuditEvent
from tracker.calendar import services as calendar
from tracker.calendar.tables import CalendarDay
from tracker.errors import PermissionDeniedError, ValidationError

WEDNESDAY = date(2025, 3, 5)
MAY_DAY = date(2025, 5, 1)


async def corrections(admin: Actor, year: int = 2025) -> list[tuple[date, bool, str]]:
    view = await calendar.calendar_year(admin, year)
    return [(c.day, c.working, c.note) for c in view.corrections]


async def trail() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await AuditEvent.select(
            AuditEvent.actor, AuditEvent.entity_id, AuditEvent.action, AuditEvent.before,
            AuditEvent.after,
        )
        .where(AuditEvent.entity == "calendar_day")
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )  # fmt: skip
    return rows


async def test_making_a_weekday_a_day_off_without_js(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    response = await admin_pages.post(
        "/admin/calendar/days/2025-03-05", {"working": "0", "note": "Указ губернатора № 12"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/calendar?year=2025#day-2025-03-05"
    assert await corrections(admin) == [(WEDNESDAY, False, "Указ губернатора № 12")]
    events = await trail()
    assert [(e["action"], e["actor"]) for e in events] == [("create", world.user_ids["admin"])]
    assert events[0]["before"] is None
    assert events[0]["after"] == {
        "day": "2025-03-05",
        "working": False,
        "note": "Указ губернатора № 12",
    }
    page = await admin_pages.get("/admin/calendar?year=2025")
    assert "5 марта 2025 г. — выходной (изменено вручную)." in page.text
    assert (
        'aria-label="5 марта 2025, выходной (изменено вручную: Указ губернатора № 12)'
        " — сделать рабочим" in page.text
    )
    assert "<dd>246 (по календарю 247)</dd>" in page.text
    assert "Рабочих дней: 20, выходных: 11" in page.text  # March 2025: 21 by the decree
    assert "Указ губернатора № 12</td>" in page.text  # in the list of corrections


async def test_making_a_holiday_working_with_htmx_swaps_the_day(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    response = await admin_pages.post(
        "/admin/calendar/days/2025-05-01", {"working": "1"}, htmx=True
    )

    assert response.status_code == 200
    text = response.text
    assert "<html" not in text
    assert text.lstrip().startswith(
        '<button type="submit" id="day-2025-05-01" name="working" value="0"'
    )
    assert 'aria-label="1 мая 2025, рабочий (изменено вручную) — сделать выходным"' in text
    # the totals, the month, the list and the message follow out of band
    assert '<div id="calendar-summary" class="card cal-summary" hx-swap-oob="true">' in text
    assert "<dd>248 (по календарю 247)</dd>" in text
    assert 'id="month-2025-05-total" hx-swap-oob="true"' in text
    assert 'id="calendar-corrections"' in text
    assert 'hx-target="#day-2025-05-01"' in text  # its «back as shipped» button
    assert "1 мая 2025 г. — рабочий день (изменено вручную)." in text
    assert await corrections(admin) == [(MAY_DAY, True, "")]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
async def test_flipping_back_to_the_shipped_status_deletes_the_correction(
    world: World, admin_pages: PageClient, admin: Actor, htmx: bool
) -> None:
    await admin_pages.post("/admin/calendar/days/2025-03-05", {"working": "0"}, htmx=htmx)

    response = await admin_pages.post(
        "/admin/calendar/days/2025-03-05", {"working": "1"}, htmx=htmx
    )

    assert response.status_code == (200 if htmx else 303)
    assert await CalendarDay.count() == 0
    assert await corrections(admin) == []
    events = await trail()
    assert [e["action"] for e in events] == ["create", "delete"]
    assert events[0]["entity_id"] == events[1]["entity_id"]
    assert events[1]["before"] == {"day": "2025-03-05", "working": False, "note": ""}
    assert events[1]["after"] == {"day": "2025-03-05", "working": True}
    if htmx:
        assert 'aria-label="5 марта 2025, рабочий — сделать выходным"' in response.text
        assert "5 марта 2025 г. — рабочий день, как в производственном календаре." in response.text
        assert "Исправлений нет" in response.text


async def test_the_shipped_status_asked_for_an_untouched_day_changes_nothing(
    world: World, admin_pages: PageClient
) -> None:
    response = await admin_pages.post("/admin/calendar/days/2025-05-01", {"working": "0"})

    assert response.status_code == 303
    assert await CalendarDay.count() == 0
    assert await trail() == []


async def test_back_as_shipped_from_the_list(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    await admin_pages.post("/admin/calendar/days/2025-05-01", {"working": "1"})

    response = await admin_pages.post("/admin/calendar/days/2025-05-01/clear", htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<button type="submit" id="day-2025-05-01"')
    assert 'aria-label="1 мая 2025, выходной — сделать рабочим"' in response.text
    assert await corrections(admin) == []
    assert [e["action"] for e in await trail()] == ["create", "delete"]
    # clearing a day with no correction does nothing and records nothing
    again = await admin_pages.post("/admin/calendar/days/2025-05-01/clear")
    assert again.status_code == 303
    assert len(await trail()) == 2


async def test_the_form_with_a_note_sets_and_then_updates_a_day(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    response = await admin_pages.post(
        "/admin/calendar/days", {"day": "05.03.2025", "working": "0", "note": "Черновик"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/calendar?year=2025#day-2025-03-05"

    await admin_pages.post(
        "/admin/calendar/days",
        {"day": "2025-03-05", "working": "0", "note": "Постановление № 7 от 01.03.2025"},
    )

    assert await corrections(admin) == [(WEDNESDAY, False, "Постановление № 7 от 01.03.2025")]
    events = await trail()
    assert [e["action"] for e in events] == ["create", "update"]
    assert events[1]["before"]["note"] == "Черновик"
    assert events[1]["after"]["note"] == "Постановление № 7 от 01.03.2025"
    # the same again is not a change
    await admin_pages.post(
        "/admin/calendar/days",
        {"day": "2025-03-05", "working": "0", "note": "Постановление № 7 от 01.03.2025"},
    )
    assert len(await trail()) == 2


async def test_a_year_outside_the_shipped_data_can_be_corrected(
    world: World, admin_pages: PageClient, admin: Actor
) -> None:
    # 1 May 2030, a Wednesday: a working day until the admin marks the holiday
    await admin_pages.post("/admin/calendar/days/2030-05-01", {"working": "0", "note": "ТК РФ"})

    view = await calendar.calendar_year(admin, 2030)
    assert view.working_days == 260
    assert [(c.day, c.working, c.shipped_working) for c in view.corrections] == [
        (date(2030, 5, 1), False, True)
    ]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/admin/calendar/days/2025-13-01", {"working": "0"}, "Неверная дата: ожидается ГГГГ-ММ-ДД"),
        ("/admin/calendar/days/abc", {"working": "0"}, "Неверная дата: ожидается ГГГГ-ММ-ДД"),
        ("/admin/calendar/days/20250305", {"working": "0"}, "Неверная дата: ожидается ГГГГ-ММ-ДД"),
        ("/admin/calendar/days/1999-03-05", {"working": "0"}, "год 1999 вне их"),
        ("/admin/calendar/days/2025-03-05", {"working": "maybe"}, "Укажите, рабочий это день или выходной."),
        ("/admin/calendar/days/2025-03-05", {}, "Укажите, рабочий это день или выходной."),
        ("/admin/calendar/days/2025-03-05", {"working": "0", "note": "я" * 501}, "Не длиннее 500 символов."),
        ("/admin/calendar/days/2025-02-30/clear", {}, "Неверная дата: ожидается ГГГГ-ММ-ДД"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
async def test_bad_input_is_422_in_russian_and_changes_nothing(
    admin_pages: PageClient, url: str, data: dict[str, str], message: str, htmx: bool
) -> None:
    response = await admin_pages.post(url, data, htmx=htmx)

    assert response.status_code == 422
    assert message in response.text
    if htmx:  # into the page's message area, not in place of the day
        assert response.headers["hx-retarget"] == "#messages"
    assert await CalendarDay.count() == 0
    assert await trail() == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"day": "", "working": "0"}, "day", "Укажите дату."),
        ({"day": "31.02.2025", "working": "0"}, "day", "Неверная дата: укажите её как ДД.ММ.ГГГГ."),
        ({"day": "05.03.1812", "working": "0"}, "day", "год 1812 вне их"),
        ({"day": "05.03.2025", "working": ""}, "working", "Укажите, рабочий это день или выходной."),
        ({"day": "05.03.2025", "working": "0", "note": "я" * 501}, "note", "Не длиннее 500 символов."),
    ],
)  # fmt: skip
async def test_the_form_shows_its_errors_beside_the_fields(
    world: World, admin_pages: PageClient, data: dict[str, str], field: str, message: str
) -> None:
    response = await admin_pages.post("/admin/calendar/days", data)

    assert response.status_code == 422
    assert f'<p class="field-error" id="calendar-day-{field}-error">' in response.text
    assert message in response.text
    assert await CalendarDay.count() == 0


# ---------------------------------------------------------------- the services themselves


async def test_the_services_are_for_the_admin_only(world: World, admin: Actor) -> None:
    head = await accounts.actor_for_user(world.user_ids["head"])
    assert head is not None

    with pytest.raises(PermissionDeniedError):
        await calendar.calendar_year(head, 2025)
    with pytest.raises(PermissionDeniedError):
        await calendar.set_day(head, WEDNESDAY, False, "")
    with pytest.raises(PermissionDeniedError):
        await calendar.clear_day(head, WEDNESDAY)
    with pytest.raises(ValidationError):
        await calendar.set_day(admin, date(2101, 1, 1), True, "")
    assert await CalendarDay.count() == 0


async def test_set_day_returns_the_day_in_force(world: World, admin: Actor) -> None:
    day = await calendar.set_day(admin, WEDNESDAY, False, "  Пометка  ")

    assert day == calendar.DayView(
        day=WEDNESDAY, working=False, shipped_working=True, corrected=True, note="Пометка"
    )
    assert await calendar.clear_day(admin, WEDNESDAY) == calendar.DayView(
        day=WEDNESDAY, working=True, shipped_working=True, corrected=False
    )
