"""The one place that reads the clock. Pure code takes ``today`` as a parameter instead."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tracker.settings import get_settings


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in the department's time zone (``TRACKER_TIMEZONE``)."""
    return datetime.now(get_settings().tz).date()
