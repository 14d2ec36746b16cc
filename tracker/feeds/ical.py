"""A school's due dates as an iCalendar document (RFC 5545). Pure: no database, no clock.

One all-day event per open assignment with a due date. The UID is built from the assignment's
id and the site's host, so a calendar application updates the same event when the due date
moves (an approved extension) and drops it when the assignment is closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event

from tracker.calendar.deadlines import period_label

PRODID = "-//Decision Tracker//Сроки исполнения//RU"
SUMMARY_LENGTH = 80
REMINDER_BEFORE = timedelta(hours=-15)
"""The alarm: 09:00 the day before (an all-day event starts at midnight)."""
REFRESH = "PT1H"


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One open assignment with its due date, as the feed shows it."""

    assignment_id: int
    decision_number: str
    decision_text: str
    meeting_date: date
    due_on: date
    period: str = ""


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """One line of at most ``limit`` characters, cut at a word with «…» when longer."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.—-") + "…"


def event_uid(assignment_id: int, base_url: str) -> str:
    """Stable for the assignment's whole life, unique across installations."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"assignment-{assignment_id}@{host}"


def assignment_url(assignment_id: int, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/assignments/{assignment_id}"


def calendar_name(school_name: str) -> str:
    return f"Сроки исполнения — {school_name}"


def _description(item: FeedEvent, url: str) -> str:
    lines = [f"Решение № {item.decision_number} совещания от {item.meeting_date:%d.%m.%Y}:"]
    lines.append(" ".join(item.decision_text.split()))
    if item.period:
        lines.append(f"Период: {period_label(item.period)}")
    lines += ["", f"Отчитаться: {url}"]
    return "\n".join(lines)


def build_calendar(
    school_name: str, items: Iterable[FeedEvent], *, base_url: str, stamp: datetime
) -> bytes:
    """The whole feed. ``stamp`` (timezone-aware) is the DTSTAMP of every event."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name(school_name))
    calendar.add("x-wr-caldesc", f"Сроки исполнения поручений: {school_name}")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    for item in sorted(items, key=lambda i: (i.due_on, i.assignment_id)):
        url = assignment_url(item.assignment_id, base_url)
        summary = f"Срок: {shorten(item.decision_text)}"
        event = Event()
        event.add("uid", event_uid(item.assignment_id, base_url))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", _description(item, url))
        event.add("url", url)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Завтра {summary[0].lower()}{summary[1:]}")
        alarm.add("trigger", REMINDER_BEFORE)
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
