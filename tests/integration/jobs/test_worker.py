"""A job end to end with a real ``celery worker`` process and a real Redis: the task sent twice
runs the job once, and its owner reads the file the worker wrote."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.integration.workers.conftest import (  # noqa: F401 - fixtures used by name
    Workers,
    publish,
    redis_server,
    sink,
    worker_env,
    workers,
)
from tests.support.redis_server import RedisServer
from tests.support.world import World, actor_of
from tracker.jobs import kinds
from tracker.jobs import services as jobs

pytestmark = pytest.mark.workers


async def test_a_worker_runs_a_job_once_and_stores_its_file(
    world: World,
    redis_server: RedisServer,  # noqa: F811 - the imported fixture
    workers: Workers,  # noqa: F811
) -> None:
    from workers import tasks  # noqa: PLC0415

    # Given: a job the head queued, and a worker
    head = await actor_of(world, "head")
    job_id = await jobs.create(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    workers.start()

    # When: the task is sent twice
    first = publish(tasks.run_job, redis_server.url, job_id=job_id)
    summary = workers.wait_for(first, 60)
    second = publish(tasks.run_job, redis_server.url, job_id=job_id)
    again = workers.wait_for(second, 60)

    # Then: it ran once, and the file it wrote is the owner's to download
    assert summary == {"job_id": job_id, "ran": True, "state": "done"}
    assert again == {"job_id": job_id, "ran": False, "state": "done"}
    view = await jobs.get(head, job_id)
    assert view.state == "done"
    assert view.started_at is not None
    assert view.finished_at is not None
    found = await jobs.result_file(head, job_id)
    book = load_workbook(io.BytesIO(found.data))
    assert book.sheetnames[0] == "Исполнение"
