"""A synthetic district for benchmarks and demos: ``tracker seed --schools N --decisions M``.

N schools in four groups, a head, a secretary, an admin and one user per school; meetings
spread over the year before ``today``; M decisions across them (dates, working days, calendar
days, «постоянно», «ежеквартально»), every one assigned to every school: N × M assignments,
with reports and extension requests in every state the product knows.

The mix is arithmetic, not random: the same N, M and ``today`` give the same rows, so figures
measured on them repeat. For the assignment of decision d and school s, ``h = (37·d + 11·s) mod
100`` picks the state, and whether the due date is past picks the table it is read from:

    due date past       0–44 accepted on time · 45–56 accepted late · 57–66 reported ·
                        67–74 returned (so overdue) · 75–99 open and overdue
    due date ahead      0–14 accepted on time · 15–29 reported · 30–34 returned · 35–99 open
    no due date         0–19 reported · 20–99 open («постоянно»)

and ``g = (13·d + 7·s) mod 20`` gives an open assignment with a due date an extension request:
0 pending, 1 approved (its due date moved a fortnight on), 2 rejected.

Rows go in bulk, not through the services (a million assignments through them would take
hours): PostgreSQL by asyncpg's ``COPY``, SQLite by ``executemany``; ids are explicit (then
PostgreSQL's sequences are moved past them), all in one transaction, then ``ANALYZE``. No audit
events are written: the history of a seeded assignment is empty.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from tracker import db
from tracker.accounts.passwords import hash_password
from tracker.assignments.lifecycle import Status
from tracker.calendar.deadlines import DeadlineKind, Period, period_span
from tracker.calendar.workdays import add_working_days
from tracker.compliance.rules import Counts
from tracker.errors import TrackerError

SEED_PASSWORD = "seed-district-2024"  # noqa: S105 - every seeded account's, printed in the summary
"""One password for every seeded account; it passes ``password_problem``."""
MAX_SCHOOLS = 5_000
MAX_DECISIONS = 10_000
MAX_ASSIGNMENTS = 5_000_000
MAX_MEETINGS = 24
"""Two meetings a month at most: M decisions are spread over min(M, 24) meetings."""
YEAR_DAYS = 357
"""The first meeting is this many days before ``today``; the last one three weeks before."""
CHUNK = 20_000
"""Assignments per bulk insert (with their reports and extension requests)."""

GROUPS = (
    "Общеобразовательные организации (СОШ)",
    "Дошкольные образовательные организации (ДОУ)",
    "Организации дополнительного образования (ДО)",
    "Пилотные площадки муниципальной программы",
)
SOSH, DOU, DO, PILOT = range(4)

_MBOU = "Муниципальное бюджетное общеобразовательное учреждение"
_MBDOU = "Муниципальное бюджетное дошкольное образовательное учреждение"
_MBUDO = "Муниципальное бюджетное учреждение дополнительного образования"

SURNAMES = (
    ("Иванова", "Мария", "Петровна"),
    ("Смирнов", "Алексей", "Игоревич"),
    ("Кузнецова", "Елена", "Николаевна"),
    ("Попов", "Сергей", "Викторович"),
    ("Васильева", "Ольга", "Александровна"),
    ("Соколова", "Татьяна", "Михайловна"),
    ("Морозов", "Дмитрий", "Сергеевич"),
    ("Новикова", "Ирина", "Владимировна"),
    ("Фёдорова", "Наталья", "Юрьевна"),
    ("Волков", "Андрей", "Павлович"),
    ("Лебедева", "Светлана", "Геннадьевна"),
    ("Козлова", "Анна", "Борисовна"),
    ("Павлов", "Игорь", "Анатольевич"),
)

DECISION_TEXTS = (
    "Обеспечить участие педагогических работников в муниципальном семинаре по реализации "
    "обновлённых ФГОС и представить информацию в отдел образования.",
    "Организовать проведение тренировочных мероприятий по эвакуации обучающихся и персонала.",
    "Провести анализ результатов мониторинга и довести их до сведения педагогического коллектива.",
    "Представить в отдел образования план мероприятий по профилактике детского дорожно-"
    "транспортного травматизма.",
    "Обеспечить размещение на официальном сайте образовательной организации актуальной "
    "информации о приёме обучающихся.",
    "Организовать работу по выявлению и поддержке одарённых детей, представить отчёт.",
    "Обновить паспорт доступности объекта для инвалидов и маломобильных групп населения.",
    "Провести инструктажи по охране труда и пожарной безопасности с работниками организации.",
    "Представить сведения о кадровом обеспечении образовательного процесса на новый учебный год.",
    "Обеспечить контроль за организацией горячего питания обучающихся.",
    "Провести родительские собрания по вопросам информационной безопасности детей.",
    "Актуализировать программы воспитания с учётом календарного плана воспитательной работы.",
)
RECOMMENDATION_TEXT = (
    "Рекомендовать руководителям образовательных организаций рассмотреть на заседаниях "
    "методических объединений итоги муниципальных олимпиад."
)
AGENDA_TITLES = (
    "О ходе исполнения решений предыдущих совещаний",
    "Об итогах мониторинга деятельности образовательных организаций",
    "О подготовке образовательных организаций к новому учебному году",
)
ADDRESSEE = "Руководителям образовательных учреждений"
MEETING_TITLE = "Совещание руководителей муниципальных образовательных учреждений"
MEETING_PLACE = "актовый зал администрации района"
REPORT_TEXT = (
    "Исполнено. Информация направлена в отдел образования, подтверждающие документы на сайте."
)
RETURN_COMMENT = "Отчёт неполный: приложите подтверждающие документы."
EXTENSION_REASON = "Просим продлить срок в связи с проведением ремонтных работ."

OPEN_STATUSES = (Status.ASSIGNED.value, Status.IN_PROGRESS.value, Status.RETURNED.value)
ACCEPTED = Status.ACCEPTED.value
REPORTED = Status.REPORTED.value
RETURNED = Status.RETURNED.value


class SeedError(TrackerError):
    """The district cannot be seeded as asked (bad numbers, a database already in use)."""


@dataclass(frozen=True)
class SeedSummary:
    """What was written, and the compliance figures it makes on ``today``."""

    schools: int
    groups: int
    users: int
    meetings: int
    decisions: int
    assignments: int
    reports: int
    extension_requests: int
    counts: Counts
    """The compliance totals of the seeded assignments on ``today`` (``compliance().total``
    over them gives the same)."""
    today: date
    head_email: str
    secretary_email: str
    admin_email: str
    school_emails: tuple[str, ...]
    """The school users' logins, in the order of the schools' ids."""
    password: str
    first_ids: dict[str, int]
    """The first id written in each table (1 in an empty database)."""
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """The one JSON line ``tracker seed`` prints: counts, the logins, seconds."""
        return {
            "schools": self.schools,
            "groups": self.groups,
            "users": self.users,
            "meetings": self.meetings,
            "decisions": self.decisions,
            "assignments": self.assignments,
            "reports": self.reports,
            "extension_requests": self.extension_requests,
            "compliance": self.counts._asdict(),
            "today": self.today.isoformat(),
            "head": self.head_email,
            "secretary": self.secretary_email,
            "admin": self.admin_email,
            "school_example": self.school_emails[0] if self.school_emails else None,
            "password": self.password,
            "seconds": round(self.seconds, 2),
        }


def check_size(schools: int, decisions: int) -> None:
    """Raise ``SeedError`` unless the district's size is one we seed."""
    if not 1 <= schools <= MAX_SCHOOLS:
        raise SeedError(f"--schools must be 1–{MAX_SCHOOLS:,}, got {schools}")
    if not 1 <= decisions <= MAX_DECISIONS:
        raise SeedError(f"--decisions must be 1–{MAX_DECISIONS:,}, got {decisions}")
    if schools * decisions > MAX_ASSIGNMENTS:
        raise SeedError(
            f"{schools} × {decisions} = {schools * decisions:,} assignments: at most "
            f"{MAX_ASSIGNMENTS:,}"
        )


