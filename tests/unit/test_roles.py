"""Who may do what: the Actor's permission rules and the password rules. No database."""

from __future__ import annotations

import pytest

from tracker.accounts.passwords import password_problem
from tracker.accounts.roles import Actor, Permission, Role
from tracker.errors import NotFoundError, PermissionDeniedError

P = Permission

# The rules as the product describes them (DESIGN.md, "Users and roles"), written out
# independently of GRANTS so that a change there must be a deliberate change here too.
EXPECTED: dict[Role, set[Permission]] = {
    Role.HEAD: {P.MANAGE_MEETINGS, P.ASSIGN, P.REVIEW, P.SEE_ALL_SCHOOLS},
    Role.SECRETARY: {P.MANAGE_MEETINGS, P.ASSIGN, P.SEE_ALL_SCHOOLS},
    Role.SCHOOL: {P.REPORT},
    Role.ADMIN: {P.ADMINISTER, P.SEE_ALL_SCHOOLS},
}

SCHOOL_A = 10
SCHOOL_B = 20


def actor(role: Role, school_id: int | None = None) -> Actor:
    return Actor(user_id=1, role=role, school_id=school_id)


CASES = [(role, permission) for role in Role for permission in Permission]


@pytest.mark.parametrize(("role", "permission"), CASES, ids=[f"{r}-{p}" for r, p in CASES])
def test_each_role_has_exactly_its_permissions(role: Role, permission: Permission) -> None:
    # Given an actor of this role
    who = actor(role, SCHOOL_A if role is Role.SCHOOL else None)
    allowed = permission in EXPECTED[role]

    # Then can() answers the rule, and require() agrees with it
    assert who.can(permission) is allowed
    if allowed:
        who.require(permission)
    else:
        with pytest.raises(PermissionDeniedError) as raised:
            who.require(permission)
        assert raised.value.status_code == 403
        assert raised.value.message  # a Russian sentence for the user


def test_every_role_is_covered() -> None:
    assert set(EXPECTED) == set(Role)


def test_role_labels_are_russian() -> None:
    assert Role.HEAD.label == "Начальник отдела образования"
    assert Role.SCHOOL.label == "Руководитель ОО"
    assert all(role.label for role in Role)


def test_school_user_sees_only_their_school() -> None:
    director = actor(Role.SCHOOL, SCHOOL_A)

    assert director.sees_school(SCHOOL_A)
    assert not director.sees_school(SCHOOL_B)
    director.require_school(SCHOOL_A)


def test_another_schools_object_is_not_found_not_forbidden() -> None:
    director = actor(Role.SCHOOL, SCHOOL_A)

    with pytest.raises(NotFoundError) as raised:
        director.require_school(SCHOOL_B)

    assert raised.value.status_code == 404


def test_school_user_without_a_school_sees_none() -> None:
    orphan = actor(Role.SCHOOL, None)

    assert not orphan.sees_school(SCHOOL_A)
    with pytest.raises(NotFoundError):
        orphan.require_school(SCHOOL_A)


@pytest.mark.parametrize("role", [Role.HEAD, Role.SECRETARY, Role.ADMIN])
def test_department_staff_see_every_school(role: Role) -> None:
    staff = actor(role)

    for school_id in (SCHOOL_A, SCHOOL_B):
        assert staff.sees_school(school_id)
        staff.require_school(school_id)
    assert staff.school_scope is None


def test_school_scope_is_the_school_of_a_school_user_only() -> None:
    assert actor(Role.SCHOOL, SCHOOL_A).school_scope == SCHOOL_A
    # A school id on a staff account (bad data) must not narrow nor widen what they see.
    assert actor(Role.HEAD, SCHOOL_A).school_scope is None


def test_staff_with_a_stray_school_id_still_sees_all() -> None:
    head = actor(Role.HEAD, SCHOOL_A)

    assert head.sees_school(SCHOOL_B)


@pytest.mark.parametrize(
    "password",
    ["demo-pass-1", "kite-fly-91", "мой-пароль-12", "Secret!!Secret", "horse battery staple"],
)
def test_good_passwords_pass(password: str) -> None:
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("", "не короче 10"),
        ("abc12", "не короче 10"),
        ("abcdefg1!", "не короче 10"),  # 9 characters: one short of the minimum
        ("1234567890", "буквы"),
        ("abcdefghij", "буквы"),
        ("парольпароль", "буквы"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, words: str) -> None:
    problem = password_problem(password)

    assert problem is not None
    assert words in problem
