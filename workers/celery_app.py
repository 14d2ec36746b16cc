"""The one Celery app of the project.

Production starts it as ``celery -A workers.celery_app worker`` and ``… beat`` (see compose.yaml)
with Redis as the broker; without ``REDIS_URL`` the broker is ``memory://``, for the worker and
beat that ``tracker run`` will keep inside its own process.

A task takes ids, is safe to run twice (``acks_late`` means a task whose worker dies is run
again), and returns a small JSON summary.
"""

from __future__ import annotations

from celery import Celery

import tracker.piccolo_conf  # noqa: F401 - configures Piccolo's engine in a worker process
from tracker.settings import Settings, get_settings


def make_celery(settings: Settings) -> Celery:
    app = Celery("tracker", broker=settings.redis_url or "memory://")
    app.conf.update(
        accept_content=["json"],
        task_serializer="json",
        result_serializer="json",
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        timezone=settings.timezone,
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        # Periodic tasks, each a name, a task and a crontab in the department's time zone.
        # Empty on purpose: the reminder sweep and the daily digests arrive with the
        # reminders issue, together with the task modules the app then includes.
        beat_schedule={},
    )
    return app


app = make_celery(get_settings())
