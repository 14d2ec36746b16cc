"""The school leader's home (/my): overdue, returned, due this working week, the other open
ones, each with a count, one tap from each card to the report form; only the own school."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker import clock
from tracker.assignments import services as assignments
from tracker.assignments.controllers import HOME_SECTION_LIMIT
from tracker.assignments.services import working_week_end
from tracker.calendar.services import effective_calendar
from tracker.calendar.workdays import WorkCalendar
from tracker.meetings import services as meetings
from tracker.schools.services import ChosenSchools


@dataclass
class Home:
    week_end: date
    ids: dict[str, int]
    """Case → school A's assignment; «other_school» is school B's."""


async def decisions(*texts: str) -> list[int]:
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей",
            date=date(2026, 1, 20),
            decisions=tuple(
                meetings.DecisionDraft(number=str(n), text=text)
                for n, text in enumerate(texts, start=1)
            ),
        ),
    )
    return [decision_id for decision_id, _ in created.decisions]


async def given_a_home(world: World) -> Home:
    """School A: one assignment of each kind; school B: one due today."""
    head = await actor_of(world, "head")
    school = await actor_of(world, "school_a")
    today = clock.today()
    week_end = working_week_end(today, await effective_calendar())
    cases = {
        "overdue": today - timedelta(days=5),
        "returned": week_end + timedelta(days=20),
        "today": today,
        "week_end": week_end,
        "later": week_end + timedelta(days=30),
        "on_review": week_end + timedelta(days=40),
        "accepted": week_end + timedelta(days=50),
    }
    ids = await decisions(*(f"Поручение «{case}» для проверки" for case in cases))
    found: dict[str, int] = {}
    for (case, due_on), decision_id in zip(cases.items(), ids, strict=True):
        [row] = await assignments.assign(
            head, decision_id, ChosenSchools((world.schools["a"],)), due_on=due_on
        )
        found[case] = row.id
    for case in ("returned", "on_review", "accepted"):
        await assignments.submit_report(school, found[case], text="Сделано")
    await assignments.return_for_rework(head, found["returned"], comment="Нет плана")
    await assignments.accept(head, found["accepted"])
    [other] = await assignments.assign(
        head, ids[2], ChosenSchools((world.schools["b"],)), due_on=today
    )
    found["other_school"] = other.id
    return Home(week_end=week_end, ids=found)


def section(html: str, key: str) -> str:
    found = re.search(rf'<section class="home-section home-{key}".*?</section>', html, re.S)
    assert found, f"no section {key}"
    return found.group(0)


def ids_in(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/assignments/(\d+)"', html)]


async def test_home_sections_in_order_with_counts(world: World, pages: PageClient) -> None:
    # Given school A's assignments of every kind (and the world's own, due in 2030)
    home = await given_a_home(world)
    await pages.login(world.users["school_a"])

    # When its leader opens the home
    response = await pages.get("/my")

    # Then each lands in its section, the sections in the order of urgency
    html = response.text
    assert response.status_code == 200
    assert ids_in(section(html, "overdue")) == [home.ids["overdue"]]
    assert ids_in(section(html, "returned")) == [home.ids["returned"]]
    assert ids_in(section(html, "week")) == [home.ids["today"], home.ids["week_end"]]
    assert ids_in(section(html, "open")) == [home.ids["later"], world.assignments["a"]]
    assert ids_in(section(html, "review")) == [home.ids["on_review"]]
    positions = [
        html.index(f'home-{key}-title"') for key in ("overdue", "returned", "week", "open")
    ]
    assert positions == sorted(positions)
    # with the counts in Russian plural forms
    assert 'Просрочено <span class="home-count">· 1 поручение</span>' in html
    assert 'Срок на этой неделе <span class="home-count">· 2 поручения</span>' in html
    assert 'Остальные открытые <span class="home-count">· 2 поручения</span>' in html
    # the accepted one only counted, behind a link
    assert home.ids["accepted"] not in ids_in(html)
    assert 'href="/my?status=accepted">Снятые с контроля: 1 поручение</a>' in html
    # dates as people write them
    week = section(html, "week")
    assert f"до {today_long()}" in week
    assert "от 20.01.2026" in week


def today_long() -> str:
    from tracker.web.templating import ru_long_date  # noqa: PLC0415

    return ru_long_date(clock.today())


async def test_home_never_shows_another_schools_assignments(
    world: World, pages: PageClient
) -> None:
    home = await given_a_home(world)

    await pages.login(world.users["school_a"])
    mine = await pages.get("/my")
    await pages.login(world.users["school_b"])
    theirs = await pages.get("/my")

    assert home.ids["other_school"] not in ids_in(mine.text)
    assert world.assignments["b"] not in ids_in(mine.text)
    assert set(ids_in(theirs.text)) == {home.ids["other_school"], world.assignments["b"]}
    assert ids_in(section(theirs.text, "week")) == [home.ids["other_school"]]
    assert 'Просрочено <span class="home-count">· 0 поручений</span>' in theirs.text


async def test_report_form_is_one_tap_from_each_card(world: World, pages: PageClient) -> None:
    home = await given_a_home(world)
    await pages.login(world.users["school_a"])

    html = (await pages.get("/my")).text
    links = [int(i) for i in re.findall(r'href="/assignments/(\d+)#report-form"', html)]
    target = await pages.get(f"/assignments/{home.ids['overdue']}")

    # every card the school can report on has the button; one on review has not
    assert set(links) == {
        home.ids[k] for k in ("overdue", "returned", "today", "week_end", "later")
    } | {world.assignments["a"]}
    assert home.ids["on_review"] not in links
    assert section(html, "overdue").count(">Отчитаться<") == 1
    # and the link lands on the report form itself
    assert 'id="report-form"' in target.text


async def test_home_fragment_and_filters_swap_the_same_area(
    world: World, pages: PageClient
) -> None:
    home = await given_a_home(world)
    await pages.login(world.users["school_a"])

    fragment = await pages.get("/my", htmx=True)
    cleared = await pages.get("/my?status=", htmx=True)
    filtered = await pages.get("/my?status=reported", htmx=True)
    done = await pages.get("/my?status=accepted")

    assert fragment.text.lstrip().startswith('<div id="assignment-list" class="home"')
    assert "<html" not in fragment.text
    assert cleared.text.lstrip().startswith('<div id="assignment-list" class="home"')
    assert filtered.text.lstrip().startswith('<div id="assignment-list" class="table-wrap"')
    assert ids_in(filtered.text) == [home.ids["on_review"]]
    assert ids_in(done.text) == [home.ids["accepted"]]
    assert "<html" in done.text


async def test_home_links_the_calendar_subscription(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.get("/my")

    assert 'href="/my/calendar"' in response.text


@pytest.mark.parametrize("role", ["head", "secretary"])
async def test_staff_have_no_home(world: World, role: str) -> None:
    staff = await actor_of(world, role)
    with pytest.raises(assignments.PermissionDeniedError):
        await assignments.school_home(staff)


# ---------------------------------------------------------------- «this week», pure

WEEKENDS = WorkCalendar()


@pytest.mark.parametrize(
    ("today", "calendar", "expected"),
    [
        (date(2026, 11, 23), WEEKENDS, date(2026, 11, 27)),  # Monday → Friday
        (date(2026, 11, 27), WEEKENDS, date(2026, 11, 27)),  # Friday → the same day
        (date(2026, 11, 28), WEEKENDS, date(2026, 12, 4)),  # Saturday → next Friday
        (
            date(2026, 11, 25),
            WorkCalendar(holidays=frozenset({date(2026, 11, 27)})),
            date(2026, 11, 26),
        ),
        (
            date(2026, 11, 25),
            WorkCalendar(working_weekends=frozenset({date(2026, 11, 28)})),
            date(2026, 11, 28),
        ),
        (  # the New Year holidays: the first working week after them
            date(2026, 1, 1),
            WorkCalendar(holidays=frozenset(date(2026, 1, d) for d in (1, 2, 5, 6, 7, 8, 9))),
            date(2026, 1, 16),
        ),
    ],
)
def test_working_week_end(today: date, calendar: WorkCalendar, expected: date) -> None:
    assert working_week_end(today, calendar) == expected


async def test_a_long_section_shows_its_first_cards_and_opens_whole(
    world: World, pages: PageClient
) -> None:
    # Given school A with more overdue assignments than a section shows
    head = await actor_of(world, "head")
    many = HOME_SECTION_LIMIT + 3
    for decision_id in await decisions(*(f"Просроченное поручение № {n}" for n in range(many))):
        await assignments.assign(
            head,
            decision_id,
            ChosenSchools((world.schools["a"],)),
            due_on=clock.today() - timedelta(days=3),
        )
    await pages.login(world.users["school_a"])

    # When its leader opens the home, the section shows the first ones and a way to all
    overdue = section((await pages.get("/my")).text, "overdue")
    cards = set(ids_in(overdue))
    assert len(cards) == HOME_SECTION_LIMIT
    assert f"Показать все: {many} поручени" in overdue  # «поручения» or «поручений»
    assert 'href="/my?section=overdue' in overdue

    # and that link opens the section whole
    whole = section((await pages.get("/my?section=overdue")).text, "overdue")
    assert len(set(ids_in(whole))) == many
    assert "Показать все" not in whole
