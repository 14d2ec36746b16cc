"""``/audit``: the whole trail for the head and the administrator — newest first, each event
in words (when on the department's clock, who, what, the object as a link, before → after),
filtered by text, kind of object, user and period, a page at a time with the same number of
queries on every page and at every size."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tests.integration.audit.conftest import COMMENT, HEAD_EMAIL, HEAD_NAME, Story
from tests.support.http import PageClient
from tests.support.querycount import count_queries
from tracker import clock
from tracker.audit import services as audit
from tracker.audit.tables import AuditEvent
from tracker.i18n import formats

ROW = re.compile(r'<tr id="audit-(\d+)">(.*?)</tr>', re.S)


def rows(html: str) -> list[tuple[int, str]]:
    """(event id, the row's text without tags) for each row of the log's table."""
    return [
        (int(m.group(1)), " ".join(unescape(re.sub(r"<[^>]+>", " ", m.group(2))).split()))
        for m in ROW.finditer(html)
    ]


async def opened(pages: PageClient, email: str, url: str = "/audit", **kwargs: object) -> str:
    await pages.login(email)
    response = await pages.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response.text


# ---------------------------------------------------------------- who may read it


@pytest.mark.parametrize("role", ["head", "admin"])
async def test_head_and_admin_read_the_log_and_find_it_in_the_menu(
    story: Story, pages: PageClient, role: str
) -> None:
    html = await opened(pages, story.world.users[role])

    assert "<h1>Журнал изменений</h1>" in html
    assert '<a href="/audit">Журнал изменений</a>' in html
    assert len(rows(html)) == await AuditEvent.count()


@pytest.mark.parametrize("role", ["secretary", "school_a"])
@pytest.mark.parametrize("url", ["/audit", "/audit?entity=assignment", "/audit.csv"])
async def test_other_roles_are_refused(
    story: Story, pages: PageClient, role: str, url: str
) -> None:
    await pages.login(story.world.users[role])

    page = await pages.get(url)
    fragment = await pages.get(url, htmx=True)
    home = await pages.get("/")

    assert page.status_code == fragment.status_code == 403
    assert "Журнал изменений" not in (await pages.get(home.headers.get("location", "/"))).text


async def test_anonymous_is_sent_to_sign_in(story: Story, pages: PageClient) -> None:
    response = await pages.get("/audit")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/audit"


async def test_a_school_reads_its_own_assignment_history_and_no_other(
    story: Story, pages: PageClient
) -> None:
    """The per-assignment history stays on the assignment's page, within the school."""
    await pages.login(story.world.users["school_a"])

    own = await pages.get(f"/assignments/{story.world.assignments['a']}")
    other = await pages.get(f"/assignments/{story.world.assignments['b']}")

    assert own.status_code == 200
    assert "Возвращено на доработку" in own.text
    assert COMMENT in own.text
    assert other.status_code == 404
    assert "Сделано." not in other.text


# ---------------------------------------------------------------- what an entry says


async def test_entries_newest_first_in_words(story: Story, pages: PageClient) -> None:
    html = await opened(pages, story.world.users["head"])
    found = rows(html)
    ids = [event_id for event_id, _ in found]
    a = story.world.assignments["a"]
    returned = await AuditEvent.select().where(AuditEvent.action == "return").first()
    assert returned is not None
    text = dict(found)[returned["id"]]

    assert ids == sorted(ids, reverse=True)
    when = formats.short_datetime(returned["at"], "ru")  # on the department's clock
    assert text.startswith(when)
    assert HEAD_NAME in text
    assert "Возвращено на доработку" in text
    assert "Поручение Решение № 1 — МБОУ СОШ № 1" in text
    assert "Состояние: На проверке → Возвращено на доработку" in text
    assert f"Комментарий: {COMMENT}" in text
    assert f'href="/assignments/{a}"' in html
    assert f'href="/audit?user={story.head_id}"' in html
    assert f'href="/audit?entity=assignment&amp;object={a}"' in html


async def test_the_time_is_the_departments(story: Story, pages: PageClient) -> None:
    """An event at 21:30 UTC happened at 00:30 the next day in Moscow."""
    moment = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)
    await AuditEvent.insert(
        AuditEvent(at=moment, entity="school", entity_id=1, action="update", after={"name": "X"})
    )

    html = await opened(pages, story.world.users["admin"], "/audit?entity=school&object=1")

    assert '<time datetime="2026-03-01T21:30:00+00:00">02.03.2026 00:30</time>' in html


