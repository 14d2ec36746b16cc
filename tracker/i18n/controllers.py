"""``POST /language``: the user picks the interface language.

Open to everyone (the login page has the switcher too): the choice goes into the ``lang``
cookie, and for a signed-in user also into their account, so it follows them to another device.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from tracker.accounts import services as accounts
from tracker.accounts.controllers import _safe_next
from tracker.errors import ValidationError
from tracker.i18n.locales import COOKIE_MAX_AGE, COOKIE_NAME, known
from tracker.settings import get_settings
from tracker.web.auth import SESSION_USER_KEY
from tracker.web.rendering import is_htmx

LANGUAGE_PATH = "/language"


class LanguageController(Controller):
    path = LANGUAGE_PATH
    include_in_schema = False

    @post("/", status_code=303)
    async def choose(self, request: Request[Any, Any, Any]) -> Response[Any]:
        form = await request.form()
        lang = known(str(form.get("lang", "")))
        if lang is None:
            raise ValidationError.single("lang", "Выберите язык: русский или английский.")
        # This path is outside the authentication middleware (anyone may choose), so the
        # signed-in user is read from the session here.
        user_id = request.session.get(SESSION_USER_KEY) if "session" in request.scope else None
        actor = await accounts.actor_for_user(int(user_id)) if user_id else None
        if actor is not None:
            await accounts.set_locale(actor.user_id, lang)
        target = _safe_next(str(form.get("next", ""))) or "/"
        cookie = Cookie(
            key=COOKIE_NAME,
            value=lang,
            max_age=COOKIE_MAX_AGE,
            path="/",
            httponly=True,
            samesite="lax",
            secure=get_settings().secure_cookies,
        )
        if is_htmx(request):
            return Response(
                None, status_code=204, headers={"HX-Redirect": target}, cookies=[cookie]
            )
        return Redirect(target, status_code=303, cookies=[cookie])
