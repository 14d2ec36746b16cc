"""Redis away (issue 8): the served app keeps answering, within a bounded time, and the work it
could not queue is done once Redis is back.

Redis is only the Celery broker: sessions, reports and the outbox live in the database. What
the web process asks of Redis is to queue a background job (a large follow-up compile, an
.xlsx): that must never hold a request, whatever state Redis is in:

- stopped (it was up; the port now refuses), never reachable (nothing ever listened on the
  port), or frozen (``SIGSTOP``: the port accepts connections and nothing ever answers — a hung
  Redis, or a half-open connection, on which a publish without a socket timeout waits forever).

In each state a school signs in, opens its list, reports; the head accepts the report and
compiles a follow-up in the foreground (API); the secretary compiles one that runs in the
background (page form): the job is recorded, queued, and the page says so. Every answer comes
within ``BOUND`` seconds.

Then Redis comes back (``test_queued_work_proceeds_when_redis_is_back``): a ``celery worker``
process reconnects, a job started now goes through the same web process's broker connection at
once, and the job that could not be queued is sent again by the beat's resume sweep and done.

``tests/integration/web/test_without_redis.py`` (the ASGI app with Redis refused) and
``tests/integration/workers/test_redis_down.py`` (reminders queued while Redis is down go out
once, after) cover the rest; these run the real processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis
from redis.exceptions import RedisError

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
from tests.integration.workers.conftest import QUEUE_BINDING, Workers, publish, wait_until
from tests.support.postgres import Cluster, start_cluster
from tests.support.process import free_port
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.slow

SCHOOLS = 6
DECISIONS = 12
"""12 meetings of one decision each: a follow-up of the latest covers up to 11 × 6 cells."""
THRESHOLD = "10"
"""Above 10 cells a compile runs in the background: any page compile of two decisions or more."""
BOUND = 5.0
"""No answer may take longer (a job's enqueue waits 2 s at most, ``jobs.ENQUEUE_WAIT``)."""
STATES = ("stopped", "never reachable", "frozen")


@dataclass
class District:
    cluster: Cluster
    summary: dict[str, Any]
    schools: list[dict[str, Any]]
    """School users: email and school id, one per case."""
    meetings: list[int]
    """Meeting ids, latest first."""
    data_dir: Path

    @property
    def password(self) -> str:
        return str(self.summary["password"])

    def env(self, redis_url: str) -> dict[str, str]:
        return deployment_env(
            self.cluster.url,
            self.data_dir,
            REDIS_URL=redis_url,
            TRACKER_DB_POOL="1",
            TRACKER_BACKGROUND_THRESHOLD=THRESHOLD,
        )


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    cluster = start_cluster()
    try:
        data_dir = tmp_path_factory.mktemp("redis-faults")
        summary = seeded(deployment_env(cluster.url, data_dir), SCHOOLS, DECISIONS)
        schools = asyncio.run(
            rows(
                cluster, "SELECT email, school FROM tracker_user WHERE role = 'school' ORDER BY id"
            )
        )
        meetings = asyncio.run(rows(cluster, "SELECT id FROM meeting ORDER BY date DESC, id DESC"))
        yield District(
            cluster, summary, [dict(s) for s in schools], [m["id"] for m in meetings], data_dir
        )
    finally:
        cluster.stop()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            os.kill(server.process.pid, signal.SIGCONT)  # a frozen one must hear SIGTERM
        server.close()


def make_away(state: str, redis_server: RedisServer) -> str:
    """Put Redis in ``state``; the ``REDIS_URL`` the app is given."""
    if state == "never reachable":
        return f"redis://127.0.0.1:{free_port()}/0"
    if state == "stopped":
        redis_server.stop()
    else:
        assert redis_server.process is not None
        os.kill(redis_server.process.pid, signal.SIGSTOP)
    return redis_server.url


def queue_is_consumed(url: str) -> bool:
    """A worker (re)declared its queue in this Redis: it is connected and consuming."""
    client = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.exists(QUEUE_BINDING))
    except RedisError:
        return False
    finally:
        client.close()


