"""The authorization matrix's expectations, written by hand from the product's rules.

Who may do what comes from DESIGN.md («Users and roles») and the README (the roles' pages and
the API's «who» column), never from a run of the code. A route is keyed by its method and its
path as the app's route table spells it; a route of the app missing here fails
``test_authorization_matrix`` until someone writes down who may use it.

The rules every case follows (``expected``):

- nobody signed in: a public route answers; any other gets 401 on the API and a redirect to
  the sign-in page on the pages;
- a signed-in role the route is not for: 403 (the role check comes first, so it answers the
  same for an object that exists, another school's or none at all);
- a school user and another school's object (an assignment, a report's file, an extension
  request, the school itself, a school's account), or anyone and another user's background
  job: 404, as for an object that does not exist;
- otherwise the route is allowed: it must succeed (2xx, or a redirect that is not to the
  sign-in page) for the minimal valid request the matrix sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, "admin", "head", "secretary", "school")
"""Who asks: nobody signed in, then each role of ``tracker.accounts.roles.Role``."""

SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}
DEPARTMENT = frozenset({"head", "secretary"})
"""The department's people: meetings, decisions, the dashboard, documents, the follow-up."""
HEAD = frozenset({"head"})
"""Accepts and returns reports, decides extension requests, removes decisions from control."""
SCHOOL = frozenset({"school"})
"""Their own school's assignments: take into work, report, ask for an extension; the calendar."""
ADMIN = frozenset({"admin"})
"""Schools, groups, users, the production calendar, the reminder policy, the outbox."""


class Owner(Enum):
    """Whose object a path parameter names."""

    SCHOOL = "school"
    """Belongs to one school: a school user may reach their own school's only."""
    USER = "user"
    """Belongs to the user who made it (a background job): only they may reach it."""


OWNED_PARAMS: dict[str, Owner] = {
    "assignment_id": Owner.SCHOOL,
    "request_id": Owner.SCHOOL,  # an extension request, of an assignment
    "file_id": Owner.SCHOOL,  # a report's file
    "school_id": Owner.SCHOOL,
    "user_id": Owner.SCHOOL,  # the accounts the matrix edits are a school's leaders
    "job_id": Owner.USER,
}
"""Path parameters naming an object with an owner. The others (a meeting, a decision, a
follow-up, a group, a message, a day, a feed's secret, a static file) belong to the department
as a whole: every role the route is for reaches the same one."""


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] = frozenset()
    """The signed-in roles the route is for."""
    public: bool = False
    """Open without signing in (everyone, signed in or not, may use it)."""
    answers: frozenset[int] = frozenset()
    """When allowed: the statuses it must give, if not simply a success (with the reason in
    the table's comment)."""
    note: str = field(default="", compare=False)


PUBLIC = Rule(public=True)

