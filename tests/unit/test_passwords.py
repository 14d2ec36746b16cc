"""The rules for a new password (tracker.accounts.passwords.password_problem) and the list of
common passwords shipped with them."""

from __future__ import annotations

import re

import pytest

from tracker.accounts.passwords import (
    COMMON,
    COMMON_PASSWORDS_FILE,
    CONTAINS_EMAIL,
    LETTERS_AND_DIGITS,
    MAX_LENGTH,
    MIN_LENGTH,
    TOO_FEW_DISTINCT,
    TOO_LONG,
    TOO_SHORT,
    common_passwords,
    hash_password,
    password_problem,
    verify_password,
)
from tracker.demo import DEMO_PASSWORD

LONGEST = ("abcd1-" * 22)[:MAX_LENGTH]


@pytest.mark.parametrize(
    "password",
    [
        "demo-pass-1",  # the test world's
        "kvdefgh-12",  # exactly the minimum
        "пароль-директора-12",
        "Secret!!Secret",
        "correct horse battery staple",
        "x" * 60 + "1234",
        LONGEST,
    ],
)
def test_good_passwords_pass(password: str) -> None:
    assert password_problem(password, "n.ivanova@school1.example.ru") is None


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", TOO_SHORT),
        ("abcde1!", TOO_SHORT),
        ("abcdefgh1", TOO_SHORT),  # 9: one short of the minimum
        (LONGEST + "x", TOO_LONG),
        ("1234509876", LETTERS_AND_DIGITS),
        ("abcdefghijk", LETTERS_AND_DIGITS),
        ("парольпароль", LETTERS_AND_DIGITS),
        ("aaaaaaaaa1", TOO_FEW_DISTINCT),
        ("abababab12", TOO_FEW_DISTINCT),
        ("1q2w3e4r5t", COMMON),
        ("Password2024!", COMMON),
        ("qwerty-12345", COMMON),
        ("!!Qwerty123", COMMON),
        ("йцукен12345", COMMON),
        ("gfhjkm-2024", COMMON),  # «пароль» typed on the English layout
        ("Ivanova-2024", CONTAINS_EMAIL),
        ("my-n.ivanova-1", CONTAINS_EMAIL),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, problem: str) -> None:
    assert password_problem(password, "n.ivanova@school1.example.ru") == problem


def test_the_messages_name_the_limits_the_code_applies() -> None:
    # The messages are fixed strings (so that the catalog translates them): keep them true.
    assert str(MIN_LENGTH) in TOO_SHORT
    assert str(MAX_LENGTH) in TOO_LONG


def test_short_name_parts_are_not_looked_for() -> None:
    # «a@…» would forbid every password with an «a» in it
    assert password_problem("brave-kite-42", "a@example.ru") is None
    assert password_problem("my-bob-2024!x", "bob@example.ru") == CONTAINS_EMAIL
    assert password_problem("my-bob-2024!x", "bo.b@example.ru") is None


def test_without_an_email_only_the_other_rules_apply() -> None:
    assert password_problem("ivanova-2024") is None


def test_the_common_list_is_read_lower_case_without_comments() -> None:
    common = common_passwords()

    assert len(common) > 150
    assert {"password", "qwerty", "1q2w3e4r5t", "пароль", "йцукен"} <= common
    assert all(word == word.lower() and word.strip() == word for word in common)
    assert not any(word.startswith("#") for word in common)
    raw = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    assert raw.endswith("\n")
    assert not re.search(r"[A-ZА-Я]", "".join(common))


def test_demo_password_meets_the_rules_for_every_demo_login() -> None:
    # The demo creates its accounts through the same rules (tracker.demo)
    for email in ("head@demo.example.ru", "admin@demo.example.ru", "school1@demo.example.ru"):
        assert password_problem(DEMO_PASSWORD, email) is None


def test_hash_and_verify() -> None:
    hashed = hash_password("demo-pass-1")

    assert verify_password(hashed, "demo-pass-1")
    assert not verify_password(hashed, "demo-pass-2")
    assert not verify_password("not a hash", "demo-pass-1")