def redis_answers(url: str) -> bool:
    client = Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except RedisError:
        return False
    finally:
        client.close()


@pytest.fixture
def served_app(tmp_path: Path) -> Iterator[list[Served]]:
    """The ``tracker serve`` processes a test starts, stopped at its end."""
    started: list[Served] = []
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def serve(district: District, redis_url: str, directory: Path, started: list[Served]) -> Served:
    server = Served(directory, district.env(redis_url))
    started.append(server)
    server.start(timeout=60)
    return server


async def job_state(district: District, job_id: int) -> str:
    found = await rows(district.cluster, "SELECT state FROM job WHERE id = $1", job_id)
    return str(found[0]["state"])


async def background_compile(
    client: httpx.AsyncClient, meeting_id: int, answers: list[Timed]
) -> int:
    """The secretary's page compile of every decision under control: a job; its id."""
    answer, response = await timed(
        "follow-up compile (page, background)",
        client.post(
            f"/meetings/{meeting_id}/follow-up",
            data={"as_of": "", "speaker": "", "_csrf_token": csrf(client)},
        ),
    )
    answers.append(answer)
    assert response is not None, answer.error
    assert response.status_code == 303, response.text[:500]
    location = response.headers["location"]
    assert location.startswith(f"/meetings/{meeting_id}/follow-up?job="), location
    return int(location.rsplit("=", 1)[1])


@pytest.mark.parametrize("state", STATES)
async def test_pages_and_reports_work_while_redis_is_away(
    state: str,
    district: District,
    redis_server: RedisServer,
    served_app: list[Served],
    tmp_path: Path,
) -> None:
    case = STATES.index(state)
    school = district.schools[case]
    aid = (
        await rows(
            district.cluster,
            """SELECT id FROM assignment WHERE school = $1
               AND status IN ('assigned', 'in_progress', 'returned') ORDER BY id LIMIT 1""",
            school["school"],
        )
    )[0]["id"]
    foreground_meeting = district.meetings[2 * case]
    background_meeting = district.meetings[2 * case + 1]

    # Given: Redis is away in this way, and the app was configured with it
    redis_url = make_away(state, redis_server)
    assert not redis_answers(redis_url)
    server = serve(district, redis_url, tmp_path / "serve", served_app)
    answers: list[Timed] = []

    async with (
        httpx.AsyncClient(base_url=server.url, timeout=30) as school_client,
        httpx.AsyncClient(base_url=server.url, timeout=30) as head_client,
        httpx.AsyncClient(base_url=server.url, timeout=30) as secretary_client,
    ):

        async def call(what: str, send: Any) -> httpx.Response:
            answer, response = await timed(what, send)
            answers.append(answer)
            assert response is not None, f"{what}: {answer.error}"
            return response

        # When: a school signs in, opens its list, reports (pages)
        await page_login(school_client, school["email"], district.password)
        my = await call("GET /my", school_client.get("/my"))
        report_text = f"Исполнено, Redis {state}"
        report = await call(
            "report (page)",
            school_client.post(
                f"/assignments/{aid}/reports",
                data={"text": report_text, "_csrf_token": csrf(school_client)},
            ),
        )
        detail = await call("GET assignment", school_client.get(f"/assignments/{aid}"))
        # the head accepts it and compiles a follow-up at once (API)
        token = await api_token(head_client, str(district.summary["head"]), district.password)
        bearer = {"Authorization": f"Bearer {token}"}
        accept = await call(
            "accept (API)",
            head_client.post(f"/api/v1/assignments/{aid}/accept", json={}, headers=bearer),
        )
        compiled = await call(
            "follow-up compile (API, foreground)",
            head_client.post(
                f"/api/v1/meetings/{foreground_meeting}/follow-up", json={}, headers=bearer
            ),
        )
        # the secretary compiles one that is large enough for the background (page)
        await page_login(secretary_client, str(district.summary["secretary"]), district.password)
        job_id = await background_compile(secretary_client, background_meeting, answers)
        job_page = await call(
            "GET follow-up ?job=",
            secretary_client.get(f"/meetings/{background_meeting}/follow-up?job={job_id}"),
        )

    # Then: every answer is the usual one, and none waited on Redis
    print(
        f"\nRedis {state}: "
        + ", ".join(f"{a.what} {a.status} in {a.seconds:.2f} s" for a in answers),
        flush=True,
    )
    assert [a for a in answers if a.seconds > BOUND] == []
    assert my.status_code == 200
    assert f'href="/assignments/{aid}"' in my.text
    assert report.status_code == 303, report.text[:500]
    assert detail.status_code == 200
    assert report_text in detail.text
    assert accept.status_code == 200, accept.text
    assert accept.json()["status"] == "accepted"
    assert compiled.status_code == 201, compiled.text[:500]
    assert compiled.json()["decisions"]
    assert job_page.status_code == 200
    assert "В очереди" in job_page.text
    # the work is recorded, waiting for a worker: nothing was lost with the message
    assert await job_state(district, job_id) == "queued"
    stored = await rows(
        district.cluster,
        "SELECT status FROM assignment WHERE id = $1",
        aid,
    )
    assert stored[0]["status"] == "accepted"
    assert server.running


