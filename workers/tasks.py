"""The tasks. Each takes plain values, runs one ``tracker`` service in its own database scope,
logs, and returns a small JSON summary. Each is safe to run twice (see the services)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from kombu.exceptions import OperationalError
from piccolo.utils.sync import run_sync

from tracker import db
from tracker.settings import get_settings
from workers.celery_app import app

log = logging.getLogger(__name__)
T = TypeVar("T")

pooled = True
"""Open a PostgreSQL pool around each task (a worker process of its own). The embedded mode
turns it off: there the engine is shared with the web app, and a pool belongs to one loop."""


def run(work: Callable[[], Awaitable[T]]) -> T:
    """Run a service coroutine from a task: a fresh event loop, the PostgreSQL pool around it."""
    use_pool = pooled and get_settings().db_pool

    async def scoped() -> T:
        if use_pool:
            await db.open_pool()
        try:
            return await work()
        finally:
            if use_pool:
                await db.close_pool()

    return run_sync(scoped())


def enqueue_delivery() -> None:
    """Ask a worker to send what was just queued. Best effort: when the broker is down the
    beat's minute tick delivers the outbox anyway, once the broker is back."""
    try:
        deliver_outbox.delay()
    except OperationalError as exc:
        log.warning("could not enqueue delivery (the beat will): %s", exc)


@app.task(name="tracker.sweep_reminders")
def sweep_reminders(today: str | None = None, force: bool = False) -> dict[str, Any]:
    """Record today's reminders and queue their messages; then have them sent."""
    from tracker.reminders import services as reminders  # noqa: PLC0415 - a worker's import

    summary = run(
        lambda: reminders.sweep(today=date.fromisoformat(today) if today else None, force=force)
    )
    if summary.queued:
        enqueue_delivery()  # after the sweep's transactions have committed
    return summary.as_dict()


@app.task(name="tracker.deliver_outbox")
def deliver_outbox() -> dict[str, int]:
    """Send every message that is ready (queued and due, or abandoned by a dead worker)."""
    from tracker.mail import services as mail  # noqa: PLC0415

    summary = run(mail.deliver)
    if summary.sent or summary.failed or summary.deferred:
        log.info("outbox delivery %s", summary.as_dict())
    return summary.as_dict()


@app.task(name="tracker.generate_periods")
def generate_periods(today: str | None = None) -> dict[str, int]:
    """Create the assignments of the period that has begun for every periodic decision."""
    from tracker import clock  # noqa: PLC0415
    from tracker.assignments import periods  # noqa: PLC0415

    day = date.fromisoformat(today) if today else clock.today()
    summary = run(lambda: periods.generate_periods(day))
    return {"decisions": summary.decisions, "created": summary.created}


@app.task(name="tracker.delete_expired_sessions")
def delete_expired_sessions() -> dict[str, int]:
    from tracker.web import sessions  # noqa: PLC0415

    return {"deleted": run(sessions.delete_expired)}


@app.task(name="tracker.run_job")
def run_job(job_id: int) -> dict[str, Any]:
    """Run one background job (an export, a compile, a parse); again: nothing (see the service)."""
    from tracker.jobs import services as jobs  # noqa: PLC0415

    summary = run(lambda: jobs.run_job(job_id))
    log.info("job %s", summary.as_dict())
    return summary.as_dict()


@app.task(name="tracker.resume_jobs")
def resume_jobs() -> dict[str, int]:
    """Send again the jobs whose message was lost (broker down) or whose worker died."""
    from tracker.jobs import services as jobs  # noqa: PLC0415

    ids = run(jobs.resumable)
    sent = 0
    for job_id in ids:
        try:
            run_job.delay(job_id)
            sent += 1
        except OperationalError as exc:
            log.warning("could not resume job %s: %s", job_id, exc)
            break
    return {"resumed": sent}
