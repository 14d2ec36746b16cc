"""The JSON API's edge, shared by its controllers (ApiController): what its OpenAPI
description promises beyond what Litestar derives itself (the error answers every handler may
give, request bodies described by hand), and the input no handler may take (ids beyond what a
table holds, text with a NUL character).

The fuzzing test (tests/security/test_api_fuzz.py) holds the API to this description."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Controller, Request

# Litestar's own schema of a msgspec Struct, extended below (no public import exists for it).
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example, Operation, RequestBody, Schema
from litestar.params import PathParameter, QueryParameter
from litestar.typing import FieldDefinition

from tracker.errors import TrackerError
from tracker.web.errors import MESSAGES

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

MAX_ID = 2**31 - 1
"""The largest id a table holds (PostgreSQL's ``serial`` is a 32-bit integer). A larger id in a
path, a query or a body is bad input (400/422), never a database error."""

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
"""An id in a JSON body."""

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
"""An id in the path: ``/assignments/{assignment_id:int}`` with ``assignment_id: PathId``."""

QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
"""An optional id filter in the query string."""


class ErrorBody(msgspec.Struct, omit_defaults=True):
    """Every error answer of the API (tracker/web/errors.py)."""

    status_code: int
    """The HTTP status code again."""
    detail: str
    """What went wrong, in Russian, to show as it is."""
    errors: dict[str, str] | None = None
    """Bad input: a message per field (``""`` for the request as a whole)."""


_ERRORS: dict[int, tuple[str, str]] = {
    # status: (when it is answered, an example of its ``detail``)
    400: (
        "Некорректный запрос: не JSON, неверный тип или значение параметра, символ NUL.",
        "Некорректный запрос.",
    ),
    401: ("Нет токена, токен недействителен, или неверный адрес и пароль.", MESSAGES[401]),
    403: ("Роль пользователя не позволяет это действие.", MESSAGES[403]),
    404: ("Не найдено (или принадлежит другой школе).", "Поручение не найдено."),
    409: ("Действие недоступно в текущем состоянии.", MESSAGES[409]),
    410: (
        "Файл повреждён в хранилище (не совпала контрольная сумма) и не отдаётся.",
        "Файл повреждён.",
    ),
    413: ("Запрос или файл слишком большой.", MESSAGES[413]),
    415: ("Тело запроса не JSON и не multipart/form-data.", MESSAGES[415]),
    422: ("Данные не прошли проверку: сообщение по каждому полю в errors.", MESSAGES[422]),
    429: ("Слишком много неудачных попыток входа: подождите (Retry-After).", MESSAGES[429]),
}


def error_response(status: int) -> ResponseSpec:
    """The documented answer ``status`` of an API handler: the error body (ErrorBody)."""
    description, detail = _ERRORS[status]
    return ResponseSpec(
        data_container=ErrorBody,
        generate_examples=False,
        description=description,
        examples=[Example(summary=str(status), value={"status_code": status, "detail": detail})],
    )


ERROR_RESPONSES: dict[int, ResponseSpec] = {
    status: error_response(status) for status in (400, 401, 403, 404, 409, 422)
}
"""Documented on every API handler (ApiController)."""

UPLOAD_ERROR_RESPONSES: dict[int, ResponseSpec] = {
    status: error_response(status) for status in (413, 415)
}
"""Added by the handlers that read a body by hand (JSON or multipart)."""


_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""``\\u0000`` in JSON text, unless its backslash is itself escaped (``\\\\u0000`` is text)."""

NUL_REFUSED = "Некорректный запрос: символ NUL (\\u0000) в тексте недопустим."


async def refuse_nul(request: Request[Any, Any, Any]) -> None:
    """No text with a NUL character gets in (400), on a page or through the API: PostgreSQL
    cannot store one (SQLite can, so such a value would work in one database and fail in the
    other). Checked in the query string, a form, a JSON body and the text fields of a
    multipart form; uploaded files may hold any bytes. The app's ``before_request``."""
    if b"%00" in request.scope.get("query_string", b""):
        raise TrackerError(NUL_REFUSED)
    if request.method not in {"POST", "PUT", "PATCH"}:
        return
    limit = request.route_handler.resolve_request_max_body_size()
    if limit is not None and (request.content_length or 0) > limit:
        return  # refused unread by the handler's own read (413), with the handler's own answer
    content_type, _ = request.content_type
    if content_type == "multipart/form-data":
        form = await request.form()
        if any(isinstance(v, str) and "\x00" in v for _, v in form.multi_items()):
            raise TrackerError(NUL_REFUSED)
    elif content_type == "application/x-www-form-urlencoded":
        if b"%00" in await request.body():
            raise TrackerError(NUL_REFUSED)
    elif _JSON_NUL.search(await request.body()):
        raise TrackerError(NUL_REFUSED)


class ApiController(Controller):
    """A controller of the JSON API: each of its handlers documents ERROR_RESPONSES beside
    its own success answer and its own ``responses``."""

    def get_route_handlers(self) -> list[BaseRouteHandler]:
        handlers = super().get_route_handlers()
        for handler in handlers:
            if isinstance(handler, HTTPRouteHandler):
                handler.responses = {**ERROR_RESPONSES, **(handler.responses or {})}
        return handlers


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """A body declared ``forbid_unknown_fields=True`` refuses a field it does not know (400):
    its schema says so (``additionalProperties: false``), so that a client generated from the
    description never sends one. Litestar's own plugin leaves that out."""

    def to_openapi_schema(
        self,
        field_definition: FieldDefinition,
        schema_creator: SchemaCreator,
    ) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        if field_definition.type_.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        return schema


def operation_with_body(body: RequestBody) -> type[Operation]:
    """An ``operation_class`` for a route whose request body cannot be derived from a
    ``data`` parameter: the body is described by hand instead."""

    @dataclass
    class DescribedOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return DescribedOperation
