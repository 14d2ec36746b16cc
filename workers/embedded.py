"""The worker and beat that ``tracker run`` keeps inside its own process (no Redis).

The broker is Celery's in-memory transport, shared by a worker thread (solo pool: one task at
a time) and a beat thread; the web app runs beside them. Nothing of the broker survives a
restart, and nothing needs to: every task is re-derived from the database by the next beat
tick (the sweep, the outbox delivery), so a restart loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker

from workers import tasks
from workers.celery_app import app

log = logging.getLogger(__name__)
SHUTDOWN_SECONDS = 30


@contextmanager
def embedded_workers() -> Iterator[None]:
    """A worker thread and a beat thread for as long as the block runs. The web app beside
    them must not open a PostgreSQL pool either (``tracker run`` opens none)."""
    tasks.pooled = False
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=SHUTDOWN_SECONDS,
            hostname="embedded@tracker",
        ):
            beat = EmbeddedService(app, thread=True)
            beat.start()
            log.info("embedded worker and beat started")
            try:
                yield
            finally:
                beat.stop()
    except RuntimeError as exc:  # the worker thread outlived the timeout: a task was running
        # it dies with the process; its work is redone by the next start (see the module doc)
        log.warning("embedded worker did not stop within %s s: %s", SHUTDOWN_SECONDS, exc)
