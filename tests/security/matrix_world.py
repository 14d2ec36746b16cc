"""The authorization matrix's district, and the one request it sends to each route.

Two schools (A and B, with the test world's third school beside them) each with an assignment
reported with a file, a pending extension request and a leader's account; the department's
meetings, a compiled follow-up, background jobs of the head and of the secretary, a queued
e-mail. Everything is made through our own services, like ``tests.support.world``.

School B's objects carry texts no other school's may show (``MARKS``): a school A user must never
read them, and no refusal may show any school's.

Each route gets a minimal valid request (``call``): a route that changes something gets a fresh
object in the state the change needs (a reported assignment to accept, a pending request to
approve …), made for whichever school owns it in the case, so an allowed role really performs
the change and a refused one is refused an action that would otherwise succeed.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tests.support.http import PASSWORD
from tests.support.world import World, actor_of, make_world
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.assignments.tables import Assignment, ReportFile
from tracker.audit.tables import AuditEvent
from tracker.calendar import services as calendar
from tracker.calendar.deadlines import DeadlineKind, DeadlineRule
from tracker.feeds import services as feeds
from tracker.followup import services as followup
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.mail import services as mail
from tracker.mail.tables import OutboxMessage
from tracker.meetings import services as meetings
from tracker.piccolo_app import TABLES
from tracker.schools import services as schools
from tracker.schools.services import ChosenSchools

MARKS = {"a": "zqa7731", "b": "zqb7731"}
"""A word only each school's own objects carry (decisions addressed to it alone, reports, file
names, extension reasons)."""

MISSING_ID = 987_654_321
"""An id no object has."""

DUE = date(2030, 6, 1)
LATER_DUE = date(2030, 9, 1)
AS_OF = date(2026, 11, 20)

PROTOCOL_TEXT = "\n".join(
    [
        "Протокол № 7",
        "совещания руководителей образовательных учреждений",
        "05.10.2026",
        "Повестка дня:",
        "1. Итоги мониторинга.",
        "Докладчик: Рыбина Л.Д.",
        "РЕШИЛИ:",
        "1. Руководителям образовательных учреждений:",
        "1.1. Обеспечить проведение мероприятия в срок до 01.12.2026.",
    ]
)


@dataclass
class Call:
    """One request: the path's values and the body (a form for pages, JSON for the API)."""

    params: dict[str, Any]
    form: dict[str, Any] | None = None
    json: Any = None
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    query: str = ""
    fresh_client: bool = False
    """Sent from a client of its own (signing in or out must not change the shared one's)."""


