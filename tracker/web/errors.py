"""Errors become answers: JSON on the API, a Russian page (or an htmx message) elsewhere.

Never a bare 500: anything unexpected is logged and answered with a polite page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from tracker import db
from tracker.errors import TrackerError, ValidationError
from tracker.web.auth import API_PREFIX
from tracker.web.rendering import is_htmx

log = logging.getLogger("tracker.web")

MESSAGES = {
    400: "Некорректный запрос.",
    401: "Войдите в систему.",
    403: "Недостаточно прав для этого действия.",
    404: "Страница не найдена.",
    405: "Такое действие здесь недоступно.",
    409: "Действие недоступно в текущем состоянии.",
    413: "Файл слишком большой.",
    415: "Неподдерживаемый формат запроса.",
    422: "Проверьте введённые данные.",
    429: "Слишком много попыток, подождите немного.",
    500: "Внутренняя ошибка. Мы уже знаем о ней; попробуйте ещё раз позже.",
}
DATABASE_UNAVAILABLE = "База данных временно недоступна. Повторите попытку через несколько секунд."
RETRY_AFTER = "10"
"""Seconds a client is asked to wait after a 503 (a database restart takes a few)."""


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _answer(
    request: Request[Any, Any, Any],
    status: int,
    message: str,
    errors: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    if _is_api(request):
        body: dict[str, Any] = {"status_code": status, "detail": message}
        if errors:
            body["errors"] = errors
        return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)
    if is_htmx(request):
        # htmx swaps error answers too (see the htmx-config meta tag in base.html),
        # into the page's message area rather than where the success would go.
        return Template(
            template_name="_message.html",
            context={"level": "error", "message": message},
            status_code=status,
            headers={"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"} | (headers or {}),
        )
    return Template(
        template_name="error.html",
        context={"status": status, "message": message},
        status_code=status,
        headers=headers,
    )


def tracker_error(request: Request[Any, Any, Any], exc: TrackerError) -> Response[Any]:
    errors = exc.errors if isinstance(exc, ValidationError) else None
    return _answer(request, exc.status_code, exc.message, errors)


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if _is_api(request):
        return _answer(request, 401, exc.detail or MESSAGES[401])
    target = "/login?next=" + quote(
        request.url.path + (f"?{request.url.query}" if request.url.query else "")
    )
    if is_htmx(request):
        return Response(None, status_code=204, headers={"HX-Redirect": target})
    return Redirect(path=target, status_code=303)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    message = MESSAGES.get(status, MESSAGES[400])
    if status == 413:
        message = "Запрос слишком большой: уменьшите размер или число файлов."
    elif status == 400 and _is_api(request):
        # Litestar names the field and says what is wrong with it in English: in Russian here.
        extra = exc.extra if isinstance(exc.extra, list) else None
        fields = {
            str(item.get("key", "")): validation_message(str(item.get("message", "")))
            for item in extra or []
            if isinstance(item, dict)
        }
        said = [f"{key}: {text}" if key != "data" else text for key, text in fields.items()]
        if not fields and exc.detail:
            said = [validation_message(exc.detail)]
        detail = f"{MESSAGES[400]} {'; '.join(said)}." if said else MESSAGES[400]
        return _answer(request, 400, detail, fields or None)
    return _answer(request, status, message)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if db.unavailable(exc):
        # PostgreSQL restarting, stopped or full: not a bug, and the same request may succeed
        # in a moment. Nothing half-done stays: the transaction was rolled back (or its commit
        # never answered, in which case a retry meets the state it left).
        log.warning("database unavailable on %s %s: %r", request.method, request.url.path, exc)
        return _answer(request, 503, DATABASE_UNAVAILABLE, headers={"Retry-After": RETRY_AFTER})
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(request, HTTP_500_INTERNAL_SERVER_ERROR, MESSAGES[500])


# ---------------------------------------------------------------- Litestar's and msgspec's words

_TYPE_NAMES = {
    "int": "целое число",
    "float": "число",
    "str": "строка",
    "bool": "true или false",
    "array": "список",
    "object": "объект",
    "null": "null",
    "date": "дата ГГГГ-ММ-ДД",
    "datetime": "дата и время",
}


def _type_name(spec: str) -> str:
    """``int | null`` → «целое число или null»."""
    return " или ".join(_TYPE_NAMES.get(part.strip(), part.strip()) for part in spec.split("|"))


def _length(spec: str, bound: str) -> str:
    return f"{bound} символов" if spec == "str" else f"{bound} элементов"


_VALIDATION_MESSAGES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"Expected `([^`]+)`, got `([^`]+)`"),
        lambda m: f"ожидается {_type_name(m[1])}, а не {_type_name(m[2])}",
    ),
    (
        re.compile(r"Expected `([^`]+)` of length >= (\d+)"),
        lambda m: f"не меньше {_length(m[1], m[2])}",
    ),
    (
        re.compile(r"Expected `([^`]+)` of length <= (\d+)"),
        lambda m: f"не больше {_length(m[1], m[2])}",
    ),
    (re.compile(r"Expected `([^`]+)` >= (\S+)"), lambda m: f"не меньше {m[2]}"),
    (re.compile(r"Expected `([^`]+)` <= (\S+)"), lambda m: f"не больше {m[2]}"),
    (re.compile(r"Expected `([^`]+)` > (\S+)"), lambda m: f"больше {m[2]}"),
    (re.compile(r"Expected `([^`]+)` < (\S+)"), lambda m: f"меньше {m[2]}"),
    (re.compile(r"Expected `str` matching regex"), lambda m: "значение не в том формате"),
    (re.compile(r"Object missing required field `([^`]*)`"), lambda m: f"нет поля «{m[1]}»"),
    (re.compile(r"Object contains unknown field `([^`]*)`"), lambda m: f"лишнее поле «{m[1]}»"),
    (re.compile(r"Invalid enum value (.*)"), lambda m: f"недопустимое значение {m[1]}"),
    (re.compile(r"Invalid RFC3339 encoded date\b"), lambda m: "ожидается дата ГГГГ-ММ-ДД"),
    (re.compile(r"Invalid RFC3339 encoded datetime"), lambda m: "ожидаются дата и время"),
    (re.compile(r"JSON is malformed|Input data was truncated"), lambda m: "тело запроса — не JSON"),
    (
        re.compile(r"Missing required (?:path |query |header |cookie )?parameter"),
        lambda m: "не указано",
    ),
)
_AT = re.compile(r" - at `\$\.?([^`]*)`$")


def validation_message(message: str) -> str:
    """One of Litestar's or msgspec's English messages about bad input, in Russian (with the
    field, when msgspec names it: ``… - at `$.text``` → «text: …»). An unknown one is kept."""
    where = _AT.search(message)
    text = message[: where.start()] if where else message
    for pattern, russian in _VALIDATION_MESSAGES:
        found = pattern.search(text)
        if found:
            text = russian(found)
            break
    return f"{where[1]}: {text}" if where and where[1] else text


EXCEPTION_HANDLERS: dict[Any, Any] = {
    TrackerError: tracker_error,
    NotAuthorizedException: not_authorized,
    HTTPException: http_error,
    Exception: server_error,
}
