"""The import screen: upload or paste → the editable preview → the meeting with its decisions
and assignments. Each page whole and as its htmx fragment; bad input gives the form back with
the message and writes nothing; only the head and the secretary get in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.integration.protocols.helpers import (
    SEED_AS_DOCX_PARAGRAPHS,
    counts,
    docx_bytes,
    form_fields,
    seed_bytes,
)
from tests.support.http import PageClient
from tests.support.world import World
from tracker.assignments.tables import Assignment
from tracker.meetings.tables import Meeting
from tracker.protocols import services as protocols

DOU_PROTOCOL = """ПРОТОКОЛ № 3
совещания руководителей дошкольных образовательных учреждений
от 12.03.2026

РЕШИЛИ:

Заведующим ДОУ:
1. Обеспечить проведение тренировочных мероприятий по эвакуации.
2. Организовать работу консультационных пунктов для родителей.

Начальник отдела образования М.В.Нефёдова
"""

UNKNOWN_PROTOCOL = """ПРОТОКОЛ № 4
совещания при начальнике отдела образования
от 19.03.2026

РЕШИЛИ:

Директору МБОУ СОШ № 5:
1. Рассмотреть обращения родителей.
"""
"""Addressed to a school the district does not have: the resolver cannot place it."""


def decisions_in(html: str) -> int:
    return len(re.findall(r'id="protocol-review-decision-\d+"', html))


async def upload(
    pages: PageClient, name: str, data: bytes, *, htmx: bool = False
) -> httpx.Response:
    return await pages.post("/protocols/import", files={"file": (name, data)}, htmx=htmx)


async def paste(pages: PageClient, text: str, *, htmx: bool = False) -> httpx.Response:
    return await pages.post("/protocols/import", {"text": text}, htmx=htmx)


async def confirm(
    pages: PageClient, fields: dict[str, Any], *, htmx: bool = False
) -> httpx.Response:
    return await pages.post("/protocols/import/confirm", fields, htmx=htmx)


def created_meeting(response: httpx.Response) -> int:
    location = response.headers.get("location") or response.headers.get("hx-redirect") or ""
    found = re.fullmatch(r"/meetings/(\d+)", location)
    assert found, (response.status_code, response.headers, response.text[:500])
    return int(found.group(1))


# ---------------------------------------------------------------- the upload page


@pytest.mark.parametrize("key", ["head", "secretary"])
async def test_import_page_offers_a_file_or_text_with_progress(
    world: World, pages: PageClient, key: str
) -> None:
    await pages.login(world.users[key])

    response = await pages.get("/protocols/import")

    text = response.text
    assert response.status_code == 200
    assert "<html" in text
    assert "<h1>Импорт протокола</h1>" in text
    assert 'enctype="multipart/form-data"' in text
    assert 'name="file" type="file"' in text
    assert 'name="text"' in text
    assert 'hx-indicator="#protocol-upload-progress"' in text
    assert "<progress" in text
    assert "/static/protocol-import.js" in text
    assert "<script>" not in text  # no inline script
    assert 'href="/protocols/import"' in text  # the menu


async def test_import_page_fragment_is_the_form_alone(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.get("/protocols/import", htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<form id="protocol-upload"')


async def test_the_progress_script_is_served(world: World, pages: PageClient) -> None:
    response = await pages.get("/static/protocol-import.js")

    assert response.status_code == 200
    assert "htmx:xhr:progress" in response.text


async def test_school_users_have_no_menu_link(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.get("/my")

    assert 'href="/protocols/import"' not in response.text


@pytest.mark.parametrize("key", ["school_a", "admin"])
async def test_other_roles_get_403_and_nothing_is_written(
    world: World, pages: PageClient, key: str
) -> None:
    await pages.login(world.users[key])
    before = await counts()

    assert (await pages.get("/protocols/import")).status_code == 403
    assert (await pages.get("/protocols/import", htmx=True)).status_code == 403
    assert (await upload(pages, "p.txt", seed_bytes())).status_code == 403
    assert (await pages.post("/protocols/import/review", {"title": "x"})).status_code == 403
    answer = await confirm(pages, {"title": "x", "date": "2026-03-12", "decision_count": "0"})
    assert answer.status_code == 403
    assert await counts() == before


async def test_signed_out_users_are_sent_to_log_in(world: World, pages: PageClient) -> None:
    response = await pages.get("/protocols/import")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


# ---------------------------------------------------------------- the seed protocol, end to end


@pytest.mark.parametrize("htmx", [False, True])
async def test_the_seed_imports_as_nine_decisions_for_every_school(
    world: World, pages: PageClient, htmx: bool
) -> None:
    # Given the secretary and the seed protocol of 05.02.2020
    await pages.login(world.users["secretary"])
    before = await counts()

    # When she uploads it
    response = await upload(pages, "004_98c1e272bfa50f87.txt", seed_bytes(), htmx=htmx)

    # Then the preview shows nine decisions, each addressed to all (three) schools
    text = response.text
    assert response.status_code == 200, text[:2000]
    assert ("<html" in text) is not htmx
    assert decisions_in(text) == 9
    assert text.count("Все школы (3)</strong>") == 9
    assert "Рыбина Л.Д." in text
    assert "05.02.2020" in text or 'value="2020-02-05"' in text
    assert "будет создано 27 поручений" in text
    assert "не распознано" not in text
    assert await counts() == before  # a preview writes nothing

    # When she confirms it as it is
    answer = await confirm(pages, form_fields(text, "protocol-review"), htmx=htmx)

    # Then one meeting, nine decisions and 9 × 3 assignments are created
    assert answer.status_code == (200 if htmx else 303), answer.text[:2000]
    meeting_id = created_meeting(answer)
    after = await counts()
    assert after["meetings"] == before["meetings"] + 1
    assert after["decisions"] == before["decisions"] + 9
    assert after["assignments"] == before["assignments"] + 9 * 3
    row = await Meeting.select().where(Meeting.id == meeting_id).first()
    assert row is not None
    assert row["source_sha256"] == protocols.document_sha256(seed_bytes())
    # and the meeting page says so
    meeting_page = await pages.get(f"/meetings/{meeting_id}")
    assert "Создано 9 решений и 27 поручений." in meeting_page.text
    assert "Итоги мониторинга" in meeting_page.text


async def test_a_word_document_imports_too(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await upload(pages, "protocol.docx", docx_bytes(*SEED_AS_DOCX_PARAGRAPHS))

    assert response.status_code == 200, response.text[:2000]
    assert decisions_in(response.text) == 2
    assert response.text.count("Все школы (3)</strong>") == 2


async def test_a_resolved_group_creates_only_that_groups_assignments(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["head"])

    response = await paste(pages, DOU_PROTOCOL)

    assert response.status_code == 200, response.text[:2000]
    assert decisions_in(response.text) == 2
    assert response.text.count("Группа: ДОУ (1)</strong>") == 2
    answer = await confirm(pages, form_fields(response.text, "protocol-review"))
    meeting_id = created_meeting(answer)
    rows = await Assignment.select(Assignment.school).where(
        Assignment.decision.meeting == meeting_id
    )
    assert [r["school"] for r in rows] == [world.schools["c"]] * 2


# ---------------------------------------------------------------- editing the draft


async def test_an_unresolved_addressee_is_red_and_must_be_chosen(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["head"])
    response = await paste(pages, UNKNOWN_PROTOCOL)
    assert response.status_code == 200, response.text[:2000]
    assert 'class="field-error unresolved">не распознано' in response.text
    fields = form_fields(response.text, "protocol-review")
    assert fields["decisions.0.target"] == ""
    before = await counts()

    answer = await confirm(pages, fields)

    assert answer.status_code == 422
    assert 'id="protocol-review-decisions.0.target-error"' in answer.text
    assert "Выберите, кому назначить решение" in answer.text
    assert await counts() == before

    # choosing two schools by ticking them is enough, even without touching the select
    fields = form_fields(answer.text, "protocol-review")
    fields["decisions.0.schools"] = [str(world.schools["a"]), str(world.schools["c"])]
    done = await confirm(pages, fields)
    meeting_id = created_meeting(done)
    rows = await Assignment.select(Assignment.school).where(
        Assignment.decision.meeting == meeting_id
    )
    assert sorted(r["school"] for r in rows) == sorted([world.schools["a"], world.schools["c"]])


INFORMATION_PROTOCOL = """ПРОТОКОЛ № 6
совещания руководителей образовательных учреждений
от 26.03.2026

