"""The calendar subscription: a school leader makes a secret URL on /my/calendar (with and
without JS), a calendar application reads the school's open due dates from it without a
session; a new URL revokes the old; the secret itself is never stored."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from icalendar import Calendar

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.accounts import services as accounts
from tracker.assignments import services as assignments
from tracker.audit.tables import AuditEvent
from tracker.feeds.tables import FeedToken
from tracker.meetings import services as meetings
from tracker.schools.services import ChosenSchools
from tracker.settings import get_settings

FEED_RE = re.compile(r"/calendar/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture(autouse=True)
async def no_feed_tokens(clean_db: None) -> None:
    # feed_token empties with its users; this keeps the test alone even before it is listed
    # among the tables the test set-up empties.
    await FeedToken.delete(force=True)


@pytest.fixture
async def calendar_app(app: object) -> AsyncIterator[PageClient]:
    """A calendar application: no session, no cookies of ours."""
    async with PageClient.open(app) as client:
        yield client


async def subscribe(pages: PageClient, *, htmx: bool = False) -> str:
    """Make the school's feed; the secret from the page that shows it (once)."""
    response = await pages.post("/my/calendar", {}, htmx=htmx)
    if not htmx:
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/my/calendar"
        response = await pages.get("/my/calendar")
    assert response.status_code == 200, response.text
    found = FEED_RE.search(response.text)
    assert found, response.text
    return found.group(1)


def events(response: httpx.Response) -> dict[str, date]:
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}


def uid(assignment_id: int) -> str:
    host = get_settings().base_url.split("://", 1)[1].split(":")[0].split("/")[0]
    return f"assignment-{assignment_id}@{host}"


async def more_assignments(world: World) -> dict[str, int]:
    """School A: one accepted, one ongoing (no due date), one on review; school B: one."""
    head = await actor_of(world, "head")
    school = await actor_of(world, "school_a")
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание",
            date=date(2026, 1, 20),
            decisions=tuple(
                meetings.DecisionDraft(number=str(n), text=f"Поручение {n}") for n in range(1, 5)
            ),
        ),
    )
    ids = [d for d, _ in created.decisions]
    a = ChosenSchools((world.schools["a"],))
    [accepted] = await assignments.assign(head, ids[0], a, due_on=date(2030, 4, 1))
    await assignments.submit_report(school, accepted.id, text="Сделано")
    await assignments.accept(head, accepted.id)
    [reported] = await assignments.assign(head, ids[1], a, due_on=date(2030, 5, 1))
    await assignments.submit_report(school, reported.id, text="Сделано")
    [overdue] = await assignments.assign(head, ids[2], a, due_on=date(2026, 1, 30))
    [other] = await assignments.assign(
        head, ids[3], ChosenSchools((world.schools["b"],)), due_on=date(2030, 6, 1)
    )
    return {
        "accepted": accepted.id,
        "reported": reported.id,
        "overdue": overdue.id,
        "other": other.id,
    }


# ---------------------------------------------------------------- the feed


async def test_feed_has_the_schools_open_due_dates_only(
    world: World, pages: PageClient, calendar_app: PageClient
) -> None:
    # Given school A's assignments in every state and one of school B's
    ids = await more_assignments(world)
    await pages.login(world.users["school_a"])
    token = await subscribe(pages)

    # When a calendar application fetches the URL, with no session
    response = await calendar_app.get(f"/calendar/{token}.ics")

    # Then it gets school A's open due dates, one all-day event each, and nothing else
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["cache-control"]
    assert events(response) == {
        uid(world.assignments["a"]): date(2030, 3, 1),
        uid(ids["overdue"]): date(2026, 1, 30),
    }
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Сроки исполнения — МБОУ СОШ № 1"
    [event] = [e for e in calendar.walk("VEVENT") if str(e["uid"]) == uid(ids["overdue"])]
    assert str(event["summary"]) == "Срок: Поручение 3"
    link = f"{get_settings().base_url}/assignments/{ids['overdue']}"
    assert link in str(event["description"])
    assert event.walk("VALARM")


