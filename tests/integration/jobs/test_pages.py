"""The job's page and fragment, and the three places long work goes to the background: the
meeting's .xlsx, the follow-up compile, a large protocol file (with the threshold lowered)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest

from tests.integration.protocols.helpers import seed_bytes
from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.exports.xlsx import MEDIA_TYPE
from tracker.followup import services as followup
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.jobs.tables import Job
from tracker.meetings import services as meetings
from tracker.settings import get_settings

POLLING = 'hx-trigger="every 1s"'


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every piece of work counts as large: it goes to the background."""
    monkeypatch.setenv("TRACKER_BACKGROUND_THRESHOLD", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("TRACKER_BACKGROUND_THRESHOLD")
    get_settings.cache_clear()


async def only_job() -> int:
    rows = await Job.select(Job.id)
    assert len(rows) == 1
    return int(rows[0]["id"])


# ---------------------------------------------------------------- the job's page


async def test_a_queued_job_polls_and_refreshes_then_shows_the_download(
    world: World, pages: PageClient
) -> None:
    head = await actor_of(world, "head")
    job = await jobs.start(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    await pages.login(world.users["head"])

    # queued: the full page refreshes itself; the fragment polls every second
    full = await pages.get(f"/jobs/{job.id}")
    assert full.status_code == 200
    assert full.headers["refresh"] == "2"
    assert "<progress" in full.text
    assert 'aria-live="polite"' in full.text
    assert "В очереди" in full.text
    part = await pages.get(f"/jobs/{job.id}", htmx=True)
    assert part.status_code == 200
    assert "<html" not in part.text
    assert POLLING in part.text
    assert f'hx-get="/jobs/{job.id}"' in part.text

    # done: no polling, no refresh, the download link
    await jobs.run_job(job.id)
    full = await pages.get(f"/jobs/{job.id}")
    assert "refresh" not in full.headers
    assert POLLING not in full.text
    assert f'href="/jobs/{job.id}/result"' in full.text
    part = await pages.get(f"/jobs/{job.id}", htmx=True)
    assert POLLING not in part.text
    assert f'href="/jobs/{job.id}/result"' in part.text
    assert 'value="100"' in part.text


async def test_a_running_job_shows_its_count(world: World, pages: PageClient) -> None:
    head = await actor_of(world, "head")
    job_id = await jobs.create(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    claimed = await jobs.claim(job_id)
    assert claimed is not None
    await jobs.Reporter(claimed)(1200, 50_000, "Составляю таблицу")
    await pages.login(world.users["head"])

    part = await pages.get(f"/jobs/{job_id}", htmx=True)

    assert POLLING in part.text
    assert 'max="50000" value="1200"' in part.text
    assert "Составляю таблицу" in part.text
    assert "Обработано 1\u00a0200 из 50\u00a0000" in part.text
    assert re.search(r'<label for="job-\d+-bar"', part.text)


async def test_a_failed_job_shows_the_reason_and_stops_polling(
    world: World, pages: PageClient
) -> None:
    head = await actor_of(world, "head")
    job = await jobs.start(head, kinds.COMPLIANCE_XLSX, {"meeting_id": 987654})
    await jobs.run_job(job.id)
    await pages.login(world.users["head"])

    part = await pages.get(f"/jobs/{job.id}", htmx=True)

    assert POLLING not in part.text
    assert "Не выполнено" in part.text
    view = await jobs.get(head, job.id)
    assert view.error in part.text
    assert "/result" not in part.text


# ---------------------------------------------------------------- the meeting's .xlsx


async def test_a_small_district_downloads_the_xlsx_at_once(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])
    url = f"/meetings/{world.meeting_id}/compliance.xlsx/job"

    plain = await pages.post(url)
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/meetings/{world.meeting_id}/compliance.xlsx"
    swap = await pages.post(url, htmx=True)
    assert swap.status_code == 204
    assert swap.headers["hx-redirect"] == f"/meetings/{world.meeting_id}/compliance.xlsx"
    assert await Job.count() == 0


async def test_a_large_district_builds_the_xlsx_in_the_background(
    world: World, pages: PageClient, background: None
) -> None:
    await pages.login(world.users["secretary"])
    url = f"/meetings/{world.meeting_id}/compliance.xlsx/job"

    # without JavaScript: to the job's page, with a message
    plain = await pages.post(url)
    assert plain.status_code == 303
    job_id = await only_job()
    assert plain.headers["location"] == f"/jobs/{job_id}"
    shown = await pages.get(f"/jobs/{job_id}")
    assert "Файл формируется" in shown.text

    # with htmx: the bar in place of the button
    swap = await pages.post(url, htmx=True)
    assert swap.status_code == 200
    assert "<progress" in swap.text
    assert POLLING in swap.text

    await jobs.run_job(job_id)
    download = await pages.get(f"/jobs/{job_id}/result")
    assert download.status_code == 200
    assert download.headers["content-type"] == MEDIA_TYPE
    # the direct URL (the API's and no-JS's) still answers at once
    direct = await pages.get(f"/meetings/{world.meeting_id}/compliance.xlsx")
    assert direct.status_code == 200
    assert direct.headers["content-type"] == MEDIA_TYPE


async def test_the_xlsx_button_refuses_other_roles_and_unknown_meetings(
    world: World, pages: PageClient, background: None
) -> None:
    await pages.login(world.users["school_a"])
    assert (
        await pages.post(f"/meetings/{world.meeting_id}/compliance.xlsx/job")
    ).status_code == 403
    await pages.login(world.users["head"])
    assert (await pages.post("/meetings/987654/compliance.xlsx/job")).status_code == 404
    assert await Job.count() == 0


# ---------------------------------------------------------------- the follow-up compile


async def later_meeting(world: World) -> int:
    head = await actor_of(world, "head")
    made = await meetings.create_meeting(
        head, meetings.MeetingDraft(title="Совещание руководителей", date=date(2026, 3, 12))
    )
    return made.id


async def test_a_large_compile_shows_the_bar_then_the_compiled_follow_up(
    world: World, pages: PageClient, background: None
) -> None:
    meeting_id = await later_meeting(world)
    head = await actor_of(world, "head")
    await pages.login(world.users["head"])
    section = f"/meetings/{meeting_id}/follow-up"

    # When: the secretary compiles from the meeting's page (htmx)
    started = await pages.post(
        section,
        {"as_of": "2026-03-12", "speaker": "Рыбина Л.Д."},
        htmx=True,
        from_page=f"/meetings/{meeting_id}",
    )

    # Then: the section shows the bar, polling itself; nothing compiled yet
    assert started.status_code == 200
    job_id = await only_job()
    assert f'hx-get="{section}?job={job_id}"' in started.text
    assert POLLING in started.text
    assert 'id="follow-up-compile"' not in started.text
    assert await followup.get_follow_up(head, meeting_id) is None
    polled = await pages.get(f"{section}?job={job_id}", htmx=True)
    assert POLLING in polled.text
    assert "hx-retarget" not in polled.headers

    # once the worker ran it, the poll answers with the compiled section in the bar's place
    await jobs.run_job(job_id)
    done = await pages.get(f"{section}?job={job_id}", htmx=True)
    assert done.headers["hx-retarget"] == "#follow-up"
    assert done.headers["hx-reswap"] == "outerHTML"
    assert POLLING not in done.text
    compiled = await followup.get_follow_up(head, meeting_id)
    assert compiled is not None
    assert compiled.agenda_title in done.text
    assert "включён в повестку" in done.text


async def test_a_large_compile_without_javascript_refreshes_its_page(
    world: World, pages: PageClient, background: None
) -> None:
    meeting_id = await later_meeting(world)
    await pages.login(world.users["secretary"])
    section = f"/meetings/{meeting_id}/follow-up"

    posted = await pages.post(section, {"as_of": "2026-03-12"})
    assert posted.status_code == 303
    job_id = await only_job()
    assert posted.headers["location"] == f"{section}?job={job_id}"
    running = await pages.get(posted.headers["location"])
    assert running.headers["refresh"] == "2"
    assert "<progress" in running.text
    assert "формируется в фоне" in running.text

    await jobs.run_job(job_id)
    done = await pages.get(posted.headers["location"])
    assert "refresh" not in done.headers
    assert "включён в повестку" in done.text

    # the head cannot follow the secretary's job, nor the job through another meeting
    await pages.login(world.users["head"])
    assert (await pages.get(f"{section}?job={job_id}")).status_code == 404
    await pages.login(world.users["secretary"])
    other = f"/meetings/{world.meeting_id}/follow-up?job={job_id}"
    assert (await pages.get(other)).status_code == 404
    assert (await pages.get(f"{section}?job=abc")).status_code == 404


async def test_a_failed_compile_shows_the_reason_in_the_section(
    world: World, pages: PageClient, background: None
) -> None:
    meeting_id = await later_meeting(world)
    await pages.login(world.users["head"])
    section = f"/meetings/{meeting_id}/follow-up"
    await pages.post(section, {"as_of": "2026-03-12"}, htmx=True)
    job_id = await only_job()
    # a picked decision is taken off the list before a worker gets to it: the service refuses
    await Job.update({Job.params: {"meeting_id": meeting_id, "decision_ids": [987654]}}).where(
        Job.id == job_id
    )
    await jobs.run_job(job_id)

    view = await jobs.get(await actor_of(world, "head"), job_id)
    assert view.state == "failed"
    assert view.error
    shown = await pages.get(f"{section}?job={job_id}", htmx=True)
    assert shown.headers["hx-retarget"] == "#follow-up"
    assert view.error in shown.text
    assert 'id="follow-up-compile"' in shown.text  # the form again, to try once more


# ---------------------------------------------------------------- a large protocol file


async def test_a_large_protocol_is_parsed_in_the_background_then_reviewed(
    world: World, pages: PageClient, background: None
) -> None:
    await pages.login(world.users["secretary"])
    files = {"file": ("протокол.txt", seed_bytes())}

    # with htmx: the bar replaces the form
    swap = await pages.post("/protocols/import", files=files, htmx=True)
    assert swap.status_code == 200
    job_id = await only_job()
    assert f'hx-get="/protocols/import/jobs/{job_id}"' in swap.text
    assert POLLING in swap.text

    polled = await pages.get(f"/protocols/import/jobs/{job_id}", htmx=True)
    assert POLLING in polled.text
    full = await pages.get(f"/protocols/import/jobs/{job_id}")
    assert full.headers["refresh"] == "2"

    await jobs.run_job(job_id)
    done = await pages.get(f"/protocols/import/jobs/{job_id}", htmx=True)
    assert done.headers["hx-retarget"] == f"#job-{job_id}"
    assert 'name="decision_count" value="9"' in done.text
    page = await pages.get(f"/protocols/import/jobs/{job_id}")
    assert page.status_code == 200
    assert "Проверка импорта протокола" in page.text
    assert 'name="decision_count" value="9"' in page.text

    # another user: 404
    await pages.login(world.users["head"])
    assert (await pages.get(f"/protocols/import/jobs/{job_id}")).status_code == 404


async def test_a_large_protocol_without_javascript_goes_to_its_job_page(
    world: World, pages: PageClient, background: None
) -> None:
    await pages.login(world.users["secretary"])
    posted = await pages.post("/protocols/import", files={"file": ("p.txt", seed_bytes())})
    assert posted.status_code == 303
    job_id = await only_job()
    assert posted.headers["location"] == f"/protocols/import/jobs/{job_id}"
    # pasted text is read at once, as before
    text = seed_bytes().decode()
    pasted = await pages.post("/protocols/import", {"text": text})
    assert pasted.status_code == 200
    assert 'name="decision_count" value="9"' in pasted.text
    assert await Job.count() == 1


async def test_a_file_that_is_no_protocol_fails_with_the_reason(
    world: World, pages: PageClient, background: None
) -> None:
    await pages.login(world.users["secretary"])
    junk = ("Список покупок на неделю.\n" * 40).encode()
    await pages.post("/protocols/import", files={"file": ("junk.txt", junk)})
    job_id = await only_job()
    await jobs.run_job(job_id)

    page = await pages.get(f"/protocols/import/jobs/{job_id}")
    assert page.status_code == 422
    secretary = await actor_of(world, "secretary")
    reason = (await jobs.get(secretary, job_id)).error
    assert reason
    assert reason in page.text
    assert 'id="protocol-upload"' in page.text
