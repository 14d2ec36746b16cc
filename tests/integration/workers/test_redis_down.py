"""Redis goes away and comes back: the web app keeps working meanwhile, asking for a delivery
does not break the caller, and once Redis is back on the same port the same worker
reconnects and everything queued meanwhile goes out, once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from litestar import Litestar
from redis import Redis
from redis.exceptions import RedisError

from tests.integration.workers.conftest import (
    QUEUE_BINDING,
    SWEEP_DAY,
    District,
    Rig,
    add_schools,
    all_delivered,
    eventually,
    outbox_rows,
    pending,
    wait_until,
)
from tests.support.http import PageClient
from tests.support.redis_server import RedisServer
from tests.support.world import World
from tracker.assignments.tables import Assignment
from tracker.mail import services as mail
from tracker.reminders import services as reminders
from tracker.settings import REPO_ROOT, get_settings
from tracker.web.app import create_app

pytestmark = pytest.mark.workers

SCHOOLS = 30

ENQUEUE_WHILE_DOWN = """
from kombu.exceptions import OperationalError
from workers import tasks

tasks.enqueue_delivery()
print("enqueue_delivery returned", flush=True)
try:
    tasks.deliver_outbox.delay()
except OperationalError as exc:
    print("delay raised OperationalError", flush=True)
else:
    print("delay returned", flush=True)
"""


@pytest.fixture
def app_with_redis(redis_server: RedisServer) -> Iterator[Litestar]:
    """The web app of a deployment whose REDIS_URL is this test's Redis."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("REDIS_URL", redis_server.url)
        get_settings.cache_clear()
        try:
            assert get_settings().redis_url == redis_server.url
            yield create_app()
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()


def queue_is_consumed(redis_server: RedisServer) -> bool:
    """A worker (re)declared its queue in this Redis: it is connected and consuming."""
    client = Redis.from_url(redis_server.url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return bool(client.exists(QUEUE_BINDING))
    except RedisError:
        return False
    finally:
        client.close()


async def test_redis_stopped_and_started_loses_nothing(
    world: World, rig: Rig, app_with_redis: Litestar
) -> None:
    redis_server, sink, workers = rig.redis, rig.sink, rig.workers
    district: District = await add_schools(world, SCHOOLS)
    worker = workers.start()
    assert queue_is_consumed(redis_server)

    # Given: Redis goes down
    redis_server.stop()
    assert not queue_is_consumed(redis_server)

    # When: a school signs in and reports, through the web app configured with that Redis
    aid = world.assignments["a"]
    async with PageClient.open(app_with_redis) as pages:
        login = await pages.login(world.users["school_a"])
        my = await pages.get("/my")
        report = await pages.post(f"/assignments/{aid}/reports", {"text": "Сделано, Redis лежит"})
        detail = await pages.get(f"/assignments/{aid}")

    # Then: it answers as usual
    assert login.headers["location"] == "/my"
    assert my.status_code == 200
    assert report.status_code == 303, report.text
    assert detail.status_code == 200
    assert "Сделано, Redis лежит" in detail.text
    status = await Assignment.select(Assignment.status).where(Assignment.id == aid).first()
    assert status == {"status": "reported"}

    # When: the day's reminders are queued meanwhile (``tracker remind`` or a sweep) …
    summary = await reminders.sweep(today=SWEEP_DAY, force=True)
    expected = sorted(e for e in district.emails if e != world.users["school_a"])  # a reported
    assert summary.queued == len(expected)
    # … and a process asks a worker to deliver them
    asked = subprocess.run(  # noqa: ASYNC221 - a child process with its own deadline
        [sys.executable, "-c", ENQUEUE_WHILE_DOWN],
        cwd=REPO_ROOT,
        env=workers.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Then: enqueue_delivery swallowed the error (a bare .delay() raises); nothing was sent
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.splitlines() == [
        "enqueue_delivery returned",
        "delay raised OperationalError",
    ], asked.stderr
    assert "could not enqueue delivery" in asked.stderr
    assert await pending() == len(expected)
    assert sink.messages() == []
    assert worker.alive

    # When: Redis is back on the same port (empty: it keeps nothing on disk)
    redis_server.start()
    wait_until(
        lambda: queue_is_consumed(redis_server),
        timeout=45,
        what="the worker to reconnect to Redis",
        every=0.2,
    )
    assert worker.alive  # the same worker process, reconnected
    # and the beat's minute tick asks for a delivery
    delivered = workers.wait_for(rig.deliver(), 60)

    # Then: everything queued while Redis was down went out, once
    assert delivered["sent"] == len(expected)
    await eventually(all_delivered, within=10, what="nothing pending")
    rows = await outbox_rows()
    assert sorted(r["to_address"] for r in rows) == expected
    assert {r["status"] for r in rows} == {"sent"}
    received = sink.messages()
    assert sink.duplicates() == {}
    assert sorted(m.to for m in received) == expected
    assert {m.message_id for m in received} == {
        mail.message_id(r["key"], rig.settings) for r in rows
    }
