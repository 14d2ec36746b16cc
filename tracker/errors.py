"""The errors services raise. Web and API map each to one status code; the CLI to exit 2.

Messages are Russian: they are shown to the user as they are.
"""

from __future__ import annotations

from collections.abc import Mapping


class TrackerError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(TrackerError):
    """Absent, or belongs to another school (a school user must not learn that it exists)."""

    status_code = 404

    def __init__(self, message: str = "Не найдено.") -> None:
        super().__init__(message)


class PermissionDeniedError(TrackerError):
    """The role may not do this (for another school's object use NotFoundError)."""

    status_code = 403

    def __init__(self, message: str = "Недостаточно прав для этого действия.") -> None:
        super().__init__(message)


class ConflictError(TrackerError):
    """The change is not allowed in the object's current state."""

    status_code = 409


class PayloadTooLargeError(TrackerError):
    status_code = 413


class ValidationError(TrackerError):
    """Bad input: one message per field (``""`` for the form as a whole)."""

    status_code = 422

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()) or "Некорректные данные.")

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls({field: message})
