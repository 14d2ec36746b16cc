"""Subscribable calendars: a school's due dates as an iCalendar feed behind a secret URL."""
