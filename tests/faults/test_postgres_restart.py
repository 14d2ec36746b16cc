"""PostgreSQL restarted while schools send reports (issue 8): nothing acknowledged is lost,
nothing is stored twice, the outage gets clean refusals, and the same web process serves again.

A district seeded by ``tracker seed`` on a cluster of this test's own (commits durable: the
server is also crashed); the app served by ``tracker serve`` with its connection pool. Eight
schools report continuously — six through the API with bearer tokens, two through the page
form — while the head returns each report for rework, so every assignment can be reported
again; a reader opens pages. In the middle the server is stopped (``fast``: clients told and
cut off), left down, started; later crashed (``immediate``: no goodbye, crash recovery on
start) and started again. Then, read from the database directly:

- every report that got a success answer is there, with its text, on its assignment;
- no text is stored twice and every report row came with its status change (one audit event);
- every other answer is a 503 with a Russian message and ``Retry-After`` (or, for a request
  retried after such a refusal whose write had in fact committed, the 409 «already reported»)
  — no 500, no hang, no dropped connection;
- the same web process answers successes again within seconds of the server's return.

A client that gets a 503 retries with a new text: the lifecycle (reported → returned →
reported) is what makes a retry safe, since a report whose first attempt did commit is refused
with 409 instead of being stored again.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.faults.rig import (
    Served,
    Timed,
    api_token,
    csrf,
    deployment_env,
    page_login,
    rows,
    seeded,
    timed,
)
from tests.support.postgres import Cluster, start_cluster

pytestmark = pytest.mark.slow

SCHOOLS = 20
DECISIONS = 10
API_SENDERS = 6
PAGE_SENDERS = 2
PAUSE = 0.02
"""Seconds each sender waits between two requests."""
BEFORE = 3.0
"""Seconds of load before the first outage, and after each recovery."""
OUTAGE = 1.5
"""Seconds the server stays down."""
RECOVERY_LIMIT = 15.0
"""Seconds after the server's return within which the same web process must succeed again."""
HANG = 20.0
"""No request may take this long (the client gives up at ``HANG + 10``)."""
REFUSED = 503
OPEN = ("assigned", "in_progress", "returned")


@dataclass
class Outage:
    mode: str
    down: float = 0.0
    up: float = 0.0
    recovered: float = 0.0
    """When the first report sent after ``up`` succeeded."""

    @property
    def recovery(self) -> float:
        return self.recovered - self.up


@dataclass
class Load:
    """The senders' shared state: what each school may report, what awaits the head's return,
    and every answer."""

    open: dict[int, deque[int]]
    """School id → its assignments that can be reported now."""
    school_of: dict[int, int]
    to_return: deque[int] = field(default_factory=deque)
    uncertain: set[int] = field(default_factory=set)
    """Assignments whose last write was refused: it may have committed all the same."""
    answers: list[Timed] = field(default_factory=list)
    by_id: dict[int, tuple[str, int]] = field(default_factory=dict)
    """Report id (API answers) → its text and assignment."""
    by_text: dict[str, int] = field(default_factory=dict)
    """Text → assignment, of every report acknowledged (API and pages)."""
    refused_texts: set[str] = field(default_factory=set)
    stopping: bool = False
    counter: Iterator[int] = field(default_factory=itertools.count)

    def text(self, school: int) -> str:
        return f"fault-report {next(self.counter)} школы {school}: исполнено"

    def reported(self, aid: int) -> None:
        self.uncertain.discard(aid)
        self.to_return.append(aid)

    def returned(self, aid: int) -> None:
        self.uncertain.discard(aid)
        self.open[self.school_of[aid]].append(aid)

    def refused(self, aid: int, queue: deque[int]) -> None:
        self.uncertain.add(aid)
        queue.appendleft(aid)


# ---------------------------------------------------------------- the senders


