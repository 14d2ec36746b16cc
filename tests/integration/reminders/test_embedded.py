"""The embedded mode: the Celery worker and beat inside one process, no Redis, mail kept in
the outbox; and ``tracker remind`` from the command line."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support.world import World
from tracker.mail import services as mail
from tracker.mail.tables import OutboxMessage
from workers import tasks
from workers.celery_app import app
from workers.embedded import embedded_workers

TRACKER = Path(sys.executable).with_name("tracker")


async def wait_for(predicate: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await predicate():  # type: ignore[operator]
            return
        await asyncio.sleep(0.2)
    pytest.fail(f"not within {seconds} s")


@pytest.fixture
def fast_beat() -> Iterator[None]:
    """Beat with one entry, every second, instead of the production schedule."""
    saved = app.conf.beat_schedule
    app.conf.beat_schedule = {
        "deliver-outbox": {"task": "tracker.deliver_outbox", "schedule": timedelta(seconds=1)}
    }
    try:
        yield
    finally:
        app.conf.beat_schedule = saved
        tasks.pooled = True


async def sent() -> list[dict[str, object]]:
    return await OutboxMessage.select().where(OutboxMessage.status == mail.SENT)


async def test_a_task_sent_to_the_embedded_worker_sweeps_and_delivers(
    world: World, fast_beat: None
) -> None:
    with embedded_workers():
        tasks.sweep_reminders.delay(today="2030-02-26", force=True)

        async def two_sent() -> bool:
            return len(await sent()) == 2

        await wait_for(two_sent)

    messages = await sent()
    assert {m["to_address"] for m in messages} == {world.users["school_a"], world.users["school_b"]}
    assert {m["transport"] for m in messages} == {"outbox"}  # no SMTP_URL: kept, not mailed


async def test_the_embedded_beat_delivers_the_outbox_by_itself(
    clean_db: None, fast_beat: None
) -> None:
    await mail.queue(
        [mail.Outgoing(key="test:1", to="director@example.ru", subject="Тема", text="Текст")]
    )

    with embedded_workers():

        async def delivered() -> bool:
            return len(await sent()) == 1

        await wait_for(delivered)


def remind(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TRACKER), "remind", *args],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_tracker_remind_sweeps_once_and_prints_a_summary(world: World) -> None:
    first = await asyncio.to_thread(remind, "--today", "2030-02-26")
    again = await asyncio.to_thread(remind, "--today", "2030-02-26")

    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert (summary["queued"], summary["sent"], summary["today"]) == (2, 2, "2030-02-26")
    assert json.loads(again.stdout)["queued"] == 0
    assert json.loads(again.stdout)["skipped"] == 3
    assert await OutboxMessage.count() == 2


async def test_tracker_remind_rejects_a_bad_date(clean_db: None) -> None:
    result = await asyncio.to_thread(remind, "--today", "26.02.2030")

    assert result.returncode == 2
    assert result.stderr.startswith("tracker: error: ")
    assert result.stderr.count("\n") == 1
    assert await OutboxMessage.count() == 0
