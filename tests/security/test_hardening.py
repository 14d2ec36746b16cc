"""Web hardening (issue 8): security headers on every answer, cookie flags, a new session id at
sign-in (no session fixation), the server-side session gone at sign-out, CSRF on every unsafe
page route of the app's own route table, and the API deaf to the session cookie.

Real app, real database (SQLite; PostgreSQL with TRACKER_TEST_DB=postgres), HTTP through the
ASGI client. That the pages still work under the Content-Security-Policy in a real browser
(no refused script or style) is checked by tests/e2e, which fails on any console error.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import replace
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.http import PASSWORD, ApiClient, PageClient
from tests.support.world import World
from tracker.exports.cells import COLOURS
from tracker.mail import services as mail
from tracker.piccolo_app import TABLES
from tracker.settings import REPO_ROOT, get_settings
from tracker.web.app import create_app
from tracker.web.security import CONTENT_SECURITY_POLICY
from tracker.web.tables import WebSession

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
SESSION = "session"
CSRF = "csrftoken"


def assert_secured(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.request.url)
    assert "camera=()" in response.headers["permissions-policy"]


def set_cookies(response: httpx.Response) -> dict[str, SimpleCookie]:
    """Each cookie the answer sets, by name, with its attributes."""
    found: dict[str, SimpleCookie] = {}
    for header in response.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name in cookie:
            found[name] = cookie
    return found


def attributes(response: httpx.Response, name: str) -> dict[str, Any]:
    morsel = set_cookies(response)[name][name]
    return {key: morsel[key] for key in ("httponly", "samesite", "secure", "path")}


@pytest.fixture
async def tls_pages(_migrated: None) -> AsyncIterator[PageClient]:
    """The app as served behind TLS (``TRACKER_SECURE_COOKIES=1``)."""
    app = create_app(replace(get_settings(), secure_cookies=True))
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        client.follow_redirects = False
        yield PageClient(client)


# --------------------------------------------------------------------------------- headers


def test_the_policy_allows_no_inline_script_or_style_and_no_framing() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/login", 200),
        ("GET", "/static/app.css", 200),
        ("GET", "/static/vendor/htmx-2.0.11.min.js", 200),
        ("GET", "/healthz", 200),
        ("GET", "/schema/openapi.json", 200),
        ("GET", "/api/v1/schools", 401),
        ("GET", "/dashboard", 303),
        ("GET", "/no-such-page", 404),
        ("GET", "/api/v1/no-such-thing", 404),
        ("DELETE", "/login", 405),
        ("POST", "/login", 403),  # no CSRF token
    ],
)
async def test_every_kind_of_answer_carries_the_headers(
    clean_db: None, pages: PageClient, method: str, path: str, status: int
) -> None:
    response = await pages.client.request(method, path)

    assert response.status_code == status
    assert_secured(response)
    assert "strict-transport-security" not in response.headers  # plain HTTP: no HSTS


async def test_signed_in_pages_fragments_and_the_api_carry_the_headers(
    world: World, pages: PageClient, api: ApiClient
) -> None:
    await pages.login(world.users["head"])
    await api.login(world.users["head"])

    for response in [
        await pages.get("/dashboard"),
        await pages.get("/dashboard", htmx=True),
        await pages.get(f"/meetings/{world.meeting_id}"),
        await api.get("/api/v1/schools"),
        await api.get(f"/api/v1/meetings/{world.meeting_id}"),
    ]:
        assert response.status_code == 200, response.request.url
        assert_secured(response)


async def test_a_download_keeps_its_own_stricter_policy(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/meetings/{world.meeting_id}/compliance.xlsx")

    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert response.headers.get_list("content-security-policy") == ["default-src 'none'; sandbox"]
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_an_e_mails_html_is_framed_from_its_own_address_under_its_own_policy(
    world: World, pages: PageClient
) -> None:
    # Given a reminder e-mail with an HTML version (inline styles, as mail clients need)
    [message] = await mail.queue(
        [
            mail.Outgoing(
                key="hardening-1",
                to=world.users["school_a"],
                subject="Напоминание",
                text="Срок завтра.",
                html='<p style="color: #444">Срок завтра.</p>',
            )
        ]
    )
    await pages.login(world.users["admin"])

    page = await pages.get(f"/admin/outbox/{message}")
    frame = await pages.get(f"/admin/outbox/{message}/html")

    # Then the page frames it by address (a srcdoc frame would inherit the page's policy,
    # which refuses inline styles), sandboxed
    assert re.search(rf'<iframe[^>]* sandbox src="/admin/outbox/{message}/html"', page.text)
    assert_secured(page)
    # and the frame's own policy allows the e-mail's styles and nothing else, this site only
    assert frame.text == '<p style="color: #444">Срок завтра.</p>'
    policy = frame.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline'")
    assert "sandbox" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script" not in policy
    assert frame.headers["x-frame-options"] == "SAMEORIGIN"
    assert frame.headers["x-content-type-options"] == "nosniff"


async def test_only_the_admin_reads_an_e_mails_html(world: World, pages: PageClient) -> None:
    [message] = await mail.queue(
        [mail.Outgoing(key="hardening-2", to="x@example.ru", subject="Ы", text=".", html="<p>")]
    )
    await pages.login(world.users["head"])

    assert (await pages.get(f"/admin/outbox/{message}/html")).status_code == 403


async def test_behind_tls_the_answers_ask_for_https_only(tls_pages: PageClient) -> None:
    response = await tls_pages.get("/login")

    assert response.headers["strict-transport-security"] == "max-age=31536000"
    assert_secured(response)


# --------------------------------------------------------------------------------- cookies


async def test_cookie_flags_on_plain_http(world: World, pages: PageClient) -> None:
    login_page = await pages.get("/login")
    signed_in = await pages.login(world.users["head"])

    assert attributes(login_page, CSRF) == {
        "httponly": True,
        "samesite": "lax",
        "secure": "",
        "path": "/",
    }
    assert attributes(signed_in, SESSION) == {
        "httponly": True,
        "samesite": "lax",
        "secure": "",
        "path": "/",
    }


async def test_cookie_flags_behind_tls(world: World, tls_pages: PageClient) -> None:
    login_page = await tls_pages.get("/login")
    assert attributes(login_page, CSRF)["secure"] is True
    assert attributes(login_page, CSRF)["httponly"] is True

    token = set_cookies(login_page)[CSRF][CSRF].value
    signed_in = await tls_pages.client.post(
        "/login",
        data={"email": world.users["head"], "password": PASSWORD, "_csrf_token": token},
    )

    assert signed_in.status_code == 303
    assert attributes(signed_in, SESSION) == {
        "httponly": True,
        "samesite": "lax",
        "secure": True,
        "path": "/",
    }


# -------------------------------------------------------------------------------- sessions


async def session_rows() -> set[str]:
    return {row["key"] for row in await WebSession.select(WebSession.key)}


async def test_a_visitor_who_is_not_signed_in_gets_no_stored_session(
    clean_db: None, pages: PageClient
) -> None:
    for path in ["/login", "/dashboard", "/no-such-page", "/login"]:
        response = await pages.get(path)
        assert SESSION not in set_cookies(response)

    assert await session_rows() == set()


async def test_a_session_id_planted_before_sign_in_is_not_signed_in(
    world: World, app: Litestar
) -> None:
    # Given an id the attacker chose (or read), set in the victim's browser before sign-in
    planted = "a" * 64
    async with PageClient.open(app) as victim:
        await victim.get("/login")
        victim.client.cookies.set(SESSION, planted, domain="testserver.local")

        # When the victim signs in
        response = await victim.post("/login", {"email": world.users["head"], "password": PASSWORD})
        assert response.status_code == 303

        # Then the session has a new id, and the planted one is not stored at all
        new_id = set_cookies(response)[SESSION][SESSION].value
        assert new_id != planted
        assert await session_rows() == {new_id}
        assert (await victim.get("/dashboard")).status_code == 200

    # and the attacker, holding the planted id, is not signed in
    async with AsyncTestClient(app=app) as attacker:
        attacker.cookies.set(SESSION, planted)
        answer = await attacker.get("/dashboard", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")


async def test_a_real_session_from_before_sign_in_is_replaced(
    world: World, app: Litestar, pages: PageClient
) -> None:
    # Given a browser signed in as the secretary (a stored session with a known id)
    await pages.login(world.users["secretary"])
    before = pages.client.cookies[SESSION]
    assert await session_rows() == {before}

    # When someone signs in as the head in the same browser
    response = await pages.login(world.users["head"])

    # Then the old id is deleted and a new one issued
    after = set_cookies(response)[SESSION][SESSION].value
    assert after != before
    assert await session_rows() == {after}
    async with AsyncTestClient(app=app) as other:
        other.cookies.set(SESSION, before)
        assert (await other.get("/dashboard", follow_redirects=False)).status_code == 303


async def test_sign_out_deletes_the_server_side_session(
    world: World, app: Litestar, pages: PageClient
) -> None:
    await pages.login(world.users["head"])
    old = pages.client.cookies[SESSION]

    response = await pages.post("/logout")

    assert response.status_code == 303
    assert await session_rows() == set()
    # a copy of the old cookie (kept by an attacker or a shared computer) opens nothing
    async with AsyncTestClient(app=app) as replay:
        replay.cookies.set(SESSION, old)
        answer = await replay.get("/dashboard", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login")


# ------------------------------------------------------------------------------------ CSRF

SAFE = {"GET", "HEAD", "OPTIONS"}
ROLES = ("admin", "head", "secretary", "school_a")
PARAM = re.compile(r"\{(\w+):(\w+)\}")
EXAMPLE = {"int": "1", "str": "2030-03-02", "path": "x"}


def unsafe_page_routes(app: Litestar) -> list[tuple[str, str]]:
    """(method, path) of every unsafe route of the app that is not the JSON API."""
    found = {
        (method, route.path)
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        for method in getattr(handler, "http_methods", ())
        if method not in SAFE and not route.path.startswith("/api/")
    }
    return sorted(found, key=lambda found: (found[1] == "/logout", found))


def url(path: str) -> str:
    return PARAM.sub(lambda m: EXAMPLE[m.group(2)], path)


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table but the sessions and the sign-in attempts."""
    skipped = {"web_session", "login_attempt"}
    return {
        table._meta.tablename: await table.select().order_by(table._meta.primary_key)
        for table in TABLES
        if table._meta.tablename not in skipped
    }