async def report_sender(
    load: Load, client: httpx.AsyncClient, school: int, post: Callable[[int, str], Awaitable[Timed]]
) -> None:
    queue = load.open[school]
    while not load.stopping:
        if not queue:
            await asyncio.sleep(PAUSE)
            continue
        aid = queue.popleft()
        text = load.text(school)
        answer = await post(aid, text)
        load.answers.append(answer)
        if answer.status in {200, 201, 303}:
            load.by_text[text] = aid
            if "id" in answer.extra:
                load.by_id[answer.extra["id"]] = (text, aid)
            load.reported(aid)
        elif answer.status == 409 and aid in load.uncertain:
            load.reported(aid)  # the refused attempt had committed: reported already
        else:
            load.refused_texts.add(text)
            load.refused(aid, queue)
        await asyncio.sleep(PAUSE)


def api_post(client: httpx.AsyncClient, token: str) -> Callable[[int, str], Awaitable[Timed]]:
    async def post(aid: int, text: str) -> Timed:
        answer, response = await timed(
            "report (API)",
            client.post(
                f"/api/v1/assignments/{aid}/reports",
                json={"text": text},
                headers={"Authorization": f"Bearer {token}"},
            ),
        )
        if response is not None and response.status_code == 201:
            answer.extra["id"] = response.json()["id"]
        return answer

    return post


def page_post(client: httpx.AsyncClient) -> Callable[[int, str], Awaitable[Timed]]:
    async def post(aid: int, text: str) -> Timed:
        answer, response = await timed(
            "report (page)",
            client.post(
                f"/assignments/{aid}/reports", data={"text": text, "_csrf_token": csrf(client)}
            ),
        )
        if response is not None and response.status_code == 303:
            assert response.headers["location"] == f"/assignments/{aid}"
        return answer

    return post


async def head_returner(load: Load, client: httpx.AsyncClient, token: str) -> None:
    while not load.stopping:
        if not load.to_return:
            await asyncio.sleep(PAUSE)
            continue
        aid = load.to_return.popleft()
        answer, _ = await timed(
            "return (API)",
            client.post(
                f"/api/v1/assignments/{aid}/return",
                json={"comment": "Дополните отчёт."},
                headers={"Authorization": f"Bearer {token}"},
            ),
        )
        load.answers.append(answer)
        if answer.status == 200 or (answer.status == 409 and aid in load.uncertain):
            load.returned(aid)
        else:
            load.refused(aid, load.to_return)
        await asyncio.sleep(PAUSE)


async def reader(load: Load, client: httpx.AsyncClient, aid: int) -> None:
    while not load.stopping:
        for path in ("/my", f"/assignments/{aid}"):
            answer, _ = await timed(f"GET {path.split('/')[1]} (page)", client.get(path))
            load.answers.append(answer)
            await asyncio.sleep(PAUSE * 5)


# ---------------------------------------------------------------- the deployment


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    made = start_cluster(durable=True)
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture
def served(cluster: Cluster, tmp_path: Path) -> Iterator[tuple[Served, dict[str, object]]]:
    env = deployment_env(cluster.url, tmp_path / "data", TRACKER_DB_POOL="1")
    summary = seeded(env, SCHOOLS, DECISIONS, today="2024-03-15")
    server = Served(tmp_path / "serve", env)
    server.start(timeout=60)
    try:
        yield server, summary
    finally:
        server.stop()


async def outage(cluster: Cluster, load: Load, mode: str) -> Outage:
    """Stop the server (``mode``), leave it down, start it; wait for the first success after."""
    event = Outage(mode)
    event.down = time.monotonic()
    await asyncio.to_thread(cluster.stop_server, mode)
    await asyncio.sleep(OUTAGE)
    await asyncio.to_thread(cluster.start_server)
    event.up = time.monotonic()
    deadline = event.up + RECOVERY_LIMIT
    while time.monotonic() < deadline:
        after = [
            a.ended
            for a in list(load.answers)
            if a.what.startswith("report") and a.started > event.up and a.status in {201, 303}
        ]
        if after:
            event.recovered = min(after)
            return event
        await asyncio.sleep(0.05)
    raise AssertionError(f"no report succeeded within {RECOVERY_LIMIT} s of the server's return")


