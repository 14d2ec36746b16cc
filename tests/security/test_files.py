"""Report files through the real app, page and API alike: the type is read from the bytes and
must agree with the name (else the whole report is refused and nothing is kept), the size
limits hold at their edges, names cannot reach the disk, files live outside static under
random names, and a download is an attachment of the type we read, sent only while its
checksum still matches (a damaged or missing file: 410 with a Russian message, and an audit
event)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from tests.support import file_samples as samples
from tests.support.http import ApiClient, PageClient
from tests.support.world import World
from tracker.assignments.tables import Assignment, Report, ReportFile
from tracker.audit.tables import AuditEvent
from tracker.settings import get_settings
from tracker.web.app import STATIC_DIR

MB = 1024 * 1024
Files = list[tuple[str, tuple[str, bytes, str]]]


def files_of(*named: tuple[str, bytes]) -> Files:
    return [("files", (name, data, "application/octet-stream")) for name, data in named]


async def post_report(
    client: PageClient | ApiClient, assignment_id: int, files: Files
) -> httpx.Response:
    if isinstance(client, PageClient):
        return await client.post(
            f"/assignments/{assignment_id}/reports", {"text": "Сделано", "links": ""}, files=files
        )
    return await client.post(
        f"/api/v1/assignments/{assignment_id}/reports", data={"text": "Сделано"}, files=files
    )


@pytest.fixture(params=["page", "api"])
async def client(
    request: pytest.FixtureRequest, world: World, pages: PageClient, api: ApiClient
) -> PageClient | ApiClient:
    """The school's user, through the browser's form or the API."""
    chosen: PageClient | ApiClient = pages if request.param == "page" else api
    await chosen.login(world.users["school_a"])
    return chosen


def stored_files() -> list[Path]:
    root = get_settings().files_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def snapshot() -> dict[str, Any]:
    return {
        "reports": await Report.count(),
        "files": await ReportFile.count(),
        "audit": await AuditEvent.count(),
        "statuses": await Assignment.select(Assignment.id, Assignment.status).order_by(
            Assignment.id
        ),
        "disk": stored_files(),
    }


def refusal(response: httpx.Response) -> str:
    """The message shown for the files: the form's field message, or the API's."""
    if response.headers["content-type"].startswith("application/json"):
        return str(response.json()["errors"]["files"])
    start = response.text.index('id="report-files-error">') + len('id="report-files-error">')
    return response.text[start : response.text.index("</p>", start)]


# ---------------------------------------------------------------- what may be attached


@pytest.mark.parametrize(
    ("bad_name", "bad_data", "says"),
    [
        ("акт.pdf", samples.EXE, "Файл «акт.pdf»: содержимое не похоже на PDF."),
        ("отчёт.docx", samples.PDF, "Файл «отчёт.docx»: по содержимому это PDF"),
        ("setup.exe", samples.EXE, "Файл «setup.exe»: такие файлы не принимаются."),
        ("стр.html", samples.HTML, "Файл «стр.html»: такие файлы не принимаются."),
        ("архив.zip", samples.plain_zip(), "Файл «архив.zip»: такие файлы не принимаются."),
        ("макрос.docx", samples.docm_file(), "Файл «макрос.docx» содержит макросы"),
    ],
    ids=["exe-as-pdf", "pdf-as-docx", "exe", "html", "zip", "macros"],
)
async def test_a_file_not_allowed_refuses_the_whole_report(
    world: World, client: PageClient | ApiClient, bad_name: str, bad_data: bytes, says: str
) -> None:
    """The good file beside it is not kept either: nothing half-written."""
    before = await snapshot()

    response = await post_report(
        client, world.assignments["a"], files_of(("план.pdf", samples.PDF), (bad_name, bad_data))
    )

    assert response.status_code == 422
    assert refusal(response).startswith(says)
    assert await snapshot() == before


async def test_the_type_kept_and_sent_is_the_one_read_not_the_one_claimed(
    world: World, api: ApiClient
) -> None:
    await api.login(world.users["school_a"])
    claimed = [
        ("files", ("скан.png", samples.png(), "text/html")),
        ("files", ("список.csv", samples.CSV_CP1251, "application/x-msdownload")),
        ("files", ("отчёт.docx", samples.docx_file(), "text/plain")),
    ]

    response = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/reports",
        data={"text": "Сделано"},
        files=claimed,
    )

    assert response.status_code == 201, response.text
    kept = {f["name"]: f for f in response.json()["files"]}
    expected = {
        "скан.png": "image/png",
        "список.csv": "text/csv; charset=windows-1251",
        "отчёт.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    assert {name: f["content_type"] for name, f in kept.items()} == expected
    for name, content_type in expected.items():
        download = await api.get(kept[name]["url"])
        assert download.status_code == 200
        assert download.headers["content-type"] == content_type
        assert download.headers["x-content-type-options"] == "nosniff"
        assert download.headers["content-security-policy"] == "default-src 'none'; sandbox"
        assert download.headers["cache-control"] == "private, no-store"
        assert download.headers["content-disposition"].startswith('attachment; filename="')
    assert (await api.get(kept["список.csv"]["url"])).content == samples.CSV_CP1251


# ---------------------------------------------------------------- names and where files live


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../../static/app.pdf", "app.pdf"),
        ("..\\..\\secret_key.pdf", "secret_key.pdf"),
        ("/etc/cron.d/job.pdf", "job.pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("отчёт\u202efdp.exe.pdf", "отчётfdp.exe.pdf"),
        ("д" * 400 + ".pdf", "д" * 251 + ".pdf"),
    ],
)
async def test_a_name_is_only_a_label(world: World, api: ApiClient, given: str, kept: str) -> None:
    """Whatever the name, the file goes to a random name under the data dir's files/, never
    near static/; the cleaned name comes back only inside the attachment header."""
    await api.login(world.users["school_a"])
    static_before = sorted(p for p in STATIC_DIR.rglob("*"))

    response = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/reports",
        data={"text": "Сделано"},
        files=[("files", (given, samples.PDF, "application/pdf"))],
    )

    assert response.status_code == 201, response.text
    row = await ReportFile.select().first()
    assert row is not None
    assert row["original_name"] == kept
    assert len(row["stored_name"]) == 32
    assert set(row["stored_name"]) <= set("0123456789abcdef")
    [on_disk] = stored_files()
    assert on_disk == get_settings().files_dir / row["stored_name"][:2] / row["stored_name"]
    assert on_disk.read_bytes() == samples.PDF
    assert sorted(p for p in STATIC_DIR.rglob("*")) == static_before
    assert not get_settings().files_dir.is_relative_to(STATIC_DIR)
    download = await api.get(response.json()["files"][0]["url"])
    disposition = download.headers["content-disposition"]
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert "/" not in disposition.split("filename*=")[0]
    assert (await api.get(f"/static/{row['stored_name']}")).status_code == 404


async def test_control_characters_sent_raw_in_the_name_are_dropped(
    world: World, api: ApiClient
) -> None:
    """httpx escapes them; a hand-made body sends NUL, ESC and DEL as they are (a CR or LF
    would end the part's header line: then there is no file name at all)."""
    await api.login(world.users["school_a"])
    boundary = "----tracker-boundary"
    name = "акт\x00\x1b[31m\x7f.pdf".encode()
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nСделано\r\n'.encode()
        + f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="files"; filename="'
        + name
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + samples.PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = await api.client.post(
        f"/api/v1/assignments/{world.assignments['a']}/reports",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )

    assert response.status_code == 201, response.text
    [kept] = [f["name"] for f in response.json()["files"]]
    assert kept == "акт[31m.pdf"


# ---------------------------------------------------------------- checksum on every download


async def reported_file(api: ApiClient, world: World) -> tuple[int, Path]:
    await api.login(world.users["school_a"])
    response = await api.post(
        f"/api/v1/assignments/{world.assignments['a']}/reports",
        data={"text": "Сделано"},
        files=[("files", ("акт.pdf", samples.PDF, "application/pdf"))],
    )
    assert response.status_code == 201, response.text
    [path] = stored_files()
    return int(response.json()["files"][0]["id"]), path


@pytest.mark.parametrize("damage", ["changed", "truncated", "missing"])
async def test_a_damaged_file_is_not_sent(
    world: World, api: ApiClient, pages: PageClient, damage: str
) -> None:
    file_id, path = await reported_file(api, world)
    if damage == "changed":
        path.write_bytes(samples.PDF.replace(b"Catalog", b"Kitten!"))
    elif damage == "truncated":
        path.write_bytes(samples.PDF[:10])
    else:
        path.unlink()
    await api.login(world.users["head"])
    await pages.login(world.users["head"])

    by_api = await api.get(f"/api/v1/files/{file_id}")
    by_page = await pages.get(f"/files/{file_id}")

    assert by_api.status_code == by_page.status_code == 410
    assert by_api.json()["detail"].startswith("Файл «акт.pdf» повреждён или утерян")
    assert by_page.headers["content-type"].startswith("text/html")
    assert "Файл «акт.pdf» повреждён или утерян" in by_page.text
    assert "content-disposition" not in by_page.headers
    assert b"%PDF" not in by_api.content
    assert b"%PDF" not in by_page.content
    events = await AuditEvent.select().where(AuditEvent.action == "integrity_failed")
    assert len(events) == 2
    assert {e["actor"] for e in events} == {world.user_ids["head"]}
    assert {(e["entity"], e["entity_id"]) for e in events} == {("report_file", file_id)}
    assert {e["school_id"] for e in events} == {world.schools["a"]}


async def test_an_intact_file_is_sent_every_time(world: World, api: ApiClient) -> None:
    file_id, _ = await reported_file(api, world)

    for _ in range(2):
        download = await api.get(f"/api/v1/files/{file_id}")
        assert download.status_code == 200
        assert download.content == samples.PDF
    assert await AuditEvent.count().where(AuditEvent.action == "integrity_failed") == 0


async def test_another_schools_file_does_not_exist(world: World, api: ApiClient) -> None:
    file_id, _ = await reported_file(api, world)
    await api.login(world.users["school_b"])

    assert (await api.get(f"/api/v1/files/{file_id}")).status_code == 404


# ---------------------------------------------------------------- size limits at their edges


@pytest.fixture
def one_mb(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """TRACKER_MAX_UPLOAD_MB=1: a file may weigh 1 MB, a report 5 MB, a request 6 MB."""
    monkeypatch.setenv("TRACKER_MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("TRACKER_MAX_UPLOAD_MB")
    get_settings.cache_clear()


@pytest.fixture(params=["page", "api"])
async def small(
    request: pytest.FixtureRequest, one_mb: None, world: World
) -> AsyncIterator[PageClient | ApiClient]:
    from tracker.web.app import create_app  # noqa: PLC0415 - made under the lowered limit

    app: Litestar = create_app()
    opener = PageClient.open if request.param == "page" else ApiClient.open
    async with opener(app) as chosen:
        await chosen.login(world.users["school_a"])
        yield chosen


def pdf_of(size: int) -> bytes:
    return samples.PDF + b"%" * (size - len(samples.PDF))


async def test_a_file_of_exactly_the_limit_is_accepted(
    world: World, small: PageClient | ApiClient
) -> None:
    response = await post_report(small, world.assignments["a"], files_of(("акт.pdf", pdf_of(MB))))

    assert response.status_code in {201, 303}, response.text
    assert [p.stat().st_size for p in stored_files()] == [MB]


async def test_a_file_one_byte_over_is_413_and_nothing_is_kept(
    world: World, small: PageClient | ApiClient
) -> None:
    before = await snapshot()

    response = await post_report(
        small, world.assignments["a"], files_of(("акт.pdf", pdf_of(MB + 1)))
    )

    assert response.status_code == 413
    message = response.json()["detail"] if isinstance(small, ApiClient) else refusal(response)
    assert message == "Файл «акт.pdf» больше 1 МБ."
    assert await snapshot() == before


async def test_a_report_of_exactly_five_times_the_limit_is_accepted(
    world: World, small: PageClient | ApiClient
) -> None:
    named = [(f"акт{n}.pdf", pdf_of(MB)) for n in range(5)]

    response = await post_report(small, world.assignments["a"], files_of(*named))

    assert response.status_code in {201, 303}, response.text
    assert len(stored_files()) == 5


async def test_a_report_one_byte_over_five_times_the_limit_is_413(
    world: World, small: PageClient | ApiClient
) -> None:
    before = await snapshot()
    named = [*((f"акт{n}.pdf", pdf_of(MB)) for n in range(5)), ("ещё.txt", b"x")]

    response = await post_report(small, world.assignments["a"], files_of(*named))

    assert response.status_code == 413
    message = response.json()["detail"] if isinstance(small, ApiClient) else refusal(response)
    assert message == "Файлы отчёта вместе больше 5 МБ."
    assert await snapshot() == before


async def test_a_request_body_over_the_servers_limit_is_413(
    world: World, small: PageClient | ApiClient
) -> None:
    """Past 6 MB the body is not read at all."""
    before = await snapshot()
    named = [(f"акт{n}.pdf", pdf_of(MB)) for n in range(7)]

    response = await post_report(small, world.assignments["a"], files_of(*named))

    assert response.status_code == 413
    assert await snapshot() == before
    assert os.environ["TRACKER_MAX_UPLOAD_MB"] == "1"
