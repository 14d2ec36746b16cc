"""The README's pictures, taken from the served demo at a moderate size (docs/screenshots/,
overwritten each run). The journeys take the others: the school's home and an assignment on
a phone, the review queue, a meeting with its follow-up."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import ContextFactory
from tests.e2e.helpers import HEAD, BrowserErrors, open_menu_item, sign_in

SCREEN = {"width": 1024, "height": 720}


def test_the_login_page(
    new_context: ContextFactory, errors: BrowserErrors, screenshots: Path
) -> None:
    page = new_context(viewport=SCREEN).new_page()
    page.goto("/")
    # an anonymous visitor is sent to sign in, in Russian
    expect(page.get_by_role("heading", level=1, name="Вход в систему")).to_be_visible()
    expect(page.get_by_label("Электронная почта")).to_be_empty()
    page.screenshot(path=screenshots / "login.png")
    errors.assert_none()


def test_the_discipline_report(
    new_context: ContextFactory, errors: BrowserErrors, screenshots: Path
) -> None:
    page = sign_in(new_context(viewport=SCREEN), HEAD)
    open_menu_item(page, "Исполнительская дисциплина")
    expect(page.get_by_role("heading", level=1, name="Исполнительская дисциплина")).to_be_visible()
    ranking = page.get_by_role("table", name="Школы по доле исполненных в срок")
    # every one of the demo district's fifteen institutions is ranked
    expect(ranking.get_by_role("rowheader")).to_have_count(15)
    page.screenshot(path=screenshots / "discipline-report.png")
    errors.assert_none()