async def senders(
    cluster: Cluster, summary: dict[str, object], clients: list[httpx.AsyncClient]
) -> tuple[Load, list[Coroutine[Any, Any, None]]]:
    """The load's state from the seeded district, and its senders, signed in."""
    password = str(summary["password"])
    users = await rows(
        cluster, "SELECT email, school FROM tracker_user WHERE role = 'school' ORDER BY school"
    )
    reporters = users[: API_SENDERS + PAGE_SENDERS]
    assignments = await rows(
        cluster,
        "SELECT id, school, status FROM assignment WHERE school = ANY($1::int[]) ORDER BY id",
        [u["school"] for u in reporters],
    )
    load = Load(
        open={u["school"]: deque() for u in reporters},
        school_of={a["id"]: a["school"] for a in assignments},
    )
    for a in assignments:
        if a["status"] in OPEN:
            load.open[a["school"]].append(a["id"])
        elif a["status"] == "reported":
            load.to_return.append(a["id"])
    tasks = []
    for n, user in enumerate(reporters):
        client = clients[n]
        if n < API_SENDERS:
            post = api_post(client, await api_token(client, user["email"], password))
        else:
            await page_login(client, user["email"], password)
            post = page_post(client)
        tasks.append(report_sender(load, client, user["school"], post))
    head = clients[len(reporters)]
    token = await api_token(head, str(summary["head"]), password)
    tasks.append(head_returner(load, head, token))
    watcher = clients[len(reporters) + 1]
    await page_login(watcher, reporters[0]["email"], password)
    tasks.append(reader(load, watcher, load.open[reporters[0]["school"]][0]))
    return load, tasks


@dataclass
class Stored:
    """The reports written during the run, as the database has them, against the answers."""

    lost: list[str]
    """Acknowledged, not in the database."""
    wrong: list[tuple[int, str, int]]
    """Acknowledged with an id whose row has another text or assignment."""
    twice: dict[str, list[tuple[int, int]]]
    foreign: list[str]
    """Stored texts nobody sent."""
    refused_but_stored: list[str]
    """Refused (503) whose commit went through all the same."""
    unaudited: dict[int, tuple[int, int]]
    """Assignment → (reports stored, report events in its history), where they differ."""


async def stored(cluster: Cluster, load: Load, first_report: int, first_event: int) -> Stored:
    found = await rows(
        cluster, "SELECT id, assignment, text FROM report WHERE id > $1 ORDER BY id", first_report
    )
    by_text: dict[str, list[tuple[int, int]]] = {}
    for r in found:
        by_text.setdefault(r["text"], []).append((r["id"], r["assignment"]))
    events = await rows(
        cluster,
        """SELECT entity_id AS aid, count(*) AS n FROM audit_event
           WHERE id > $1 AND entity = 'assignment' AND action = 'report' GROUP BY entity_id""",
        first_event,
    )
    audited = {e["aid"]: e["n"] for e in events}
    per_assignment = Counter(aid for pairs in by_text.values() for _, aid in pairs)
    sent = set(load.by_text) | load.refused_texts
    return Stored(
        lost=[text for text in load.by_text if text not in by_text],
        wrong=[
            (rid, text, aid)
            for rid, (text, aid) in load.by_id.items()
            if by_text.get(text) != [(rid, aid)]
        ],
        twice={text: pairs for text, pairs in by_text.items() if len(pairs) > 1},
        foreign=[text for text in by_text if text not in sent],
        refused_but_stored=[text for text in load.refused_texts if text in by_text],
        unaudited={
            aid: (n, audited.get(aid, 0))
            for aid, n in per_assignment.items()
            if audited.get(aid, 0) != n
        },
    )


