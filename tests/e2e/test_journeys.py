"""Each role's main task, clicked through as a person would, in a real Chromium against the
served app with its demo district. The htmx swaps are checked to have happened in place (a
marker on ``window`` survives them) and no page logs an error.

The tests share one server: each picks its own assignments and meetings, so their order does
not matter.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from docx import Document
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import (
    DESKTOP,
    HEAD,
    PHONE,
    SCHOOL,
    SECRETARY,
    BrowserErrors,
    mark_window,
    open_menu_item,
    sideways_overflow,
    sign_in,
    violations,
    window_marked,
)

PROTOCOL = Path(__file__).resolve().parents[1] / "fixtures" / "protocols" / "02_vypiska.txt"
SOSH_GROUP = "Общеобразовательные организации (СОШ) (8 школ)"


def open_decision(page: Page, number: str) -> None:
    page.get_by_role("link", name=f"Открыть решение № {number}").click()
    expect(page.get_by_role("heading", level=1, name=f"Решение № {number}")).to_be_visible()


def test_secretary_imports_a_protocol_reviews_it_and_assigns_a_decision(
    context: BrowserContext, errors: BrowserErrors, screenshots: Path
) -> None:
    # Given the secretary on the import page
    page = sign_in(context, SECRETARY)
    open_menu_item(page, "Импорт протокола")
    expect(page.get_by_role("heading", level=1, name="Импорт протокола")).to_be_visible()

    # when she uploads a protocol, the draft is shown for review with what was recognised
    page.get_by_label("Файл протокола").set_input_files(PROTOCOL)
    page.get_by_role("button", name="Прочитать протокол").click()
    # (the plural forms are the translations' tests' business: any form of «решение» will do)
    expect(page.get_by_text(re.compile(r"Файл «02_vypiska\.txt»:\s+4\s+решени"))).to_be_visible()
    expect(page.get_by_label("Дата")).to_have_value("2024-02-21")
    unrecognised = (
        page.get_by_role("listitem")
        .filter(has_text="№ 2.3")
        .filter(has=page.get_by_label("Назначить"))
    )
    expect(unrecognised.get_by_text("⚠ Адресат не распознан")).to_be_visible()

    # and, leaving the unrecognised addressee for later, saves the draft
    unrecognised.get_by_label("Назначить").select_option(label="Не назначать школам")
    page.get_by_role("button", name="Создать совещание и поручения").click()

    # then the meeting exists with its four decisions, three of them assigned
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Создано\s+4\s+решени\S*\s+и\s+45\s+поручени")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Краснохолмского района")
    decisions = page.get_by_role("region", name="Решения")
    expect(decisions.get_by_text("Ещё не назначено школам.")).to_have_count(1)

    # when she assigns decision 2.3 to a group of schools (an htmx form on the decision page)
    open_decision(page, "2.3")
    mark_window(page)
    form = page.get_by_role("region", name="Назначить школам")
    form.get_by_role("radio", name="Группе школ").check()
    form.get_by_label("Группа").select_option(label=SOSH_GROUP)
    form.get_by_label("Срок исполнения (необязательно)").fill("2024-03-05")
    form.get_by_role("button", name="Назначить").click()

    # then the schools' list fills in place, without a page load
    schools = page.get_by_role("region", name="Школы")
    expect(schools.get_by_role("link", name="МБОУ Полетаевская СОШ")).to_be_visible()
    expect(schools.get_by_text("МБДОУ «Детский сад «Берёзка»»")).to_have_count(0)
    assert window_marked(page), "the assign form reloaded the page instead of swapping"
    page.reload()
    expect(page.get_by_role("region", name="Школы").get_by_role("link")).to_have_count(8)
    errors.assert_none()


def test_school_leader_reports_with_a_file_and_a_link_on_a_phone(
    phone: BrowserContext, errors: BrowserErrors, tmp_path: Path, screenshots: Path
) -> None:
    # Given the director of school № 1 on a 360 px phone, on her home page
    page = sign_in(phone, SCHOOL)
    expect(page).to_have_url(re.compile(r"/my$"))
    page.screenshot(path=screenshots / "school-home-phone.png")

    # when she opens an assignment in progress
    page.get_by_role("link", name=re.compile(r"^№ 5\. Обеспечить участие педагогических")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Решение № 5")
    page.get_by_role("heading", name="Отчёт об исполнении").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "assignment-report-form-phone.png")

    # and reports what was done, with a link and a file
    certificate = tmp_path / "Справка о семинаре.txt"
    certificate.write_text("Семинар «Одарённые дети» проведён 12.03, участвовали 5 педагогов.\n")
    mark_window(page)
    page.get_by_label("Что сделано").fill("Пять педагогов участвовали в региональном семинаре.")
    links = page.get_by_label("Ссылки (необязательно)")
    # (a link typed without https:// first: she is told why, her text kept, the field focused)
    links.fill("school1.example.ru/news/seminar")
    page.get_by_role("button", name="Отправить отчёт").click()
    expect(page.locator("#report-links-error")).to_be_visible()
    expect(links).to_be_focused()
    expect(page.get_by_label("Что сделано")).to_have_value(re.compile("Пять педагогов"))
    links.fill("https://school1.example.ru/news/seminar")
    page.get_by_label("Файлы (необязательно)").set_input_files(certificate)
    page.get_by_role("button", name="Отправить отчёт").click()

    # then the assignment is swapped in place: waiting for the head, with her report
    reports = page.get_by_role("region", name="Отчёты")
    expect(reports.get_by_text("Пять педагогов участвовали")).to_be_visible()
    expect(
        reports.get_by_role("link", name="https://school1.example.ru/news/seminar")
    ).to_be_visible()
    file_link = reports.get_by_role("link", name=re.compile("Справка о семинаре"))
    expect(file_link).to_be_visible()
    expect(page.get_by_role("button", name="Отправить отчёт")).to_have_count(0)
    assert window_marked(page), "the report form reloaded the page instead of swapping"

    # and the file she attached is the file the head will download
    with page.expect_download() as download:
        file_link.click()
    assert Path(download.value.path()).read_text() == certificate.read_text()
    errors.assert_none("status of 422", "Error Code 422")  # the refused link, answered in place


def test_head_accepts_one_report_and_returns_another_in_the_queue(
    context: BrowserContext, errors: BrowserErrors, screenshots: Path
) -> None:
    # Given the head on her review queue
    page = sign_in(context, HEAD)
    open_menu_item(page, "На проверке")
    expect(page.get_by_role("heading", level=1, name="На проверке")).to_be_visible()
    page.screenshot(path=screenshots / "review-queue.png")
    queue = page.get_by_role("article").filter(
        has=page.get_by_role("button", name="Снять с контроля")
    )
    first, second = queue.nth(0), queue.nth(1)
    first_title = first.get_by_role("heading", level=3).inner_text()
    second_title = second.get_by_role("heading", level=3).inner_text()
    accepted = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=first_title, exact=True)
    )
    returned = page.get_by_role("article").filter(
        has=page.get_by_role("heading", name=second_title, exact=True)
    )
    mark_window(page)

    # when she accepts the first report
    first.get_by_role("button", name="Снять с контроля").click()
    # then its row says so in place and offers no more buttons
    expect(accepted.get_by_text("Снято с контроля", exact=True)).to_be_visible()
    expect(accepted.get_by_role("button")).to_have_count(0)
    # and the keyboard's focus is on that row, not lost with the button that went away
    expect(accepted.get_by_role("link", name=first_title, exact=True)).to_be_focused()

    # when she tries to return the second without a comment, she is told why in place
    returned.get_by_role("button", name="Вернуть на доработку").click()
    expect(returned.locator(".field-error")).to_be_visible()
    expect(returned.get_by_label("Комментарий")).to_be_focused()  # where the reason is typed
    # and with a comment it goes back to the school
    returned.get_by_label("Комментарий").fill("Приложите протокол педагогического совета.")
    returned.get_by_role("button", name="Вернуть на доработку").click()
    expect(returned.get_by_text("Возвращено на доработку", exact=True)).to_be_visible()
    expect(returned.get_by_role("button")).to_have_count(0)
    assert window_marked(page), "a review button reloaded the page instead of swapping the row"

    # and after a reload both are gone from the queue
    page.reload()
    expect(page.get_by_role("heading", level=3, name=first_title)).to_have_count(0)
    expect(page.get_by_role("heading", level=3, name=second_title)).to_have_count(0)
    errors.assert_none("status of 422", "Error Code 422")  # the refused return, answered in place


def test_secretary_compiles_the_follow_up_and_downloads_the_agenda(
    context: BrowserContext, errors: BrowserErrors, screenshots: Path
) -> None:
    # Given a new meeting, later than the demo meeting of 05.02.2020
    page = sign_in(context, SECRETARY)
    open_menu_item(page, "Совещания")
    page.get_by_role("link", name="Новое совещание").click()
    page.get_by_label("Название").fill("Совещание руководителей ОО по итогам полугодия")
    page.get_by_label("Дата").fill("2020-03-11")
    page.get_by_role("button", name="Записать совещание").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Совещание руководителей ОО по итогам полугодия"
    )

    # when she compiles the follow-up of earlier decisions in its section
    section = page.get_by_role("region", name="О ходе исполнения решений прошлых совещаний")
    expect(
        section.get_by_role("button", name="Сформировать вопрос о ходе исполнения")
    ).to_be_visible()
    mark_window(page)
    section.get_by_label("Докладчик").fill("Рыбина Л.Д.")
    section.get_by_role("button", name="Сформировать вопрос о ходе исполнения").click()

    # then the section shows the frozen figures of the nine demo decisions, in place
    title = "О ходе исполнения решений совещания от 05.02.2020"
    expect(page.get_by_role("heading", level=2, name=re.compile(title))).to_be_visible()
    figures = page.get_by_role("table", name="Исполнение решений")
    expect(figures.get_by_role("row")).to_have_count(10)
    assert window_marked(page), "compiling reloaded the page instead of swapping the section"
    page.get_by_role("heading", level=2, name=re.compile(title)).scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "meeting-follow-up.png")
    # and the section, with its wide table of figures, reads well on a phone too
    page.set_viewport_size(PHONE)
    assert sideways_overflow(page) == []
    assert violations(page) == []
    page.set_viewport_size(DESKTOP)

    # and the agenda she downloads names that question
    with page.expect_download() as download:
        page.get_by_role("link", name="Повестка дня (.docx)").click()
    assert download.value.suggested_filename.endswith(".docx")
    agenda = Document(BytesIO(Path(download.value.path()).read_bytes()))
    lines = [p.text for p in agenda.paragraphs] + [
        cell.text for table in agenda.tables for row in table.rows for cell in row.cells
    ]
    assert any(title in line for line in lines), lines[:30]
    assert any("Рыбина Л.Д." in line for line in lines)
    errors.assert_none()