EXPECTATIONS: dict[str, Rule] = {
    # ---------------------------------------------------------------- signing in, public
    "GET /": Rule(SIGNED_IN),  # the role's home, by redirect
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    # signed out, the user is sent to the sign-in page: that redirect is the success
    "POST /logout": Rule(SIGNED_IN, answers=frozenset({303})),
    "POST /language": PUBLIC,  # the login page has the language switch too
    "POST /api/v1/auth/token": PUBLIC,
    "GET /healthz": PUBLIC,
    "GET /static/{file_path:path}": PUBLIC,
    "HEAD /static/{file_path:path}": PUBLIC,
    "GET /calendar/{name:str}": PUBLIC,  # a school's .ics feed: the secret in the path is the key
    "GET /schema": PUBLIC,
    "GET /schema/openapi.json": PUBLIC,
    "GET /schema/openapi.yaml": PUBLIC,
    "GET /schema/openapi.yml": PUBLIC,
    # the OpenAPI plugins' catch-all: every page it could serve has its own route above
    "GET /schema/{path:str}": Rule(public=True, answers=frozenset({404})),
    # ---------------------------------------------------------------- assignments: pages
    "GET /my": Rule(SCHOOL),
    "GET /assignments": Rule(DEPARTMENT),
    "GET /assignments/{assignment_id:int}": Rule(SIGNED_IN),
    "POST /assignments/{assignment_id:int}/start": Rule(SCHOOL),
    "POST /assignments/{assignment_id:int}/reports": Rule(SCHOOL),
    "POST /assignments/{assignment_id:int}/extension-requests": Rule(SCHOOL),
    "POST /assignments/{assignment_id:int}/accept": Rule(HEAD),
    "POST /assignments/{assignment_id:int}/return": Rule(HEAD),
    "GET /review": Rule(HEAD),
    "POST /extension-requests/{request_id:int}/approve": Rule(HEAD),
    "POST /extension-requests/{request_id:int}/reject": Rule(HEAD),
    "GET /files/{file_id:int}": Rule(SIGNED_IN),
    # ---------------------------------------------------------------- assignments: API
    "GET /api/v1/assignments": Rule(SIGNED_IN),
    "GET /api/v1/assignments/{assignment_id:int}": Rule(SIGNED_IN),
    "POST /api/v1/assignments/{assignment_id:int}/start": Rule(SCHOOL),
    "POST /api/v1/assignments/{assignment_id:int}/reports": Rule(SCHOOL),
    "POST /api/v1/assignments/{assignment_id:int}/extension-requests": Rule(SCHOOL),
    "POST /api/v1/assignments/{assignment_id:int}/accept": Rule(HEAD),
    "POST /api/v1/assignments/{assignment_id:int}/return": Rule(HEAD),
    "POST /api/v1/extension-requests/{request_id:int}/approve": Rule(HEAD),
    "POST /api/v1/extension-requests/{request_id:int}/reject": Rule(HEAD),
    "GET /api/v1/files/{file_id:int}": Rule(SIGNED_IN),
    # ---------------------------------------------------------------- meetings and decisions
    "GET /meetings": Rule(DEPARTMENT),
    "POST /meetings": Rule(DEPARTMENT),
    "GET /meetings/new": Rule(DEPARTMENT),
    "GET /meetings/{meeting_id:int}": Rule(DEPARTMENT),
    "POST /meetings/{meeting_id:int}/agenda": Rule(DEPARTMENT),
    "POST /meetings/{meeting_id:int}/decisions": Rule(DEPARTMENT),
    "GET /decisions/{decision_id:int}": Rule(DEPARTMENT),
    "POST /decisions/{decision_id:int}/assignments": Rule(DEPARTMENT),
    "POST /decisions/{decision_id:int}/remove-from-control": Rule(HEAD),
    "GET /api/v1/meetings": Rule(DEPARTMENT),
    "POST /api/v1/meetings": Rule(DEPARTMENT),
    "GET /api/v1/meetings/{meeting_id:int}": Rule(DEPARTMENT),
    "POST /api/v1/decisions/{decision_id:int}/assignments": Rule(DEPARTMENT),
    "POST /api/v1/decisions/{decision_id:int}/remove-from-control": Rule(HEAD),
    # ---------------------------------------------------------------- protocol import
    "GET /protocols/import": Rule(DEPARTMENT),
    "POST /protocols/import": Rule(DEPARTMENT),
    "POST /protocols/import/review": Rule(DEPARTMENT),
    "POST /protocols/import/confirm": Rule(DEPARTMENT),
    "GET /protocols/import/jobs/{job_id:int}": Rule(DEPARTMENT),
    "POST /api/v1/protocols/parse": Rule(DEPARTMENT),
    # ---------------------------------------------------------------- administration
    "GET /admin/schools": Rule(ADMIN),
    "POST /admin/schools": Rule(ADMIN),
    "GET /admin/schools/{school_id:int}": Rule(ADMIN),
    "POST /admin/schools/{school_id:int}": Rule(ADMIN),
    "GET /admin/groups": Rule(ADMIN),
    "POST /admin/groups": Rule(ADMIN),
    "POST /admin/groups/{group_id:int}": Rule(ADMIN),
    "GET /admin/users": Rule(ADMIN),
    "POST /admin/users": Rule(ADMIN),
    "GET /admin/users/{user_id:int}": Rule(ADMIN),
    "POST /admin/users/{user_id:int}": Rule(ADMIN),
    "GET /admin/calendar": Rule(ADMIN),
    "POST /admin/calendar/days": Rule(ADMIN),
    "POST /admin/calendar/days/{day:str}": Rule(ADMIN),
    "POST /admin/calendar/days/{day:str}/clear": Rule(ADMIN),
    "GET /admin/outbox": Rule(ADMIN),
    "GET /admin/outbox/{message_id:int}": Rule(ADMIN),
    "GET /admin/outbox/{message_id:int}/html": Rule(ADMIN),
    "POST /admin/outbox/{message_id:int}/retry": Rule(ADMIN),
    "GET /admin/reminders": Rule(ADMIN),
    "POST /admin/reminders": Rule(ADMIN),
    "GET /api/v1/schools": Rule(SIGNED_IN),  # a school user: their own school only
    "POST /api/v1/schools": Rule(ADMIN),
    "GET /api/v1/school-groups": Rule(SIGNED_IN),
    "GET /api/v1/outbox": Rule(ADMIN),
    "GET /api/v1/reminder-policy": Rule(ADMIN),
    "PUT /api/v1/reminder-policy": Rule(ADMIN),
    # ---------------------------------------------------------------- the audit trail
    "GET /audit": Rule(HEAD | ADMIN),  # who changed what: the head sees all, the admin runs it
    "GET /audit.csv": Rule(HEAD | ADMIN),
    # ---------------------------------------------------------------- the attention counter
    "GET /attention": Rule(SIGNED_IN),
    "GET /api/v1/attention": Rule(SIGNED_IN),
    # ---------------------------------------------------------------- documents
    "GET /meetings/{meeting_id:int}/agenda.docx": Rule(DEPARTMENT),
    "GET /meetings/{meeting_id:int}/extracts/{school_id:int}": Rule(DEPARTMENT | SCHOOL),
    "GET /api/v1/meetings/{meeting_id:int}/agenda.docx": Rule(DEPARTMENT),
    "GET /api/v1/meetings/{meeting_id:int}/extracts/{school_id:int}": Rule(DEPARTMENT | SCHOOL),
    # ---------------------------------------------------------------- dashboard, charts, exports
    "GET /dashboard": Rule(DEPARTMENT),
    "GET /schools/{school_id:int}": Rule(DEPARTMENT),
    "GET /search": Rule(DEPARTMENT),
    "GET /meetings/{meeting_id:int}/charts": Rule(DEPARTMENT),
    "GET /charts/trend": Rule(DEPARTMENT),
    "GET /meetings/{meeting_id:int}/compliance/print": Rule(DEPARTMENT),
    "GET /meetings/{meeting_id:int}/compliance.xlsx": Rule(DEPARTMENT),
    "POST /meetings/{meeting_id:int}/compliance.xlsx/job": Rule(DEPARTMENT),
    "GET /api/v1/meetings/{meeting_id:int}/compliance.xlsx": Rule(DEPARTMENT),
    "GET /reports/discipline": Rule(DEPARTMENT),
    "GET /reports/discipline.xlsx": Rule(DEPARTMENT),
    # ---------------------------------------------------------------- the follow-up question
    "GET /meetings/{meeting_id:int}/follow-up": Rule(DEPARTMENT),
    "POST /meetings/{meeting_id:int}/follow-up": Rule(DEPARTMENT),
    "POST /follow-up-items/{item_id:int}": Rule(DEPARTMENT),
    "POST /follow-ups/{follow_up_id:int}/adopt": Rule(DEPARTMENT),
    "GET /api/v1/meetings/{meeting_id:int}/follow-up": Rule(DEPARTMENT),
    "POST /api/v1/meetings/{meeting_id:int}/follow-up": Rule(DEPARTMENT),
    "POST /api/v1/follow-up-items/{item_id:int}": Rule(DEPARTMENT),
    "POST /api/v1/follow-ups/{follow_up_id:int}/adopt": Rule(DEPARTMENT),
    # ---------------------------------------------------------------- background jobs
    "GET /jobs/{job_id:int}": Rule(SIGNED_IN),  # the user's own jobs only
    "GET /jobs/{job_id:int}/result": Rule(SIGNED_IN),
    # ---------------------------------------------------------------- the calendar subscription
    "GET /my/calendar": Rule(SCHOOL),
    "POST /my/calendar": Rule(SCHOOL),
    "POST /my/calendar/revoke": Rule(SCHOOL),
}