async def test_every_unsafe_page_route_refuses_a_request_without_the_csrf_token(
    world: World, app: Litestar
) -> None:
    routes = unsafe_page_routes(app)
    assert len(routes) > 30  # the whole table, not a sample
    assert ("POST", "/login") in routes
    assert ("POST", "/admin/users") in routes
    async with AsyncExitStack() as stack:
        clients = {}
        for role in ROLES:
            clients[role] = await stack.enter_async_context(PageClient.open(app))
            await clients[role].login(world.users[role])
        before = await snapshot()

        # When each role sends each unsafe request without the token (or with a forged one)
        refused = {}
        for method, path in routes:
            for role, client in clients.items():
                plain = await client.client.request(method, url(path), data={"x": "1"})
                forged = await client.client.request(
                    method, url(path), data={"x": "1", "_csrf_token": "forged"}
                )
                refused[(method, path, role)] = (plain.status_code, forged.status_code)

        # Then every one is refused with 403, and nothing changed
        assert {key: codes for key, codes in refused.items() if codes != (403, 403)} == {}
        assert await snapshot() == before

        # And the 403 was the missing token's: with the token, some role gets past it
        for method, path in routes:
            answers = []
            for client in clients.values():
                answer = await client.client.request(
                    method, url(path), data={"_csrf_token": client.csrf_token}
                )
                answers.append(answer.status_code)
                # (a redirect to /login?next=… would mean signed out, not let through)
                location = answer.headers.get("location", "")
                if answer.status_code != 403 and not location.startswith("/login?"):
                    break
            else:
                pytest.fail(f"{method} {path}: 403 with the token too, for every role: {answers}")


