"""The working calendar in force: the shipped production calendar with the admin's corrections.

The admin sees a year day by day and may set any day working or not (a new decree, a regional
holiday); a correction that agrees with the shipped data is not kept, so the shipped calendar
stays the one source for every day nobody touched.
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tracker import clock, db
from tracker.accounts.roles import Actor, Permission
from tracker.audit import services as audit
from tracker.calendar.production import load_calendar, load_years
from tracker.calendar.tables import CalendarDay
from tracker.calendar.workdays import WorkCalendar
from tracker.errors import ValidationError

FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_NOTE = 500

MONTH_NAMES = (
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
)


def with_corrections(base: WorkCalendar, corrections: dict[date, bool]) -> WorkCalendar:
    """``base`` with some days set working (True) or not (False) by hand. Pure."""
    holidays = set(base.holidays)
    working_weekends = set(base.working_weekends)
    for day, working in corrections.items():
        holidays.discard(day)
        working_weekends.discard(day)
        weekend = day.weekday() >= 5
        if working and weekend:
            working_weekends.add(day)
        elif not working and not weekend:
            holidays.add(day)
    return WorkCalendar(frozenset(holidays), frozenset(working_weekends))


async def effective_calendar() -> WorkCalendar:
    """The calendar every due date and reminder day is counted on."""
    rows = await CalendarDay.select(CalendarDay.day, CalendarDay.working)
    return with_corrections(load_calendar(), {r["day"]: r["working"] for r in rows})


# ---------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class DayView:
    day: date
    working: bool
    """In force: the admin's correction if there is one, else the shipped calendar."""
    shipped_working: bool
    """What the shipped production calendar says (only weekends off outside its years)."""
    corrected: bool
    note: str = ""

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def iso(self) -> str:
        return self.day.isoformat()


@dataclass(frozen=True, slots=True)
class MonthView:
    year: int
    month: int
    name: str
    weeks: tuple[tuple[DayView | None, ...], ...]
    """Monday to Sunday; None for the days of the neighbouring months."""
    working_days: int

    @property
    def days_off(self) -> int:
        return month_calendar.monthrange(self.year, self.month)[1] - self.working_days


@dataclass(frozen=True, slots=True)
class CorrectionView:
    day: date
    working: bool
    shipped_working: bool
    note: str
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class YearView:
    year: int
    months: tuple[MonthView, ...]
    shipped: bool
    """The year is in the shipped data (2020–2027)."""
    source: str
    """The Government decree the year's days off come from; empty outside the shipped years."""
    provisional: bool
    """Shipped, but no decree yet: Labour Code holidays and their automatic moves only."""
    note: str
    """What the admin should know about the year's data, or empty."""
    working_days: int
    shipped_working_days: int
    corrections: tuple[CorrectionView, ...]

    @property
    def days_off(self) -> int:
        return sum(m.days_off for m in self.months)

    @property
    def previous_year(self) -> int | None:
        return self.year - 1 if self.year > FIRST_YEAR else None

    @property
    def next_year(self) -> int | None:
        return self.year + 1 if self.year < LAST_YEAR else None


# ---------------------------------------------------------------- checks


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError.single(
            "year", f"Календарь ведётся на {FIRST_YEAR}–{LAST_YEAR} годы: год {year} вне их."
        )


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError.single("note", f"Пометка не длиннее {MAX_NOTE} символов.")
    return note


def _year_note(year: int, shipped: bool, provisional: bool) -> str:
    if not shipped:
        return (
            f"Производственного календаря на {year} год в поставке нет: выходными считаются "
            "только субботы и воскресенья. Праздники и переносы отметьте вручную."
        )
    if provisional:
        return (
            f"Постановления о переносе выходных на {year} год ещё нет: отмечены праздники "
            "по ст. 112 Трудового кодекса и их переносы по закону. Когда постановление выйдет, "
            "исправьте дни вручную."
        )
    return ""


# ---------------------------------------------------------------- reading


async def _corrections(first: date, last: date) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (
        await CalendarDay.select(
            CalendarDay.id,
            CalendarDay.day,
            CalendarDay.working,
            CalendarDay.note,
            CalendarDay.updated_at,
            CalendarDay.updated_by.full_name.as_alias("by_name"),
            CalendarDay.updated_by.email.as_alias("by_email"),
        )
        .where((CalendarDay.day >= first) & (CalendarDay.day <= last))
        .order_by(CalendarDay.day)
    )
    return rows