@dataclass
class District:
    world: World
    actors: dict[str, Actor] = field(default_factory=dict)
    """«head», «secretary», «admin», «school_a», «school_b»."""
    assignment: dict[str, int] = field(default_factory=dict)
    decision: dict[str, int] = field(default_factory=dict)
    """The decision of ``assignment``, addressed to that school alone."""
    file: dict[str, int] = field(default_factory=dict)
    request: dict[str, int] = field(default_factory=dict)
    school_user: dict[str, int] = field(default_factory=dict)
    scratch_meeting: int = 0
    """Where the fresh decisions go."""
    later_meeting: int = 0
    follow_up: int = 0
    follow_up_item: int = 0
    xlsx_job: dict[str, int] = field(default_factory=dict)
    parse_job: dict[str, int] = field(default_factory=dict)
    message: int = 0
    group: int = 0
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    saturdays: itertools.count[int] = field(default_factory=itertools.count)

    def school(self, key: str) -> int:
        return self.world.schools[key]

    def email(self, role: str) -> str:
        return self.world.users["school_a" if role in {"school", "anonymous"} else role]

    def user_id(self, role: str) -> int:
        return self.world.user_ids["school_a" if role == "school" else role]

    # ------------------------------------------------------------ the shared objects

    def params(self, owner: str) -> dict[str, Any]:
        """Every path parameter's value, a school's objects those of ``owner`` («a», «b»)."""
        return {
            "assignment_id": self.assignment[owner],
            "file_id": self.file[owner],
            "request_id": self.request[owner],
            "school_id": self.school(owner),
            "user_id": self.school_user[owner],
            "meeting_id": self.world.meeting_id,
            "decision_id": self.world.decisions[0],
            "follow_up_id": self.follow_up,
            "item_id": self.follow_up_item,
            "group_id": self.group,
            "message_id": self.message,
            "day": "2099-01-03",
            "name": "none.ics",
            "file_path": "app.css",
            "path": "no-such-page",
            "job_id": self.xlsx_job["head"],
        }

    # ------------------------------------------------------------ fresh objects

    def n(self) -> int:
        return next(self.counter)

    async def fresh_decision(self, owner: str | None = None) -> int:
        """An instruction due ``DUE`` in the scratch meeting, addressed to ``owner``'s school."""
        mark = f" {MARKS[owner]}" if owner else ""
        return await meetings.add_decision(
            self.actors["head"],
            self.scratch_meeting,
            meetings.DecisionDraft(
                number=str(self.n()),
                text=f"Обеспечить проведение мероприятия{mark}.",
                addressee="Руководителям образовательных учреждений",
                deadline=DeadlineRule(kind=DeadlineKind.DATE, date=DUE, text="до 01.06.2030"),
            ),
        )

    async def fresh_assignment(self, owner: str, state: str) -> int:
        """``owner``'s assignment of a fresh decision: «assigned», «in_progress», «reported»."""
        decision = await self.fresh_decision(owner)
        [row] = await assignments.assign(
            self.actors["head"], decision, ChosenSchools((self.school(owner),))
        )
        school = self.actors[f"school_{owner}"]
        if state in {"in_progress", "reported"}:
            await assignments.start(school, row.id)
        if state == "reported":
            await assignments.submit_report(
                school,
                row.id,
                text=f"Мероприятие проведено {MARKS[owner]}.",
                uploads=[Upload(f"{MARKS[owner]}.pdf", "application/pdf", b"%PDF-1.4 report")],
            )
        return row.id

    async def fresh_request(self, owner: str) -> int:
        assignment = await self.fresh_assignment(owner, "in_progress")
        return await assignments.request_extension(
            self.actors[f"school_{owner}"],
            assignment,
            due_on=LATER_DUE,
            reason=f"Ремонт спортзала {MARKS[owner]}.",
        )

    async def fresh_meeting(self, on: date = date(2026, 10, 1)) -> int:
        created = await meetings.create_meeting(
            None, meetings.MeetingDraft(title=f"Совещание № {self.n()}", date=on)
        )
        return created.id

    async def fresh_pair(self) -> tuple[int, int]:
        """A decision under control of an earlier meeting, assigned to school A, and a later
        meeting to report on it: (later meeting, decision)."""
        earlier = await meetings.create_meeting(
            None,
            meetings.MeetingDraft(
                title=f"Совещание № {self.n()}",
                date=date(2026, 3, 1),
                decisions=(
                    meetings.DecisionDraft(
                        number="1",
                        text="Провести родительские собрания.",
                        deadline=DeadlineRule(
                            kind=DeadlineKind.DATE, date=date(2026, 12, 1), text="до 01.12.2026"
                        ),
                    ),
                ),
            ),
        )
        [(decision, _)] = earlier.decisions
        await assignments.assign(self.actors["head"], decision, ChosenSchools((self.school("a"),)))
        return await self.fresh_meeting(date(2026, 11, 30)), decision

    async def fresh_follow_up(self) -> tuple[int, int]:
        """A compiled, not yet adopted follow-up: (follow-up, its item)."""
        later, decision = await self.fresh_pair()
        view = await followup.compile_follow_up(
            self.actors["head"], later, as_of=AS_OF, decision_ids=[decision]
        )
        return view.id, view.items[0].id

    async def fresh_user(self, owner: str) -> int:
        return await accounts.create_user(
            None,
            email=f"deputy{self.n()}@example.ru",
            role="school",
            password=PASSWORD,
            full_name="Заместитель директора",
            school_id=self.school(owner),
        )

    async def fresh_failed_message(self) -> int:
        [message] = await mail.queue(
            [mail.Outgoing(key=f"matrix-{self.n()}", to="head@example.ru", subject="Ы", text=".")]
        )
        await OutboxMessage.update(
            {
                OutboxMessage.status: "failed",
                OutboxMessage.attempts: 3,
                OutboxMessage.last_error: "550 Mailbox unavailable",
            }
        ).where(OutboxMessage.id == message)
        return message

    def fresh_saturday(self) -> date:
        """A Saturday of 2099 no case has touched (a day off in the shipped calendar)."""
        first = date(2099, 1, 3)
        assert first.weekday() == 5
        return first + timedelta(weeks=next(self.saturdays))


