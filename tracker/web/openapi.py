"""OpenAPI helpers for handlers that read their body by hand (JSON or multipart)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import Operation, RequestBody


def operation_with_body(body: RequestBody) -> type[Operation]:
    """An ``operation_class`` for a route whose request body cannot be derived from a
    ``data`` parameter: the body is described by hand instead."""

    @dataclass
    class DescribedOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return DescribedOperation