def _month(year: int, month: int, days: dict[date, DayView]) -> MonthView:
    weeks = tuple(
        tuple(days[d] if d.month == month else None for d in week)
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    )
    working = sum(1 for d in days.values() if d.day.month == month and d.working)
    return MonthView(year, month, MONTH_NAMES[month - 1], weeks, working)


async def calendar_year(actor: Actor, year: int) -> YearView:
    """The year day by day as it is in force, with the shipped status beside each correction."""
    actor.require(Permission.ADMINISTER)
    check_year(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = await _corrections(first, last)
    shipped_calendar = load_calendar()
    in_force = with_corrections(shipped_calendar, {r["day"]: r["working"] for r in rows})
    notes = {r["day"]: r["note"] for r in rows}
    days: dict[date, DayView] = {}
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        days[day] = DayView(
            day=day,
            working=in_force.is_working_day(day),
            shipped_working=shipped_calendar.is_working_day(day),
            corrected=day in notes,
            note=notes.get(day, ""),
        )
    shipped_year = load_years().get(year)
    return YearView(
        year=year,
        months=tuple(_month(year, m, days) for m in range(1, 13)),
        shipped=shipped_year is not None,
        source=shipped_year.source if shipped_year else "",
        provisional=shipped_year.provisional if shipped_year else False,
        note=_year_note(
            year, shipped_year is not None, shipped_year.provisional if shipped_year else False
        ),
        working_days=sum(1 for d in days.values() if d.working),
        shipped_working_days=sum(1 for d in days.values() if d.shipped_working),
        corrections=tuple(
            CorrectionView(
                day=r["day"],
                working=r["working"],
                shipped_working=days[r["day"]].shipped_working,
                note=r["note"],
                updated_by=r["by_name"] or r["by_email"] or "система",
                updated_at=r["updated_at"],
            )
            for r in rows
        ),
    )


async def get_day(actor: Actor, day: date) -> DayView:
    """One day as it is in force."""
    actor.require(Permission.ADMINISTER)
    check_year(day.year)
    row = (
        await CalendarDay.select(CalendarDay.working, CalendarDay.note)
        .where(CalendarDay.day == day)
        .first()
    )
    shipped = load_calendar().is_working_day(day)
    if row is None:
        return DayView(day=day, working=shipped, shipped_working=shipped, corrected=False)
    return DayView(
        day=day, working=row["working"], shipped_working=shipped, corrected=True, note=row["note"]
    )


# ---------------------------------------------------------------- changing


async def set_day(actor: Actor, day: date, working: bool, note: str) -> DayView:
    """Make ``day`` working or a day off. Back to its shipped status, the correction is removed
    (and its note with it): only the days that differ from the shipped calendar are kept."""
    actor.require(Permission.ADMINISTER)
    check_year(day.year)
    note = _check_note(note)
    if working == load_calendar().is_working_day(day):
        return await clear_day(actor, day)
    now = clock.now()
    async with db.transaction():
        current = (
            await CalendarDay.select(CalendarDay.id, CalendarDay.working, CalendarDay.note)
            .where(CalendarDay.day == day)
            .first()
        )
        before = (
            None
            if current is None
            else {"day": day, "working": current["working"], "note": current["note"]}
        )
        after = {"day": day, "working": working, "note": note}
        if before != after:
            saved = await (
                CalendarDay.insert(
                    CalendarDay(
                        day=day,
                        working=working,
                        note=note,
                        updated_by=actor.user_id,
                        updated_at=now,
                    )
                )
                .on_conflict(
                    target=CalendarDay.day,
                    action="DO UPDATE",
                    values=[
                        CalendarDay.working,
                        CalendarDay.note,
                        CalendarDay.updated_by,
                        CalendarDay.updated_at,
                    ],
                )
                .returning(CalendarDay.id)
            )
            action = "create" if current is None else "update"
            await audit.record(
                actor, "calendar_day", saved[0]["id"], action, before=before, after=after
            )
    return await get_day(actor, day)


async def clear_day(actor: Actor, day: date) -> DayView:
    """Drop the admin's correction of ``day``: the shipped calendar decides again."""
    actor.require(Permission.ADMINISTER)
    check_year(day.year)
    async with db.transaction():
        current = (
            await CalendarDay.select(CalendarDay.id, CalendarDay.working, CalendarDay.note)
            .where(CalendarDay.day == day)
            .first()
        )
        if current is not None:
            await CalendarDay.delete().where(CalendarDay.id == current["id"])
            await audit.record(
                actor,
                "calendar_day",
                current["id"],
                "delete",
                before={"day": day, "working": current["working"], "note": current["note"]},
                after={"day": day, "working": load_calendar().is_working_day(day)},
            )
    return await get_day(actor, day)
