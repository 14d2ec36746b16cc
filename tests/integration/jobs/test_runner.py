"""The job runner through ``jobs.run_job``, the function the ``tracker.run_job`` task calls: the
claim, the progress written to the row, the result stored and downloadable by its owner only,
failures recorded with their reason, a second run doing nothing."""

from __future__ import annotations

import asyncio
import io
from datetime import date

from openpyxl import load_workbook

from tests.integration.protocols.helpers import seed_bytes
from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker.errors import ValidationError
from tracker.exports.xlsx import MEDIA_TYPE
from tracker.followup import services as followup
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.jobs.tables import Job
from tracker.meetings import services as meetings


async def row(job_id: int) -> dict[str, object]:
    found = await Job.select().where(Job.id == job_id).first()
    assert found is not None
    return found


async def test_an_xlsx_job_runs_once_and_its_owner_downloads_the_file(
    world: World, pages: PageClient
) -> None:
    # Given: the head starts the meeting's .xlsx as a job
    head = await actor_of(world, "head")
    job = await jobs.start(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    assert job.state == "queued"

    # When: a worker runs it, then runs it again (the task delivered twice)
    first = await jobs.run_job(job.id)
    stored = await row(job.id)
    second = await jobs.run_job(job.id)

    # Then: it ran once, is done, and the second run changed nothing
    assert (first.ran, first.state) == (True, "done")
    assert (second.ran, second.state) == (False, "done")
    again = await row(job.id)
    assert again["finished_at"] == stored["finished_at"]
    assert again["result_path"] == stored["result_path"]
    assert stored["locked_until"] is None
    assert stored["error"] == ""
    view = await jobs.get(head, job.id)
    assert view.has_file
    assert view.result_name.endswith(".xlsx")
    assert view.percent == 100

    # the owner downloads a real workbook under its Russian name
    await pages.login(world.users["head"])
    response = await pages.get(f"/jobs/{job.id}/result")
    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPE
    assert "attachment" in response.headers["content-disposition"]
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert "Исполнение" in book.sheetnames
    names = [c.value for c in book["Исполнение"][4]]
    assert {"МБОУ СОШ № 1", "МБОУ СОШ № 2"} <= set(names)


async def test_someone_elses_job_and_its_file_are_not_found(
    world: World, pages: PageClient
) -> None:
    head = await actor_of(world, "head")
    job = await jobs.start(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    await jobs.run_job(job.id)

    # the secretary (same rights, another person) and a school user see nothing of it
    for user in ("secretary", "school_a"):
        await pages.login(world.users[user])
        assert (await pages.get(f"/jobs/{job.id}")).status_code == 404
        assert (await pages.get(f"/jobs/{job.id}", htmx=True)).status_code == 404
        assert (await pages.get(f"/jobs/{job.id}/result")).status_code == 404
    assert (await pages.get("/jobs/999999")).status_code == 404


async def test_the_file_is_refused_before_the_job_is_done(world: World, pages: PageClient) -> None:
    head = await actor_of(world, "head")
    job = await jobs.start(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    await pages.login(world.users["head"])
    response = await pages.get(f"/jobs/{job.id}/result")
    assert response.status_code == 409
    assert "ещё не завершена" in response.text


async def test_progress_is_written_as_it_goes_and_at_most_a_few_times_a_second(
    world: World,
) -> None:
    head = await actor_of(world, "head")
    seen: list[int] = []

    async def counting(job: jobs.Context) -> jobs.Result:
        for step in range(1, 5):
            await job.progress(step * 1000, 50_000, "Считаю…")
            seen.append(int((await row(job.job_id))["done"]))
            await asyncio.sleep(jobs.PROGRESS_EVERY + 0.05)
        # a burst: only the first of these reaches the row …
        for step in range(5, 500):
            await job.progress(step * 100, 50_000, "Считаю…")
        seen.append(int((await row(job.job_id))["done"]))
        # … and the last step always does
        await job.progress(50_000, 50_000, "Готово")
        seen.append(int((await row(job.job_id))["done"]))
        return jobs.Result(message="Посчитано.")

    job_id = await jobs.create(head, kinds.COMPLIANCE_XLSX, {})
    summary = await jobs.run_job(job_id, kinds={kinds.COMPLIANCE_XLSX: counting})

    assert summary.state == "done"
    assert seen == [1000, 2000, 3000, 4000, 500, 50_000]
    view = await jobs.get(head, job_id)
    assert view.message == "Посчитано."
    assert not view.has_file


async def test_a_running_job_reads_as_a_bar_with_a_count(world: World) -> None:
    head = await actor_of(world, "head")
    views: list[jobs.JobView] = []

    async def halfway(job: jobs.Context) -> jobs.Result:
        await job.progress(1200, 50_000, "Составляю таблицу")
        views.append(await jobs.get(head, job.job_id))
        return jobs.Result(message="Готово.")

    job_id = await jobs.create(head, kinds.COMPLIANCE_XLSX, {})
    await jobs.run_job(job_id, kinds={kinds.COMPLIANCE_XLSX: halfway})

    (running,) = views
    assert running.state == "running"
    assert running.active
    assert running.label == "Обработано 1\u00a0200 из 50\u00a0000"
    assert running.percent == 2
    assert "Составляю таблицу" in running.status_text


async def test_a_refusal_is_recorded_with_its_reason(world: World) -> None:
    head = await actor_of(world, "head")

    async def refusing(job: jobs.Context) -> jobs.Result:
        await job.progress(1, 10, "Начинаю")
        raise ValidationError.single("file", "В документе не найдено ни одного решения.")

    job_id = await jobs.create(head, kinds.PROTOCOL_PARSE, {})
    summary = await jobs.run_job(job_id, kinds={kinds.PROTOCOL_PARSE: refusing})

    assert (summary.ran, summary.state) == (True, "failed")
    view = await jobs.get(head, job_id)
    assert view.state == "failed"
    assert not view.active
    assert view.error == "В документе не найдено ни одного решения."
    assert (await row(job_id))["locked_until"] is None
    # a failed job is not run again
    assert (await jobs.run_job(job_id)).ran is False


async def test_an_unexpected_error_fails_the_job_and_never_leaves_it_running(
    world: World,
) -> None:
    head = await actor_of(world, "head")

    async def crashing(job: jobs.Context) -> jobs.Result:
        raise RuntimeError("disk on fire")

    job_id = await jobs.create(head, kinds.COMPLIANCE_XLSX, {})
    summary = await jobs.run_job(job_id, kinds={kinds.COMPLIANCE_XLSX: crashing})

    assert summary.state == "failed"
    view = await jobs.get(head, job_id)
    assert view.error == jobs.INTERNAL_ERROR
    assert "disk on fire" not in view.error


async def test_an_unknown_meeting_fails_with_the_services_message(world: World) -> None:
    head = await actor_of(world, "head")
    job = await jobs.start(head, kinds.COMPLIANCE_XLSX, {"meeting_id": 987654})
    await jobs.run_job(job.id)
    view = await jobs.get(head, job.id)
    assert view.state == "failed"
    assert view.error  # the service's own Russian «не найдено»
    assert view.error != jobs.INTERNAL_ERROR


async def test_a_job_held_by_a_live_run_is_not_taken_twice(world: World) -> None:
    head = await actor_of(world, "head")
    job_id = await jobs.create(head, kinds.COMPLIANCE_XLSX, {"meeting_id": world.meeting_id})
    claimed = await jobs.claim(job_id)
    assert claimed is not None
    assert await jobs.claim(job_id) is None  # another run while the first holds it
    assert (await jobs.run_job(job_id)).ran is False
    # the first run's worker died: past the lease the job is resumable and runs
    later = (await row(job_id))["locked_until"]
    assert job_id in await jobs.resumable(now=later + jobs.LEASE)  # type: ignore[operator]


async def test_compiling_the_follow_up_as_a_job_links_to_the_compiled_question(
    world: World,
) -> None:
    head = await actor_of(world, "head")
    later = await meetings.create_meeting(
        head,
        meetings.MeetingDraft(title="Совещание руководителей", date=date(2026, 3, 12)),
    )
    job = await jobs.start(
        head,
        kinds.FOLLOW_UP,
        {"meeting_id": later.id, "as_of": "2026-03-12", "speaker": "Рыбина Л.Д."},
    )
    await jobs.run_job(job.id)

    view = await jobs.get(head, job.id)
    assert view.state == "done", view.error
    assert view.result_url == f"/meetings/{later.id}/follow-up"
    compiled = await followup.get_follow_up(head, later.id)
    assert compiled is not None
    assert compiled.speakers == ("Рыбина Л.Д.",)
    assert [i.decision_id for i in compiled.items] == world.decisions[:2]


async def test_a_protocol_parse_stores_the_draft_the_review_reads_back(world: World) -> None:
    secretary = await actor_of(world, "secretary")
    path = kinds.upload_path("test-seed", "протокол.txt")
    kinds.save_upload(path, seed_bytes())
    job = await jobs.start(
        secretary, kinds.PROTOCOL_PARSE, {"path": path, "filename": "протокол.txt"}
    )
    await jobs.run_job(job.id)

    view = await jobs.get(secretary, job.id)
    assert view.state == "done", view.error
    assert view.result_url == f"/protocols/import/jobs/{job.id}"
    assert not (jobs.data_dir() / path).exists()  # the upload is not kept
    found = await jobs.result_file(secretary, job.id)
    draft = kinds.protocol_draft(found.data)
    assert len(draft.decisions) == 9
    assert draft.source_name == "протокол.txt"
    assert len(draft.source_sha256) == 64
    assert draft.decisions[0].draft.addressee == "Руководителям образовательных учреждений"
