"""Roles, the acting user, and what each role may do. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracker.errors import NotFoundError, PermissionDeniedError


class Role(StrEnum):
    HEAD = "head"
    SECRETARY = "secretary"
    SCHOOL = "school"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.HEAD: "Начальник отдела образования",
    Role.SECRETARY: "Секретарь",
    Role.SCHOOL: "Руководитель ОО",
    Role.ADMIN: "Администратор",
}


class Permission(StrEnum):
    """Things a role may do, whatever the object."""

    MANAGE_MEETINGS = "manage_meetings"  # create meetings, agenda items, decisions
    ASSIGN = "assign"  # address a decision to schools
    REVIEW = "review"  # accept or return reports, decide extension requests
    REPORT = "report"  # report on an assignment, ask for an extension
    SEE_ALL_SCHOOLS = "see_all_schools"
    ADMINISTER = "administer"  # schools, groups, users, settings


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.HEAD: frozenset(
        {
            Permission.MANAGE_MEETINGS,
            Permission.ASSIGN,
            Permission.REVIEW,
            Permission.SEE_ALL_SCHOOLS,
        }
    ),
    Role.SECRETARY: frozenset(
        {Permission.MANAGE_MEETINGS, Permission.ASSIGN, Permission.SEE_ALL_SCHOOLS}
    ),
    Role.SCHOOL: frozenset({Permission.REPORT}),
    Role.ADMIN: frozenset({Permission.ADMINISTER, Permission.SEE_ALL_SCHOOLS}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: passed to every service that reads or changes data."""

    user_id: int
    role: Role
    school_id: int | None = None
    email: str = ""
    full_name: str = ""
    locale: str | None = None
    """The interface language the user chose (None: follow the cookie or the browser)."""

    def can(self, permission: Permission) -> bool:
        return permission in GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDeniedError

    def sees_school(self, school_id: int) -> bool:
        if self.can(Permission.SEE_ALL_SCHOOLS):
            return True
        return self.role is Role.SCHOOL and self.school_id == school_id

    def require_school(self, school_id: int) -> None:
        """Another school's object does not exist for this actor: 404, never 403."""
        if not self.sees_school(school_id):
            raise NotFoundError

    @property
    def school_scope(self) -> int | None:
        """The one school a school user is limited to; None for department staff."""
        return self.school_id if self.role is Role.SCHOOL else None