async def test_uids_are_stable_and_a_moved_due_date_moves_the_event(
    world: World, pages: PageClient, calendar_app: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    token = await subscribe(pages)
    before = events(await calendar_app.get(f"/calendar/{token}.ics"))

    # the school's extension is approved: the same event, a later day
    school = await actor_of(world, "school_a")
    head = await actor_of(world, "head")
    request_id = await assignments.request_extension(
        school, world.assignments["a"], due_on=date(2030, 4, 15), reason="Каникулы"
    )
    await assignments.decide_extension(head, request_id, approve=True, comment="")
    after = events(await calendar_app.get(f"/calendar/{token}.ics"))

    assert before == {uid(world.assignments["a"]): date(2030, 3, 1)}
    assert after == {uid(world.assignments["a"]): date(2030, 4, 15)}


async def test_school_b_sees_its_own_school_only(
    world: World, pages: PageClient, calendar_app: PageClient
) -> None:
    ids = await more_assignments(world)
    await pages.login(world.users["school_b"])
    token = await subscribe(pages)

    response = await calendar_app.get(f"/calendar/{token}.ics")

    assert events(response) == {
        uid(world.assignments["b"]): date(2030, 3, 1),
        uid(ids["other"]): date(2030, 6, 1),
    }
    assert "МБОУ СОШ № 2" in str(Calendar.from_ical(response.content)["x-wr-calname"])


@pytest.mark.parametrize(
    "path",
    [
        "/calendar/" + "A" * 43 + ".ics",
        "/calendar/nonsense.ics",
        "/calendar/" + "A" * 200 + ".ics",
    ],
)
async def test_an_unknown_url_is_a_bare_404(
    world: World, calendar_app: PageClient, path: str
) -> None:
    response = await calendar_app.get(path)

    assert response.status_code == 404
    assert response.text == "Не найдено."
    assert "location" not in response.headers


@pytest.mark.parametrize("path", ["/calendar/" + "A" * 43, "/calendar/%2e%2e.ics", "/calendar/"])
async def test_anything_else_under_calendar_is_not_public(
    world: World, calendar_app: PageClient, path: str
) -> None:
    response = await calendar_app.get(path)

    assert response.status_code in {303, 404}
    assert response.status_code == 404 or response.headers["location"].startswith("/login")


async def test_a_new_url_revokes_the_old_one(
    world: World, pages: PageClient, calendar_app: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    old = await subscribe(pages)

    new = await subscribe(pages, htmx=True)

    assert new != old
    assert (await calendar_app.get(f"/calendar/{old}.ics")).status_code == 404
    assert (await calendar_app.get(f"/calendar/{new}.ics")).status_code == 200
    assert await FeedToken.count() == 1


async def test_switching_off_stops_the_url(
    world: World, pages: PageClient, calendar_app: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    token = await subscribe(pages)

    response = await pages.post("/my/calendar/revoke", {})

    assert response.status_code == 303
    assert (await calendar_app.get(f"/calendar/{token}.ics")).status_code == 404
    assert await FeedToken.count() == 0
    assert "Подписки пока нет" in (await pages.get("/my/calendar")).text


async def test_a_deactivated_user_has_no_feed(
    world: World, pages: PageClient, calendar_app: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    token = await subscribe(pages)

    await accounts.update_user(
        await actor_of(world, "admin"),
        world.user_ids["school_a"],
        full_name="School A",
        position="",
        role="school",
        school_id=world.schools["a"],
        is_active=False,
    )

    assert (await calendar_app.get(f"/calendar/{token}.ics")).status_code == 404


# ---------------------------------------------------------------- the secret


async def test_the_secret_is_stored_only_as_its_hash_and_audited_without_it(
    world: World, pages: PageClient, calendar_app: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    token = await subscribe(pages)
    await calendar_app.get(f"/calendar/{token}.ics")

    [row] = await FeedToken.select()
    events_ = await AuditEvent.select().where(AuditEvent.entity == "feed_token")

    assert len(token) >= 43  # 32 random bytes
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(row, default=str)
    assert row["user"] == world.user_ids["school_a"]
    assert row["last_used_at"] is not None
    assert [e["action"] for e in events_] == ["create"]
    assert events_[0]["school_id"] == world.schools["a"]
    assert token not in json.dumps(events_, default=str)


async def test_the_url_is_shown_once(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    token = await subscribe(pages)

    again = await pages.get("/my/calendar")

    assert token not in again.text
    assert not FEED_RE.search(again.text)
    assert "Создать новый адрес" in again.text
    assert again.headers["cache-control"] == "no-store"


# ---------------------------------------------------------------- the page


async def test_page_full_and_fragment(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    full = await pages.get("/my/calendar")
    fragment = await pages.get("/my/calendar", htmx=True)
    made = await pages.post("/my/calendar", {}, htmx=True)

    assert "<html" in full.text
    assert "Подписка на календарь" in full.text
    assert 'action="/my/calendar"' in full.text
    assert "Получить адрес календаря" in full.text
    assert fragment.text.lstrip().startswith('<section id="calendar-feed"')
    assert "<html" not in made.text
    assert made.text.lstrip().startswith('<section id="calendar-feed"')
    assert 'id="feed-url"' in made.text
    assert '<label for="feed-url">' in made.text
    assert 'href="webcal://' in made.text
    assert "Адрес календаря создан" in made.text  # the message, out of band


@pytest.mark.parametrize("role", ["head", "secretary", "admin"])
async def test_staff_get_403_and_nothing_is_written(
    world: World, pages: PageClient, role: str
) -> None:
    await pages.login(world.users[role])

    page = await pages.get("/my/calendar")
    made = await pages.post("/my/calendar", {})

    assert page.status_code == 403
    assert made.status_code == 403
    assert await FeedToken.count() == 0


async def test_without_the_csrf_token_nothing_is_written(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post("/my/calendar", {}, csrf=False)

    assert response.status_code == 403
    assert await FeedToken.count() == 0


async def test_signed_out_the_page_sends_to_login(world: World, pages: PageClient) -> None:
    response = await pages.get("/my/calendar")

    assert response.status_code in {302, 303}
    assert response.headers["location"].startswith("/login")