# ---------------------------------------------------------------- the plan (pure)


@dataclass(frozen=True)
class _Ids:
    """The id before the first one written, per table (0 in an empty database)."""

    school: int = 0
    school_group: int = 0
    school_group_member: int = 0
    tracker_user: int = 0
    meeting: int = 0
    agenda_item: int = 0
    decision: int = 0
    assignment: int = 0
    report: int = 0
    extension_request: int = 0


TABLES = tuple(_Ids.__dataclass_fields__)


def school_kind(k: int) -> int:
    """SOSH, DOU or DO for the k-th school (1-based): one in four a kindergarten, one in
    twenty a centre of further education, the rest schools."""
    if k % 20 == 7:
        return DO
    if k % 4 == 2:
        return DOU
    return SOSH


def school_names(k: int) -> tuple[str, str]:
    """(full name, short name) of the k-th school."""
    kind = school_kind(k)
    if kind == DOU:
        return f"{_MBDOU} «Детский сад № {k}»", f"МБДОУ «Детский сад № {k}»"
    if kind == DO:
        return f"{_MBUDO} «Центр дополнительного образования № {k}»", f"МБУ ДО «ЦДО № {k}»"
    return f"{_MBOU} «Средняя общеобразовательная школа № {k}»", f"МБОУ СОШ № {k}"