async def build_district() -> District:
    """The test world, then per school an assignment reported with a file, a pending extension
    request; a compiled follow-up; each department user's two jobs; a queued e-mail."""
    district = District(world=await make_world())
    w = district.world
    for key in ("head", "secretary", "admin", "school_a", "school_b"):
        district.actors[key] = await actor_of(w, key)
    district.group = w.groups["СОШ"]
    district.scratch_meeting = await district.fresh_meeting(date(2026, 2, 10))
    for owner in ("a", "b"):
        district.assignment[owner] = await district.fresh_assignment(owner, "reported")
        row = await (
            Assignment.select(Assignment.decision)
            .where(Assignment.id == district.assignment[owner])
            .first()
        )
        assert row is not None
        district.decision[owner] = row["decision"]
        found = (
            await ReportFile.select(ReportFile.id)
            .where(ReportFile.report.assignment == district.assignment[owner])
            .first()
        )
        assert found is not None
        district.file[owner] = found["id"]
        district.request[owner] = await district.fresh_request(owner)
        district.school_user[owner] = w.user_ids[f"school_{owner}"]
    district.later_meeting, decision = await district.fresh_pair()
    view = await followup.compile_follow_up(
        district.actors["head"], district.later_meeting, as_of=AS_OF, decision_ids=[decision]
    )
    district.follow_up, district.follow_up_item = view.id, view.items[0].id
    for role in ("head", "secretary"):
        starter = district.actors[role]
        xlsx = await jobs.create(starter, kinds.COMPLIANCE_XLSX, {"meeting_id": w.meeting_id})
        await jobs.run_job(xlsx)
        upload = kinds.upload_path(secrets.token_hex(16), "protocol.txt")
        kinds.save_upload(upload, PROTOCOL_TEXT.encode())
        parse = await jobs.create(
            starter, kinds.PROTOCOL_PARSE, {"path": upload, "filename": "protocol.txt"}
        )
        await jobs.run_job(parse)
        district.xlsx_job[role], district.parse_job[role] = xlsx, parse
    [district.message] = await mail.queue(
        [mail.Outgoing(key="matrix-0", to="school_a@example.ru", subject="Напоминание", text=".")]
    )
    return district


# ---------------------------------------------------------------- the state, counted

_COUNTED = [t._meta.tablename for t in TABLES if t._meta.tablename not in {"web_session"}]
"""Every table but the sessions (a page view may refresh its own)."""


async def counts() -> dict[str, int]:
    """Rows per table, and the last audit event's id, in one statement."""
    parts = [f'(SELECT COUNT(*) FROM "{n}") AS "{n}"' for n in _COUNTED]  # noqa: S608 - ours
    parts.append('(SELECT COALESCE(MAX(id), 0) FROM "audit_event") AS "last_audit"')
    [row] = await AuditEvent.raw("SELECT " + ", ".join(parts))
    return {k: int(v) for k, v in row.items()}


async def audit_actors_since(last_id: int) -> list[int | None]:
    rows = await AuditEvent.select(AuditEvent.actor).where(AuditEvent.id > last_id)
    return [r["actor"] for r in rows]


# ---------------------------------------------------------------- one request per route

Owner = str
"""«a» or «b»: the school whose objects the case names."""
Scenario = Callable[[District, Owner, str], Awaitable[Call]]
"""(district, owner, role) → the call."""

SCENARIOS: dict[str, Scenario] = {}


def scenario(*keys: str) -> Callable[[Scenario], Scenario]:
    def register(make: Scenario) -> Scenario:
        for key in keys:
            assert key not in SCENARIOS, key
            SCENARIOS[key] = make
        return make

    return register


async def plain(d: District, owner: Owner, role: str) -> Call:
    """The shared objects, no body: what every reading route gets."""
    return Call(d.params(owner))


# ------------------------------------------------------------ signing in, language


@scenario("POST /login")
async def _login(d: District, owner: Owner, role: str) -> Call:
    form = {"email": d.email(role), "password": PASSWORD}
    return Call(d.params(owner), form=form, fresh_client=True)


@scenario("POST /logout")
async def _logout(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), form={}, fresh_client=True)


@scenario("POST /language")
async def _language(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), form={"lang": "ru", "next": "/"})


@scenario("POST /api/v1/auth/token")
async def _token(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), json={"email": d.email(role), "password": PASSWORD})


