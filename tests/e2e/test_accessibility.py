"""Accessibility of the main pages: axe-core (bundled with axe-playwright-python, run inside
the page) finds no violation of WCAG 2.1 A/AA nor of its best practices, on a desktop window
and at 360 px, where no page scrolls sideways (a wide table scrolls inside its own box). The
skip link moves focus to the content, and focus is visible on links, buttons and fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ContextFactory
from tests.e2e.helpers import (
    ADMIN,
    DESKTOP,
    HEAD,
    PHONE,
    SCHOOL,
    SECRETARY,
    BrowserErrors,
    sideways_overflow,
    sign_in,
    violations,
)

# The demo's assignment ids: decision n, school k (both from 1) is (n - 1) * 15 + k. School
# № 1's decision № 1 is accepted, with a report, links and a file; its decision № 9 is assigned
# and no other test reports on it: the report form stays.
ACCEPTED_WITH_FILES = "/assignments/1"
WITH_REPORT_FORM = "/assignments/121"
ENGLISH_SCHOOL = "school2@demo.example.ru"  # only the English test signs in as school № 2
ENGLISH_WITH_REPORT_FORM = "/assignments/122"

# The pages each role works on.
PAGES_OF = {
    SCHOOL: ["/my", WITH_REPORT_FORM, ACCEPTED_WITH_FILES],
    HEAD: ["/review", "/assignments", "/reports/discipline", "/dashboard"],
    SECRETARY: ["/meetings", "/meetings/1", "/meetings/new", "/decisions/1", "/protocols/import"],
    ADMIN: ["/admin/schools", "/admin/users", "/admin/calendar", "/admin/outbox"],
}


def settle(page: Page) -> None:
    """Wait until the parts htmx loads after the page (charts, the follow-up) are in."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def check(page: Page, path: str, problems: list[str]) -> None:
    """Open ``path`` at a desktop width and at 360 px; note what is wrong at either."""
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(path)
        settle(page)
        where = f"{path} at {viewport['width']} px"
        problems += [f"{where}: {line}" for line in violations(page)]
        problems += [f"{where} scrolls sideways: {line}" for line in sideways_overflow(page)]


def test_axe_catches_what_it_should(new_context: ContextFactory) -> None:
    # A check that never fails proves nothing: in this set-up axe must flag an unlabelled field
    # and grey-on-white text.
    page = new_context().new_page()
    page.set_content(
        '<html lang="ru"><title>t</title><main><h1>Проверка</h1><input type="text">'
        '<p style="color:#aaa;background:#fff">Бледный текст</p></main></html>'
    )
    found = " ".join(violations(page))
    assert "label (critical)" in found
    assert "color-contrast (serious)" in found


def test_the_skip_link_moves_focus_to_the_content(
    new_context: ContextFactory, errors: BrowserErrors
) -> None:
    # Given a signed-in head on a page with a long menu before the content
    page = sign_in(new_context(), HEAD)
    page.goto("/review")
    # when she presses Tab once, the skip link is focused and shown
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к содержимому")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # and Enter puts the focus on the content, where the next Tab continues
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    errors.assert_none()


FOCUS_RING = """el => {
  const style = getComputedStyle(el);
  return {outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
          shadow: style.boxShadow !== 'none', color: style.outlineColor};
}"""


def test_focus_is_visible_on_links_buttons_and_fields(
    new_context: ContextFactory, errors: BrowserErrors
) -> None:
    page = sign_in(new_context(), SCHOOL)
    page.goto(WITH_REPORT_FORM)
    targets = {
        "a link": page.get_by_role("link", name="← К списку поручений"),
        "a field": page.get_by_label("Что сделано"),
        "a button": page.get_by_role("button", name="Отправить отчёт"),
        "a header link": page.get_by_role("navigation").get_by_role("link").first,
    }
    for name, target in targets.items():
        target.focus()
        # keyboard focus (focus-visible) is what a mouse click would not show: press Shift
        page.keyboard.press("Shift")
        ring = target.evaluate(FOCUS_RING)
        assert ring["outline"], f"{name} has no focus outline: {ring}"
        assert ring["shadow"], f"{name} has no focus halo: {ring}"
    errors.assert_none()


def test_the_login_page_is_accessible_and_fits_a_phone(
    new_context: ContextFactory, errors: BrowserErrors
) -> None:
    problems: list[str] = []
    check(new_context().new_page(), "/login", problems)
    assert problems == []
    errors.assert_none()


@pytest.mark.parametrize("who", list(PAGES_OF))
def test_each_roles_pages_are_accessible_and_fit_a_phone(
    new_context: ContextFactory, errors: BrowserErrors, who: str
) -> None:
    page = sign_in(new_context(), who)
    problems: list[str] = []
    for path in PAGES_OF[who]:
        check(page, path, problems)
    assert problems == []
    errors.assert_none()


def test_in_english_a_phone_user_gets_the_same_accessible_pages(
    new_context: ContextFactory, errors: BrowserErrors
) -> None:
    # Given a school leader on a phone who picks English with the language switcher (another
    # school's: the choice is kept with the account, and the other tests read Russian)
    page = sign_in(new_context(viewport=PHONE, is_mobile=True, has_touch=True), ENGLISH_SCHOOL)
    page.get_by_role("button", name="English").click()
    # then the page says it is English (screen readers pronounce it so), and every page she
    # works on is still accessible and fits the screen
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    problems: list[str] = []
    for path in ("/my", ENGLISH_WITH_REPORT_FORM):
        page.goto(path)
        settle(page)
        problems += [f"{path}: {line}" for line in violations(page)]
        problems += [f"{path} scrolls sideways: {line}" for line in sideways_overflow(page)]
    expect(page.get_by_role("heading", level=1)).to_contain_text("Decision № 9")
    assert problems == []
    errors.assert_none()
