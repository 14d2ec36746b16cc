"""The iCalendar document of a school's due dates, read back with the icalendar parser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from tracker.feeds.ical import FeedEvent, build_calendar, event_uid, shorten

STAMP = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
BASE = "https://tracker.example.ru"


def parse(events: list[FeedEvent], school: str = "МБОУ СОШ № 1") -> Calendar:
    return Calendar.from_ical(build_calendar(school, events, base_url=BASE, stamp=STAMP))


def test_one_all_day_event_per_assignment_with_a_reminder() -> None:
    text = (
        "Обеспечить участие педагогов в семинарах по функциональной грамотности; "
        "отчёт — в отдел образования, до 10:00."
    )
    calendar = parse(
        [
            FeedEvent(7, "1.2", text, date(2026, 2, 5), date(2026, 3, 2)),
            FeedEvent(3, "4", "Провести собрание", date(2026, 2, 5), date(2026, 2, 27), "2026-Q1"),
        ]
    )

    assert str(calendar["x-wr-calname"]) == "Сроки исполнения — МБОУ СОШ № 1"
    first, second = calendar.walk("VEVENT")  # by due date
    assert str(first["uid"]) == "assignment-3@tracker.example.ru"
    assert first.decoded("dtstart") == date(2026, 2, 27)
    assert first.decoded("dtend") == date(2026, 2, 28)
    assert "за I квартал 2026" in str(first["description"])
    assert str(second["summary"]) == f"Срок: {shorten(text)}"
    assert str(second["summary"]).endswith("…")
    description = str(second["description"])
    assert "Решение № 1.2 совещания от 05.02.2026" in description
    assert text in description
    assert f"{BASE}/assignments/7" in description
    assert str(second["url"]) == f"{BASE}/assignments/7"
    [alarm] = second.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=-15)  # 09:00 the day before


def test_an_empty_feed_is_still_a_calendar() -> None:
    calendar = parse([], school="МБДОУ «Детский сад № 4»")

    assert calendar.walk("VEVENT") == []
    assert str(calendar["x-wr-calname"]) == "Сроки исполнения — МБДОУ «Детский сад № 4»"


def test_the_uid_depends_only_on_the_assignment_and_the_site() -> None:
    assert event_uid(5, BASE) == event_uid(5, BASE + "/")
    assert event_uid(5, BASE) != event_uid(6, BASE)
    assert event_uid(5, BASE) != event_uid(5, "http://other.example.ru")


@given(st.text(min_size=0, max_size=400))
def test_shorten_keeps_a_short_line_and_cuts_a_long_one(text: str) -> None:
    line = " ".join(text.split())
    short = shorten(text, 80)
    assert len(short) <= 80
    assert "\n" not in short
    if len(line) <= 80:
        assert short == line
    else:
        assert short.endswith("…")
        assert line.startswith(short[:-1].rstrip(" ,;:.—-"))