@scenario("GET /calendar/{name:str}")
async def _feed(d: District, owner: Owner, role: str) -> Call:
    token = await feeds.issue_feed_token(d.actors["school_a"])
    return Call(d.params(owner) | {"name": f"{token}.ics"})


@scenario("GET /search")
async def _search(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), query="q=семинар")


# ------------------------------------------------------------ assignments


async def _fresh(d: District, owner: Owner, state: str) -> dict[str, Any]:
    return d.params(owner) | {"assignment_id": await d.fresh_assignment(owner, state)}


@scenario("POST /assignments/{assignment_id:int}/start")
async def _start(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "assigned"), form={})


@scenario("POST /api/v1/assignments/{assignment_id:int}/start")
async def _api_start(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "assigned"))


@scenario("POST /assignments/{assignment_id:int}/reports")
async def _report(d: District, owner: Owner, role: str) -> Call:
    return Call(
        await _fresh(d, owner, "in_progress"),
        form={"text": f"Отчёт {MARKS[owner]}", "links": "https://school.example.ru/news/1"},
        files=[("files", (f"{MARKS[owner]}.pdf", b"%PDF-1.4 report", "application/pdf"))],
    )


@scenario("POST /api/v1/assignments/{assignment_id:int}/reports")
async def _api_report(d: District, owner: Owner, role: str) -> Call:
    return Call(
        await _fresh(d, owner, "in_progress"),
        json={"text": f"Отчёт {MARKS[owner]}", "links": ["https://school.example.ru/news/1"]},
    )


def _extension_body(owner: Owner) -> dict[str, str]:
    return {"due_on": LATER_DUE.isoformat(), "reason": f"Ремонт {MARKS[owner]}"}


@scenario("POST /assignments/{assignment_id:int}/extension-requests")
async def _extension(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "in_progress"), form=_extension_body(owner))


@scenario("POST /api/v1/assignments/{assignment_id:int}/extension-requests")
async def _api_extension(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "in_progress"), json=_extension_body(owner))


@scenario("POST /assignments/{assignment_id:int}/accept")
async def _accept(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "reported"), form={"comment": "Принято."})


@scenario("POST /api/v1/assignments/{assignment_id:int}/accept")
async def _api_accept(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "reported"), json={"comment": "Принято."})


@scenario("POST /assignments/{assignment_id:int}/return")
async def _return(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "reported"), form={"comment": "Добавьте фото."})


@scenario("POST /api/v1/assignments/{assignment_id:int}/return")
async def _api_return(d: District, owner: Owner, role: str) -> Call:
    return Call(await _fresh(d, owner, "reported"), json={"comment": "Добавьте фото."})


@scenario(
    "POST /extension-requests/{request_id:int}/approve",
    "POST /extension-requests/{request_id:int}/reject",
)
async def _decide(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"request_id": await d.fresh_request(owner)}
    return Call(params, form={"comment": "Согласовано с отделом."})


@scenario(
    "POST /api/v1/extension-requests/{request_id:int}/approve",
    "POST /api/v1/extension-requests/{request_id:int}/reject",
)
async def _api_decide(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"request_id": await d.fresh_request(owner)}
    return Call(params, json={"comment": "Согласовано с отделом."})


# ------------------------------------------------------------ meetings and decisions


@scenario("POST /meetings")
async def _meeting(d: District, owner: Owner, role: str) -> Call:
    form = {"kind": "protocol", "title": "Совещание", "number": "5", "date": "2026-10-01"}
    return Call(d.params(owner), form=form)


@scenario("POST /api/v1/meetings")
async def _api_meeting(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), json={"title": "Совещание", "date": "2026-10-01"})


@scenario("POST /meetings/{meeting_id:int}/agenda")
async def _agenda(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"meeting_id": await d.fresh_meeting()}
    return Call(params, form={"title": "О подготовке к зиме", "speakers": "Рыбина Л.Д."})


@scenario("POST /meetings/{meeting_id:int}/decisions")
async def _add_decision(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"meeting_id": await d.fresh_meeting()}
    form = {
        "number": "1",
        "kind": "instruction",
        "addressee": "Руководителям образовательных учреждений",
        "text": "Обеспечить подготовку к зиме.",
        "deadline_kind": "none",
    }
    return Call(params, form=form)


@scenario("POST /decisions/{decision_id:int}/assignments")
async def _assign(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"decision_id": await d.fresh_decision()}
    return Call(params, form={"target": "chosen", "schools": str(d.school("a"))})


