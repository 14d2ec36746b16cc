"""``/audit.csv``: every event the log's filters match, as Excel on a Russian Windows opens it,
made while it is sent; read back here field by field."""

from __future__ import annotations

import codecs
import csv
import io
import json

from tests.integration.audit.conftest import COMMENT, HEAD_NAME, Story
from tests.support.http import PASSWORD, PageClient
from tracker.accounts import services as accounts
from tracker.audit import export, search
from tracker.audit import services as audit
from tracker.audit.tables import AuditEvent
from tracker.settings import get_settings


async def download(pages: PageClient, query: str = "") -> list[dict[str, str]]:
    response = await pages.get(f"/audit.csv{'?' + query if query else ''}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; ")
    assert (
        "filename*=UTF-8''%D0%B6%D1%83%D1%80%D0%BD%D0%B0%D0%BB"
        in (response.headers["content-disposition"])
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content[len(codecs.BOM_UTF8) :].decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = next(reader)
    assert tuple(header) == export.HEADER
    return [dict(zip(header, line, strict=True)) for line in reader]


async def test_every_event_read_back_newest_first(story: Story, pages: PageClient) -> None:
    await pages.login(story.world.users["head"])

    lines = await download(pages)

    ids = [int(line["Номер записи"]) for line in lines]
    assert len(ids) == await AuditEvent.count()
    assert ids == sorted(ids, reverse=True)
    returned = next(line for line in lines if line["Действие"] == "Возвращено на доработку")
    assert returned["Кто"] == HEAD_NAME
    assert returned["Вид объекта"] == "Поручение"
    assert returned["Номер объекта"] == str(story.world.assignments["a"])
    assert returned["Объект"] == "Решение № 1 — МБОУ СОШ № 1"
    assert returned["Школа"] == "МБОУ СОШ № 1"
    assert returned["Изменения"].splitlines() == [
        "Состояние: На проверке → Возвращено на доработку",
        f"Комментарий: {COMMENT}",
    ]
    assert json.loads(returned["Было (JSON)"]) == {"status": "reported"}
    assert json.loads(returned["Стало (JSON)"]) == {"status": "returned", "comment": COMMENT}
    row = await AuditEvent.select().where(AuditEvent.id == int(returned["Номер записи"])).first()
    assert row is not None
    assert returned["Когда"] == row["at"].astimezone(get_settings().tz).strftime("%d.%m.%Y %H:%M")


async def test_the_log_filters_apply(story: Story, pages: PageClient) -> None:
    await pages.login(story.world.users["admin"])

    lines = await download(pages, f"entity=assignment&user={story.head_id}")

    assert {line["Действие"] for line in lines} == {"Возвращено на доработку", "Снято с контроля"}
    assert len(lines) == 2
    assert await download(pages, "q=нет+такого+нигде") == []


async def test_a_large_trail_comes_whole_in_batches(story: Story, pages: PageClient) -> None:
    many = search.EXPORT_BATCH + 150
    await audit.record_many(
        None, "school", "update", [(n, None, {"name": f"Школа {n}"}) for n in range(many)]
    )
    await pages.login(story.world.users["head"])

    lines = await download(pages, "entity=school")

    ids = [int(line["Номер записи"]) for line in lines]
    assert len(ids) == len(set(ids)) == many + 3  # the world's three schools
    assert ids == sorted(ids, reverse=True)


async def test_what_a_spreadsheet_would_run_is_kept_as_text(
    story: Story, pages: PageClient
) -> None:
    """A name that starts like a formula arrives as text, not as a formula."""
    user_id = await accounts.create_user(
        None,
        email="formula@example.ru",
        role="head",
        password=PASSWORD,
        full_name='=HYPERLINK("http://evil.example";"x")',
    )
    actor = await accounts.actor_for_user(user_id)
    await audit.record(actor, "school", story.world.schools["a"], "update", after={"name": "-2+3"})
    await pages.login(story.world.users["head"])

    line = (await download(pages, f"user={user_id}"))[0]

    assert line["Кто"] == '\'=HYPERLINK("http://evil.example";"x")'
    assert line["Изменения"] == "Название: -2+3"
    assert export.cell("@SUM(A1)") == "'@SUM(A1)"
    assert export.cell("+7 999") == "'+7 999"
    assert export.cell("Сделано") == "Сделано"
