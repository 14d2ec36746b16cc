"""The search across decisions and schools: any case of Cyrillic on SQLite and PostgreSQL alike,
«е» for «ё», numbers, a hint for a short query, a cap with a note; only the department."""

from __future__ import annotations

from datetime import date

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.dashboard.services import search
from tracker.meetings import services as meetings
from tracker.schools import services as schools


async def _add(world: World) -> int:
    return await schools.create_school(
        None,
        name="Муниципальное бюджетное учреждение «Средняя общеобразовательная Школа № 7»",
        short_name="МБОУ «Ёлочка»",
    )


async def test_a_school_is_found_whatever_the_case(world: World) -> None:
    school_id = await _add(world)
    head = await actor_of(world, "head")

    for query in ("ШКОЛА", "школа", "шКоЛа № 7", "елочка", "ЁЛОЧКА", "мбоу «ё"):
        found = await search(head, query)
        assert [s.id for s in found.schools] == [school_id], query
    assert (await search(head, "школа № 8")).schools == ()


async def test_decisions_are_found_by_text_and_number(world: World) -> None:
    head = await actor_of(world, "head")
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание № 9",
            date=date(2026, 3, 1),
            decisions=(meetings.DecisionDraft(number="12.4", text="ОРГАНИЗОВАТЬ питание."),),
        ),
    )
    [(new_id, _)] = created.decisions

    by_text = await search(head, "ПЕДАГОГОВ в семинарах")
    by_case = await search(head, "организовать ПИТАНИЕ")
    by_number = await search(head, "12.4")

    assert [d.id for d in by_text.decisions] == [world.decisions[0]]
    assert by_text.decisions[0].meeting_date == date(2026, 2, 5)
    assert [d.id for d in by_case.decisions] == [new_id]
    assert [d.id for d in by_number.decisions] == [new_id]


async def test_pattern_characters_are_taken_literally(world: World) -> None:
    head = await actor_of(world, "head")
    for query in ("%%", "__", "**", "??", "[а]", ".*", "\\\\"):
        found = await search(head, query)
        assert found.decisions == (), query
        assert found.schools == (), query


async def test_results_are_capped_with_a_note(world: World, pages: PageClient) -> None:
    await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание № 10",
            date=date(2026, 4, 1),
            decisions=tuple(
                meetings.DecisionDraft(number=str(n), text=f"Провести проверку № {n}.")
                for n in range(1, 6)
            ),
        ),
    )
    head = await actor_of(world, "head")

    found = await search(head, "проверку", limit=3)

    assert len(found.decisions) == 3
    assert found.more_decisions
    assert not (await search(head, "проверку", limit=5)).more_decisions
    await pages.login(world.users["head"])
    assert "Показаны первые" not in (await pages.get("/search?q=проверку")).text


async def test_the_page_shows_both_kinds_with_links(world: World, pages: PageClient) -> None:
    school_id = await _add(world)
    await pages.login(world.users["secretary"])

    page = await pages.get("/search?q=ШКОЛА")
    swap = await pages.get("/search?q=семинарах", htmx=True)

    assert page.status_code == 200
    assert f'href="/schools/{school_id}"' in page.text
    assert '<label for="search-q">' in page.text
    assert swap.status_code == 200
    assert swap.text.lstrip().startswith('<div id="search-results"')
    assert f'href="/decisions/{world.decisions[0]}"' in swap.text
    assert "05.02.2026" in swap.text


async def test_a_short_or_empty_query_gets_a_hint(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    for url in ("/search", "/search?q=", "/search?q=%D1%88", "/search?q=%20%20"):
        response = await pages.get(url)
        assert response.status_code == 200, url
        assert "Введите не меньше 2 символов" in response.text, url
        assert 'href="/decisions/' not in response.text


async def test_nothing_found_is_said(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    response = await pages.get("/search?q=абракадабра")
    assert "ничего не найдено" in response.text


async def test_only_the_department_searches(world: World, pages: PageClient) -> None:
    for key in ("school_a", "admin"):
        await pages.login(world.users[key])
        assert (await pages.get("/search?q=школа")).status_code == 403, key
        await pages.post("/logout")