@scenario("POST /api/v1/decisions/{decision_id:int}/assignments")
async def _api_assign(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"decision_id": await d.fresh_decision()}
    return Call(params, json={"schools": [d.school("a")]})


@scenario("POST /decisions/{decision_id:int}/remove-from-control")
async def _remove(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"decision_id": await d.fresh_decision()}
    return Call(params, form={"comment": "Исполнено всеми."})


@scenario("POST /api/v1/decisions/{decision_id:int}/remove-from-control")
async def _api_remove(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"decision_id": await d.fresh_decision()}
    return Call(params, json={"comment": "Исполнено всеми."})


# ------------------------------------------------------------ protocol import


def _draft_form(d: District) -> dict[str, str]:
    """The review form of a one-decision protocol, as the preview sends it back."""
    return {
        "kind": "protocol",
        "title": "Совещание руководителей образовательных учреждений",
        "number": "7",
        "date": "2026-10-05",
        "agenda_count": "0",
        "decision_count": "1",
        "decisions.0.number": "1",
        "decisions.0.kind": "instruction",
        "decisions.0.addressee": "Руководителям образовательных учреждений",
        "decisions.0.text": "Обеспечить проведение мероприятия.",
        "decisions.0.target": "schools",
        "decisions.0.schools": str(d.school("a")),
        "decisions.0.deadline_kind": "date",
        "decisions.0.deadline_date": "2026-12-01",
    }


@scenario("POST /protocols/import")
async def _upload(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), form={"text": PROTOCOL_TEXT})


@scenario("POST /protocols/import/review", "POST /protocols/import/confirm")
async def _review(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), form=_draft_form(d))


@scenario("POST /api/v1/protocols/parse")
async def _parse(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), json={"text": PROTOCOL_TEXT})


# ------------------------------------------------------------ administration


@scenario("POST /admin/schools")
async def _add_school(d: District, owner: Owner, role: str) -> Call:
    n = d.n()
    form = {"name": f"Новая школа № {n}", "short_name": f"Школа № {n}", "groups": str(d.group)}
    return Call(d.params(owner), form=form)


@scenario("POST /api/v1/schools")
async def _api_add_school(d: District, owner: Owner, role: str) -> Call:
    n = d.n()
    return Call(d.params(owner), json={"name": f"Новая школа № {n}", "short_name": f"Ш-{n}"})


@scenario("POST /admin/schools/{school_id:int}")
async def _save_school(d: District, owner: Owner, role: str) -> Call:
    school = await schools.get_school(d.actors["admin"], d.school(owner))
    form = {
        "name": school.name,
        "short_name": school.short_name,
        "email": f"school{d.n()}@example.ru",
        "groups": [str(g) for g in school.group_ids],
        "is_active": "on",
    }
    return Call(d.params(owner), form=form)


@scenario("POST /admin/groups")
async def _add_group(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), form={"name": f"Группа № {d.n()}"})


@scenario("POST /admin/groups/{group_id:int}")
async def _rename_group(d: District, owner: Owner, role: str) -> Call:
    group = await schools.create_group(None, name=f"Группа № {d.n()}")
    return Call(d.params(owner) | {"group_id": group}, form={"name": f"Группа № {d.n()}"})


@scenario("POST /admin/users")
async def _add_user(d: District, owner: Owner, role: str) -> Call:
    form = {
        "email": f"secretary{d.n()}@example.ru",
        "role": "secretary",
        "password": PASSWORD,
        "full_name": "Секретарь",
    }
    return Call(d.params(owner), form=form)


@scenario("POST /admin/users/{user_id:int}")
async def _save_user(d: District, owner: Owner, role: str) -> Call:
    params = d.params(owner) | {"user_id": await d.fresh_user(owner)}
    form = {
        "full_name": "Заместитель директора по УВР",
        "role": "school",
        "school_id": str(d.school(owner)),
        "is_active": "on",
    }
    return Call(params, form=form)


@scenario("POST /admin/calendar/days")
async def _set_day(d: District, owner: Owner, role: str) -> Call:
    form = {"day": d.fresh_saturday().isoformat(), "working": "1", "note": "Перенос"}
    return Call(d.params(owner), form=form)


@scenario("POST /admin/calendar/days/{day:str}")
async def _flip_day(d: District, owner: Owner, role: str) -> Call:
    day = d.fresh_saturday().isoformat()
    return Call(d.params(owner) | {"day": day}, form={"working": "1"})


