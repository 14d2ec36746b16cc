"""No N+1: the SQL statements of every page do not grow with the data.

Every GET page of the app's route table (bare, with its filters, and as its htmx fragment) is
opened by each role against a small district (6 schools, 2 decisions) and a bigger one
(18 schools, 8 decisions), both with assignments in every state of every decision, files,
returns, extension requests, a compiled follow-up, finished jobs and queued mail; the statements
each request sends (``tests.support.querycount``) must be as many in the big
district as in the small one. The page list is read from the app, so a new page is measured
without anyone listing it; a new path parameter this module cannot fill fails
``test_every_page_can_be_measured``.

Run with ``-s`` to see the table (page → queries small / big).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
import pytest_asyncio
from litestar import Litestar

from tests.conftest import empty_database
from tests.support.http import PASSWORD, ApiClient, PageClient
from tests.support.querycount import QueryLog, count_queries
from tests.support.routes import PARAM, app_routes
from tracker import clock
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.assignments.tables import ReportFile
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.feeds import services as feeds
from tracker.followup import services as followup
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.mail import services as mail
from tracker.mail.tables import OutboxMessage
from tracker.meetings import services as meetings
from tracker.schools import services as schools
from tracker.web.app import create_app

ROLES = ("head", "secretary", "school", "admin")

NOT_PAGES = re.compile(r"^/(schema|static)(/|$)|^/healthz$|^/login$")
"""Routes that are not the product's pages: the OpenAPI viewers, static files, the health
probe, the sign-in form (nobody is signed in there)."""

VARIANTS: dict[str, tuple[str, ...]] = {
    "/assignments": (
        "school={school_id}",
        "meeting={meeting_id}&overdue=1",
        "decision={decision_id}&status=reported",
    ),
    "/my": ("status=reported", "overdue=1"),
    "/dashboard": ("meeting={meeting_id}&status=overdue", "group={group_id}&status=open"),
    "/api/v1/assignments": ("school_id={school_id}", "decision_id={decision_id}&status=reported"),
    "/admin/outbox": ("status=queued",),
    "/api/v1/outbox": ("status=queued",),
    "/reports/discipline": ("start={period_start}&end={period_end}",),
}
"""Filters whose answer is a different query: each is measured besides the bare page."""

QUERY_STRINGS = {"/search": "q=СОШ"}
"""Pages that do nothing useful without a query string get one."""

DOWNLOAD = re.compile(r"\.(docx|xlsx|ics)$|^/(api/v1/)?files/|^/jobs/\{job_id:int\}/result$")
"""Files, not pages: measured as they are, never as an htmx fragment."""

ALLOWANCE: dict[str, int] = {}
"""Statements a page may send more in the big district than in the small one, with the reason.
Empty: every page sends the same number."""


def _get_pages(app: Litestar) -> list[str]:
    return sorted(
        {r.path for r in app_routes(app) if r.method == "GET" and not NOT_PAGES.search(r.path)}
    )


PAGES = _get_pages(create_app())


def _visits() -> list[tuple[str, str, bool]]:
    """(page, query string, as htmx): every page bare, its filters, and the htmx fragment of
    each that is a page of the browser's (not the API, not a file)."""
    found = []
    for page in PAGES:
        for query in (QUERY_STRINGS.get(page, ""), *VARIANTS.get(page, ())):
            found.append((page, query, False))
            if not page.startswith("/api/") and not DOWNLOAD.search(page):
                found.append((page, query, True))
    return found


VISITS = _visits()


@dataclass(frozen=True)
class Size:
    schools: int
    decisions: int


SMALL = Size(schools=6, decisions=2)
"""Six schools: each decision has an assignment in each of the six states ``build_district``
makes, so a page meets every kind of row in both districts (with fewer, a query that runs only
when some row of a kind exists would look like growth)."""
BIG = Size(schools=18, decisions=8)


@dataclass
class District:
    """What the pages' path parameters are filled from, per role."""

    emails: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_page: dict[str, dict[str, str]] = field(default_factory=dict)
    """Page → its parameters that take another of the role's values (the follow-up lives on
    the later meeting, a protocol's parse is another job than a workbook's)."""


