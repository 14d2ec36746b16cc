"""The Litestar application: pages and API of every area, one set of middleware."""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Litestar, get
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, YamlRenderPlugin
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from tracker import db
from tracker.accounts.attempts import LoginThrottledError
from tracker.accounts.controllers import login_throttled
from tracker.i18n.controllers import LANGUAGE_PATH
from tracker.i18n.middleware import LocaleMiddleware
from tracker.runtime import tune_gc
from tracker.settings import Settings, get_settings
from tracker.web.auth import PUBLIC_PATHS, AuthMiddleware, provide_actor
from tracker.web.errors import EXCEPTION_HANDLERS
from tracker.web.openapi import StrictStructSchemaPlugin, refuse_nul
from tracker.web.routes import ROUTE_HANDLERS
from tracker.web.security import SecurityHeadersMiddleware, SessionConfig
from tracker.web.sessions import DatabaseStore
from tracker.web.signals import AnnounceChanges
from tracker.web.templating import make_environment

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

log = logging.getLogger("tracker")


@get("/healthz", include_in_schema=False, sync_to_thread=False)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    template_config = TemplateConfig(
        engine=JinjaTemplateEngine.from_environment(make_environment()),
    )
    # The session cookie: never readable by scripts; Lax, so that a link from an e-mail reminder
    # or a calendar opens the app signed in, while cross-site posts and embeds never carry it
    # (and every unsafe page request needs the CSRF token besides); Secure behind TLS.
    session_config = SessionConfig(
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
        max_age=60 * 60 * 12,
        exclude=[r"^/api/", r"^/static/"],  # the API signs in with bearer tokens only
    )

    app = Litestar(
        route_handlers=[
            *ROUTE_HANDLERS,
            healthz,
            create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
        ],
        dependencies={"actor": Provide(provide_actor)},
        middleware=[
            AnnounceChanges,
            session_config.middleware,
            DefineMiddleware(AuthMiddleware, exclude=[*PUBLIC_PATHS, rf"^{LANGUAGE_PATH}$"]),
            LocaleMiddleware,
        ],
        # Sessions live in the database in every mode: pages keep working while Redis is down.
        stores={"sessions": DatabaseStore()},
        # The CSRF token reaches htmx through the page (``hx-headers`` on <body>) and forms
        # through ``csrf_input``: no script reads the cookie, so it is HttpOnly too.
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=["/api/"],
        ),
        template_config=template_config,
        plugins=[
            HTMXPlugin(),
            FlashPlugin(config=FlashConfig(template_config=template_config)),
            StrictStructSchemaPlugin(),
        ],
        exception_handlers={**EXCEPTION_HANDLERS, LoginThrottledError: login_throttled},
        before_request=refuse_nul,  # text with a NUL: 400 on every page and API route
        openapi_config=OpenAPIConfig(
            title="Decision Tracker API",
            version="1",
            description="Решения совещаний → поручения школам → отчёты об исполнении.",
            path="/schema",
            # the description only: the HTML viewers load their scripts from CDNs, which the
            # Content-Security-Policy (script-src 'self') refuses, so they would show nothing
            render_plugins=[JsonRenderPlugin(), YamlRenderPlugin()],
        ),
        request_max_body_size=settings.max_upload_bytes * 5 + 1024 * 1024,
        on_startup=[tune_gc, *([db.open_pool] if settings.db_pool else [])],
        on_shutdown=[db.close_pool] if settings.db_pool else [],
        debug=False,
    )
    # Outermost, around Litestar's own exception handling: 404s and 405s get the headers too.
    app.asgi_handler = SecurityHeadersMiddleware(app.asgi_handler, tls=settings.secure_cookies)
    return app
