"""The authorization matrix (issue 8): every route of the app × every role × own and another
school's object → the status the product's rules expect; zero leaks; every change audited.

The routes are read from the app's own route table (``tests.support.routes``), so a route added
to the app is in the matrix at once, and fails it until its rule is written down in
``tests/security/matrix_table.py`` (by hand, from DESIGN.md's roles, never from a run).

Each case sends the route's minimal valid request (``matrix_world.call_for``: a fresh object in
the state the action needs, of the school the case names) from a client signed in as the role —
pages with the session cookie and the CSRF token, the API with a bearer token — and checks:

- the status: refusals exactly (401 / the sign-in redirect, 403, 404), allowed cases a success
  (never a 5xx, never a refusal);
- no leak: a refusal shows no school's texts, a school user's answers never show another
  school's (``matrix_world.MARKS``), in the body (a .docx/.xlsx unzipped, an .ics unfolded)
  or the headers;
- the state: a refused or reading request writes nothing; an allowed change writes an audit
  event by the acting user (except the routes of ``matrix_table.NO_AUDIT``, each with its reason).

Beside the matrix: an unsafe page request without its CSRF token is refused (403) and writes
nothing; the API ignores the session cookie (401), so a cross-site form cannot reach it; a form
sent empty to another school's object answers as for an object that does not exist; objects
named in the query string stay the owner's; the automatic OPTIONS answers carry nothing.
``test_matrix_figures`` prints the counts (run with ``-s``).

The world is built once per module (per xdist worker): every change a case makes is to a fresh
object of its own, and refused cases change nothing (which is checked), so the cases do not
depend on one another's order.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from tests.conftest import empty_database
from tests.security.matrix_table import (
    ANONYMOUS,
    EXPECTATIONS,
    MISSING,
    NO_AUDIT,
    OTHER,
    OWN,
    OWNED_PARAMS,
    ROLES,
    Outcome,
    Owner,
    Rule,
    expected,
    variants,
)
from tests.security.matrix_world import (
    MARKS,
    MISSING_ID,
    Call,
    District,
    audit_actors_since,
    build_district,
    call_for,
    counts,
)
from tests.support.http import ApiClient, PageClient
from tests.support.routes import SAFE_METHODS, Route, app_routes, fill
from tracker.web.app import create_app

_APP = create_app()
ROUTES = app_routes(_APP)
FEED = "GET /calendar/{name:str}"


@dataclass(frozen=True)
class Case:
    route: Route
    role: str
    variant: str

    @property
    def id(self) -> str:
        return " · ".join(p for p in (self.route.key, self.role, self.variant) if p)

    @property
    def owner(self) -> str:
        """The school whose objects the case names: B for «other», else A."""
        return "b" if self.variant == OTHER else "a"


def _cases() -> list[Case]:
    found = []
    for route in ROUTES:
        if route.key not in EXPECTATIONS:
            found.append(Case(route, "unknown", ""))
            continue
        for role in ROLES:
            found.extend(Case(route, role, v) for v in variants(route.params, role))
    return found


CASES = _cases()


# ---------------------------------------------------------------- the clients


@dataclass
class Matrix:
    app: Litestar
    district: District
    pages: dict[str, PageClient]
    api: dict[str, ApiClient]


@pytest_asyncio.fixture(scope="module")
async def matrix(_migrated: None) -> AsyncIterator[Matrix]:
    await empty_database()
    district = await build_district()
    app = create_app()
    async with AsyncExitStack() as stack:
        pages: dict[str, PageClient] = {}
        api: dict[str, ApiClient] = {}
        for role in ROLES:
            pages[role] = await stack.enter_async_context(PageClient.open(app))
            api[role] = await stack.enter_async_context(ApiClient.open(app))
            if role == ANONYMOUS:
                await pages[role].get("/login")  # the CSRF cookie, as a browser has it
            else:
                await pages[role].login(district.email(role))
                await api[role].login(district.email(role))
        yield Matrix(app, district, pages, api)
    await empty_database()


def _url(route: Route, call: Call) -> str:
    url = route.url(call.params)
    return f"{url}?{call.query}" if call.query else url


async def _page_request(
    pages: PageClient, method: str, url: str, call: Call, *, csrf: bool = True
) -> httpx.Response:
    if method in SAFE_METHODS:
        return await pages.client.request(method, url)
    form = dict(call.form or {})
    if csrf:
        form["_csrf_token"] = pages.csrf_token
    return await pages.client.request(method, url, data=form, files=call.files)


async def send(
    m: Matrix,
    route: Route,
    role: str,
    call: Call,
    *,
    csrf: bool = True,
) -> httpx.Response:
    url = _url(route, call)
    if route.is_api:
        client = m.api[role].client
        if call.json is None:
            return await client.request(route.method, url)
        return await client.request(route.method, url, json=call.json)
    if call.fresh_client:
        async with PageClient.open(m.app) as pages:
            if role == ANONYMOUS:
                await pages.get("/login")
            else:
                await pages.login(m.district.email(role))
            return await _page_request(pages, route.method, url, call, csrf=csrf)
    return await _page_request(m.pages[role], route.method, url, call, csrf=csrf)


# ---------------------------------------------------------------- reading an answer


def readable(response: httpx.Response) -> str:
    """What a person could read in the answer: the headers and the body, a .docx or .xlsx
    unzipped, an .ics unfolded."""
    content = response.content
    parts = [f"{k}: {v}" for k, v in response.headers.items()]
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    else:
        parts.append(content.decode("utf-8", "replace").replace("\r\n ", "").replace("\n ", ""))
    return "\n".join(parts)


def forbidden_texts(case: Case, outcome: Outcome) -> tuple[str, ...]:
    """What this answer must not show."""
    everyone = (MARKS["a"], MARKS["b"])
    if outcome is not Outcome.ALLOWED:
        return everyone  # a refusal tells nothing of any school's objects
    if case.role == ANONYMOUS:
        # the feed is school A's, opened with its secret
        return (MARKS["b"],) if case.route.key == FEED else everyone
    if case.role == "school":
        return (MARKS["b"], "МБОУ СОШ № 2", "school_b@example.ru")
    return ()


def status_problem(case: Case, rule: Rule, outcome: Outcome, response: httpx.Response) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    to_sign_in = 300 <= status < 400 and location.startswith("/login")
    if status >= 500:
        return f"server error {status}"
    if outcome is Outcome.ALLOWED:
        ok = status in rule.answers if rule.answers else status < 400 and not to_sign_in
    elif outcome is Outcome.SIGN_IN:
        ok = status == 401 if case.route.is_api else to_sign_in
    elif outcome is Outcome.FORBIDDEN:
        ok = status == 403
    else:
        ok = status == 404
    if ok:
        return ""
    return f"expected {outcome.value}, got {status} {location}".rstrip()


def _changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [
        f"{k} {before[k]}→{after[k]}" for k in before if k != "last_audit" and before[k] != after[k]
    ]


# ---------------------------------------------------------------- the matrix


def test_every_route_has_an_expectation() -> None:
    """The table and the app's route table name the same routes: a new route needs its rule,
    a route gone needs its rule removed."""
    keys = {r.key for r in ROUTES}
    unknown = sorted(keys - EXPECTATIONS.keys())
    stale = sorted(EXPECTATIONS.keys() - keys)
    assert not unknown, (
        f"routes the authorization matrix does not know: {unknown}. Add each to EXPECTATIONS "
        "in tests/security/matrix_table.py with the roles that may use it (DESIGN.md), and a "
        "valid request to tests/security/matrix_world.py if it changes something."
    )
    assert not stale, f"rules for routes the app no longer has: {stale}"
    assert not set(NO_AUDIT) - keys, "NO_AUDIT names a route the app does not have"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_authorization_matrix(matrix: Matrix, case: Case) -> None:
    route = case.route
    rule = EXPECTATIONS.get(route.key)
    assert rule is not None, (
        f"{route.key} is not in the authorization matrix: add it to EXPECTATIONS in "
        "tests/security/matrix_table.py with the roles that may use it (DESIGN.md)."
    )
    outcome = expected(rule, case.role, case.variant)
    call = await call_for(route.key, matrix.district, case.owner, case.role)
    if "job_id" in route.params:
        call.params["job_id"] = _job(matrix.district, route, case)
    if case.variant == MISSING:
        call.params |= {p: MISSING_ID for p in route.params if p in OWNED_PARAMS}

    before = await counts()
    response = await send(matrix, route, case.role, call)
    after = await counts()

    problems = []
    if problem := status_problem(case, rule, outcome, response):
        problems.append(problem)
    text = readable(response)
    if leaked := [t for t in forbidden_texts(case, outcome) if t in text]:
        problems.append(f"the answer shows {leaked}")
    if outcome is not Outcome.ALLOWED or not route.unsafe:
        if changed := _changed(before, after):
            problems.append(f"a refused or reading request wrote: {changed}")
        if after["last_audit"] != before["last_audit"]:
            problems.append("a refused or reading request wrote an audit event")
    elif route.key not in NO_AUDIT and response.status_code < 400:
        actors = await audit_actors_since(before["last_audit"])
        user = matrix.district.user_id(case.role)
        if not actors:
            problems.append("the change wrote no audit event")
        elif set(actors) != {user}:
            problems.append(f"audit events name {actors}, not the acting user {user}")
    body = "" if response.content[:2] == b"PK" else response.text[:600]
    assert not problems, f"{case.id}: " + "; ".join(problems) + f"\n{body}"


def _job(district: District, route: Route, case: Case) -> int:
    """The job the case names: the role's own, or the head's (the secretary's for the head)."""
    jobs = district.parse_job if route.path.startswith("/protocols/") else district.xlsx_job
    if case.variant == OWN:
        return jobs[case.role]
    return jobs["secretary" if case.role == "head" else "head"]


# ---------------------------------------------------------------- beside the matrix

UNSAFE_PAGES = [r for r in ROUTES if r.unsafe and not r.is_api]
PRIVATE_API = [r for r in ROUTES if r.is_api and not EXPECTATIONS.get(r.key, Rule()).public]
PROBED = [
    r for r in ROUTES if r.unsafe and any(OWNED_PARAMS.get(p) is Owner.SCHOOL for p in r.params)
]
"""Unsafe routes naming a school's object: the school user's empty form is probed there."""
OPTIONS_PATHS = sorted({r.path for r in app_routes(_APP, automatic=True)})


def _a_role_allowed(rule: Rule) -> str:
    return next(
        r for r in ("head", "secretary", "school", "admin") if rule.public or r in rule.roles
    )


@pytest.mark.parametrize("route", UNSAFE_PAGES, ids=[r.key for r in UNSAFE_PAGES])
async def test_an_unsafe_page_request_without_its_csrf_token_is_refused(
    matrix: Matrix, route: Route
) -> None:
    """Sent by a role the route is for, with a valid form: without the token, 403 and nothing
    written (a cross-site form cannot act for a signed-in user)."""
    rule = EXPECTATIONS.get(route.key)
    assert rule is not None, f"{route.key}: not in the authorization matrix"
    role = _a_role_allowed(rule)
    call = await call_for(route.key, matrix.district, "a", role)

    before = await counts()
    response = await send(matrix, route, role, call, csrf=False)

    assert response.status_code == 403, f"{route.key} as {role}: {response.status_code}"
    assert await counts() == before


@pytest.mark.parametrize("route", PRIVATE_API, ids=[r.key for r in PRIVATE_API])
async def test_the_api_ignores_the_session_cookie(matrix: Matrix, route: Route) -> None:
    """The head's signed-in browser session (cookie and CSRF token) opens no API route: the API
    takes bearer tokens only, so a page of another site cannot call it with the cookie."""
    call = await call_for(route.key, matrix.district, "a", "head")
    pages = matrix.pages["head"]
    headers = {"x-csrftoken": pages.csrf_token}

    before = await counts()
    response = await pages.client.request(
        route.method, _url(route, call), json=call.json, headers=headers
    )

    assert response.status_code == 401, f"{route.key}: {response.status_code}"
    assert await counts() == before


@pytest.mark.parametrize("route", PROBED, ids=[r.key for r in PROBED])
async def test_an_empty_form_for_another_schools_object_tells_nothing(
    matrix: Matrix, route: Route
) -> None:
    """A school user's form sent empty (so that reading it fails before any service is called)
    to school B's object answers exactly as for an object that does not exist, shows none of
    B's texts and writes nothing."""
    d = matrix.district
    other = d.params("b")
    missing = other | {p: MISSING_ID for p in route.params if p in OWNED_PARAMS}
    statuses = []
    for params in (other, missing):
        before = await counts()
        response = await send(matrix, route, "school", Call(params, form={}))
        assert await counts() == before, f"{route.key}: an empty form wrote something"
        assert 400 <= response.status_code < 500, f"{route.key}: {response.status_code}"
        assert response.status_code != 401, route.key
        assert MARKS["b"] not in readable(response), f"{route.key} shows school B's texts"
        statuses.append(response.status_code)
    assert statuses[0] == statuses[1], f"{route.key}: B's object {statuses[0]}, none {statuses[1]}"


QUERY_REFERENCES = [
    ("school", "/api/v1/assignments?school_id={school_b}", 200),
    ("school", "/api/v1/assignments?decision_id={decision_b}", 200),
    ("school", "/my?status=reported", 200),
    ("school", "/my?section=overdue", 200),
    ("head", "/meetings/{later_meeting}/follow-up?job={job_of_secretary}", 404),
    ("secretary", "/meetings/{later_meeting}/follow-up?job={job_of_head}", 404),
]
"""Objects named in the query string rather than the path: a school user filtering by
another school (or by a decision addressed to it alone) gets none of its assignments; a
compile's progress is its starter's."""


@pytest.mark.parametrize(("role", "url", "status"), QUERY_REFERENCES)
async def test_objects_named_in_the_query_string(
    matrix: Matrix, role: str, url: str, status: int
) -> None:
    d = matrix.district
    values = {
        "school_b": d.school("b"),
        "decision_b": d.decision["b"],
        "later_meeting": d.later_meeting,
        "job_of_secretary": d.xlsx_job["secretary"],
        "job_of_head": d.xlsx_job["head"],
    }
    client = matrix.api[role].client if url.startswith("/api/") else matrix.pages[role].client

    response = await client.get(url.format(**values))

    assert response.status_code == status, response.text[:300]
    assert MARKS["b"] not in readable(response)
    if url.startswith("/api/"):
        assert response.json() == []


async def test_the_automatic_options_answers_carry_nothing(matrix: Matrix) -> None:
    """Litestar answers OPTIONS on every path by itself: to nobody signed in, the allowed
    methods with no body (204) or, where a controller's role guard runs first, the sign-in
    refusal (401 on the API, the redirect on the pages); never any school's texts."""
    params = matrix.district.params("b")
    client = matrix.pages[ANONYMOUS].client
    wrong = []
    for path in OPTIONS_PATHS:
        response = await client.options(fill(path, params))
        status, location = response.status_code, response.headers.get("location", "")
        refused = status == 401 if path.startswith("/api/") else location.startswith("/login")
        allowed = status == 204 and not response.content
        text = readable(response)
        if not (allowed or refused) or MARKS["a"] in text or MARKS["b"] in text:
            wrong.append(f"{path}: {status} {location} {response.content[:80]!r}")
    assert not wrong, wrong


def figures() -> dict[str, int]:
    """What the matrix checks, for the closing note (``-s`` prints it)."""
    known = [c for c in CASES if c.route.key in EXPECTATIONS]
    outcomes = Counter(expected(EXPECTATIONS[c.route.key], c.role, c.variant).value for c in known)
    return {
        "routes": len(ROUTES),
        "page routes": sum(1 for r in ROUTES if not r.is_api),
        "API routes": sum(1 for r in ROUTES if r.is_api),
        "unsafe routes": sum(1 for r in ROUTES if r.unsafe),
        "roles (with anonymous)": len(ROLES),
        "route × role × object cases": len(known),
        **{f"  expected {k}": v for k, v in sorted(outcomes.items())},
        "  school user: own / other / missing object": sum(
            1 for c in known if c.role == "school" and c.variant
        ),
        "CSRF refusals": len(UNSAFE_PAGES),
        "API refusing the cookie": len(PRIVATE_API),
        "empty forms on another school's object": len(PROBED),
        "objects named in the query string": len(QUERY_REFERENCES),
        "OPTIONS paths": len(OPTIONS_PATHS),
        "routes exempt from the audit check": len(NO_AUDIT),
    }


def test_matrix_figures() -> None:
    found = figures()
    print("\nAuthorization matrix:")
    for name, value in found.items():
        print(f"  {name:<48}{value:>6}")
    per_route = Counter(c.route.key for c in CASES)
    assert all(n >= len(ROLES) for k, n in per_route.items() if k in EXPECTATIONS)
    assert found["route × role × object cases"] > found["routes"] * len(ROLES)
