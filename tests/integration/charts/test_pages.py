"""The chart pages on the test world: a meeting's charts and the trend across meetings, each as
a full page and as its htmx fragment; accessible names; only the head and the secretary."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.accounts.roles import Actor, Role
from tracker.assignments import services as assignments
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.charts.services import trend_across_meetings
from tracker.meetings import services as meetings
from tracker.schools.services import ChosenSchools
from tracker.web.templating import make_environment


async def progress_in_world(world: World) -> None:
    """School A's report accepted (on time: due 2030), school B's waiting; school C not yet."""
    head = await actor_of(world, "head")
    school_a, school_b = await actor_of(world, "school_a"), await actor_of(world, "school_b")
    await assignments.submit_report(school_a, world.assignments["a"], text="Сделано")
    await assignments.accept(head, world.assignments["a"])
    await assignments.submit_report(school_b, world.assignments["b"], text="Сделано")


async def later_meeting(world: World, *, text: str = "Провести родительские собрания.") -> int:
    """A meeting of 12.03.2026 whose one decision went to schools A and B, due long ago."""
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей",
            date=date(2026, 3, 12),
            number="2",
            decisions=(
                meetings.DecisionDraft(
                    number="1",
                    text=text,
                    deadline=DeadlineRule(kind=DeadlineKind.DATE, date=date(2026, 4, 1)),
                ),
            ),
        ),
    )
    (decision_id, _), *_ = created.decisions
    await assignments.assign(
        None,
        decision_id,
        ChosenSchools((world.schools["a"], world.schools["b"])),
        due_on=date(2026, 4, 1),
        today=date(2026, 3, 12),
    )
    return created.id


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def assert_accessible(html: str) -> None:
    """Every picture is an image with a title and a description that name it, and a table
    carries the same figures."""
    found = svgs(html)
    assert found
    for picture in found:
        head = picture[: picture.index(">")]
        assert 'role="img"' in head
        assert 'viewBox="0 0 400 ' in head
        assert 'width="100%"' in head
        labelled_by = re.search(r'aria-labelledby="([^"]+)"', head)
        assert labelled_by is not None
        for element_id in labelled_by.group(1).split():
            assert f'id="{element_id}"' in picture
        assert re.search(r"<title id=\"[^\"]+\">[^<]+</title>", picture)
        assert re.search(r"<desc id=\"[^\"]+\">[^<]+</desc>", picture)
    assert html.count('<div class="visually-hidden"><table>') == len(found)


# ---------------------------------------------------------------- a meeting's charts


@pytest.mark.parametrize("key", ["head", "secretary"])
async def test_meeting_charts_fragment(world: World, pages: PageClient, key: str) -> None:
    # Given the world's decision № 1: one school accepted, one reported, one still at work
    await progress_in_world(world)
    await pages.login(world.users[key])

    # When the meeting page asks for its charts
    response = await pages.get(f"/meetings/{world.meeting_id}/charts", htmx=True)

    # Then the fragment alone, with both pictures and their figures
    text = response.text
    assert response.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith('<div id="meeting-charts"')
    assert len(svgs(text)) == 2
    assert_accessible(text)
    assert "Исполнение решений совещания от 05.02.2026" in text
    assert "№ 1. Обеспечить участие" in text
    assert "1 из 3" in text  # accepted of all
    assert "№ 1: принято 1 из 3, в срок 1, на проверке 1, в работе 1." in text
    # The recommendation is tracked and unassigned; «принять к сведению» is not tracked
    assert "Не назначены школам: № 2." in text
    # Schools by on-time share: school A first, then the others by name
    names = ["МБОУ СОШ № 1", "МБДОУ «Детский сад № 4»", "МБОУ СОШ № 2"]
    desc = re.search(r'<desc id="charts-ranking-\d+-desc">([^<]+)</desc>', text)
    assert desc is not None
    assert re.findall(r"\d+\. ([^:]+):", desc.group(1)) == names
    assert "1. МБОУ СОШ № 1: в срок 1 из 1, 100 %." in desc.group(1)


async def test_meeting_charts_page(world: World, pages: PageClient) -> None:
    await progress_in_world(world)
    await pages.login(world.users["head"])

    response = await pages.get(f"/meetings/{world.meeting_id}/charts")

    text = response.text
    assert response.status_code == 200
    assert "<html" in text
    assert "<h1>Исполнение решений</h1>" in text
    assert f'href="/meetings/{world.meeting_id}"' in text
    assert '<div id="meeting-charts"' in text
    assert_accessible(text)


async def test_meeting_without_assignments_says_so(world: World, pages: PageClient) -> None:
    meeting_id = (
        await meetings.create_meeting(
            None,
            meetings.MeetingDraft(
                title="Пустое совещание",
                date=date(2026, 3, 1),
                decisions=(meetings.DecisionDraft(number="1", text="Обеспечить."),),
            ),
        )
    ).id
    await pages.login(world.users["head"])

    response = await pages.get(f"/meetings/{meeting_id}/charts", htmx=True)

    assert response.status_code == 200
    assert svgs(response.text) == []
    assert "ещё не назначены школам" in response.text
    assert "Поручений школам пока нет." in response.text
    assert "Не назначены школам: № 1." in response.text


async def test_decision_text_is_escaped(world: World, pages: PageClient) -> None:
    meeting_id = await later_meeting(world, text="Обеспечить <script>alert(1)</script> & «всё»")
    await pages.login(world.users["head"])

    response = await pages.get(f"/meetings/{meeting_id}/charts", htmx=True)

    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


async def test_unknown_meeting_is_404(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    assert (await pages.get("/meetings/999999/charts")).status_code == 404
    assert (await pages.get("/meetings/999999/charts", htmx=True)).status_code == 404


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_charts_are_forbidden_to_other_roles(
    world: World, pages: PageClient, key: str
) -> None:
    await pages.login(world.users[key])

    for url in (f"/meetings/{world.meeting_id}/charts", "/charts/trend"):
        assert (await pages.get(url)).status_code == 403, url
        assert (await pages.get(url, htmx=True)).status_code == 403, url


async def test_signed_out_gets_no_charts(world: World, pages: PageClient) -> None:
    for url in (f"/meetings/{world.meeting_id}/charts", "/charts/trend"):
        response = await pages.get(url)
        assert response.status_code in {302, 303, 401}, url
        assert "<svg" not in response.text


# ---------------------------------------------------------------- the trend


async def test_trend_fragment_has_a_point_per_meeting(world: World, pages: PageClient) -> None:
    # Given the world's meeting (1 of 3 accepted, on time) and a later one (0 of 2, overdue)
    await progress_in_world(world)
    await later_meeting(world)
    await pages.login(world.users["secretary"])

    # When the dashboard asks for the trend
    response = await pages.get("/charts/trend", htmx=True)

    # Then one point per meeting, oldest first, with its shares
    text = response.text
    assert response.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith('<div id="charts-trend"')
    assert_accessible(text)
    assert "05.02.2026: принято 33 %, в срок 33 %. 12.03.2026: принято 0 %, в срок 0 %." in text
    assert text.count('<circle class="trend-done-mark"') == 2 + 1  # the points and the legend


async def test_trend_page(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get("/charts/trend")

    assert response.status_code == 200
    assert "<html" in response.text
    assert "<h1>Исполнение решений по совещаниям</h1>" in response.text
    assert "05.02.2026: принято 0 %, в срок 0 %." in response.text


async def test_trend_of_nothing_is_empty(clean_db: None) -> None:
    found = await trend_across_meetings(Actor(user_id=1, role=Role.HEAD), today=date(2026, 3, 1))

    assert found.is_empty


async def test_trend_keeps_the_last_meetings(world: World) -> None:
    # Given two meetings with assignments
    await later_meeting(world)
    head = await actor_of(world, "head")

    # When the trend is asked for the last one only
    found = await trend_across_meetings(head, today=date(2026, 11, 2), limit=1)

    # Then the later meeting alone: 0 of 2 done
    assert [(p.on, p.done, p.on_time) for p in found.points] == [(date(2026, 3, 12), 0, 0)]
    with pytest.raises(ValueError, match="positive"):
        await trend_across_meetings(head, today=date(2026, 11, 2), limit=0)


async def test_a_school_user_sees_the_trend_of_their_school_only(world: World) -> None:
    # Given school A's assignment accepted, the others not
    await progress_in_world(world)
    school_a = await actor_of(world, "school_a")

    # When school A's user asks the service (the page is the department's)
    found = await trend_across_meetings(school_a, today=date(2026, 11, 2))

    # Then the figures are school A's alone
    assert [(p.done, p.on_time) for p in found.points] == [(100, 100)]


# ---------------------------------------------------------------- the placeholders


@pytest.mark.parametrize(
    ("slot", "element_id"),
    [("charts/_meeting_slot.html", "meeting-charts"), ("charts/_trend_slot.html", "charts-trend")],
)
async def test_a_placeholder_loads_the_fragment_that_replaces_it(
    world: World, pages: PageClient, slot: str, element_id: str
) -> None:
    # Given the placeholder a page includes
    env = make_environment()
    placeholder = env.get_template(slot).render(meeting_id=world.meeting_id)
    url = re.search(r'hx-get="([^"]+)"', placeholder)
    assert url is not None
    assert f'<div id="{element_id}"' in placeholder
    assert f'<a href="{url.group(1)}">' in placeholder  # without JavaScript: a link
    await pages.login(world.users["head"])

    # When htmx loads it
    response = await pages.get(url.group(1), htmx=True)

    # Then the fragment takes its place (same id) and reloads itself after a change
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div id="{element_id}"')
    assert 'hx-trigger="attention-changed from:body"' in response.text
    assert f'hx-get="{url.group(1)}"' in response.text