РЕШИЛИ:
1. Информацию Ивановой Т.П. принять к сведению.
2. Руководителям ОО обеспечить участие в семинаре.
"""


async def test_an_untracked_decision_asks_for_no_addressee(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    response = await paste(pages, INFORMATION_PROTOCOL)
    assert response.status_code == 200, response.text[:2000]
    fields = form_fields(response.text, "protocol-review")
    # «принять к сведению» is not tracked: no target to pick, nothing flagged red
    assert "decisions.0.target" not in fields
    assert "не распознано" not in response.text

    meeting_id = created_meeting(await confirm(pages, fields))

    rows = await Assignment.select(Assignment.decision.number).where(
        Assignment.decision.meeting == meeting_id
    )
    assert {r["decision.number"] for r in rows} == {"2"}


@pytest.mark.parametrize("htmx", [False, True])
async def test_a_rewritten_addressee_is_resolved_again_on_refresh(
    world: World, pages: PageClient, htmx: bool
) -> None:
    await pages.login(world.users["secretary"])
    response = await paste(pages, UNKNOWN_PROTOCOL)
    fields = form_fields(response.text, "protocol-review")
    fields["decisions.0.addressee"] = "Директору МБОУ СОШ №2 (Петрова А.А.)"

    refreshed = await pages.post("/protocols/import/review", fields, htmx=htmx)

    assert refreshed.status_code == 200
    assert ("<html" in refreshed.text) is not htmx
    assert "МБОУ СОШ № 2</strong>" in refreshed.text
    fields = form_fields(refreshed.text, "protocol-review")
    assert fields["decisions.0.target"] == "schools"
    assert fields["decisions.0.schools"] == str(world.schools["b"])


async def test_a_group_chosen_by_hand_is_kept(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])
    response = await upload(pages, "seed.txt", seed_bytes())
    fields = form_fields(response.text, "protocol-review")
    fields["decisions.0.target"] = f"group:{world.groups['СОШ']}"
    fields["decisions.1.target"] = "none"
    fields["decisions.2.skip"] = "on"

    refreshed = await pages.post("/protocols/import/review", fields)
    assert "Выбрано вручную." in refreshed.text
    answer = await confirm(pages, form_fields(refreshed.text, "protocol-review"))

    meeting_id = created_meeting(answer)
    page = await pages.get(f"/meetings/{meeting_id}")
    assert "Создано 8 решений и 20 поручений." in page.text  # 2 + 0 + 6 × 3


async def test_a_field_error_keeps_what_was_typed(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])
    response = await upload(pages, "seed.txt", seed_bytes())
    fields = form_fields(response.text, "protocol-review")
    fields["date"] = "31.02.2020"
    fields["decisions.3.text"] = ""
    before = await counts()

    answer = await confirm(pages, fields, htmx=True)

    assert answer.status_code == 422
    assert "<html" not in answer.text
    assert 'value="31.02.2020"' in answer.text
    assert "Неверная дата" in answer.text
    assert 'id="protocol-review-decisions.3.text-error"' in answer.text
    assert await counts() == before


# ---------------------------------------------------------------- the same document again


async def test_a_reimport_warns_and_needs_the_checkbox(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])
    first = await upload(pages, "seed.txt", seed_bytes())
    first_id = created_meeting(await confirm(pages, form_fields(first.text, "protocol-review")))

    # the same file again: the preview warns, with a link to the meeting made from it
    again = await upload(pages, "seed-copy.txt", seed_bytes())
    assert again.status_code == 200
    assert "Этот документ уже импортирован" in again.text
    assert f'href="/meetings/{first_id}"' in again.text
    assert 'name="reimport"' in again.text
    fields = form_fields(again.text, "protocol-review")
    assert "reimport" not in fields
    before = await counts()

    refused = await confirm(pages, fields)

    assert refused.status_code == 409
    assert 'id="protocol-review-reimport-error"' in refused.text
    assert await counts() == before

    fields["reimport"] = "on"
    second_id = created_meeting(await confirm(pages, fields))
    assert second_id != first_id
    assert (await counts())["meetings"] == before["meetings"] + 1


async def test_pasting_the_same_text_again_is_noticed(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    first = await paste(pages, DOU_PROTOCOL)
    created_meeting(await confirm(pages, form_fields(first.text, "protocol-review")))

    again = await paste(pages, DOU_PROTOCOL.replace("\n", "\r\n") + "\n\n")

    assert "Этот документ уже импортирован" in again.text


# ---------------------------------------------------------------- bad input

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def truncated_docx() -> bytes:
    whole = docx_bytes(*SEED_AS_DOCX_PARAGRAPHS)
    return whole[: len(whole) // 2]


@dataclass(frozen=True)
class BadInput:
    body: dict[str, str] | None
    files: dict[str, tuple[str, bytes]] | None
    status: int
    field: str


BAD_INPUTS = {
    "binary": BadInput(None, {"file": ("scan.png", PNG)}, 422, "file"),
    "binary named .txt": BadInput(None, {"file": ("protocol.txt", PNG)}, 422, "file"),
    "empty file": BadInput(None, {"file": ("empty.txt", b"")}, 400, "file"),
    "blank file": BadInput(None, {"file": ("blank.txt", b" \n\r\n ")}, 400, "file"),
    "truncated docx": BadInput(None, {"file": ("protocol.docx", truncated_docx())}, 422, "file"),
    "no decisions": BadInput(
        {"text": "Уважаемые коллеги!\nПриглашаем на семинар.\n"}, None, 422, "text"
    ),
    "nothing": BadInput({"text": "   "}, None, 400, "text"),
}


@pytest.mark.parametrize("what", list(BAD_INPUTS))
@pytest.mark.parametrize("htmx", [False, True])
async def test_bad_input_gives_the_form_back_with_the_message(
    world: World, pages: PageClient, what: str, htmx: bool
) -> None:
    case = BAD_INPUTS[what]
    await pages.login(world.users["secretary"])
    before = await counts()

    response = await pages.post("/protocols/import", case.body, files=case.files, htmx=htmx)

    text = response.text
    assert response.status_code == case.status, (what, text[:2000])
    assert ("<html" in text) is not htmx
    assert '<form id="protocol-upload"' in text
    error = re.search(
        rf'<p class="field-error" id="protocol-upload-{case.field}-error">([^<]+)</p>', text
    )
    assert error, text[:3000]
    assert re.search("[а-яА-Я]", error.group(1))  # a Russian message
    assert await counts() == before


async def test_a_file_over_50_mb_is_refused_with_413(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])
    before = await counts()
    big = b"\xd0\xb0" * (protocols.MAX_DOCUMENT_BYTES // 2) + b"!"

    response = await upload(pages, "big.txt", big)

    assert response.status_code == 413
    assert '<form id="protocol-upload"' in response.text
    assert "больше 50 МБ" in response.text
    assert await counts() == before


async def test_a_request_beyond_the_limit_is_refused_before_reading(
    world: World, pages: PageClient
) -> None:
    # htmx sends the CSRF token as a header, so the handler itself meets the oversized body
    await pages.login(world.users["secretary"])
    huge = b"a" * (protocols.MAX_DOCUMENT_BYTES + 5 * 1024 * 1024)

    response = await pages.client.post(
        "/protocols/import",
        files={"file": ("huge.txt", huge)},
        headers={"HX-Request": "true", "x-csrftoken": pages.csrf_token},
    )

    assert response.status_code == 413
    assert '<form id="protocol-upload"' in response.text
    assert "больше 50 МБ" in response.text
