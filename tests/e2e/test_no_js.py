"""Every form still works with JavaScript off: sign in, report, accept — plain posts and
redirects, the same pages."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import ContextFactory
from tests.e2e.helpers import HEAD, SCHOOL, BrowserErrors, sign_in

SCHOOL_NAME = "МБОУ СОШ № 1 с. Долгодеревенское"


def test_without_javascript_a_school_reports_and_the_head_accepts(
    no_js: BrowserContext, new_context: ContextFactory, errors: BrowserErrors
) -> None:
    # Given the school leader signed in without JavaScript (no htmx on the page)
    page = sign_in(no_js, SCHOOL)
    expect(page).to_have_url(re.compile(r"/my$"))

    # when she opens an assignment nobody has touched yet and reports with a plain post
    page.get_by_role("link", name=re.compile(r"^№ 8\. Обеспечить активное участие")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Решение № 8")
    page.get_by_label("Что сделано").fill("Составлен график участия обучающихся в олимпиадах.")
    page.get_by_label("Ссылки (необязательно)").fill("https://school1.example.ru/olympiads")
    page.get_by_role("button", name="Отправить отчёт").click()

    # then, after a redirect to the assignment, the page shows the report, waiting for the head
    expect(page).to_have_url(re.compile(r"/assignments/\d+$"))
    reports = page.get_by_role("region", name="Отчёты")
    expect(reports.get_by_text("Составлен график участия обучающихся")).to_be_visible()
    expect(page.get_by_role("button", name="Отправить отчёт")).to_have_count(0)

    # when the head, also without JavaScript, accepts it from her queue
    head = sign_in(new_context(java_script_enabled=False), HEAD)  # her own cookies
    head.goto("/review")
    item = head.get_by_role("article").filter(
        has=head.get_by_role("heading", level=3, name=f"{SCHOOL_NAME} — решение № 8")
    )
    item.get_by_label("Комментарий").fill("Принято.")
    item.get_by_role("button", name="Снять с контроля").click()

    # then she is back on the queue (a redirect, not a fragment) with the outcome announced
    expect(head).to_have_url(re.compile(r"/review$"))
    expect(head.get_by_role("heading", level=1, name="На проверке")).to_be_visible()
    expect(head.get_by_role("heading", level=3, name=f"{SCHOOL_NAME} — решение № 8")).to_have_count(
        0
    )

    # and the school sees the assignment accepted
    page.reload()
    expect(page.get_by_text("Снято с контроля").first).to_be_visible()
    errors.assert_none()