def _decision(number: int, due_on: date) -> meetings.DecisionDraft:
    kind = "recommendation" if number % 3 == 0 else "instruction"
    return meetings.DecisionDraft(
        number=str(number),
        kind=kind,
        text=f"Обеспечить выполнение мероприятия № {number}.",
        addressee="Руководителям образовательных учреждений",
        agenda_item=1,
        deadline=DeadlineRule(kind=DeadlineKind.DATE, date=due_on, text=f"до {due_on:%d.%m.%Y}"),
    )


def _protocol_text(size: Size, today: date) -> str:
    due = today + timedelta(days=40)
    lines = [
        "Протокол № 7",
        "совещания руководителей образовательных учреждений",
        f"{today:%d.%m.%Y}",
        "Повестка дня:",
        "1. Итоги мониторинга.",
        "Докладчик: Рыбина Л.Д.",
        "РЕШИЛИ:",
        "1. Руководителям образовательных учреждений:",
    ]
    lines += [
        f"1.{n}. Обеспечить проведение мероприятия № {n} в срок до {due:%d.%m.%Y}."
        for n in range(1, size.decisions + 1)
    ]
    return "\n".join(lines) + "\n"


async def _school_actor(user_id: int) -> Actor:
    found = await accounts.actor_for_user(user_id)
    assert found is not None
    return found