@scenario("POST /admin/calendar/days/{day:str}/clear")
async def _clear_day(d: District, owner: Owner, role: str) -> Call:
    day = d.fresh_saturday()
    await calendar.set_day(d.actors["admin"], day, True, "Перенос")
    return Call(d.params(owner) | {"day": day.isoformat()}, form={})


@scenario("POST /admin/outbox/{message_id:int}/retry")
async def _retry(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner) | {"message_id": await d.fresh_failed_message()}, form={})


@scenario("POST /admin/reminders")
async def _policy(d: District, owner: Owner, role: str) -> Call:
    form = {
        "before_working_days": "5, 1",
        "on_due_day": "on",
        "overdue_every_working_days": "3",
        "escalate_after_days": "7",
        "notify_head_on_overdue": "on",
        "daily_digest": "on",
        "digest_hour": "9",
    }
    return Call(d.params(owner), form=form)


@scenario("PUT /api/v1/reminder-policy")
async def _api_policy(d: District, owner: Owner, role: str) -> Call:
    body = {
        "before_working_days": [5, 1],
        "on_due_day": True,
        "overdue_every_working_days": 3,
        "escalate_after_days": 7,
        "notify_head_on_overdue": True,
        "daily_digest": True,
        "digest_hour": 9,
    }
    return Call(d.params(owner), json=body)


# ------------------------------------------------------------ exports, follow-up


@scenario("POST /meetings/{meeting_id:int}/compliance.xlsx/job")
async def _xlsx_job(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), form={})


@scenario(
    "GET /meetings/{meeting_id:int}/follow-up", "GET /api/v1/meetings/{meeting_id:int}/follow-up"
)
async def _follow_up_section(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner) | {"meeting_id": d.later_meeting})


@scenario("POST /meetings/{meeting_id:int}/follow-up")
async def _compile(d: District, owner: Owner, role: str) -> Call:
    later, decision = await d.fresh_pair()
    form = {"as_of": AS_OF.isoformat(), "speaker": "Рыбина Л.Д.", "decision_ids": str(decision)}
    return Call(d.params(owner) | {"meeting_id": later}, form=form)


@scenario("POST /api/v1/meetings/{meeting_id:int}/follow-up")
async def _api_compile(d: District, owner: Owner, role: str) -> Call:
    later, decision = await d.fresh_pair()
    body = {"as_of": AS_OF.isoformat(), "speaker": "Рыбина Л.Д.", "decision_ids": [decision]}
    return Call(d.params(owner) | {"meeting_id": later}, json=body)


@scenario("POST /follow-up-items/{item_id:int}")
async def _proposal(d: District, owner: Owner, role: str) -> Call:
    _, item = await d.fresh_follow_up()
    form = {"proposal": "keep", "proposal_text": "Оставить на контроле."}
    return Call(d.params(owner) | {"item_id": item}, form=form)


@scenario("POST /api/v1/follow-up-items/{item_id:int}")
async def _api_proposal(d: District, owner: Owner, role: str) -> Call:
    _, item = await d.fresh_follow_up()
    body = {"proposal": "keep", "proposal_text": "Оставить на контроле."}
    return Call(d.params(owner) | {"item_id": item}, json=body)


@scenario("POST /follow-ups/{follow_up_id:int}/adopt")
async def _adopt(d: District, owner: Owner, role: str) -> Call:
    follow_up, _ = await d.fresh_follow_up()
    return Call(d.params(owner) | {"follow_up_id": follow_up}, form={"confirm": "on"})


@scenario("POST /api/v1/follow-ups/{follow_up_id:int}/adopt")
async def _api_adopt(d: District, owner: Owner, role: str) -> Call:
    follow_up, _ = await d.fresh_follow_up()
    return Call(d.params(owner) | {"follow_up_id": follow_up})


# ------------------------------------------------------------ the calendar subscription


@scenario("POST /my/calendar")
async def _issue(d: District, owner: Owner, role: str) -> Call:
    return Call(d.params(owner), form={})


@scenario("POST /my/calendar/revoke")
async def _revoke(d: District, owner: Owner, role: str) -> Call:
    await feeds.issue_feed_token(d.actors["school_a"])  # so that there is one to revoke
    return Call(d.params(owner), form={})


async def call_for(route_key: str, district: District, owner: Owner, role: str) -> Call:
    return await SCENARIOS.get(route_key, plain)(district, owner, role)
