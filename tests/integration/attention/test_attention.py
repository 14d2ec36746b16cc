"""The attention counter: what each role is counted, the badge fragment htmx refreshes, the
JSON twin. A small world: school A has overdue, soon due, returned, reported, accepted and
removed-from-control assignments; school B one overdue; the head has a report and an
extension request to decide; the admin has failed mail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support.http import ApiClient, PageClient
from tests.support.world import World, actor_of
from tracker import clock
from tracker.assignments import services as assignments
from tracker.assignments.lifecycle import Status
from tracker.attention.services import NOTHING, Attention, attention, school_work
from tracker.calendar.services import effective_calendar
from tracker.calendar.workdays import add_working_days
from tracker.mail.tables import OutboxMessage
from tracker.meetings import services as meetings
from tracker.meetings.tables import Decision
from tracker.schools.services import ChosenSchools
from tracker.web.templating import make_environment

SCHOOL_A_TITLE = "Просрочено: 1; возвращено на доработку: 1; срок в ближайшие 3 рабочих дня: 2."


async def new_decisions(count: int) -> list[int]:
    """A meeting long past with ``count`` instructions, so any due date after it is allowed."""
    created = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей",
            date=date(2020, 1, 15),
            decisions=tuple(
                meetings.DecisionDraft(number=str(n), text=f"Обеспечить пункт {n}.")
                for n in range(1, count + 1)
            ),
        ),
    )
    return [decision_id for decision_id, _ in created.decisions]


async def assign(decision_id: int, school_ids: tuple[int, ...], due_on: date) -> list[int]:
    rows = await assignments.assign(None, decision_id, ChosenSchools(school_ids), due_on=due_on)
    return [r.id for r in rows]


@dataclass
class Busy:
    today: date
    overdue_a: int
    overdue_b: int
    reported: int


async def make_busy(world: World, today: date) -> Busy:
    """School A: 1 overdue, 2 due soon (today and the last of 3 working days), 1 returned;
    not counted: due the day after, reported, accepted, removed from control. School B: 1
    overdue. The head: 1 report and 1 extension request to decide."""
    head = await actor_of(world, "head")
    school_a = await actor_of(world, "school_a")
    a, b = world.schools["a"], world.schools["b"]
    soon_until = add_working_days(today, 3, await effective_calendar())
    d = await new_decisions(8)

    overdue_a, overdue_b = await assign(d[0], (a, b), today - timedelta(days=1))
    await assign(d[1], (a,), today)
    [due_last_soon_day] = await assign(d[2], (a,), soon_until)
    await assignments.start(school_a, due_last_soon_day)
    [due_after] = await assign(d[3], (a,), soon_until + timedelta(days=1))
    await assignments.request_extension(
        school_a, due_after, due_on=date(2031, 1, 31), reason="Ремонт спортзала", today=today
    )
    [returned] = await assign(d[4], (a,), date(2031, 6, 1))
    await assignments.submit_report(school_a, returned, text="Сделано")
    await assignments.return_for_rework(head, returned, comment="Приложите план")
    [reported] = await assign(d[5], (a,), today - timedelta(days=1))
    await assignments.submit_report(school_a, reported, text="Сделано с опозданием")
    [accepted] = await assign(d[6], (a,), today - timedelta(days=2))
    await assignments.submit_report(school_a, accepted, text="Сделано")
    await assignments.accept(head, accepted)
    await assign(d[7], (a,), today - timedelta(days=1))
    # «Снято с контроля» as a decision: what is left of it no longer asks for attention.
    await Decision.update({Decision.removed_from_control_at: clock.now()}).where(
        Decision.id == d[7]
    )
    return Busy(today=today, overdue_a=overdue_a, overdue_b=overdue_b, reported=reported)


async def add_mail(status: str, n: int) -> None:
    at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    await OutboxMessage.insert(
        OutboxMessage(
            key=f"attention-test:{status}:{n}",
            to_address="school_a@example.ru",
            subject="Напоминание",
            body_text="…",
            status=status,
            attempts=1,
            last_error="421 try later" if status == "failed" else "",
            next_attempt_at=at,
            created_at=at,
        )
    )


@pytest.fixture
async def busy(world: World) -> Busy:
    return await make_busy(world, clock.today())


# ---------------------------------------------------------------- each role


async def test_school_counts_overdue_soon_due_and_returned(world: World, busy: Busy) -> None:
    found = await attention(await actor_of(world, "school_a"), today=busy.today)

    assert found == Attention(count=4, title=SCHOOL_A_TITLE, url="/my")


async def test_a_school_sees_only_its_own_school(world: World, busy: Busy) -> None:
    found = await attention(await actor_of(world, "school_b"), today=busy.today)

    assert found == Attention(count=1, title="Просрочено: 1.", url="/my")


async def test_head_counts_reports_and_extension_requests(world: World, busy: Busy) -> None:
    head = await actor_of(world, "head")

    found = await attention(head, today=busy.today)

    assert found == Attention(
        count=2, title="Отчётов на проверке: 1; запросов на перенос срока: 1.", url="/review"
    )
    queue = await assignments.review_queue(head)
    assert found.count == len(queue.reports) + len(queue.extensions)


async def test_admin_counts_failed_mail(world: World) -> None:
    for n in range(2):
        await add_mail("failed", n)
    await add_mail("sent", 0)
    await add_mail("queued", 0)

    found = await attention(await actor_of(world, "admin"), today=clock.today())

    assert found == Attention(
        count=2, title="Писем не удалось отправить: 2.", url="/admin/outbox?status=failed"
    )


async def test_secretary_has_no_counter(world: World, busy: Busy) -> None:
    await add_mail("failed", 0)

    found = await attention(await actor_of(world, "secretary"), today=busy.today)

    assert found == Attention(count=0, title="", url=None)


@pytest.mark.parametrize(
    ("key", "url"),
    [("school_a", "/my"), ("head", "/review"), ("admin", "/admin/outbox?status=failed")],
)
async def test_nothing_to_attend_to(world: World, key: str, url: str) -> None:
    # the world's only assignments are due in 2030 and nobody reported yet
    found = await attention(await actor_of(world, key), today=date(2026, 11, 24))

    assert found == Attention(count=0, title=NOTHING, url=url)


async def test_soon_is_counted_in_working_days_of_the_production_calendar(
    world: World,
) -> None:
    # Thursday 7 May 2026: Friday the 8th works, the weekend and Monday the 11th (the day off
    # moved from 9 May) do not, so the third working day is Wednesday the 13th.
    d = await new_decisions(2)
    await assign(d[0], (world.schools["a"],), date(2026, 5, 13))
    await assign(d[1], (world.schools["a"],), date(2026, 5, 14))

    found = await attention(await actor_of(world, "school_a"), today=date(2026, 5, 7))

    assert found.count == 1
    assert found.title == "Срок в ближайшие 3 рабочих дня: 1."


async def test_counter_follows_the_work(world: World, busy: Busy) -> None:
    school_a = await actor_of(world, "school_a")
    head = await actor_of(world, "head")

    await assignments.submit_report(school_a, busy.overdue_a, text="Наконец сделано")

    assert (await attention(school_a, today=busy.today)).count == 3
    assert (await attention(head, today=busy.today)).count == 3
    await assignments.accept(head, busy.reported)
    assert (await attention(head, today=busy.today)).count == 2


def test_each_assignment_is_counted_once() -> None:
    today = date(2026, 11, 24)
    soon_until = date(2026, 11, 27)

    work = school_work(
        [
            (Status.RETURNED, date(2026, 11, 1)),  # overdue and returned: counted as overdue
            (Status.RETURNED, date(2026, 11, 25)),  # returned and soon: counted as returned
            (Status.RETURNED, None),
            (Status.IN_PROGRESS, date(2026, 11, 27)),
            (Status.ASSIGNED, date(2026, 11, 28)),
            (Status.ASSIGNED, None),  # ongoing: never overdue, never soon
            (Status.REPORTED, date(2026, 11, 1)),  # waits for the department
            (Status.ACCEPTED, date(2026, 11, 1)),
        ],
        today=today,
        soon_until=soon_until,
    )

    assert (work.overdue, work.returned, work.due_soon, work.total) == (1, 2, 1, 4)


# ---------------------------------------------------------------- the badge


def is_fragment(html: str) -> bool:
    return "<html" not in html and "<body" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_badge_shows_the_count_and_refreshes_itself(
    world: World, busy: Busy, pages: PageClient, htmx: bool
) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.get("/attention", htmx=htmx)

    assert response.status_code == 200
    assert is_fragment(response.text)
    html = response.text.strip()
    assert html.startswith('<span id="attention"')
    assert 'hx-get="/attention"' in html
    assert 'hx-trigger="every 60s, attention-changed from:body"' in html
    assert 'hx-swap="outerHTML"' in html
    link = re.search(r"<a [^>]*>([^<]*)</a>", html)
    assert link is not None
    assert 'href="/my"' in link.group(0)
    assert 'aria-label="Требуют внимания: 4"' in link.group(0)
    assert f'title="{SCHOOL_A_TITLE}"' in link.group(0)
    assert link.group(1) == "4"


async def test_badge_of_another_school(world: World, busy: Busy, pages: PageClient) -> None:
    await pages.login(world.users["school_b"])

    response = await pages.get("/attention", htmx=True)

    assert 'aria-label="Требуют внимания: 1"' in response.text


async def test_badge_for_the_head_links_to_the_review_queue(
    world: World, busy: Busy, pages: PageClient
) -> None:
    await pages.login(world.users["head"])

    response = await pages.get("/attention", htmx=True)

    assert 'href="/review"' in response.text
    assert 'aria-label="Требуют внимания: 2"' in response.text


async def test_badge_is_empty_but_listening_when_nothing_waits(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["school_b"])

    response = await pages.get("/attention", htmx=True)

    assert response.status_code == 200
    html = response.text.strip()
    assert html.startswith('<span id="attention"')
    assert html.endswith("></span>")
    assert 'hx-trigger="every 60s, attention-changed from:body"' in html
    assert "<a " not in html


async def test_secretary_gets_no_badge_at_all(world: World, busy: Busy, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.get("/attention", htmx=True)

    assert response.status_code == 200
    assert response.text.strip() == ""


async def test_signed_out_poll_changes_nothing(world: World, pages: PageClient) -> None:
    polled = await pages.get("/attention", htmx=True)
    opened = await pages.get("/attention")

    # htmx swaps nothing on 204: a form being filled in stays where it is
    assert polled.status_code == 204
    assert "hx-redirect" not in polled.headers
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/login")


def test_slot_loads_the_badge_and_shows_nothing_by_itself() -> None:
    html = make_environment().get_template("attention/_slot.html").render().strip()

    assert 'hx-get="/attention"' in html
    assert 'hx-trigger="load"' in html
    assert 'hx-swap="outerHTML"' in html
    assert re.sub(r"<[^>]+>", "", html).strip() == ""


# ---------------------------------------------------------------- API


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("school_a", {"count": 4, "title": SCHOOL_A_TITLE, "url": "/my"}),
        ("school_b", {"count": 1, "title": "Просрочено: 1.", "url": "/my"}),
        (
            "head",
            {
                "count": 2,
                "title": "Отчётов на проверке: 1; запросов на перенос срока: 1.",
                "url": "/review",
            },
        ),
        (
            "admin",
            {
                "count": 1,
                "title": "Писем не удалось отправить: 1.",
                "url": "/admin/outbox?status=failed",
            },
        ),
        ("secretary", {"count": 0, "title": "", "url": None}),
    ],
)
async def test_api(
    world: World, busy: Busy, api: ApiClient, key: str, expected: dict[str, object]
) -> None:
    await add_mail("failed", 0)
    await api.login(world.users[key])

    response = await api.get("/api/v1/attention")

    assert response.status_code == 200
    assert response.json() == expected


async def test_api_needs_a_token(world: World, api: ApiClient) -> None:
    assert (await api.get("/api/v1/attention")).status_code == 401


async def test_openapi_describes_the_api_not_the_badge(clean_db: None, api: ApiClient) -> None:
    spec = (await api.get("/schema/openapi.json")).json()

    assert "get" in spec["paths"]["/api/v1/attention"]
    assert "/attention" not in spec["paths"]
    schema = next(v for k, v in spec["components"]["schemas"].items() if k.endswith("AttentionOut"))
    assert set(schema["properties"]) == {"count", "title", "url"}
