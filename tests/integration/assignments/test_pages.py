"""The assignment pages through HTTP, as a browser uses them: full pages and their htmx
fragments, the report → review loop with files, extension requests, and the refusals."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.assignments import services as assignments
from tracker.assignments.lifecycle import Status
from tracker.schools.services import ChosenSchools
from tracker.settings import get_settings
from tracker.web.downloads import content_disposition

PDF = b"%PDF-1.4 plan of seminars\n" * 40


async def status_of(world: World, key: str) -> Status:
    detail = await assignments.get_assignment(await actor_of(world, "head"), world.assignments[key])
    return detail.summary.status


def file_ids(html: str) -> list[int]:
    return [int(m) for m in re.findall(r'href="/files/(\d+)"', html)]


def is_fragment(response: httpx.Response) -> bool:
    return "<html" not in response.text and "<body" not in response.text


async def report_as_school_a(world: World, pages: PageClient, text: str = "Сделано") -> None:
    await pages.login(world.users["school_a"])
    response = await pages.post(f"/assignments/{world.assignments['a']}/reports", {"text": text})
    assert response.status_code == 303, response.text


# ---------------------------------------------------------------- lists


async def test_my_page_full_and_fragment(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    full = await pages.get("/my")
    fragment = await pages.get("/my", htmx=True)

    assert full.status_code == 200
    assert "<html" in full.text
    assert "Мои поручения" in full.text
    assert 'name="status"' in full.text
    assert f'href="/assignments/{world.assignments["a"]}"' in full.text
    assert fragment.status_code == 200
    assert is_fragment(fragment)
    assert fragment.text.lstrip().startswith('<div id="assignment-list"')
    assert f'href="/assignments/{world.assignments["a"]}"' in fragment.text
    assert f'href="/assignments/{world.assignments["b"]}"' not in full.text


async def test_my_page_orders_overdue_then_returned_then_by_due_date(
    world: World, pages: PageClient
) -> None:
    # Given: the first decision (due 2030) returned for rework, the second overdue
    head = await actor_of(world, "head")
    school = await actor_of(world, "school_a")
    overdue = await assignments.assign(
        head, world.decisions[1], ChosenSchools((world.schools["a"],)), due_on=date(2026, 3, 1)
    )
    await assignments.submit_report(school, world.assignments["a"], text="Сделано")
    await assignments.return_for_rework(head, world.assignments["a"], comment="Нет плана")
    await pages.login(world.users["school_a"])

    response = await pages.get("/my")

    order = [int(i) for i in re.findall(r'href="/assignments/(\d+)"', response.text)]
    assert order == [overdue[0].id, world.assignments["a"]]
    assert "просрочено" in response.text
    assert "Возвращено на доработку" in response.text


async def test_my_page_filters_by_status_with_htmx(world: World, pages: PageClient) -> None:
    await report_as_school_a(world, pages)

    reported = await pages.get("/my?status=reported", htmx=True)
    assigned = await pages.get("/my?status=assigned", htmx=True)
    bad = await pages.get("/my?status=nonsense")

    assert is_fragment(reported)
    assert f'href="/assignments/{world.assignments["a"]}"' in reported.text
    assert "Поручений не найдено" in assigned.text
    assert bad.status_code == 422
    assert "Нет такого состояния" in bad.text


@pytest.mark.parametrize("role", ["head", "secretary", "admin"])
async def test_my_page_is_for_school_users_only(world: World, pages: PageClient, role: str) -> None:
    await pages.login(world.users[role])
    assert (await pages.get("/my")).status_code == 403


async def test_department_list_full_fragment_and_filters(world: World, pages: PageClient) -> None:
    await report_as_school_a(world, pages)
    await pages.login(world.users["secretary"])

    full = await pages.get("/assignments")
    fragment = await pages.get("/assignments", htmx=True)
    by_school = await pages.get(f"/assignments?school={world.schools['b']}", htmx=True)
    by_status = await pages.get("/assignments?status=reported", htmx=True)
    by_meeting = await pages.get(f"/assignments?meeting={world.meeting_id}", htmx=True)
    overdue = await pages.get("/assignments?overdue=1", htmx=True)

    assert full.status_code == 200
    assert "<html" in full.text
    assert "МБОУ СОШ № 2" in full.text
    assert 'name="school"' in full.text
    assert 'name="meeting"' in full.text
    assert is_fragment(fragment)
    assert len(re.findall(r'href="/assignments/\d+"', fragment.text)) == 3
    assert re.findall(r'href="/assignments/(\d+)"', by_school.text) == [str(world.assignments["b"])]
    assert re.findall(r'href="/assignments/(\d+)"', by_status.text) == [str(world.assignments["a"])]
    assert len(re.findall(r'href="/assignments/\d+"', by_meeting.text)) == 3
    assert "Поручений не найдено" in overdue.text  # due 2030


@pytest.mark.parametrize("role", ["school_a", "admin"])
async def test_department_list_is_not_for_schools_or_admin(
    world: World, pages: PageClient, role: str
) -> None:
    await pages.login(world.users[role])
    assert (await pages.get("/assignments")).status_code == 403


async def test_anonymous_is_sent_to_login(world: World, pages: PageClient) -> None:
    response = await pages.get(f"/assignments/{world.assignments['a']}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


# ---------------------------------------------------------------- one assignment


async def test_detail_page_full_and_fragment(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    url = f"/assignments/{world.assignments['a']}"

    full = await pages.get(url)
    fragment = await pages.get(url, htmx=True)

    assert full.status_code == 200
    assert "Обеспечить участие педагогов в семинарах." in full.text
    assert "01.03.2030" in full.text
    assert "05.02.2026" in full.text
    assert "Приступить к исполнению" in full.text
    assert 'enctype="multipart/form-data"' in full.text
    assert 'name="files" type="file" multiple' in full.text
    assert 'name="due_on"' in full.text
    assert "Снять с контроля" not in full.text  # the head's form
    assert "Поручение назначено" in full.text  # history
    assert fragment.status_code == 200
    assert is_fragment(fragment)
    assert fragment.text.lstrip().startswith('<div id="assignment"')


async def test_every_form_has_csrf_and_labels(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    html = (await pages.get(f"/assignments/{world.assignments['a']}")).text
    forms = re.findall(r"<form.*?</form>", html, flags=re.DOTALL)
    assert len(forms) >= 4  # logout, start, report, extension
    for form in forms:
        assert 'name="_csrf_token"' in form
    for control_id in re.findall(r'<(?:textarea|select|input)[^>]*\bid="([^"]+)"', html):
        assert f'for="{control_id}"' in html, control_id


async def test_start_moves_to_in_progress(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    url = f"/assignments/{world.assignments['a']}"

    response = await pages.post(f"{url}/start")

    assert response.status_code == 303
    assert response.headers["location"] == url
    assert await status_of(world, "a") is Status.IN_PROGRESS
    page = await pages.get(url)
    assert "Поручение принято в работу." in page.text  # the flash message
    assert "В работе" in page.text


async def test_start_with_htmx_answers_the_fragment_and_message(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post(f"/assignments/{world.assignments['a']}/start", htmx=True)

    assert response.status_code == 200
    assert is_fragment(response)
    assert response.text.lstrip().startswith('<div id="assignment"')
    assert 'hx-swap-oob="innerHTML"' in response.text
    assert "Поручение принято в работу." in response.text


# ---------------------------------------------------------------- the loop in the browser


async def test_report_with_files_and_links_then_head_accepts_in_review(
    world: World, pages: PageClient
) -> None:
    aid = world.assignments["a"]
    # Given: the school reports with two files and two links
    await pages.login(world.users["school_a"])
    response = await pages.post(
        f"/assignments/{aid}/reports",
        {
            "text": "Проведены семинары для 12 педагогов.",
            "links": "https://school1.example.ru/news/1\r\n\r\nhttps://school1.example.ru/news/2",
        },
        files=[
            ("files", ("план семинаров.pdf", PDF, "application/pdf")),
            ("files", ("фото.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")),
        ],
    )
    assert response.status_code == 303, response.text
    page = await pages.get(f"/assignments/{aid}")
    assert "Проведены семинары для 12 педагогов." in page.text
    assert 'href="https://school1.example.ru/news/2"' in page.text
    assert "план семинаров.pdf" in page.text
    assert "На проверке" in page.text
    assert "Отчёт отправлен на проверку" in page.text
    pdf_id = file_ids(page.text)[0]

    # The school downloads its own file: the same bytes, as an attachment
    download = await pages.get(f"/files/{pdf_id}")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(PDF).hexdigest()
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%D0%BF%D0%BB%D0%B0%D0%BD%20" in disposition

    # When: the head opens the queue and accepts inline (htmx)
    await pages.login(world.users["head"])
    queue = await pages.get("/review")
    assert queue.status_code == 200
    assert f'id="review-report-{aid}"' in queue.text
    assert "Проведены семинары для 12 педагогов." in queue.text
    assert f'href="/files/{pdf_id}"' in queue.text
    row = await pages.post(
        f"/assignments/{aid}/accept", {"comment": "Принято", "back": "review"}, htmx=True
    )

    # Then: the row swaps itself with the outcome, the assignment is accepted on time
    assert row.status_code == 200
    assert is_fragment(row)
    assert row.text.lstrip().startswith(
        f'<article class="card review-item" id="review-report-{aid}"'
    )
    assert "Снято с контроля" in row.text
    assert "Принято" in row.text
    assert await status_of(world, "a") is Status.ACCEPTED
    assert f'id="review-report-{aid}"' not in (await pages.get("/review")).text
    detail = await pages.get(f"/assignments/{aid}")
    assert "в срок" in detail.text
    assert "Снято с контроля" in detail.text  # history


async def test_head_returns_with_comment_and_school_sees_it(
    world: World, pages: PageClient
) -> None:
    await report_as_school_a(world, pages, "Частично сделано")
    await pages.login(world.users["head"])

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/return",
        {"comment": "Приложите план мероприятий", "back": "review"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/review"
    await pages.login(world.users["school_a"])
    my = await pages.get("/my")
    assert "Возвращено на доработку" in my.text
    detail = await pages.get(f"/assignments/{world.assignments['a']}")
    assert "Приложите план мероприятий" in detail.text
    assert "Отправить отчёт" in detail.text  # may report again


async def test_head_reviews_on_the_assignment_page(world: World, pages: PageClient) -> None:
    await report_as_school_a(world, pages)
    await pages.login(world.users["head"])
    url = f"/assignments/{world.assignments['a']}"
    page = await pages.get(url)
    assert "Снять с контроля" in page.text
    assert "Вернуть на доработку" in page.text

    response = await pages.post(f"{url}/accept", {"comment": ""}, htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="assignment"')
    assert await status_of(world, "a") is Status.ACCEPTED


async def test_return_without_comment_is_refused_beside_the_field(
    world: World, pages: PageClient
) -> None:
    await report_as_school_a(world, pages)
    await pages.login(world.users["head"])
    aid = world.assignments["a"]

    in_queue = await pages.post(f"/assignments/{aid}/return", {"back": "review"}, htmx=True)
    without_js = await pages.post(f"/assignments/{aid}/return", {"back": "review"})
    on_page = await pages.post(f"/assignments/{aid}/return", {"comment": "  "})

    assert in_queue.status_code == 422
    assert in_queue.text.lstrip().startswith(
        f'<article class="card review-item" id="review-report-{aid}"'
    )
    assert "Напишите, что нужно доработать." in in_queue.text
    assert without_js.status_code == 422
    assert "<html" in without_js.text
    assert "Напишите, что нужно доработать." in without_js.text
    assert on_page.status_code == 422
    assert 'aria-invalid="true"' in on_page.text
    assert await status_of(world, "a") is Status.REPORTED


async def test_extension_request_approved_moves_the_due_date(
    world: World, pages: PageClient
) -> None:
    aid = world.assignments["a"]
    await pages.login(world.users["school_a"])
    response = await pages.post(
        f"/assignments/{aid}/extension-requests",
        {"due_on": "2030-04-01", "reason": "Семинары перенесены организатором"},
    )
    assert response.status_code == 303
    page = await pages.get(f"/assignments/{aid}")
    assert "Ожидает решения" in page.text
    assert "Попросить перенос срока" not in page.text  # one pending request at a time

    await pages.login(world.users["head"])
    queue = await pages.get("/review")
    request_id = int(re.findall(r'id="review-ext-(\d+)"', queue.text)[0])
    assert "Семинары перенесены организатором" in queue.text
    row = await pages.post(
        f"/extension-requests/{request_id}/approve", {"comment": "Согласовано"}, htmx=True
    )

    assert row.status_code == 200
    assert row.text.lstrip().startswith(
        f'<article class="card review-item" id="review-ext-{request_id}"'
    )
    assert "Одобрен" in row.text
    detail = await assignments.get_assignment(await actor_of(world, "head"), aid)
    assert detail.summary.due_on == date(2030, 4, 1)
    await pages.login(world.users["school_a"])
    page = await pages.get(f"/assignments/{aid}")
    assert "01.04.2030" in page.text
    assert "Срок: 01.03.2030 → 01.04.2030" in page.text  # history


async def test_extension_rejected_without_js_keeps_the_due_date(
    world: World, pages: PageClient
) -> None:
    school = await actor_of(world, "school_a")
    request_id = await assignments.request_extension(
        school, world.assignments["a"], due_on=date(2030, 5, 1), reason="Ремонт"
    )
    await pages.login(world.users["head"])

    response = await pages.post(f"/extension-requests/{request_id}/reject", {"comment": "Нет"})

    assert response.status_code == 303
    assert response.headers["location"] == "/review"
    detail = await assignments.get_assignment(school, world.assignments["a"])
    assert detail.summary.due_on == date(2030, 3, 1)
    assert detail.extensions[0].status == "rejected"


async def test_head_decides_extension_on_the_assignment_page(
    world: World, pages: PageClient
) -> None:
    school = await actor_of(world, "school_a")
    aid = world.assignments["a"]
    request_id = await assignments.request_extension(
        school, aid, due_on=date(2030, 5, 1), reason="Ремонт"
    )
    await pages.login(world.users["head"])
    page = await pages.get(f"/assignments/{aid}")
    assert f"/extension-requests/{request_id}/approve" in page.text

    response = await pages.post(
        f"/extension-requests/{request_id}/approve", {"back": "detail", "assignment": str(aid)}
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/assignments/{aid}"


async def test_review_page_full_and_fragment(world: World, pages: PageClient) -> None:
    await report_as_school_a(world, pages)
    await pages.login(world.users["head"])

    full = await pages.get("/review")
    fragment = await pages.get("/review", htmx=True)

    assert "<html" in full.text
    assert "Отчёты на проверке (1)" in full.text
    assert is_fragment(fragment)
    assert fragment.text.lstrip().startswith('<div id="review-queue"')


@pytest.mark.parametrize("role", ["secretary", "school_a", "admin"])
async def test_review_page_is_for_the_head_only(world: World, pages: PageClient, role: str) -> None:
    await pages.login(world.users[role])
    assert (await pages.get("/review")).status_code == 403


# ---------------------------------------------------------------- refusals


async def test_another_school_gets_404_for_page_file_and_forms(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    await pages.post(
        f"/assignments/{world.assignments['a']}/reports",
        {"text": "Сделано"},
        files=[("files", ("план.pdf", PDF, "application/pdf"))],
    )
    file_id = file_ids((await pages.get(f"/assignments/{world.assignments['a']}")).text)[0]
    await pages.login(world.users["school_b"])
    aid = world.assignments["a"]

    assert (await pages.get(f"/assignments/{aid}")).status_code == 404
    assert (await pages.get(f"/assignments/{aid}", htmx=True)).status_code == 404
    assert (await pages.get(f"/files/{file_id}")).status_code == 404
    assert (await pages.post(f"/assignments/{aid}/start")).status_code == 404
    assert (await pages.post(f"/assignments/{aid}/reports", {"text": "чужое"})).status_code == 404
    extension = await pages.post(
        f"/assignments/{aid}/extension-requests", {"due_on": "2030-04-01", "reason": "x"}
    )
    assert extension.status_code == 404
    assert await status_of(world, "a") is Status.REPORTED


async def test_wrong_roles_get_403(world: World, pages: PageClient) -> None:
    await report_as_school_a(world, pages)
    aid = world.assignments["a"]

    await pages.login(world.users["secretary"])
    assert (await pages.post(f"/assignments/{aid}/accept", {})).status_code == 403
    assert (await pages.post(f"/assignments/{aid}/return", {"comment": "x"})).status_code == 403
    await pages.login(world.users["head"])
    assert (
        await pages.post(f"/assignments/{world.assignments['b']}/reports", {"text": "x"})
    ).status_code == 403
    assert (await pages.post(f"/assignments/{world.assignments['b']}/start")).status_code == 403
    await pages.login(world.users["school_a"])
    assert (await pages.post(f"/assignments/{aid}/accept", {})).status_code == 403
    assert await status_of(world, "a") is Status.REPORTED


async def test_school_cannot_decide_its_own_extension(world: World, pages: PageClient) -> None:
    school = await actor_of(world, "school_a")
    request_id = await assignments.request_extension(
        school, world.assignments["a"], due_on=date(2030, 5, 1), reason="Ремонт"
    )
    await pages.login(world.users["school_a"])
    assert (await pages.post(f"/extension-requests/{request_id}/approve")).status_code == 403
    await pages.login(world.users["school_b"])
    assert (await pages.post(f"/extension-requests/{request_id}/approve")).status_code == 403


async def test_csrf_token_missing_is_403_and_nothing_changes(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/reports", {"text": "Сделано"}, csrf=False
    )

    assert response.status_code == 403
    assert await status_of(world, "a") is Status.ASSIGNED


async def test_accepting_a_never_reported_assignment_is_409(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["head"])

    full = await pages.post(f"/assignments/{world.assignments['a']}/accept")
    swapped = await pages.post(f"/assignments/{world.assignments['a']}/accept", htmx=True)

    assert full.status_code == 409
    assert "по которому есть отчёт на проверке" in full.text
    assert swapped.status_code == 409
    assert swapped.headers["hx-retarget"] == "#messages"


async def test_empty_report_text_is_422_and_nothing_written(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/reports",
        {"text": "   ", "links": "https://example.ru"},
        files=[("files", ("план.pdf", PDF, "application/pdf"))],
    )

    assert response.status_code == 422
    assert 'id="report-text-error"' in response.text
    assert "https://example.ru" in response.text  # what was typed is kept
    detail = await assignments.get_assignment(
        await actor_of(world, "school_a"), world.assignments["a"]
    )
    assert detail.reports == ()
    assert detail.summary.status is Status.ASSIGNED
    assert not any(get_settings().files_dir.rglob("*")) or not any(
        p.is_file() for p in get_settings().files_dir.rglob("*")
    )


async def test_bad_link_is_422_beside_the_field(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/reports",
        {"text": "Сделано", "links": "javascript:alert(1)"},
        htmx=True,
    )

    assert response.status_code == 422
    assert is_fragment(response)
    assert 'id="report-links-error"' in response.text
    assert "http://" in response.text
    assert await status_of(world, "a") is Status.ASSIGNED


async def test_empty_file_input_is_not_a_file(world: World, pages: PageClient) -> None:
    # A browser sends an empty part for a file input left empty.
    await pages.login(world.users["school_a"])

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/reports",
        {"text": "Сделано"},
        files=[("files", ("", b"", "application/octet-stream"))],
    )

    assert response.status_code == 303
    detail = await assignments.get_assignment(
        await actor_of(world, "school_a"), world.assignments["a"]
    )
    assert detail.reports[0].files == ()


@pytest.mark.parametrize(
    ("due_on", "reason", "field"),
    [
        ("2020-01-01", "Ремонт", "due_on"),
        ("2030-02-01", "Ремонт", "due_on"),  # not later than the current due date
        ("31.02.2030", "Ремонт", "due_on"),
        ("", "Ремонт", "due_on"),
        ("2030-04-01", "  ", "reason"),
    ],
)
async def test_bad_extension_request_is_422(
    world: World, pages: PageClient, due_on: str, reason: str, field: str
) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/extension-requests",
        {"due_on": due_on, "reason": reason},
    )

    assert response.status_code == 422
    field_id = {"due_on": "extension-due-on", "reason": "extension-reason"}[field]
    assert f'id="{field_id}-error"' in response.text
    detail = await assignments.get_assignment(
        await actor_of(world, "school_a"), world.assignments["a"]
    )
    assert detail.extensions == ()


async def test_file_over_the_limit_is_413_and_nothing_written(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    limit = get_settings().max_upload_bytes

    response = await pages.post(
        f"/assignments/{world.assignments['a']}/reports",
        {"text": "Сделано"},
        files=[("files", ("видео.mp4", b"x" * (limit + 1), "video/mp4"))],
    )

    assert response.status_code == 413
    assert "больше 20 МБ" in response.text
    assert 'id="report-files-error"' in response.text
    detail = await assignments.get_assignment(
        await actor_of(world, "school_a"), world.assignments["a"]
    )
    assert detail.reports == ()
    assert not [p for p in get_settings().files_dir.rglob("*") if p.is_file()]


async def test_corrupted_file_answers_410_not_500(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    await pages.post(
        f"/assignments/{world.assignments['a']}/reports",
        {"text": "Сделано"},
        files=[("files", ("план.pdf", PDF, "application/pdf"))],
    )
    file_id = file_ids((await pages.get(f"/assignments/{world.assignments['a']}")).text)[0]
    stored: list[Path] = [p for p in get_settings().files_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1
    stored[0].write_bytes(b"%PDF-1.4 tampered")

    response = await pages.get(f"/files/{file_id}")

    assert response.status_code == 410
    assert "Файл «план.pdf» повреждён или утерян" in response.text
    stored[0].unlink()
    assert (await pages.get(f"/files/{file_id}")).status_code == 410


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "план.pdf",
            "attachment; filename=\"____.pdf\"; filename*=UTF-8''%D0%BF%D0%BB%D0%B0%D0%BD.pdf",
        ),
        ("a;b\\c.txt", "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%3Bb%5Cc.txt"),
        (
            "report 1.docx",
            "attachment; filename=\"report 1.docx\"; filename*=UTF-8''report%201.docx",
        ),
    ],
)
def test_content_disposition_keeps_the_original_name(name: str, expected: str) -> None:
    assert content_disposition(name) == expected
