"""Choosing the interface language: the user's saved choice, else the cookie, else the browser;
the same pages in Russian and in English."""

from __future__ import annotations

import pytest

from tests.support.http import PageClient
from tests.support.world import World
from tracker.accounts import services as accounts
from tracker.i18n.locales import COOKIE_NAME


def html_lang(body: str) -> str:
    start = body.index('<html lang="') + len('<html lang="')
    return body[start : body.index('"', start)]


async def test_login_page_is_russian_by_default(pages: PageClient, world: World) -> None:
    response = await pages.get("/login")

    assert response.status_code == 200
    assert html_lang(response.text) == "ru"
    assert "Вход в систему" in response.text
    assert 'aria-pressed="true">Русский' in response.text


@pytest.mark.parametrize(
    ("accept", "lang", "title"),
    [
        ("en-GB,en;q=0.9", "en", "Sign in"),
        ("de-DE,de;q=0.9,en;q=0.5,ru;q=0.4", "en", "Sign in"),
        ("de-DE,fr;q=0.8", "ru", "Вход в систему"),
        ("en;q=0.3,ru;q=0.9", "ru", "Вход в систему"),
    ],
)
async def test_the_browser_language_applies_when_nothing_was_chosen(
    pages: PageClient, world: World, accept: str, lang: str, title: str
) -> None:
    response = await pages.client.get("/login", headers={"Accept-Language": accept})

    assert html_lang(response.text) == lang
    assert f"<h1>{title}</h1>" in response.text


async def test_choosing_english_before_signing_in_sets_the_cookie_and_returns(
    pages: PageClient, world: World
) -> None:
    response = await pages.post("/language", {"lang": "en", "next": "/login?next=/meetings"})

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/meetings"
    assert pages.client.cookies.get(COOKIE_NAME) == "en"
    page = await pages.get("/login?next=/meetings")
    assert html_lang(page.text) == "en"
    assert "<h1>Sign in</h1>" in page.text
    assert 'name="next" value="/login?next=/meetings"' in page.text


async def test_the_cookie_beats_the_browser(pages: PageClient, world: World) -> None:
    await pages.post("/language", {"lang": "ru", "next": "/login"})

    response = await pages.client.get("/login", headers={"Accept-Language": "en"})

    assert html_lang(response.text) == "ru"


async def test_a_signed_in_choice_is_saved_and_follows_the_user_elsewhere(
    app: object, pages: PageClient, world: World
) -> None:
    await pages.login(world.users["head"])

    response = await pages.post("/language", {"lang": "en", "next": "/meetings"})

    assert response.status_code == 303
    assert response.headers["location"] == "/meetings"
    assert await accounts.saved_locale(world.user_ids["head"]) == "en"
    async with PageClient.open(app) as other_browser:
        await other_browser.login(world.users["head"])
        meetings = await other_browser.client.get("/meetings", headers={"Accept-Language": "ru"})
    assert html_lang(meetings.text) == "en"
    assert "<title>Meetings" in meetings.text


async def test_the_saved_choice_beats_the_cookie(pages: PageClient, world: World) -> None:
    await accounts.set_locale(world.user_ids["secretary"], "ru")
    await pages.post("/language", {"lang": "en", "next": "/login"})  # signed out: cookie only
    await pages.login(world.users["secretary"])

    response = await pages.get("/meetings")

    assert html_lang(response.text) == "ru"
    assert await accounts.saved_locale(world.user_ids["secretary"]) == "ru"


async def test_an_unknown_language_is_refused_and_nothing_is_saved(
    pages: PageClient, world: World
) -> None:
    await pages.login(world.users["head"])

    response = await pages.post("/language", {"lang": "de", "next": "/meetings"})

    assert response.status_code == 422
    assert "Выберите язык: русский или английский." in response.text
    assert await accounts.saved_locale(world.user_ids["head"]) is None
    assert COOKIE_NAME not in pages.client.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil", ""])
async def test_next_must_be_a_path_on_this_site(
    pages: PageClient, world: World, target: str
) -> None:
    response = await pages.post("/language", {"lang": "en", "next": target})

    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_choosing_needs_the_csrf_token(pages: PageClient, world: World) -> None:
    await pages.get("/login")

    response = await pages.post("/language", {"lang": "en", "next": "/"}, csrf=False)

    assert response.status_code == 403
    assert COOKIE_NAME not in pages.client.cookies


async def test_htmx_is_sent_to_the_page_again(pages: PageClient, world: World) -> None:
    response = await pages.post("/language", {"lang": "en", "next": "/login"}, htmx=True)

    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login"
    assert pages.client.cookies.get(COOKIE_NAME) == "en"


async def test_the_same_page_in_both_languages(pages: PageClient, world: World) -> None:
    """The meeting list: words, counts in the right plural form, dates."""
    await pages.login(world.users["secretary"])

    russian = await pages.get("/meetings")
    await pages.post("/language", {"lang": "en", "next": "/meetings"})
    english = await pages.get("/meetings")

    assert "1 совещание" in russian.text
    assert "3 решения" in russian.text
    assert "05.02.2026" in russian.text
    assert "1 meeting" in english.text
    assert "3 decisions" in english.text
    assert "5 Feb 2026" in english.text
    assert "Совещания" not in english.text.split("<main", 1)[1]


async def test_messages_made_in_python_show_in_english(pages: PageClient, world: World) -> None:
    await pages.post("/language", {"lang": "en", "next": "/login"})

    response = await pages.post("/login", {"email": "nobody@example.ru", "password": "x"})

    assert response.status_code == 401
    assert "Wrong e-mail address or password." in response.text


async def test_a_field_error_shows_in_english(pages: PageClient, world: World) -> None:
    await pages.login(world.users["school_a"])
    await pages.post("/language", {"lang": "en", "next": "/my"})

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/reports", {"text": ""}, htmx=True
    )

    assert response.status_code == 422
    assert "Describe what has been done." in response.text
    assert "Опишите, что сделано." not in response.text


async def test_the_english_page_of_an_unknown_path(pages: PageClient, world: World) -> None:
    await pages.post("/language", {"lang": "en", "next": "/login"})

    response = await pages.get("/no-such-page")

    assert response.status_code == 404
    assert html_lang(response.text) == "en"
    assert "Page not found." in response.text


async def test_a_flash_message_shows_in_english(pages: PageClient, world: World) -> None:
    await pages.login(world.users["school_a"])
    await pages.post("/language", {"lang": "en", "next": "/my"})

    sent = await pages.post(
        f"/assignments/{world.assignments['a']}/reports", {"text": "Семинары проведены."}
    )
    page = await pages.get(sent.headers["location"])

    assert sent.status_code == 303
    assert "The report has been sent to the education department for review." in page.text
