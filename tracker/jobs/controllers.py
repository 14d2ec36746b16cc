"""A background job's page (``/jobs/{id}``: the progress bar, then the result) and its file.

Any signed-in user, for their own jobs only (the service answers 404 for anyone else's). The
full page refreshes itself every 2 s while the job runs (no JavaScript needed); htmx asks for
the job's state every second instead (``jobs/_state.html``).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.response import Template

from tracker.jobs import services as jobs
from tracker.web.auth import CurrentActor
from tracker.web.downloads import attachment
from tracker.web.openapi import PathId
from tracker.web.rendering import AnyRequest, Context, is_htmx, page

REFRESH_SECONDS = 2
PAGE = "jobs/job.html"
STATE = "jobs/_state.html"


def job_page(
    request: AnyRequest,
    job: jobs.JobView,
    template: str,
    context: Context,
    *,
    fragment: str = STATE,
    status_code: int = 200,
) -> Template:
    """``template`` (refreshing itself while the job runs, for browsers without JavaScript), or
    only ``fragment`` for htmx. Areas that show a job on their own page use it too."""
    answer = page(request, template, context, fragment=fragment, status_code=status_code)
    if job.active and not is_htmx(request):
        answer.headers["Refresh"] = str(REFRESH_SECONDS)
    return answer


def job_context(job: jobs.JobView, **extra: Any) -> Context:
    return {"job": job, "poll_url": f"/jobs/{job.id}", **extra}


class JobPagesController(Controller):
    path = "/jobs"
    include_in_schema = False

    @get("/{job_id:int}")
    async def show(self, request: AnyRequest, actor: CurrentActor, job_id: PathId) -> Template:
        job = await jobs.get(actor, job_id)
        return job_page(request, job, PAGE, job_context(job))

    @get("/{job_id:int}/result")
    async def result(self, actor: CurrentActor, job_id: PathId) -> Response[bytes]:
        found = await jobs.result_file(actor, job_id)
        return attachment(found.name, found.media_type, found.data)
