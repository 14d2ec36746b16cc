"""What the end-to-end tests share: demo logins, signing in, error capture, page checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, ViewportSize, expect

DEMO_PASSWORD = "sosnovka-2020"  # tracker/demo.py: one password for every demo account
HEAD = "head@demo.example.ru"
SECRETARY = "secretary@demo.example.ru"
SCHOOL = "school1@demo.example.ru"  # МБОУ СОШ № 1 с. Долгодеревенское
ADMIN = "admin@demo.example.ru"
PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}

# axe-core as bundled in axe-playwright-python: injected into the page, run there.
AXE = Axe()
RULES = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": sorted(RULES)}, "resultTypes": ["violations"]}


@dataclass
class BrowserErrors:
    console: list[str] = field(default_factory=list)
    page: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        """Listen to a new page of a context (``context.on("page", errors.watch)``)."""

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.console.append(f"{page.url}: {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda exc: self.page.append(f"{page.url}: {exc}"))

    def assert_none(self, *expected: str) -> None:
        """No page error and no console error but the ``expected`` ones (substrings), e.g.
        the 422 of a form sent back with a message."""
        unexpected = [line for line in self.console if not any(e in line for e in expected)]
        assert unexpected == [], unexpected
        assert self.page == [], self.page


def sign_in(context: BrowserContext, email: str) -> Page:
    """Open the login page in a new tab and sign in as a person would; returns the tab."""
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    return page


def open_menu_item(page: Page, name: str) -> None:
    """Follow a link of the main menu (the pages also link to one another by the same words)."""
    menu = page.get_by_role("navigation", name="Главное меню")
    menu.get_by_role("link", name=name, exact=True).click()


def mark_window(page: Page) -> None:
    """Set a marker on ``window``: it survives an htmx swap and is gone after a page load."""
    page.evaluate("window.__e2eMarker = 'still here'")


def window_marked(page: Page) -> bool:
    return bool(page.evaluate("window.__e2eMarker === 'still here'"))


def sideways_overflow(page: Page) -> list[str]:
    """Empty when the page does not scroll sideways; else the width and the elements that stick
    out (those inside a box that scrolls on its own, or visually hidden, are left out)."""
    return list(
        page.evaluate(
            """() => {
  const inner = window.innerWidth, width = document.scrollingElement.scrollWidth;
  if (width <= inner) return [];
  const out = [`scrollWidth ${width} > innerWidth ${inner}`];
  for (const el of document.querySelectorAll('body *')) {
    if (el.parentElement.closest('.table-wrap, .matrix-wrap, .visually-hidden')) continue;
    const right = el.getBoundingClientRect().right;
    if (right > inner + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(right)}`);
  }
  return out.slice(0, 12);
}"""
        )
    )


def violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now, one readable line each."""
    results: dict[str, Any] = AXE.run(page, options=AXE_OPTIONS).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
    ]
