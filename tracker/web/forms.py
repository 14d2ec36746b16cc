"""Reading HTML forms: strings in, typed values and Russian messages per field out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from tracker.errors import ValidationError

MAX_INTEGER = 2**31 - 1
"""The largest number a form field may hold: PostgreSQL's ``integer`` (every id) holds no more."""


class Form:
    """Typed access to submitted fields, collecting one message per bad field.

    >>> form = Form({"title": " Итоги "})
    >>> form.text("title", required=True)
    'Итоги'
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def _raw(self, name: str) -> str:
        value = self.data.get(name)
        if value is None:
            return ""
        return value.strip() if isinstance(value, str) else ""

    def _all(self, name: str) -> list[str]:
        getall = getattr(self.data, "getall", None)
        values = getall(name, []) if getall else [self.data.get(name)]
        return [v.strip() for v in values if isinstance(v, str) and v.strip()]

    def text(self, name: str, *, required: bool = False, max_length: int = 10_000) -> str:
        value = self._raw(name)
        if required and not value:
            self.errors[name] = "Заполните это поле."
        elif len(value) > max_length:
            self.errors[name] = f"Не длиннее {max_length} символов."
        return value

    def date(self, name: str, *, required: bool = False) -> date | None:
        value = self._raw(name)
        if not value:
            if required:
                self.errors[name] = "Укажите дату."
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.errors[name] = "Неверная дата: укажите её как ДД.ММ.ГГГГ."
        return parsed

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self._raw(name)
        if not value:
            if required:
                self.errors[name] = "Выберите значение."
            return None
        if not value.isdigit() or len(value) > 12 or int(value) > MAX_INTEGER:
            self.errors[name] = "Ожидается число."
            return None
        return int(value)

    def integers(self, name: str) -> list[int]:
        values = self._all(name)
        if any(not v.isdigit() or len(v) > 12 or int(v) > MAX_INTEGER for v in values):
            self.errors[name] = "Ожидаются номера из списка."
            return []
        return [int(v) for v in values]

    def strings(self, name: str) -> list[str]:
        return self._all(name)

    def flag(self, name: str) -> bool:
        return self._raw(name) in {"on", "1", "true", "yes"}

    def check(self) -> None:
        """Raise the collected messages, if any."""
        if self.errors:
            raise ValidationError(self.errors)


def parse_date(value: str) -> date | None:
    """ДД.ММ.ГГГГ (what people type) or ГГГГ-ММ-ДД (what ``<input type=date>`` sends)."""
    value = value.strip()
    try:
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value)
        day, month, year = value.split(".")
        if len(year) != 4:
            return None
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
