"""Password hashing (argon2id) and the rules a new password must meet.

The rules apply where a password is chosen (the admin's user pages, ``tracker user add``);
signing in never checks them, so an account made under older rules keeps working.

- At least 10 characters. Guessing online is held back by the login throttle and offline by
  argon2id, so length is what is left to ask of people: 10 characters (where 8 was the
  minimum) multiply the space of the patterns people really use by several thousand, while
  staying short enough for a school director to type on a phone. Longer is welcome.
- At most 128 characters: room for any passphrase, and a bound on the work a single sign-in
  or form may ask of the server.
- Letters and digits or signs (not only letters or only digits), and at least 5 different
  characters (no «aaaaaaaaa1»).
- Not one of the passwords people choose first (``data/common-passwords.txt``), nor one of
  them with digits or signs before or after («Qwerty2024!», «password-1»).
- Not containing the name part of the account's e-mail (``ivanova@…`` → no «ivanova2024»).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracker.settings import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_DISTINCT = 5
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"

TOO_SHORT = "Пароль должен быть не короче 10 символов."
TOO_LONG = "Пароль должен быть не длиннее 128 символов."
LETTERS_AND_DIGITS = "Пароль должен содержать и буквы, и цифры или знаки."
TOO_FEW_DISTINCT = "Пароль слишком простой: в нём мало разных символов."
COMMON = "Этот пароль слишком распространён: придумайте другой."
CONTAINS_EMAIL = "Пароль не должен содержать имя из адреса электронной почты."

_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
"""Digits, signs and spaces at either end: «Qwerty2024!» is «qwerty» dressed up."""
_NAME_PARTS = re.compile(r"[\W_]+")
MIN_NAME_PART = 4
"""Pieces of an e-mail's name part shorter than this are not looked for («a.ivanova»: «ivanova»)."""


@cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.password_hash_cost, memory_cost=settings.password_hash_memory_kib
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    """The list shipped in ``data/common-passwords.txt``, lower case, comments left out."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def is_common(password: str) -> bool:
    """One of the common passwords, or one of them with digits or signs around it."""
    lowered = password.strip().lower()
    common = common_passwords()
    return lowered in common or _EDGES.sub("", lowered) in common


def _email_names(email: str) -> list[str]:
    """What of the e-mail's name part a password must not contain: the whole part (3
    characters or more) and its longer pieces («ivan.petrov» → ivan.petrov, ivan, petrov)."""
    local = email.strip().lower().partition("@")[0]
    names = [local] if len(local) >= 3 else []
    names += [part for part in _NAME_PARTS.split(local) if len(part) >= MIN_NAME_PART]
    return names


def _length_problem(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    return None


def password_problem(password: str, email: str = "") -> str | None:
    """Why this new password is not acceptable (for the account ``email``, if given), in
    Russian; None when it is."""
    if problem := _length_problem(password):
        return problem
    if password.isdigit() or password.isalpha():
        return LETTERS_AND_DIGITS
    if len(set(password)) < MIN_DISTINCT:
        return TOO_FEW_DISTINCT
    if is_common(password):
        return COMMON
    lowered = password.lower()
    if any(name in lowered for name in _email_names(email)):
        return CONTAINS_EMAIL
    return None