async def build_district(size: Size) -> District:
    """A district in every state, through our own services."""
    today = clock.today()
    district = District()
    group = await schools.create_group(None, name="Все ОО")
    school_ids = [
        await schools.create_school(
            None,
            name=f"Муниципальное бюджетное общеобразовательное учреждение СОШ № {n}",
            short_name=f"МБОУ СОШ № {n}",
            group_ids=[group],
        )
        for n in range(1, size.schools + 1)
    ]
    user_ids: dict[str, int] = {}
    for role in ("head", "secretary", "admin"):
        district.emails[role] = f"{role}@example.ru"
        user_ids[role] = await accounts.create_user(
            None, email=district.emails[role], role=role, password=PASSWORD, full_name=role.title()
        )
    school_users = []
    for n, school_id in enumerate(school_ids, start=1):
        school_users.append(
            await accounts.create_user(
                None,
                email=f"school{n}@example.ru",
                role="school",
                password=PASSWORD,
                full_name=f"Директор {n}",
                school_id=school_id,
            )
        )
    district.emails["school"] = "school1@example.ru"
    head = await _school_actor(user_ids["head"])
    school_actors = [await _school_actor(u) for u in school_users]

    earlier = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей образовательных учреждений",
            date=today - timedelta(days=60),
            number="1",
            place="актовый зал",
            agenda=(meetings.AgendaDraft(title="Итоги мониторинга", speakers=("Рыбина Л.Д.",)),),
            decisions=tuple(
                _decision(n, today + timedelta(days=30 if n % 2 else -10))
                for n in range(1, size.decisions + 1)
            ),
        ),
    )
    decision_ids = [decision_id for decision_id, _ in earlier.decisions]
    first_assignment: dict[int, int] = {}
    for k, decision_id in enumerate(decision_ids):
        rows = await assignments.assign(None, decision_id, schools.AllSchools())
        for i, row in enumerate(sorted(rows, key=lambda r: r.school_id)):
            first_assignment.setdefault(row.school_id, row.id)
            school = school_actors[school_ids.index(row.school_id)]
            state = (i + k + 2) % 6  # the first school reports the first decision
            if state == 0:
                continue  # assigned, nothing done yet
            await assignments.start(school, row.id)
            if state == 1:
                continue  # in progress
            if state == 5:
                request = await assignments.request_extension(
                    school, row.id, due_on=today + timedelta(days=90), reason="Ремонт спортзала."
                )
                if i % 2:
                    await assignments.decide_extension(head, request, approve=True)
                continue
            await assignments.submit_report(
                school,
                row.id,
                text="Мероприятие проведено, отчёт во вложении.",
                links=["https://school.example.ru/news/1"],
                uploads=[Upload("отчёт.pdf", "application/pdf", b"%PDF-1.4 report")],
            )
            if state == 3:
                await assignments.accept(head, row.id, comment="Принято.")
            elif state == 4:
                await assignments.return_for_rework(head, row.id, comment="Добавьте фото.")
                await assignments.submit_report(school, row.id, text="Фото добавлены.")

    later = await meetings.create_meeting(
        None,
        meetings.MeetingDraft(
            title="Совещание руководителей образовательных учреждений",
            date=today + timedelta(days=7),
            number="2",
            agenda=(meetings.AgendaDraft(title="О подготовке к учебному году"),),
        ),
    )
    follow_up = await followup.compile_follow_up(head, later.id, as_of=today)

    job_ids: dict[str, tuple[int, int]] = {}
    for role in ("head", "secretary"):  # a job is its owner's: each has their own two
        owner = await _school_actor(user_ids[role])
        xlsx_job = await jobs.create(owner, kinds.COMPLIANCE_XLSX, {"meeting_id": earlier.id})
        await jobs.run_job(xlsx_job)
        upload = kinds.upload_path(secrets.token_hex(16), "protocol.txt")
        kinds.save_upload(upload, _protocol_text(size, today).encode())
        parse_job = await jobs.create(
            owner, kinds.PROTOCOL_PARSE, {"path": upload, "filename": "protocol.txt"}
        )
        await jobs.run_job(parse_job)
        job_ids[role] = (xlsx_job, parse_job)

    await mail.queue(
        [
            mail.Outgoing(
                key=f"qc-{n}", to=f"school{n}@example.ru", subject="Напоминание", text="."
            )
            for n in range(1, size.schools + 1)
        ]
    )
    message = await OutboxMessage.select(OutboxMessage.id).first()
    assert message is not None
    feed_token = await feeds.issue_feed_token(school_actors[0])
    own_school = school_ids[0]
    report_file = (
        await ReportFile.select(ReportFile.id)
        .where(ReportFile.report.assignment.school == own_school)
        .first()
    )
    assert report_file is not None

    common = {
        "meeting_id": earlier.id,
        "later_meeting_id": later.id,
        "decision_id": decision_ids[0],
        "school_id": own_school,
        "group_id": group,
        "assignment_id": first_assignment[own_school],
        "file_id": report_file["id"],
        "user_id": school_users[0],
        "message_id": message["id"],
        "follow_up_id": follow_up.id,
        "name": f"{feed_token}.ics",
        "period_start": f"{today - timedelta(days=90):%Y-%m-%d}",
        "period_end": f"{today:%Y-%m-%d}",
    }
    for role in ROLES:
        xlsx_job, parse_job = job_ids.get(role, job_ids["head"])
        district.params[role] = {**common, "job_id": xlsx_job, "parse_job_id": parse_job}
    district.by_page = {
        "/protocols/import/jobs/{job_id:int}": {"job_id": "parse_job_id"},
        "/meetings/{meeting_id:int}/follow-up": {"meeting_id": "later_meeting_id"},
        "/api/v1/meetings/{meeting_id:int}/follow-up": {"meeting_id": "later_meeting_id"},
        "/meetings/{meeting_id:int}/agenda.docx": {"meeting_id": "later_meeting_id"},
        "/api/v1/meetings/{meeting_id:int}/agenda.docx": {"meeting_id": "later_meeting_id"},
    }
    return district


def url_of(page: str, query: str, values: dict[str, Any]) -> str:
    url = PARAM.sub(lambda m: str(values[m.group(1)]), page)
    return f"{url}?{query.format(**values)}" if query else url


@dataclass(frozen=True)
class Measure:
    status: int
    queries: int
    statements: tuple[str, ...]


Key = tuple[str, str, str, bool]
"""Role, page, query string, as htmx."""


