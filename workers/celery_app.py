"""The one Celery app of the project.

Production starts it as ``celery -A workers.celery_app worker`` and ``… beat`` (see compose.yaml)
with Redis as the broker; without ``REDIS_URL`` the broker is ``memory://``, for the worker and
beat that ``tracker run`` keeps inside its own process (``workers.embedded``).

A task takes ids, is safe to run twice (``acks_late`` means a task whose worker dies is run
again), and returns a small JSON summary.
"""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_init

import tracker.piccolo_conf  # noqa: F401 - configures Piccolo's engine in a worker process
from tracker.runtime import tune_gc
from tracker.settings import Settings, get_settings


def make_celery(settings: Settings) -> Celery:
    app = Celery("tracker", broker=settings.redis_url or "memory://", include=["workers.tasks"])
    app.conf.update(
        accept_content=["json"],
        task_serializer="json",
        result_serializer="json",
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        timezone=settings.timezone,
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # Redis down for an hour: wait, then go on
        # Redis: a command waits at most this long for an answer. Without it a publish to a
        # Redis that accepts connections but does not answer (hung, paused, a half-open
        # connection) waits forever, and so would the web request that asked for it.
        # The in-memory broker of the embedded mode is polled: often enough that a task
        # starts at once and Ctrl-C stops the worker within a second.
        broker_transport_options=(
            {"socket_connect_timeout": 3, "socket_timeout": 5}
            if settings.redis_url
            else {"polling_interval": 0.2}
        ),
        beat_schedule_filename=str(settings.data_dir / "celerybeat-schedule"),
        # Periodic tasks, in the department's time zone (``timezone`` above). Each is safe to
        # run again, so a beat that restarts or runs late loses nothing and repeats nothing.
        beat_schedule={
            # Every 10 minutes; the sweep itself waits for a working day and the policy's
            # digest hour, so the day's reminders go out once, at that hour (or as soon
            # after it as a worker is up).
            "reminder-sweep": {
                "task": "tracker.sweep_reminders",
                "schedule": crontab(minute="*/10"),
            },
            # Every minute: what the sweep queued, retries whose backoff is over, messages
            # a dead worker left half-sent, and whatever waited while the broker was down.
            "deliver-outbox": {"task": "tracker.deliver_outbox", "schedule": crontab()},
            # Just after midnight: the next month's or quarter's periodic assignments.
            "generate-periods": {
                "task": "tracker.generate_periods",
                "schedule": crontab(hour="0", minute="20"),
            },
            # Every minute: background jobs whose message was lost or whose worker died.
            "resume-jobs": {"task": "tracker.resume_jobs", "schedule": crontab()},
            "delete-expired-sessions": {
                "task": "tracker.delete_expired_sessions",
                "schedule": crontab(hour="3", minute="40"),
            },
        },
    )
    return app


app = make_celery(get_settings())


def _tune_gc(**_: object) -> None:
    """Each worker process, once it has imported the tasks (see ``tracker.runtime``)."""
    tune_gc()


worker_process_init.connect(_tune_gc, weak=False)
