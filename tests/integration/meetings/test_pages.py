"""The department's meeting pages: the list, a new meeting, one meeting with its agenda and
decisions. Each page whole and as its htmx fragment; every form with and without htmx."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.assignments import services as assignments
from tracker.meetings import services as meetings
from tracker.schools.services import AllSchools

MEETING_FORM = {
    "kind": "protocol",
    "title": "Совещание руководителей ОО",
    "number": "2",
    "date": "12.03.2026",
    "place": "актовый зал",
}


async def meeting_count(world: World) -> int:
    return len(await meetings.list_meetings(await actor_of(world, "head")))


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("key", ["head", "secretary"])
async def test_list_shows_each_meeting_with_its_decisions(
    world: World, pages: PageClient, key: str
) -> None:
    await pages.login(world.users[key])

    response = await pages.get("/meetings")

    assert response.status_code == 200
    assert "<html" in response.text
    assert "Совещание руководителей образовательных учреждений" in response.text
    assert "05.02.2026" in response.text
    assert "3 решения" in response.text
    assert 'href="/meetings/new"' in response.text
    assert f'href="/meetings/{world.meeting_id}"' in response.text


async def test_list_fragment_is_the_table_alone(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get("/meetings", htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="meetings-table"')
    assert "05.02.2026" in response.text


async def test_meeting_page_shows_agenda_decisions_and_progress(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.get(f"/meetings/{world.meeting_id}")

    text = response.text
    assert response.status_code == 200
    assert "<html" in text
    assert "Итоги мониторинга" in text
    assert "Рыбина Л.Д." in text
    assert "Руководителям образовательных учреждений" in text
    assert "Обеспечить участие педагогов в семинарах." in text
    assert "до 01.03.2030" in text
    assert "принято 0 из 3" in text
    assert 'role="progressbar"' in text
    assert "Принять к сведению" in text
    assert "Не требует исполнения школами." in text
    for decision_id in world.decisions:
        assert f'href="/decisions/{decision_id}"' in text
    # Decisions are listed in the protocol's order.
    assert text.index("№ 1") < text.index("№ 2") < text.index("№ 3")
    # Both forms, each with its CSRF token and a label for every control.
    assert text.count('name="_csrf_token"') >= 3
    assert f'action="/meetings/{world.meeting_id}/agenda"' in text
    assert f'action="/meetings/{world.meeting_id}/decisions"' in text
    assert 'for="decision-add-text"' in text
    assert 'for="agenda-add-speakers"' in text


async def test_meeting_page_counts_overdue_in_red(world: World, pages: PageClient) -> None:
    # Given a decision whose schools' due date has passed
    head = await actor_of(world, "head")
    await assignments.assign(head, world.decisions[1], AllSchools(), due_on=date(2026, 2, 6))
    await pages.login(world.users["head"])

    # When the meeting page is opened
    response = await pages.get(f"/meetings/{world.meeting_id}", htmx=True)

    # Then the decision shows its three overdue schools in red
    assert '<span class="overdue">просрочено: 3</span>' in response.text


async def test_meeting_fragment_is_the_decisions_list(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/meetings/{world.meeting_id}", htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="decisions"')
    assert "принято 0 из 3" in response.text


async def test_unknown_meeting_is_404(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get("/meetings/999999")

    assert response.status_code == 404
    assert "Совещание не найдено." in response.text


PAGES = ["/meetings", "/meetings/new", "/meetings/{meeting}", "/decisions/{decision}"]
FORMS = [
    ("/meetings", MEETING_FORM),
    ("/meetings/{meeting}/agenda", {"title": "Вопрос"}),
    ("/meetings/{meeting}/decisions", {"text": "Обеспечить", "deadline_kind": "none"}),
    ("/decisions/{decision}/assignments", {"target": "all"}),
]


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_pages_are_forbidden_to_other_roles(
    world: World, pages: PageClient, key: str
) -> None:
    await pages.login(world.users[key])

    for template in PAGES:
        url = template.format(meeting=world.meeting_id, decision=world.decisions[0])
        assert (await pages.get(url)).status_code == 403, url
        assert (await pages.get(url, htmx=True)).status_code == 403, url


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_forms_are_forbidden_to_other_roles(
    world: World, pages: PageClient, key: str
) -> None:
    await pages.login(world.users[key])

    for template, data in FORMS:
        url = template.format(meeting=world.meeting_id, decision=world.decisions[1])
        assert (await pages.post(url, data)).status_code == 403, url

    assert await meeting_count(world) == 1
    detail = await meetings.get_meeting(await actor_of(world, "head"), world.meeting_id)
    assert len(detail.agenda) == 1
    assert len(detail.decisions) == 3
    progress = await assignments.progress_by_decision([world.decisions[1]])
    assert world.decisions[1] not in progress


async def test_pages_send_a_stranger_to_login(world: World, pages: PageClient) -> None:
    response = await pages.get("/meetings")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/meetings")


# ---------------------------------------------------------------- a new meeting


async def test_new_meeting_page_is_a_labelled_form(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.get("/meetings/new")

    text = response.text
    assert response.status_code == 200
    assert "<html" in text
    assert 'name="_csrf_token"' in text
    for name in ("kind", "title", "number", "date", "place"):
        assert f'for="meeting-add-{name}"' in text
        assert f'name="{name}"' in text
    assert 'type="date"' in text


async def test_new_meeting_fragment_is_the_form(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.get("/meetings/new", htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<form id="meeting-add"')


@pytest.mark.parametrize("typed", ["12.03.2026", "2026-03-12"])
async def test_creating_a_meeting_redirects_to_it(
    world: World, pages: PageClient, typed: str
) -> None:
    # Given the secretary on the new meeting form, JavaScript off
    await pages.login(world.users["secretary"])

    # When they submit it, with the date as typed or as <input type=date> sends it
    response = await pages.post("/meetings", MEETING_FORM | {"date": typed})

    # Then they land on the new meeting's page, which says it was recorded
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/meetings/")
    page = await pages.get(location)
    assert page.status_code == 200
    assert "Совещание руководителей ОО" in page.text
    assert "12.03.2026" in page.text
    assert "Совещание записано." in page.text
    assert await meeting_count(world) == 2


async def test_creating_a_meeting_with_htmx_redirects_the_browser(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["head"])

    response = await pages.post("/meetings", MEETING_FORM, htmx=True)

    assert response.status_code == 200
    assert response.headers["hx-redirect"].startswith("/meetings/")
    assert await meeting_count(world) == 2


@pytest.mark.parametrize("htmx", [False, True])
async def test_empty_title_and_impossible_date_are_shown_beside_the_fields(
    world: World, pages: PageClient, htmx: bool
) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.post(
        "/meetings", MEETING_FORM | {"title": "  ", "date": "31.02.2026"}, htmx=htmx
    )

    text = response.text
    assert response.status_code == 422
    assert ("<html" in text) is not htmx
    assert (
        '<p class="field-error" id="meeting-add-title-error">Введите название совещания.</p>'
        in text
    )
    assert (
        '<p class="field-error" id="meeting-add-date-error">'
        "Неверная дата: укажите её как ДД.ММ.ГГГГ.</p>"
    ) in text
    assert 'aria-describedby="meeting-add-title-hint meeting-add-title-error"' in text
    # What was typed stays in the form.
    assert 'value="31.02.2026"' in text
    assert 'value="актовый зал"' in text
    assert await meeting_count(world) == 1


async def test_missing_date_is_asked_for(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.post("/meetings", MEETING_FORM | {"date": ""})

    assert response.status_code == 422
    assert "Укажите дату совещания." in response.text
    assert await meeting_count(world) == 1


async def test_unknown_document_kind_is_refused(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.post("/meetings", MEETING_FORM | {"kind": "memo"})

    assert response.status_code == 422
    assert "Неизвестный вид документа." in response.text
    assert await meeting_count(world) == 1


async def test_form_without_csrf_token_is_refused(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.post("/meetings", MEETING_FORM, csrf=False)

    assert response.status_code == 403
    assert await meeting_count(world) == 1


# ---------------------------------------------------------------- agenda items


async def test_adding_an_agenda_item_without_js(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.post(
        f"/meetings/{world.meeting_id}/agenda",
        {"title": "О подготовке к ГИА", "speakers": "Иванова А.А., Петров П.П.\nСидорова С.С."},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/meetings/{world.meeting_id}"
    detail = await meetings.get_meeting(await actor_of(world, "head"), world.meeting_id)
    item = detail.agenda[-1]
    assert item.position == 2
    assert item.title == "О подготовке к ГИА"
    assert item.speakers == ("Иванова А.А.", "Петров П.П.", "Сидорова С.С.")
    page = await pages.get(response.headers["location"])
    assert "Вопрос повестки добавлен." in page.text
    assert "Докладчики: Иванова А.А., Петров П.П., Сидорова С.С." in page.text


async def test_adding_an_agenda_item_with_htmx(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.post(
        f"/meetings/{world.meeting_id}/agenda",
        {"title": "О подготовке к ГИА", "speakers": ""},
        htmx=True,
    )

    text = response.text
    assert response.status_code == 200
    assert "<html" not in text
    # A blank form, the agenda and the decision form's agenda choice swapped out of band.
    assert text.lstrip().startswith('<form id="agenda-add"')
    assert '<div id="agenda" hx-swap-oob="true">' in text
    assert '<div id="decision-add-agenda" hx-swap-oob="true">' in text
    assert "2. О подготовке к ГИА" in text
    assert re.search(r'<div id="messages"[^>]*hx-swap-oob="innerHTML"', text)
    assert "Вопрос повестки добавлен." in text


@pytest.mark.parametrize("htmx", [False, True])
async def test_agenda_item_needs_a_title(world: World, pages: PageClient, htmx: bool) -> None:
    await pages.login(world.users["head"])

    response = await pages.post(
        f"/meetings/{world.meeting_id}/agenda", {"title": " ", "speakers": "Рыбина Л.Д."}, htmx=htmx
    )

    assert response.status_code == 422
    assert 'id="agenda-add-title-error">Введите формулировку вопроса повестки.' in response.text
    assert "Рыбина Л.Д.</textarea>" in response.text
    detail = await meetings.get_meeting(await actor_of(world, "head"), world.meeting_id)
    assert len(detail.agenda) == 1


async def test_agenda_item_on_unknown_meeting_is_404(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.post("/meetings/999999/agenda", {"title": "Вопрос"})

    assert response.status_code == 404


# ---------------------------------------------------------------- decisions

DECISION_FORM = {
    "number": "4",
    "kind": "instruction",
    "addressee": "Руководителям ОО",
    "text": "Провести родительские собрания.",
    "agenda_item_id": "",
    "deadline_kind": "none",
}


async def last_decision(world: World) -> meetings.DecisionView:
    detail = await meetings.get_meeting(await actor_of(world, "head"), world.meeting_id)
    return detail.decisions[-1]


async def test_adding_a_decision_with_a_date_and_agenda_item(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["secretary"])
    detail = await meetings.get_meeting(await actor_of(world, "head"), world.meeting_id)

    response = await pages.post(
        f"/meetings/{world.meeting_id}/decisions",
        DECISION_FORM
        | {
            "agenda_item_id": str(detail.agenda[0].id),
            "deadline_kind": "date",
            "deadline_date": "01.04.2026",
        },
    )

    assert response.status_code == 303
    decision = await last_decision(world)
    assert decision.number == "4"
    assert decision.position == 4
    assert decision.agenda_item_id == detail.agenda[0].id
    assert decision.deadline.kind == "date"
    assert str(decision.deadline.date) == "2026-04-01"
    assert decision.deadline_label == "до 01.04.2026"
    page = await pages.get(response.headers["location"])
    assert "Решение № 4 добавлено." in page.text
    assert "Провести родительские собрания." in page.text


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        (
            {"deadline_kind": "relative", "deadline_days": "10", "deadline_working": "on"},
            "в течение 10 рабочих дней",
        ),
        ({"deadline_kind": "relative", "deadline_days": "21"}, "в течение 21 дня"),
        (
            {"deadline_kind": "periodic", "deadline_period": "monthly", "deadline_day": "5"},
            "ежемесячно до 5 числа",
        ),
        ({"deadline_kind": "periodic", "deadline_period": "quarterly"}, "ежеквартально"),
        ({"deadline_kind": "ongoing"}, "постоянно"),
        (
            {
                "deadline_kind": "date",
                "deadline_date": "2026-04-01",
                "deadline_text": "до 1 апреля",
            },
            "до 1 апреля",
        ),
    ],
)
async def test_decision_deadline_kinds(
    world: World, pages: PageClient, fields: dict[str, str], label: str
) -> None:
    await pages.login(world.users["head"])

    response = await pages.post(
        f"/meetings/{world.meeting_id}/decisions",
        DECISION_FORM | {"deadline_date": "01.01.2027", "deadline_days": "3"} | fields,
    )

    assert response.status_code == 303
    decision = await last_decision(world)
    assert decision.deadline.kind == fields["deadline_kind"]
    assert decision.deadline_label == label
    if decision.deadline.kind != "date":
        # Fields of other kinds of deadline are not kept.
        assert decision.deadline.date is None


async def test_adding_a_decision_with_htmx(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.post(f"/meetings/{world.meeting_id}/decisions", DECISION_FORM, htmx=True)

    text = response.text
    assert response.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith('<form id="decision-add"')
    assert '<div id="decisions" hx-swap-oob="true">' in text
    assert "Провести родительские собрания." in text
    assert "Решение № 4 добавлено." in text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "  "}, "text", "Введите текст решения."),
        ({"number": "1" * 21}, "number", "Номер пункта не длиннее 20 символов."),
        ({"kind": "order"}, "kind", "Неизвестный вид решения."),
        ({"deadline_kind": "soon"}, "deadline_kind", "Неизвестный вид срока."),
        ({"deadline_kind": "date"}, "deadline", "Для срока «к дате» укажите дату."),
        (
            {"deadline_kind": "date", "deadline_date": "30.02.2026"},
            "deadline_date",
            "Неверная дата: укажите её как ДД.ММ.ГГГГ.",
        ),
        ({"deadline_kind": "relative"}, "deadline", "Для относительного срока укажите число дней."),
        (
            {"deadline_kind": "periodic"},
            "deadline",
            "Для периодического срока укажите период.",
        ),
        (
            {"deadline_kind": "periodic", "deadline_period": "monthly", "deadline_day": "32"},
            "deadline_day",
            "День месяца — от 1 до 31.",
        ),
        ({"agenda_item_id": "999999"}, "agenda_item_id", "Нет такого вопроса повестки."),
    ],
)
async def test_bad_decision_is_shown_beside_the_field(
    world: World, pages: PageClient, fields: dict[str, str], field: str, message: str
) -> None:
    await pages.login(world.users["secretary"])

    for htmx in (False, True):
        response = await pages.post(
            f"/meetings/{world.meeting_id}/decisions", DECISION_FORM | fields, htmx=htmx
        )

        # The whole page without JavaScript, the form alone for htmx; the message beside the
        # field and what was typed kept.
        assert response.status_code == 422
        assert ("<html" in response.text) is not htmx
        assert f'id="decision-add-{field}-error">{message}</p>' in response.text
        if field != "text":
            assert "Провести родительские собрания.</textarea>" in response.text

    detail = await meetings.get_meeting(await actor_of(world, "head"), world.meeting_id)
    assert len(detail.decisions) == 3


async def test_decision_of_another_meetings_agenda_is_refused(
    world: World, pages: PageClient
) -> None:
    # Given a second meeting with an agenda item of its own
    secretary = await actor_of(world, "secretary")
    other = await meetings.create_meeting(
        secretary,
        meetings.MeetingDraft(
            title="Другое", date=date(2026, 3, 1), agenda=(meetings.AgendaDraft(title="Чужой"),)
        ),
    )
    other_item = (await meetings.get_meeting(secretary, other.id)).agenda[0].id
    await pages.login(world.users["secretary"])

    response = await pages.post(
        f"/meetings/{world.meeting_id}/decisions",
        DECISION_FORM | {"agenda_item_id": str(other_item)},
    )

    assert response.status_code == 422
    assert "Нет такого вопроса повестки." in response.text