async def measure(app: Litestar, district: District) -> dict[Key, Measure]:
    found: dict[Key, Measure] = {}
    for role in ROLES:
        async with PageClient.open(app) as pages, ApiClient.open(app) as api:
            await pages.login(district.emails[role])
            await api.login(district.emails[role])
            for page, query, htmx in VISITS:
                values = dict(district.params[role])
                for name, other in district.by_page.get(page, {}).items():
                    values[name] = values[other]
                url = url_of(page, query, values)
                if page.startswith("/api/"):
                    await api.get(url)  # a first visit fills what a process keeps
                    with count_queries() as log:
                        response = await api.get(url)
                else:
                    await pages.get(url, htmx=htmx)
                    with count_queries() as log:
                        response = await pages.get(url, htmx=htmx)
                found[(role, page, query, htmx)] = _measure(response.status_code, log)
    return found


def _measure(status: int, log: QueryLog) -> Measure:
    return Measure(status=status, queries=log.count, statements=tuple(log.statements))


@pytest_asyncio.fixture(scope="module")
async def measured(_migrated: None) -> AsyncIterator[dict[Size, dict[Key, Measure]]]:
    app = create_app()
    result = {}
    for size in (SMALL, BIG):
        await empty_database()
        district = await build_district(size)
        result[size] = await measure(app, district)
    _print_table(result)
    yield result
    await empty_database()


def _name(page: str, query: str, htmx: bool) -> str:
    return f"{page}{'?' + query if query else ''}{' (htmx)' if htmx else ''}"


def _print_table(result: dict[Size, dict[Key, Measure]]) -> None:
    print(f"\nSQL statements per request: small {SMALL} / big {BIG}, HTTP status; ! = grew")
    print(f"{'page':<72}" + "".join(f"{role:>14}" for role in ROLES))
    for page, query, htmx in VISITS:
        cells = []
        for role in ROLES:
            small, big = (
                result[SMALL][(role, page, query, htmx)],
                result[BIG][(role, page, query, htmx)],
            )
            mark = "" if small.queries == big.queries else "!"
            cells.append(f"{small.queries}/{big.queries} {small.status}{mark}".rjust(14))
        print(f"{_name(page, query, htmx):<72}" + "".join(cells))


def test_every_page_can_be_measured() -> None:
    """Every path parameter of every page is one this module knows how to fill."""
    known = {
        "meeting_id",
        "decision_id",
        "school_id",
        "assignment_id",
        "file_id",
        "user_id",
        "message_id",
        "job_id",
        "follow_up_id",
        "name",
    }
    unknown = {(page, name) for page in PAGES for name in PARAM.findall(page)} - {
        (page, name) for page in PAGES for name in known
    }
    assert not unknown, f"pages with parameters this test cannot fill: {sorted(unknown)}"
    assert len(PAGES) > 30


async def test_counter_sees_both_doors(clean_db: None) -> None:
    """A Piccolo query, a raw one and ``fetch_rows`` are three statements."""
    from tracker import db  # noqa: PLC0415

    with count_queries() as log:
        await OutboxMessage.select().where(OutboxMessage.id == 1)
        await OutboxMessage.raw("SELECT 1")
        await db.fetch_rows("SELECT CAST({} AS INTEGER)", 1)
    assert log.count == 3


def test_every_page_answers_someone(measured: dict[Size, dict[Key, Measure]]) -> None:
    """A count taken of error pages alone says nothing: each visit is a success (2xx, or the
    home page's redirect) for at least one role."""
    failing = [
        _name(*visit)
        for visit in VISITS
        if all(measured[SMALL][(role, *visit)].status >= 400 for role in ROLES)
    ]
    assert not failing, f"no role gets these pages: {failing}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "query", "htmx"), VISITS, ids=[_name(*visit) for visit in VISITS])
def test_queries_do_not_grow_with_the_data(
    measured: dict[Size, dict[Key, Measure]], page: str, query: str, htmx: bool, role: str
) -> None:
    key = (role, page, query, htmx)
    small, big = measured[SMALL][key], measured[BIG][key]
    name = f"{role} {_name(page, query, htmx)}"
    assert small.status == big.status, f"{name}: {small.status} vs {big.status}"
    assert small.status < 500, f"{name} failed with {small.status}"
    allowed = small.queries + ALLOWANCE.get(page, 0)
    assert big.queries <= allowed, (
        f"{name}: {small.queries} statements with {SMALL}, {big.queries} with {BIG}\n"
        + "\n".join(big.statements)
    )
