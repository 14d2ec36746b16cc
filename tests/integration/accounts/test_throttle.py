"""The login throttle through the real database (SQLite, and PostgreSQL with
TRACKER_TEST_DB=postgres): the page login and the API token alike, per account and per client
address, stored in ``login_attempt`` so that every web worker sees the same failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest

from tests.support.http import PASSWORD, ApiClient, PageClient
from tests.support.world import World
from tracker import clock
from tracker.accounts import attempts
from tracker.accounts.tables import LoginAttempt
from tracker.accounts.throttle import Limit
from tracker.audit.tables import AuditEvent
from tracker.settings import get_settings

WRONG = "not-the-password-1"
LOCKED = "Слишком много неудачных попыток входа. Попробуйте снова через"
LIMITS = attempts.Limits.from_settings(get_settings())
ACCOUNT_LIMIT = LIMITS.account.failures  # 5 by default
ADDRESS_LIMIT = LIMITS.address.failures  # 20 by default
WINDOW = LIMITS.account.window  # 15 minutes by default


async def fail_on_page(pages: PageClient, email: str, times: int) -> None:
    for _ in range(times):
        response = await pages.post("/login", {"email": email, "password": WRONG})
        assert response.status_code == 401, response.text


async def fail(email: str, times: int, address: str = "192.0.2.1") -> None:
    for _ in range(times):
        assert await attempts.sign_in(email, WRONG, address) is None


async def page_login(pages: PageClient, email: str, password: str = PASSWORD) -> httpx.Response:
    return await pages.post("/login", {"email": email, "password": password})


async def test_the_defaults() -> None:
    assert LIMITS.account == Limit(5, timedelta(minutes=15))
    assert LIMITS.address == Limit(20, timedelta(minutes=15))


async def test_after_five_failures_even_the_right_password_is_refused_with_429(
    world: World, pages: PageClient
) -> None:
    head = world.users["head"]
    # Given five wrong passwords for the head's account
    await fail_on_page(pages, head, ACCOUNT_LIMIT)

    # When the right one comes next
    response = await page_login(pages, head)

    # Then it is refused without being checked: 429, when to retry, no session
    assert response.status_code == 429
    assert f"{LOCKED} 15 мин." in response.text
    assert 840 <= int(response.headers["retry-after"]) <= 900
    assert f'value="{head}"' in response.text  # the e-mail is kept in the form
    follow = await pages.get("/dashboard")
    assert follow.status_code == 303
    assert follow.headers["location"].startswith("/login")


async def test_the_refusal_is_the_same_for_an_address_without_an_account(
    world: World, pages: PageClient
) -> None:
    await fail_on_page(pages, world.users["head"], ACCOUNT_LIMIT)
    await fail_on_page(pages, "nobody@example.ru", ACCOUNT_LIMIT)

    known = await page_login(pages, world.users["head"])
    unknown = await page_login(pages, "nobody@example.ru")

    assert known.status_code == unknown.status_code == 429
    # the same wait (up to the seconds the test itself took) and the same words
    waits = [int(answer.headers["retry-after"]) for answer in (known, unknown)]
    assert abs(waits[0] - waits[1]) <= 60
    assert f"{LOCKED} 15 мин." in known.text
    assert f"{LOCKED} 15 мин." in unknown.text


async def test_refused_attempts_are_not_counted(world: World, pages: PageClient) -> None:
    head = world.users["head"]
    await fail_on_page(pages, head, ACCOUNT_LIMIT)

    for _ in range(3):
        assert (await page_login(pages, head, WRONG)).status_code == 429

    # only the five failures are kept: hammering does not lengthen the lock
    assert await LoginAttempt.count().where(LoginAttempt.email == head) == ACCOUNT_LIMIT


async def test_a_success_resets_the_account_counter(world: World, pages: PageClient) -> None:
    head = world.users["head"]
    await fail_on_page(pages, head, ACCOUNT_LIMIT - 1)

    assert (await page_login(pages, head)).status_code == 303
    assert await LoginAttempt.count().where(LoginAttempt.email == head) == 0

    # four more mistakes are allowed again, and the right password still works after them
    await fail_on_page(pages, head, ACCOUNT_LIMIT - 1)
    assert (await page_login(pages, head)).status_code == 303


async def test_the_lock_is_per_account(world: World, pages: PageClient) -> None:
    await fail_on_page(pages, world.users["head"], ACCOUNT_LIMIT)

    assert (await page_login(pages, world.users["secretary"])).status_code == 303


async def test_the_api_token_is_throttled_with_the_same_counter(
    world: World, pages: PageClient, api: ApiClient
) -> None:
    head = world.users["head"]
    # Given three failures on the page and two on the API
    await fail_on_page(pages, head, 3)
    for _ in range(2):
        wrong = await api.post("/api/v1/auth/token", {"email": head, "password": WRONG})
        assert wrong.status_code == 401

    # Then the API refuses the right password too, in its JSON shape, with Retry-After
    response = await api.post("/api/v1/auth/token", {"email": head, "password": PASSWORD})
    assert response.status_code == 429
    body = response.json()
    assert body["status_code"] == 429
    assert body["detail"].startswith(LOCKED)
    assert "token" not in body
    assert int(response.headers["retry-after"]) > 0
    # and so does the page
    assert (await page_login(pages, head)).status_code == 429


async def test_account_failures_count_from_every_address(world: World) -> None:
    head = world.users["head"]
    for number in range(ACCOUNT_LIMIT):
        await fail(head, 1, address=f"198.51.100.{number}")

    with pytest.raises(attempts.LoginThrottledError):
        await attempts.sign_in(head, PASSWORD, "203.0.113.9")


async def test_an_address_is_limited_across_accounts(world: World) -> None:
    # Given one address that tried twenty different accounts once each (password spraying)
    for number in range(ADDRESS_LIMIT):
        await fail(f"user{number}@example.ru", 1, address="203.0.113.5")

    # Then it may not try even a real account with the right password for a while
    with pytest.raises(attempts.LoginThrottledError) as refused:
        await attempts.sign_in(world.users["head"], PASSWORD, "203.0.113.5")
    assert timedelta(minutes=14) < refused.value.wait <= WINDOW
    # while the same account signs in from another address
    assert await attempts.sign_in(world.users["head"], PASSWORD, "203.0.113.6") is not None


async def test_a_success_does_not_clear_the_address_counter(world: World) -> None:
    # one's own account must not reset an address that is spraying others
    for number in range(ADDRESS_LIMIT - 1):
        await fail(f"user{number}@example.ru", 1, address="203.0.113.7")
    assert await attempts.sign_in(world.users["head"], PASSWORD, "203.0.113.7") is not None

    await fail("another@example.ru", 1, address="203.0.113.7")

    with pytest.raises(attempts.LoginThrottledError):
        await attempts.sign_in(world.users["secretary"], PASSWORD, "203.0.113.7")


async def test_failures_older_than_the_window_do_not_count_and_are_pruned(world: World) -> None:
    head = world.users["head"]
    long_ago = clock.now() - WINDOW - timedelta(seconds=1)
    await LoginAttempt.insert(
        *[LoginAttempt(email=head, address="192.0.2.1", at=long_ago) for _ in range(10)]
    )

    # the old failures do not lock, and the next failure removes them
    await fail(head, 1)
    assert await LoginAttempt.count().where(LoginAttempt.email == head) == 1
    assert await attempts.sign_in(head, PASSWORD, "192.0.2.1") is not None


async def test_the_wait_ends_when_the_oldest_failure_leaves_the_window(world: World) -> None:
    head = world.users["head"]
    # five failures, the oldest 14 minutes ago: one minute left
    now = clock.now()
    await LoginAttempt.insert(
        *[
            LoginAttempt(email=head, address="192.0.2.1", at=now - timedelta(minutes=minutes))
            for minutes in (14, 3, 2, 1, 0)
        ]
    )

    with pytest.raises(attempts.LoginThrottledError) as refused:
        await attempts.sign_in(head, PASSWORD, "192.0.2.1")

    assert refused.value.minutes == 1
    assert 50 <= refused.value.retry_after <= 60
    assert refused.value.message.endswith("через 1 мин.")


async def test_parallel_guesses_count_against_one_another(world: World) -> None:
    head = world.users["head"]

    # Given twelve wrong passwords sent at once
    results = await asyncio.gather(
        *[attempts.sign_in(head, WRONG, "192.0.2.1") for _ in range(12)], return_exceptions=True
    )

    # Then no more than the limit were checked; the rest were refused
    checked = [r for r in results if r is None]
    refused = [r for r in results if isinstance(r, attempts.LoginThrottledError)]
    assert len(checked) == ACCOUNT_LIMIT
    assert len(refused) == 12 - ACCOUNT_LIMIT
    assert await LoginAttempt.count().where(LoginAttempt.email == head) == ACCOUNT_LIMIT


async def test_failures_and_the_lock_are_audited_for_a_real_account(
    world: World, pages: PageClient
) -> None:
    await fail_on_page(pages, world.users["head"], ACCOUNT_LIMIT)
    await fail_on_page(pages, "nobody@example.ru", 2)

    events = (
        await AuditEvent.select(
            AuditEvent.entity, AuditEvent.entity_id, AuditEvent.action, AuditEvent.after
        )
        .where(AuditEvent.action.is_in(["login_failed", "login_locked"]))
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )

    assert [e["action"] for e in events] == ["login_failed"] * (ACCOUNT_LIMIT - 1) + [
        "login_locked"
    ]
    assert {(e["entity"], e["entity_id"]) for e in events} == {("user", world.user_ids["head"])}
    assert events[0]["after"] == {"address": "testclient"}


async def test_a_huge_password_is_a_failure_without_hashing(world: World) -> None:
    assert await attempts.sign_in(world.users["head"], "x" * 100_000, "192.0.2.1") is None
    assert await LoginAttempt.count() == 1


async def test_the_address_is_the_client_the_server_sees(world: World, pages: PageClient) -> None:
    # The ASGI test client connects as «testclient»; uvicorn gives the real client's address
    # (behind the proxy, from X-Forwarded-For when the proxy is trusted).
    await fail_on_page(pages, world.users["head"], 1)

    assert await LoginAttempt.select(LoginAttempt.address).first() == {"address": "testclient"}