async def test_links_follow_what_the_reader_may_open(story: Story, pages: PageClient) -> None:
    """The admin gets the admin's pages (a school's card in administration), the head the
    department's (decisions, meetings, a school's card)."""
    world = story.world
    head = await opened(pages, world.users["head"])
    admin = await opened(pages, world.users["admin"])

    assert f'href="/meetings/{world.meeting_id}"' in head
    assert f'href="/schools/{world.schools["a"]}"' in head
    assert f'href="/admin/users/{story.head_id}"' not in head
    assert f'href="/admin/schools/{world.schools["a"]}"' in admin
    assert f'href="/admin/users/{story.head_id}"' in admin
    assert f'href="/meetings/{world.meeting_id}"' not in admin
    for html in (head, admin):
        assert f'href="/assignments/{world.assignments["b"]}"' in html


async def test_the_fragment_is_the_results_alone(story: Story, pages: PageClient) -> None:
    html = await opened(pages, story.world.users["head"], "/audit?entity=assignment", htmx=True)

    assert html.lstrip().startswith('<div id="audit-results"')
    assert "<html" not in html
    assert "<form" not in html
    assert rows(html)


# ---------------------------------------------------------------- filters


async def ids_for(pages: PageClient, query: str) -> set[int]:
    response = await pages.get(f"/audit?{query}")
    assert response.status_code == 200, response.text
    return {event_id for event_id, _ in rows(response.text)}


async def event_ids(**where: object) -> set[int]:
    query = AuditEvent.select(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return {r["id"] for r in await query}


async def test_text_finds_a_person_by_name_in_any_letter_case(
    story: Story, pages: PageClient
) -> None:
    """Her two reviews, and the event that made her account (her name is in it)."""
    await pages.login(story.world.users["admin"])
    hers = await event_ids(actor=story.head_id) | await event_ids(
        entity="user", entity_id=story.head_id
    )

    assert len(hers) == 3
    assert await ids_for(pages, "q=петрова") == hers
    assert await ids_for(pages, "q=ПЕТРОВА+АННА") == hers
    assert await ids_for(pages, f"q={HEAD_EMAIL}") == hers


async def test_text_finds_words_inside_what_was_recorded(story: Story, pages: PageClient) -> None:
    """A comment is stored in the event's JSON (Cyrillic escaped): found as typed, in lower
    case and in capitals."""
    await pages.login(story.world.users["head"])
    returned = await event_ids(action="return")

    assert await ids_for(pages, "q=фотографии") == returned
    assert await ids_for(pages, "q=Добавьте") == returned
    assert await ids_for(pages, "q=ФОТОГРАФИИ") == returned


async def test_text_finds_an_action_a_school_and_a_number(story: Story, pages: PageClient) -> None:
    world = story.world
    await pages.login(world.users["head"])

    assert await ids_for(pages, "q=возвращено") == await event_ids(action="return")
    school_b = await event_ids(school_id=world.schools["b"])
    assert school_b
    assert await ids_for(pages, "q=сош+№+2") >= school_b
    assert all(
        r["school_id"] == world.schools["b"] or r["entity_id"] == world.schools["b"]
        for r in await AuditEvent.select().where(
            AuditEvent.id.is_in(list(await ids_for(pages, "q=сош+№+2")))
        )
    )
    a = world.assignments["a"]
    numbered = await ids_for(pages, f"q=№+{a}")
    assert await event_ids(entity="assignment", entity_id=a) <= numbered
    assert await ids_for(pages, "q=нет+такого+нигде") == set()


async def test_object_kind_one_object_and_user(story: Story, pages: PageClient) -> None:
    world = story.world
    a = world.assignments["a"]
    await pages.login(world.users["admin"])

    assert await ids_for(pages, "entity=school") == await event_ids(entity="school")
    assert await ids_for(pages, f"entity=assignment&object={a}") == await event_ids(
        entity="assignment", entity_id=a
    )
    assert await ids_for(pages, f"user={story.head_id}") == await event_ids(actor=story.head_id)
    system = {
        r["id"] for r in await AuditEvent.select(AuditEvent.id).where(AuditEvent.actor.is_null())
    }
    assert system
    assert await ids_for(pages, "user=system") == system
    assert await ids_for(pages, f"user={story.head_id}&entity=school") == set()


async def test_the_period_is_in_the_departments_days(story: Story, pages: PageClient) -> None:
    """1 March 23:59 in Moscow is 20:59 UTC; 21:00 UTC is already 2 March."""
    late = datetime(2026, 3, 1, 20, 59, tzinfo=UTC)
    await AuditEvent.insert(
        AuditEvent(at=late, entity="school", entity_id=1, action="update", after={}),
        AuditEvent(at=late + timedelta(minutes=1), entity="school", entity_id=1, action="update"),
        AuditEvent(at=late - timedelta(days=1), entity="school", entity_id=1, action="update"),
    )
    by_at = {
        r["at"]: r["id"]
        for r in await AuditEvent.select(AuditEvent.id, AuditEvent.at).where(
            AuditEvent.at < datetime(2026, 3, 3, tzinfo=UTC)
        )
    }
    await pages.login(story.world.users["head"])

    assert await ids_for(pages, "from=2026-03-01&to=2026-03-01") == {by_at[late]}
    assert await ids_for(pages, "from=2026-03-02&to=2026-03-02") == {
        by_at[late + timedelta(minutes=1)]
    }
    assert await ids_for(pages, "to=2026-03-01") == {by_at[late], by_at[late - timedelta(days=1)]}
    today = clock.today()
    recent = await ids_for(pages, f"from={today - timedelta(days=1):%Y-%m-%d}")
    assert recent
    assert not recent & set(by_at.values())


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("entity=bogus", "entity", "Нет такого вида объектов."),
        ("from=2026-03-05&to=2026-03-01", "to", "Конец периода раньше его начала."),
        ("from=31.02.2026", "from", "Неверная дата"),
        ("user=somebody", "user", "Ожидается число."),
        ("q=" + "я" * 201, "q", "Не длиннее 200 символов."),
    ],
)
async def test_a_bad_filter_is_explained_and_ignored(
    story: Story, pages: PageClient, query: str, field: str, message: str
) -> None:
    await pages.login(story.world.users["head"])

    response = await pages.get(f"/audit?{query}")

    assert response.status_code == 422
    assert f'id="audit-{field}-error">{message}' in response.text
    assert f'aria-describedby="audit-{field}' in response.text
    assert rows(response.text)  # the rest of the filters still apply