async def test_queued_work_proceeds_when_redis_is_back(
    district: District, redis_server: RedisServer, served_app: list[Served], tmp_path: Path
) -> None:
    # Given: a worker and the app on this Redis; then Redis stops
    (tmp_path / "workers").mkdir()
    workers = Workers(tmp_path / "workers", district.env(redis_server.url))
    worker = workers.start()
    try:
        server = serve(district, redis_server.url, tmp_path / "serve", served_app)
        redis_server.stop()
        meetings = district.meetings[2 * len(STATES) :]
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            await page_login(client, str(district.summary["secretary"]), district.password)
            answers: list[Timed] = []

            # When: a background compile is asked for while Redis is down
            lost = await background_compile(client, meetings[0], answers)
            assert answers[-1].seconds < BOUND
            assert await job_state(district, lost) == "queued"

            # … and Redis comes back on the same port; the worker reconnects
            redis_server.start()
            wait_until(
                lambda: queue_is_consumed(redis_server.url),
                timeout=45,
                what="the worker to reconnect to Redis",
                every=0.2,
            )
            assert worker.alive

            # Then: a job started now reaches the worker through the same web process
            fresh = await background_compile(client, meetings[1], answers)
            await eventually_done(district, fresh, within=30)

            # and the one that could not be queued waits for the resume sweep: a minute on
            # (RESUME_AFTER), the beat's tick sends it again and it runs, once
            assert await job_state(district, lost) == "queued"
            await rows(
                district.cluster,
                "UPDATE job SET created_at = created_at - interval '2 minutes' WHERE id = $1",
                lost,
            )
            from workers import tasks  # noqa: PLC0415 - Celery is heavy

            resumed = workers.wait_for(publish(tasks.resume_jobs, redis_server.url), 30)
            assert resumed == {"resumed": 1}
            await eventually_done(district, lost, within=30)
            page = await client.get(f"/meetings/{meetings[0]}/follow-up?job={lost}")
        assert page.status_code in {200, 303}
        items = await rows(
            district.cluster,
            "SELECT count(*) AS n FROM follow_up WHERE meeting = ANY($1::int[])",
            meetings[:2],
        )
        assert items[0]["n"] == 2
        runs = worker.summaries("tracker.run_job")
        assert sorted(r["job_id"] for r in runs if r["ran"]) == sorted([lost, fresh])
        print(
            f"\nRedis back: job {fresh} (started after) and job {lost} (queued while down,"
            f" resumed) done by worker {worker.name}; {len(runs)} runs",
            flush=True,
        )
    finally:
        workers.stop_all()


async def eventually_done(district: District, job_id: int, *, within: float) -> None:
    deadline = time.monotonic() + within
    while (state := await job_state(district, job_id)) != "done":
        assert state in {"queued", "running"}, f"job {job_id} {state}"
        assert time.monotonic() < deadline, f"job {job_id} still {state} after {within} s"
        await asyncio.sleep(0.2)