NO_AUDIT: dict[str, str] = {
    "POST /login": "signs in: a session, no record of the department changes",
    "POST /logout": "signs out: ends the session",
    "POST /language": "the interface language: a display preference (cookie and account)",
    "POST /api/v1/auth/token": "signs in: a bearer token, as the login page's session",
    "POST /protocols/import": "a preview of the parsed protocol; nothing is written",
    "POST /protocols/import/review": "the preview again, after edits; nothing is written",
    "POST /api/v1/protocols/parse": "parses the text; nothing is written",
    "POST /meetings/{meeting_id:int}/compliance.xlsx/job": (
        "a download: a small district's workbook is a redirect to it, a large one a background"
        " job making the file; no record of the department changes"
    ),
}
"""Unsafe routes that change no record of the department, so write no audit event. Every
other unsafe route, once performed, must have written one (DESIGN.md: «Every change writes an
audit event»)."""


class Outcome(Enum):
    ALLOWED = "allowed"
    SIGN_IN = "sign in"
    """401 on the API; a redirect to the sign-in page on the pages."""
    FORBIDDEN = "403"
    NOT_FOUND = "404"


OWN = "own"
OTHER = "other"
MISSING = "missing"
"""An id no object has: it must answer as another school's (or user's) object does, so the
answer never tells that an object exists."""


def variants(path_params: tuple[str, ...], role: str) -> tuple[str, ...]:
    """Whose object the case names: ``own`` and ``other`` where the owner matters to this
    role (a school user and a school's object; anyone and a job), else one neutral case."""
    owners = {OWNED_PARAMS[p] for p in path_params if p in OWNED_PARAMS}
    if role == ANONYMOUS:
        return ("",)
    if Owner.USER in owners:
        # only the department starts jobs (an export, a protocol's parse): the others have
        # none of their own
        return (OWN, OTHER, MISSING) if role in DEPARTMENT else (OTHER, MISSING)
    if Owner.SCHOOL in owners and role == "school":
        return (OWN, OTHER, MISSING)
    return ("",)


def expected(rule: Rule, role: str, variant: str) -> Outcome:
    if rule.public:
        return Outcome.ALLOWED
    if role == ANONYMOUS:
        return Outcome.SIGN_IN
    if role not in rule.roles:
        return Outcome.FORBIDDEN
    if variant in {OTHER, MISSING}:
        return Outcome.NOT_FOUND
    return Outcome.ALLOWED