async def test_the_api_does_not_take_the_session_cookie(
    world: World, pages: PageClient, admin: object
) -> None:
    # Given a browser signed in as the admin (session cookie and CSRF token)
    await pages.login(world.users["admin"])
    schools_before = await snapshot()

    # When a page (or another site) calls the API with that cookie, even with the token
    read = await pages.client.get("/api/v1/schools")
    write = await pages.client.post(
        "/api/v1/schools",
        json={"name": "Школа из чужой формы", "short_name": "Чужая"},
        headers={"x-csrftoken": pages.csrf_token},
    )

    # Then the API answers as to nobody: 401, and nothing is created
    assert read.status_code == 401
    assert write.status_code == 401
    assert read.json()["status_code"] == 401
    assert await snapshot() == schools_before


# ------------------------------------------------------------------- no inline code or style

TEMPLATES = REPO_ROOT / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    return [
        match.group(0)[:80]
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT)
        for match in pattern.finditer(html)
    ]


def page_templates() -> list[Path]:
    """Every template the browser renders as a page or a fragment (e-mails are not: their
    HTML goes to mail clients, which need inline styles, and is shown in a sandboxed frame)."""
    return sorted(p for p in TEMPLATES.rglob("*.html") if p.parts[-2] != "emails")


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_handlers_or_styles(template: Path) -> None:
    assert inline_code(template.read_text(encoding="utf-8")) == []


def test_the_scan_finds_what_it_looks_for() -> None:
    assert len(inline_code('<script>x()</script><a onclick="x()" style="a"><style>')) == 4
    assert inline_code('<script src="/static/a.js" defer></script><p class="on">') == []


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("head", ["/dashboard", "/meetings", "/review", "/assignments", "/reports/discipline"]),
        ("secretary", ["/protocols/import", "/meetings/{meeting}"]),
        ("school_a", ["/my", "/assignments/{assignment}"]),
        ("admin", ["/admin/schools", "/admin/users", "/admin/calendar", "/admin/outbox"]),
    ],
)
async def test_rendered_pages_have_no_inline_script_or_style(
    world: World, pages: PageClient, role: str, paths: list[str]
) -> None:
    await pages.login(world.users[role])
    for path in paths:
        target = path.format(meeting=world.meeting_id, assignment=world.assignments["a"])
        response = await pages.get(target)
        assert response.status_code == 200, target
        assert inline_code(response.text) == [], target
        # htmx is told not to add its indicator <style> (the policy would refuse it)
        assert '"includeIndicatorStyles":false' in response.text


def test_the_print_view_colours_are_the_workbooks() -> None:
    css = (REPO_ROOT / "tracker" / "static" / "print.css").read_text(encoding="utf-8")
    fills = dict(re.findall(r"\.b-(\w+) \{ background: #([0-9A-Fa-f]{6}); \}", css))

    assert fills == {bucket.value: colour for bucket, colour in COLOURS.items()}