def meeting_count(decisions: int) -> int:
    return min(decisions, MAX_MEETINGS)


def meeting_day(index: int, meetings: int, today: date) -> date:
    """The index-th (0-based) of ``meetings`` meetings over the year before ``today``."""
    return today - timedelta(days=YEAR_DAYS - index * (YEAR_DAYS - 21) // max(meetings - 1, 1))


@dataclass(frozen=True)
class _Decision:
    """One decision as the seed writes it, and the due date its assignments get."""

    number: int
    """1-based across the district."""
    meeting: int
    """0-based index of its meeting."""
    position: int
    kind: str
    text: str
    deadline_kind: DeadlineKind
    deadline_date: date | None
    deadline_text: str
    deadline_period: str | None
    deadline_working_days: int | None
    deadline_days: int | None
    due_on: date | None
    period: str


def plan_decision(d: int, meeting: int, position: int, held_on: date, today: date) -> _Decision:
    """The d-th decision (1-based), of the meeting held on ``held_on``: d mod 10 picks its
    deadline — 0–4 a date, 5–6 ten working days, 7 thirty days, 8 «постоянно», 9 quarterly."""
    kind = "recommendation" if d % 7 == 3 else "instruction"
    text = RECOMMENDATION_TEXT if kind == "recommendation" else DECISION_TEXTS[d % 12]
    rule = d % 10
    deadline_date: date | None = None
    period: str | None = None
    working_days: int | None = None
    days: int | None = None
    key = ""
    if rule <= 4:
        deadline_kind = DeadlineKind.DATE
        deadline_date = held_on + timedelta(days=14 + (d * 5) % 60)
        due_on: date | None = deadline_date
        deadline_text = f"Срок: до {deadline_date:%d.%m.%Y}"
    elif rule <= 6:
        deadline_kind, working_days = DeadlineKind.RELATIVE, 10
        due_on = add_working_days(held_on, 10)
        deadline_text = "в течение 10 рабочих дней"
    elif rule == 7:
        deadline_kind, days = DeadlineKind.RELATIVE, 30
        due_on = held_on + timedelta(days=30)
        deadline_text = "в течение 30 дней со дня совещания"
    elif rule == 8:
        deadline_kind, due_on = DeadlineKind.ONGOING, None
        deadline_text = "Срок: постоянно"
    else:
        deadline_kind, period, days = DeadlineKind.PERIODIC, Period.QUARTERLY.value, 5
        # today's quarter, due on the 5th of the month after it: the one period the beat's
        # ``generate_periods`` expects by now, so it adds none to the seeded district
        span = period_span(Period.QUARTERLY, today)
        key, due_on = span.key, span.due(5)
        deadline_text = "ежеквартально до 5 числа месяца, следующего за отчётным кварталом"
    return _Decision(
        number=d,
        meeting=meeting,
        position=position,
        kind=kind,
        text=text,
        deadline_kind=deadline_kind,
        deadline_date=deadline_date,
        deadline_text=deadline_text,
        deadline_period=period,
        deadline_working_days=working_days,
        deadline_days=days,
        due_on=due_on,
        period=key,
    )


@dataclass(frozen=True)
class Plan:
    """The district's small tables and its decisions; the assignments are made from them
    chunk by chunk (``assignment_rows``)."""

    today: date
    schools: int
    decisions: tuple[_Decision, ...]
    meeting_days: tuple[date, ...]
    ids: _Ids
    domain: str

    def school_email(self, k: int) -> str:
        """The k-th seeded school's address, and its user's login."""
        return f"school{self.ids.school + k}@{self.domain}"


def make_plan(schools: int, decisions: int, today: date, ids: _Ids | None = None) -> Plan:
    ids = ids or _Ids()
    meetings = meeting_count(decisions)
    days = tuple(meeting_day(i, meetings, today) for i in range(meetings))
    planned = []
    for d in range(1, decisions + 1):
        meeting = (d - 1) * meetings // decisions
        first = -(-meeting * decisions // meetings)  # the first d - 1 of this meeting
        planned.append(plan_decision(d, meeting, d - first, days[meeting], today))
    domain = "seed.example.ru" if ids.tracker_user == 0 else f"seed{ids.tracker_user}.example.ru"
    return Plan(today, schools, tuple(planned), days, ids, domain)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Tally:
    """Rows made and compliance buckets counted while making them."""

    assignments: int = 0
    reports: int = 0
    extension_requests: int = 0
    accepted_on_time: int = 0
    accepted_late: int = 0
    reported: int = 0
    overdue: int = 0
    open: int = 0
    returned: int = 0
    extension_pending: int = 0

    def counts(self) -> Counts:
        return Counts(
            total=self.assignments,
            accepted_on_time=self.accepted_on_time,
            accepted_late=self.accepted_late,
            reported=self.reported,
            overdue=self.overdue,
            open=self.open,
            returned=self.returned,
            extension_pending=self.extension_pending,
        )


ASSIGNMENT_COLUMNS = (
    "id",
    "decision",
    "school",
    "period",
    "due_on",
    "status",
    "created_at",
    "updated_at",
    "reported_at",
    "accepted_at",
    "accepted_on_time",
)
REPORT_COLUMNS = (
    "id",
    "assignment",
    "author",
    "text",
    "created_at",
    "outcome",
    "review_comment",
    "reviewed_by",
    "reviewed_at",
)
EXTENSION_COLUMNS = (
    "id",
    "assignment",
    "requested_by",
    "previous_due_on",
    "due_on",
    "reason",
    "status",
    "created_at",
    "decided_by",
    "decided_at",
    "comment",
)

Rows = list[tuple[Any, ...]]


def _state(h: int, due_on: date | None, today: date) -> str:
    """accepted_on_time, accepted_late, reported, returned or open (see the module doc)."""
    if due_on is None:
        return "reported" if h < 20 else "open"
    table: tuple[tuple[int, str], ...]
    if due_on < today:
        table = (
            (45, "accepted_on_time"),
            (57, "accepted_late"),
            (67, "reported"),
            (75, "returned"),
        )
    else:
        table = ((15, "accepted_on_time"), (30, "reported"), (35, "returned"))
    return next((state for limit, state in table if h < limit), "open")


def assignment_rows(plan: Plan, tally: Tally) -> Iterator[tuple[Rows, Rows, Rows]]:
    """(assignments, reports, extension requests) in chunks of about ``CHUNK`` assignments,
    each chunk's reports referring to its own assignments only; counts them into ``tally``."""
    assignments: Rows = []
    reports: Rows = []
    requests: Rows = []
    for decision in plan.decisions:
        for s in range(1, plan.schools + 1):
            assignment, report, request = _assignment(plan, decision, s, tally)
            assignments.append(assignment)
            if report is not None:
                tally.reports += 1
                reports.append((plan.ids.report + tally.reports, *report))
            if request is not None:
                tally.extension_requests += 1
                requests.append((plan.ids.extension_request + tally.extension_requests, *request))
            if len(assignments) >= CHUNK:
                yield assignments, reports, requests
                assignments, reports, requests = [], [], []
        tally.assignments += plan.schools
    if assignments:
        yield assignments, reports, requests


Row = tuple[Any, ...]


def _assignment(
    plan: Plan, decision: _Decision, s: int, tally: Tally
) -> tuple[Row, Row | None, Row | None]:
    """The assignment of ``decision`` to the s-th school, its report and its extension
    request (without their ids), as the module doc mixes them; counted into ``tally``."""
    ids, today, d = plan.ids, plan.today, decision.number
    held = plan.meeting_days[decision.meeting]
    base_due = decision.due_on
    state = _state((37 * d + 11 * s) % 100, base_due, today)
    assignment_id = ids.assignment + (d - 1) * plan.schools + s
    head = ids.tracker_user + 1
    author = ids.tracker_user + 3 + s
    report: Row | None = None
    request: Row | None = None
    reported_at = accepted_at = None
    on_time = None
    if state == "open":
        status = Status.IN_PROGRESS.value if s % 2 else Status.ASSIGNED.value
    else:
        reported_at = _at(_report_day(state, held, base_due, s, today), 7 + s % 8)
        status, outcome, comment, reviewed = _review(state, reported_at, tally)
        if status == ACCEPTED:
            on_time, accepted_at = state == "accepted_on_time", reviewed
        report = (
            assignment_id,
            author,
            REPORT_TEXT,
            reported_at,
            outcome,
            comment,
            None if reviewed is None else head,
            reviewed,
        )
    due_on = base_due
    if status in OPEN_STATUSES and base_due is not None and (13 * d + 7 * s) % 20 <= 2:
        decided = ("pending", "approved", "rejected")[(13 * d + 7 * s) % 20]
        asked = base_due + timedelta(days=14)
        asked_at = _at(max(held, min(base_due - timedelta(days=3), today)), 9)
        if decided == "approved":
            due_on = asked
        elif decided == "pending":
            tally.extension_pending += 1
        pending = decided == "pending"
        request = (
            assignment_id,
            author,
            base_due,
            asked,
            EXTENSION_REASON,
            decided,
            asked_at,
            None if pending else head,
            None if pending else asked_at + timedelta(hours=30),
            "",
        )
    if status in OPEN_STATUSES:
        tally.returned += status == RETURNED
        if due_on is not None and due_on < today:
            tally.overdue += 1
        else:
            tally.open += 1
    assignment = (
        assignment_id,
        ids.decision + d,
        ids.school + s,
        decision.period,
        due_on,
        status,
        _at(held, 12),
        accepted_at or reported_at or _at(held, 12),
        reported_at,
        accepted_at,
        on_time,
    )
    return assignment, report, request


def _report_day(state: str, held: date, due_on: date | None, s: int, today: date) -> date:
    """When the school reported: before the due date, or after it when accepted late; an
    ongoing obligation within four weeks of the meeting; never after ``today``."""
    if due_on is None:
        day = held + timedelta(days=1 + s % 28)
    elif state == "accepted_late":
        day = due_on + timedelta(days=1 + s % 9)
    else:
        day = due_on - timedelta(days=1 + s % 5)
    return max(min(day, today), held)


def _review(
    state: str, reported_at: datetime, tally: Tally
) -> tuple[str, str, str, datetime | None]:
    """(the assignment's status, the report's outcome, the review comment, reviewed at)."""
    if state in {"accepted_on_time", "accepted_late"}:
        if state == "accepted_on_time":
            tally.accepted_on_time += 1
        else:
            tally.accepted_late += 1
        return ACCEPTED, "accepted", "", reported_at + timedelta(hours=2)
    if state == "reported":
        tally.reported += 1
        return REPORTED, "pending", "", None
    return RETURNED, "returned", RETURN_COMMENT, reported_at + timedelta(hours=3)


def small_tables(plan: Plan, password_hash: str) -> list[tuple[str, tuple[str, ...], Rows]]:
    """(table, columns, rows) of everything but the assignments, in the order of their keys."""
    ids = plan.ids
    created = _at(plan.meeting_days[0] - timedelta(days=7), 8)
    schools = []
    members = []
    member = ids.school_group_member
    for k in range(1, plan.schools + 1):
        number = ids.school + k  # «№ k» continues after the schools already there
        name, short = school_names(number)
        schools.append((number, name, short, plan.school_email(k), True))
        groups = [school_kind(number)] + ([PILOT] if number % 10 == 1 else [])
        for group in groups:
            member += 1
            members.append((member, ids.school_group + group + 1, ids.school + k))
    group_rows = [
        (ids.school_group + n + 1, _group_name(name, plan), ids.school_group + n + 1)
        for n, name in enumerate(GROUPS)
    ]
    staff = [
        ("head", "Нефёдова Марина Викторовна", "Начальник отдела образования"),
        ("secretary", "Дудяк Наталья Владимировна", "Ведущий специалист, секретарь совещаний"),
        ("admin", "Кузнецов Андрей Сергеевич", "Системный администратор"),
    ]
    users: Rows = [
        (ids.tracker_user + n + 1, f"{role}@{plan.domain}", name, position, role, None)
        for n, (role, name, position) in enumerate(staff)
    ]
    for k in range(1, plan.schools + 1):
        surname, first, middle = SURNAMES[k % len(SURNAMES)]
        position = "Заведующий" if school_kind(ids.school + k) == DOU else "Директор"
        users.append(
            (
                ids.tracker_user + 3 + k,
                plan.school_email(k),
                f"{surname} {first} {middle}",
                position,
                "school",
                ids.school + k,
            )
        )
    secretary = ids.tracker_user + 2
    meetings = [
        (
            ids.meeting + n + 1,
            MEETING_TITLE,
            str(n + 1),
            day,
            MEETING_PLACE,
            secretary,
            _at(day, 14),
        )
        for n, day in enumerate(plan.meeting_days)
    ]
    agenda = []
    per_meeting: dict[int, int] = {}
    for decision in plan.decisions:
        per_meeting[decision.meeting] = per_meeting.get(decision.meeting, 0) + 1
    agenda_of: dict[tuple[int, int], int] = {}
    item = ids.agenda_item
    for meeting, count in sorted(per_meeting.items()):
        for place in range(1, min(count, len(AGENDA_TITLES)) + 1):
            item += 1
            agenda_of[meeting, place] = item
            agenda.append((item, ids.meeting + meeting + 1, place, AGENDA_TITLES[place - 1], "[]"))
    decisions = []
    for decision in plan.decisions:
        items = min(per_meeting[decision.meeting], len(AGENDA_TITLES))
        decisions.append(
            (
                ids.decision + decision.number,
                ids.meeting + decision.meeting + 1,
                agenda_of[decision.meeting, (decision.position - 1) % items + 1],
                decision.position,
                f"{(decision.position - 1) % items + 1}.{(decision.position - 1) // items + 1}",
                decision.text,
                decision.kind,
                ADDRESSEE,
                decision.deadline_kind.value,
                decision.deadline_date,
                decision.deadline_text,
                decision.deadline_period,
                decision.deadline_working_days,
                decision.deadline_days,
                _at(plan.meeting_days[decision.meeting], 15),
            )
        )
    return [
        ("school", ("id", "name", "short_name", "email", "is_active"), schools),
        ("school_group", ("id", "name", "position"), group_rows),
        ("school_group_member", ("id", "group", "school"), members),
        (
            "tracker_user",
            (
                "id",
                "email",
                "full_name",
                "position",
                "role",
                "school",
                "password_hash",
                "created_at",
            ),
            [(*u, password_hash, created) for u in users],
        ),
        (
            "meeting",
            ("id", "title", "number", "date", "place", "created_by", "created_at"),
            meetings,
        ),
        ("agenda_item", ("id", "meeting", "position", "title", "speakers"), agenda),
        (
            "decision",
            (
                "id",
                "meeting",
                "agenda_item",
                "position",
                "number",
                "text",
                "kind",
                "addressee",
                "deadline_kind",
                "deadline_date",
                "deadline_text",
                "deadline_period",
                "deadline_working_days",
                "deadline_days",
                "created_at",
            ),
            decisions,
        ),
    ]


def _group_name(name: str, plan: Plan) -> str:
    return name if plan.ids.school_group == 0 else f"{name}, {plan.domain}"


# ---------------------------------------------------------------- the writers


class _Writer:
    """One connection, one transaction: bulk loads and a few statements."""

    async def max_id(self, table: str) -> int:
        raise NotImplementedError

    async def count(self, table: str) -> int:
        raise NotImplementedError

    async def load(self, table: str, columns: Sequence[str], rows: Rows) -> None:
        raise NotImplementedError

    async def finish(self, tables: Iterable[str]) -> None:
        """Commit, then bring the planner's statistics up to date."""
        raise NotImplementedError

    async def abort(self) -> None:
        raise NotImplementedError


class _PostgresWriter(_Writer):
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection
        self.transaction = connection.transaction()

    @classmethod
    async def open(cls, config: dict[str, Any]) -> _PostgresWriter:
        connection = await asyncpg.connect(**config)
        writer = cls(connection)
        await writer.transaction.start()
        return writer

    async def max_id(self, table: str) -> int:
        return int(await self.connection.fetchval(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"'))  # noqa: S608

    async def count(self, table: str) -> int:
        return int(await self.connection.fetchval(f'SELECT COUNT(*) FROM "{table}"'))  # noqa: S608

    async def load(self, table: str, columns: Sequence[str], rows: Rows) -> None:
        await self.connection.copy_records_to_table(table, records=rows, columns=list(columns))

    async def finish(self, tables: Iterable[str]) -> None:
        names = list(tables)
        for table in names:
            await self.connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f' (SELECT MAX(id) FROM "{table}"))'
            )
        await self.transaction.commit()
        try:
            await self.connection.execute("ANALYZE " + ", ".join(f'"{t}"' for t in names))
        finally:
            await self.connection.close()

    async def abort(self) -> None:
        try:
            await self.transaction.rollback()
        finally:
            await self.connection.close()


def _lite(value: object) -> object:
    """As Piccolo writes them to SQLite: dates ISO, aware times in UTC as ``str()`` gives."""
    if isinstance(value, datetime):
        return str(value.astimezone(UTC))
    if isinstance(value, date):
        return value.isoformat()
    return value


class _SQLiteWriter(_Writer):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    @classmethod
    async def open(cls, path: str, wait_s: float) -> _SQLiteWriter:
        connection = sqlite3.connect(path, isolation_level=None, timeout=wait_s)
        connection.execute("PRAGMA cache_size = -262144")  # 256 MB: the indexes stay in memory
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN IMMEDIATE")
        return cls(connection)

    async def max_id(self, table: str) -> int:
        row = self.connection.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"').fetchone()  # noqa: S608
        return int(row[0])

    async def count(self, table: str) -> int:
        return int(self.connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608

    async def load(self, table: str, columns: Sequence[str], rows: Rows) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.connection.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 - our names
            ([_lite(v) for v in row] for row in rows),
        )

    async def finish(self, tables: Iterable[str]) -> None:
        try:
            self.connection.execute("COMMIT")
            self.connection.execute("ANALYZE")
        finally:
            self.connection.close()

    async def abort(self) -> None:
        try:
            self.connection.execute("ROLLBACK")
        finally:
            self.connection.close()


async def _open_writer() -> _Writer:
    engine = db.engine()
    if isinstance(engine, PostgresEngine):
        return await _PostgresWriter.open(dict(engine.config))
    assert isinstance(engine, SQLiteEngine)
    kwargs = engine.connection_kwargs
    return await _SQLiteWriter.open(str(kwargs["database"]), float(kwargs.get("timeout", 30)))


# ---------------------------------------------------------------- seed


async def _refuse_meetings(writer: _Writer) -> None:
    if await writer.count("meeting"):
        raise SeedError(
            "the database already has meetings: seed an empty database, or pass --append "
            "to add the synthetic district beside them"
        )


async def seed(
    schools: int,
    decisions: int,
    *,
    today: date,
    append: bool = False,
    password: str = SEED_PASSWORD,
) -> SeedSummary:
    """Write the district of ``schools`` × ``decisions`` (see the module doc) into the
    database of ``tracker.db.engine()``, whole or not at all, and return what was written.

    A database that already has meetings is refused (``SeedError``) unless ``append``: then
    the district is added beside what is there, its ids after the existing ones, its logins
    under another domain (``seed<N>.example.ru``)."""
    check_size(schools, decisions)
    started = time.perf_counter()
    password_hash = hash_password(password)
    writer = await _open_writer()
    try:
        if not append:
            await _refuse_meetings(writer)
        ids = _Ids(**{t: await writer.max_id(t) for t in TABLES}) if append else _Ids()
        plan = make_plan(schools, decisions, today, ids)
        small = small_tables(plan, password_hash)
        for table, columns, rows in small:
            await writer.load(table, columns, rows)
        tally = Tally()
        for assignments, reports, requests in assignment_rows(plan, tally):
            await writer.load("assignment", ASSIGNMENT_COLUMNS, assignments)
            await writer.load("report", REPORT_COLUMNS, reports)
            await writer.load("extension_request", EXTENSION_COLUMNS, requests)
    except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError) as exc:
        await writer.abort()
        raise SeedError(
            f"the database already holds rows the district would repeat ({exc}): seed an "
            "empty database"
        ) from exc
    except BaseException:
        await writer.abort()
        raise
    await writer.finish(TABLES)
    sizes = {table: len(rows) for table, _, rows in small}
    return SeedSummary(
        schools=schools,
        groups=len(GROUPS),
        users=sizes["tracker_user"],
        meetings=sizes["meeting"],
        decisions=decisions,
        assignments=tally.assignments,
        reports=tally.reports,
        extension_requests=tally.extension_requests,
        counts=tally.counts(),
        today=today,
        head_email=f"head@{plan.domain}",
        secretary_email=f"secretary@{plan.domain}",
        admin_email=f"admin@{plan.domain}",
        school_emails=tuple(plan.school_email(k) for k in range(1, schools + 1)),
        password=password,
        first_ids={table: value + 1 for table, value in asdict(ids).items()},
        seconds=time.perf_counter() - started,
    )