async def newest(cluster: Cluster, table: str) -> int:
    found = await rows(cluster, f"SELECT coalesce(max(id), 0) AS n FROM {table}")  # noqa: S608
    return int(found[0]["n"])


async def test_postgres_restarted_under_report_load(
    cluster: Cluster, served: tuple[Served, dict[str, object]]
) -> None:
    server, summary = served
    pid = server.pid
    first_report, first_event = (
        await newest(cluster, "report"),
        await newest(cluster, "audit_event"),
    )
    timeout = httpx.Timeout(HANG + 10)
    clients = [
        httpx.AsyncClient(base_url=server.url, timeout=timeout)
        for _ in range(API_SENDERS + PAGE_SENDERS + 2)
    ]
    try:
        load, tasks = await senders(cluster, summary, clients)
        # Given: schools report, the head returns, a reader reads
        started = time.monotonic()
        running = [asyncio.create_task(t) for t in tasks]
        await asyncio.sleep(BEFORE)
        # When: the server is stopped and started, and later crashed and started
        outages = []
        for mode in ("fast", "immediate"):
            outages.append(await outage(cluster, load, mode))
            await asyncio.sleep(BEFORE)
        load.stopping = True
        await asyncio.wait_for(asyncio.gather(*running), timeout=HANG + 15)
        elapsed = time.monotonic() - started
    finally:
        for client in clients:
            await client.aclose()

    result = await stored(cluster, load, first_report, first_event)
    answers = load.answers
    reports = [a for a in answers if a.what.startswith("report")]
    successes = [a for a in reports if a.status in {201, 303}]
    refusals = [a for a in answers if a.status == REFUSED]
    retried = [a for a in answers if a.status == 409]
    slowest = max(answers, key=lambda a: a.seconds)
    print(
        f"\nPostgreSQL restart under load ({elapsed:.1f} s, web pid {pid}): {len(answers)}"
        f" requests ({len(reports)} reports), statuses"
        f" {dict(sorted(Counter(a.status for a in answers).items()))};"
        f" {len(successes)} reports acknowledged, {len(load.by_text) - len(result.lost)} of"
        f" them found, lost {len(result.lost)}, stored twice {len(result.twice)};"
        f" {len(refusals)} refusals (503) during the outages, {len(result.refused_but_stored)}"
        f" refused reports stored all the same (409 to their retry: {len(retried)});"
        + "".join(
            f" {o.mode} stop: down {o.up - o.down:.1f} s, first success {o.recovery:.2f} s"
            " after the server's return;"
            for o in outages
        )
        + f" slowest answer {slowest.seconds:.2f} s ({slowest.what}, {slowest.status})",
        flush=True,
    )

    # Then: what was acknowledged is there, once, with its status change
    assert result.lost == []
    assert result.wrong == []
    assert result.twice == {}
    assert result.foreign == []
    assert result.unaudited == {}
    # every answer was a success, a clean refusal, or the 409 of a retry after a refusal
    others = [a for a in answers if a.status not in {200, 201, 303, REFUSED, 409}]
    assert others == [], [(a.what, a.status, a.error or a.body[:300]) for a in others[:5]]
    assert refusals, "the outages refused nothing: was the server really stopped?"
    for refusal in refusals:
        assert refusal.retry_after is not None, refusal.body
        assert "База данных временно недоступна" in refusal.body, refusal.body
        assert "Traceback" not in refusal.body
        # only while the server was away (or its connections were being cut)
        assert any(
            o.down - 1 <= refusal.ended and refusal.started <= o.recovered + 1 for o in outages
        ), (refusal.what, refusal.started, [(o.down, o.recovered) for o in outages])
    assert len(retried) <= len(refusals)
    assert slowest.seconds < HANG
    # the same web process, never restarted, serves again
    assert server.running
    assert server.pid == pid
    for o in outages:
        assert o.recovery < RECOVERY_LIMIT
        assert sum(1 for a in successes if a.started > o.recovered) >= 20
