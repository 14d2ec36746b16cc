"""Celery: the app (``workers.celery_app``) and, with the reminders issue, its tasks."""
