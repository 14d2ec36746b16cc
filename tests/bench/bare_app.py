"""The baseline of ``bench_load``: a bare Litestar app answering "ok", served as the real one is
(one uvicorn process): ``uvicorn tests.bench.bare_app:create_app --factory``."""

from __future__ import annotations

from litestar import Litestar, get


@get("/ok", sync_to_thread=False)
def ok() -> str:
    return "ok"


def create_app() -> Litestar:
    return Litestar(route_handlers=[ok])
