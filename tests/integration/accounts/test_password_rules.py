"""The password rules where a password is chosen: the admin's user pages and `tracker user add`.
Signing in never applies them, so an account made under older rules keeps working."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.http import PASSWORD, PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.accounts.passwords import COMMON, CONTAINS_EMAIL, TOO_SHORT, hash_password
from tracker.accounts.roles import Actor
from tracker.accounts.tables import User

TRACKER = Path(sys.executable).with_name("tracker")


async def emails(admin: Actor) -> set[str]:
    return {u.email for u in await accounts.list_users(admin)}


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Qwerty2024!", COMMON),
        ("1q2w3e4r5t", COMMON),
        ("petrova-2024!", CONTAINS_EMAIL),
        ("short-1", TOO_SHORT),
    ],
)
async def test_adding_a_user_with_a_weak_password_is_refused(
    world: World, admin_pages: PageClient, admin: Actor, password: str, problem: str
) -> None:
    before = await emails(admin)

    response = await admin_pages.post(
        "/admin/users",
        {"email": "petrova@example.ru", "role": "head", "password": password},
        htmx=True,
    )

    assert response.status_code == 422
    assert f'id="user-add-password-error">{problem}' in response.text
    assert password not in response.text  # never echoed back
    assert await emails(admin) == before


async def test_the_form_says_what_a_password_needs(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.get("/admin/users")

    assert "Не короче 10 символов" in response.text


async def test_a_new_weak_password_for_an_existing_user_changes_nothing(
    world: World, admin_pages: PageClient
) -> None:
    user_id = world.user_ids["head"]

    response = await admin_pages.post(
        f"/admin/users/{user_id}", {"role": "head", "password": "password123"}, htmx=True
    )

    assert response.status_code == 422
    assert COMMON in response.text
    assert await accounts.authenticate(world.users["head"], PASSWORD) is not None
    assert await accounts.authenticate(world.users["head"], "password123") is None


async def test_an_account_made_under_the_old_rules_still_signs_in(
    world: World, pages: PageClient
) -> None:
    # Given a head whose password was set when 8 characters were enough
    await User.update({User.password_hash: hash_password("abcdefg1")}).where(
        User.id == world.user_ids["head"]
    )

    # Then it still opens the app
    response = await pages.login(world.users["head"], "abcdefg1")
    assert response.headers["location"] == "/dashboard"


def test_tracker_user_add_refuses_a_common_password(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["TRACKER_DATA_DIR"] = str(tmp_path)

    def tracker(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(TRACKER), *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert tracker("migrate").returncode == 0
    result = tracker(
        "user", "add", "--email", "head@example.ru", "--role", "head", "--password", "qwerty12345"
    )

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert COMMON in result.stderr
    assert result.stdout == ""
    listed = tracker("user", "add", "--email", "head@example.ru", "--role", "head")
    assert listed.returncode == 0, listed.stderr  # nothing was half-written: the address is free