# ---------------------------------------------------------------- pages


async def walk(pages: PageClient, url: str) -> list[list[int]]:
    """Every page, following «Более старые» from ``url``."""
    found: list[list[int]] = []
    next_url: str | None = url
    while next_url:
        response = await pages.get(next_url)
        assert response.status_code == 200
        found.append([event_id for event_id, _ in rows(response.text)])
        older = re.search(r'<a href="([^"]+)" rel="next"', response.text)
        next_url = unescape(older.group(1)) if older else None
        assert len(found) < 20
    return found


async def test_pages_cover_the_trail_once_newest_first(story: Story, pages: PageClient) -> None:
    await audit.record_many(
        None, "school", "update", [(n, None, {"name": f"Школа {n}"}) for n in range(1, 121)]
    )
    total = await AuditEvent.count()
    await pages.login(story.world.users["head"])

    found = await walk(pages, "/audit")

    assert [len(p) for p in found[:-1]] == [50] * (len(found) - 1)
    flat = [event_id for p in found for event_id in p]
    assert len(flat) == len(set(flat)) == total
    assert flat == sorted(flat, reverse=True)
    filtered = await walk(pages, "/audit?entity=school")
    assert sum(len(p) for p in filtered) == await AuditEvent.count().where(
        AuditEvent.entity == "school"
    )


async def test_newer_leads_back_and_the_newest_page_is_whole(
    story: Story, pages: PageClient
) -> None:
    await audit.record_many(None, "school", "update", [(n, None, {}) for n in range(1, 121)])
    await pages.login(story.world.users["head"])
    first = (await pages.get("/audit")).text
    second_url = unescape(re.search(r'<a href="([^"]+)" rel="next"', first).group(1))  # type: ignore[union-attr]
    second = (await pages.get(second_url)).text
    newer_url = unescape(re.search(r'<a href="([^"]+)" rel="prev"', second).group(1))  # type: ignore[union-attr]

    back = (await pages.get(newer_url)).text

    assert [i for i, _ in rows(back)] == [i for i, _ in rows(first)]
    assert 'rel="prev"' not in first
    assert 'rel="prev"' not in back


async def test_queries_per_page_do_not_grow_with_the_trail(story: Story, pages: PageClient) -> None:
    """The first page, a later page and a text search each cost the same statements with
    20 events as with 600."""
    await pages.login(story.world.users["head"])

    async def measure() -> list[int]:
        counts = []
        for url in (
            "/audit",
            "/audit?before=999999",
            "/audit?q=петрова",
            "/audit?entity=school&q=1",
        ):
            with count_queries() as log:
                response = await pages.get(url)
            assert response.status_code == 200
            counts.append(log.count)
        return counts

    small = await measure()
    await audit.record_many(None, "school", "update", [(n, n, {"name": "x"}) for n in range(600)])
    assert await measure() == small
