"""The follow-up question of a meeting: its section (a page of its own, and the fragment the
meeting page loads with htmx) and its JSON API.

For the head and the secretary (a guard on each controller: any other role gets 403); the
services check the permission again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Controller, get, post
from litestar.params import JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from tracker.accounts.roles import Actor, Permission
from tracker.errors import NotFoundError, ValidationError
from tracker.followup import services as followup
from tracker.followup.schemas import FollowUpIn, FollowUpItemOut, FollowUpOut, ProposalIn
from tracker.followup.snapshot import PROPOSAL_LABELS, ProposalKind
from tracker.jobs import kinds
from tracker.jobs import services as jobs
from tracker.jobs.controllers import job_page
from tracker.meetings import services as meetings
from tracker.meetings.services import MAX_TEXT
from tracker.web.auth import CurrentActor
from tracker.web.forms import Form
from tracker.web.guards import requires
from tracker.web.openapi import ApiController, PathId
from tracker.web.rendering import AnyRequest, Context, form_result, fragment, is_htmx, page

PROPOSALS = [(k.value, label) for k, label in PROPOSAL_LABELS.items()]
PAGE = "followup/page.html"
SECTION = "followup/_section.html"
ITEM = "followup/_item.html"


async def _context(actor: Actor, meeting_id: int, **extra: Any) -> Context:
    fp = await followup.follow_up_page(actor, meeting_id)
    context: Context = {
        "fp": fp,
        "proposals": PROPOSALS,
        "compile_values": {"as_of": fp.today.isoformat(), "speaker": "", "decision_ids": []},
        "compile_errors": {},
        "item_values": {},
        "item_errors": {},
    }
    return context | extra


async def _saved(request: AnyRequest, actor: Actor, meeting_id: int) -> Context:
    """After compiling or adopting: the section, and when the meeting's page sent the form, its
    agenda and decisions too (out of band), which both actions change."""
    extra: Context = {"saved": True}
    current = request.headers.get("hx-current-url")
    if current and urlsplit(current).path.rstrip("/") == f"/meetings/{meeting_id}":
        extra["page"] = await meetings.meeting_page(actor, meeting_id)
    return await _context(actor, meeting_id, **extra)


def _url(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/follow-up"


def _poll_url(meeting_id: int, job_id: int) -> str:
    return f"{_url(meeting_id)}?job={job_id}"


async def _compile_job(
    actor: Actor, meeting_id: int, decision_ids: list[int], params: dict[str, Any]
) -> jobs.JobView | None:
    """A compile large enough for the background (decisions × schools over the threshold)
    started as a job; None for one to do at once (and for an adopted follow-up, which the
    service refuses with its own message)."""
    fp = await followup.follow_up_page(actor, meeting_id)
    if fp.follow_up is not None and fp.follow_up.adopted_at is not None:
        return None
    picked = [d for d in fp.candidates if not decision_ids or d.id in decision_ids]
    if not jobs.in_background(sum(d.counts.total for d in picked)):
        return None
    return await jobs.start(actor, kinds.FOLLOW_UP, {"meeting_id": meeting_id, **params})


async def _meeting_job(actor: Actor, meeting_id: int, raw: str | None) -> jobs.JobView | None:
    """The compile job named by ``?job=``: the actor's own, of this meeting (else 404)."""
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise NotFoundError("Работа не найдена.")
    job = await jobs.get(actor, int(raw))
    if job.kind != kinds.FOLLOW_UP or job.params.get("meeting_id") != meeting_id:
        raise NotFoundError("Работа не найдена.")
    return job


class FollowUpPagesController(Controller):
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style
    include_in_schema = False

    @get("/meetings/{meeting_id:int}/follow-up")
    async def section(
        self, request: AnyRequest, actor: CurrentActor, meeting_id: PathId
    ) -> Template:
        """The page, or (htmx, from the meeting page) only its section. With ``?job=`` while
        that compile runs: its progress (htmx: only the bar, polled); once it ends, the section
        with the compiled follow-up or the reason it failed."""
        job = await _meeting_job(actor, meeting_id, request.query_params.get("job"))
        if job is None:
            return page(request, PAGE, await _context(actor, meeting_id), fragment=SECTION)
        poll = _poll_url(meeting_id, job.id)
        if job.active:
            context = await _context(actor, meeting_id, job=job, poll_url=poll)
            return job_page(request, job, PAGE, context, fragment="jobs/_state.html")
        if job.state == jobs.FAILED:
            context = await _context(actor, meeting_id, compile_errors={"": job.error})
        else:
            flash(request, job.message, category="success")
            context = await _saved(request, actor, meeting_id)
        answer = page(request, PAGE, context, fragment=SECTION)
        if is_htmx(request):  # the bar asked: the whole section takes its place
            answer.headers.update({"HX-Retarget": "#follow-up", "HX-Reswap": "outerHTML"})
        return answer

    @post("/meetings/{meeting_id:int}/follow-up", status_code=200)
    async def compile(
        self, request: AnyRequest, actor: CurrentActor, meeting_id: PathId
    ) -> Template | Redirect:
        form = Form(await request.form())
        speaker = form.text("speaker", max_length=followup.MAX_SPEAKER)
        decision_ids = form.integers("decision_ids")
        values: dict[str, Any] = {
            "as_of": form.text("as_of"),
            "speaker": speaker,
            "decision_ids": decision_ids,
        }
        as_of = form.date("as_of")
        if not form.errors:
            params = {"as_of": as_of.isoformat() if as_of else None, "speaker": speaker}
            job = await _compile_job(
                actor, meeting_id, decision_ids, params | {"decision_ids": decision_ids}
            )
            if job is not None:
                flash(request, "Вопрос формируется в фоне: ход показан ниже.", category="info")
                if is_htmx(request):
                    poll = _poll_url(meeting_id, job.id)
                    context = await _context(actor, meeting_id, job=job, poll_url=poll, saved=True)
                    return fragment(SECTION, context)
                return Redirect(path=_poll_url(meeting_id, job.id), status_code=303)

        async def save() -> followup.FollowUpView:
            form.check()
            return await followup.compile_follow_up(
                actor,
                meeting_id,
                as_of=as_of,
                decision_ids=decision_ids or None,
                speaker=speaker,
            )

        return await form_result(
            request,
            save,
            template=PAGE,
            form_fragment=SECTION,
            invalid=lambda errors: _context(
                actor, meeting_id, compile_values=values, compile_errors=errors
            ),
            saved=lambda _: _saved(request, actor, meeting_id),
            message=lambda view: f"Вопрос «{view.agenda_title}» включён в повестку.",
            back=_url(meeting_id),
        )

    @post("/follow-up-items/{item_id:int}", status_code=200)
    async def update_proposal(
        self, request: AnyRequest, actor: CurrentActor, item_id: PathId
    ) -> Template | Redirect:
        """One proposal, from the form of its row: the row for htmx, the page without JS."""
        meeting_id = await followup.meeting_of_item(actor, item_id)
        form = Form(await request.form())
        values = {
            "proposal": form.text("proposal"),
            "proposal_text": form.text("proposal_text", max_length=MAX_TEXT),
            "extend_to": form.text("extend_to"),
        }
        extend_to = form.date("extend_to")

        async def save() -> followup.FollowUpItemView:
            if form.errors:
                raise ValidationError(form.errors)
            return await followup.update_proposal(
                actor,
                item_id,
                kind=values["proposal"],
                text=values["proposal_text"],
                extend_to=extend_to,
            )

        async def row(**extra: Any) -> Context:
            context = await _context(actor, meeting_id, **extra)
            follow_up = context["fp"].follow_up
            context["item"] = next(i for i in follow_up.items if i.id == item_id)
            return context

        return await form_result(
            request,
            save,
            template=PAGE,
            form_fragment=ITEM,
            invalid=lambda errors: row(
                item_values={item_id: values}, item_errors={item_id: errors}
            ),
            saved=lambda _: row(saved=True),
            message="Предложение сохранено.",
            back=f"{_url(meeting_id)}#follow-up-item-{item_id}",
        )

    @post("/follow-ups/{follow_up_id:int}/adopt", status_code=200)
    async def adopt(
        self, request: AnyRequest, actor: CurrentActor, follow_up_id: PathId
    ) -> Template | Redirect:
        current = await followup.get_follow_up_by_id(actor, follow_up_id)
        form = Form(await request.form())
        confirmed = form.flag("confirm")

        async def save() -> followup.FollowUpView:
            if not confirmed:
                raise ValidationError.single(
                    "confirm", "Отметьте, что предложения приняты на совещании."
                )
            return await followup.adopt(actor, follow_up_id)

        return await form_result(
            request,
            save,
            template=PAGE,
            form_fragment=SECTION,
            invalid=lambda errors: _context(actor, current.meeting_id, adopt_errors=errors),
            saved=lambda _: _saved(request, actor, current.meeting_id),
            message=lambda view: (
                f"Предложения приняты: в протокол записано решений — {len(view.items)}."
            ),
            back=_url(current.meeting_id),
        )


class FollowUpApiController(ApiController):
    path = "/api/v1"
    tags = ["follow-up"]  # noqa: RUF012 - Litestar's declaration style
    guards = [requires(Permission.MANAGE_MEETINGS)]  # noqa: RUF012 - Litestar's declaration style

    @post("/meetings/{meeting_id:int}/follow-up")
    async def compile(
        self,
        actor: CurrentActor,
        meeting_id: PathId,
        data: JSONBody[FollowUpIn | None] = None,
    ) -> FollowUpOut:
        """Compile the meeting's question «О ходе исполнения решений совещаний от …»: the
        frozen figures of every decision still under control from earlier meetings (or of
        ``decision_ids``), counted on ``as_of``, each with a draft proposal; one agenda item
        with the ``speaker``. Recompiling a draft replaces it; once adopted: 409. Nothing under
        control, a picked decision not under control or from a meeting not earlier: 422."""
        body = data or FollowUpIn()
        view = await followup.compile_follow_up(
            actor,
            meeting_id,
            as_of=body.as_of,
            decision_ids=body.decision_ids,
            speaker=body.speaker,
        )
        return FollowUpOut.of(view)

    @get("/meetings/{meeting_id:int}/follow-up")
    async def get(self, actor: CurrentActor, meeting_id: PathId) -> FollowUpOut:
        """The compiled follow-up as it was frozen, with the proposals as they stand; 404
        before it is compiled."""
        view = await followup.get_follow_up(actor, meeting_id)
        if view is None:
            raise NotFoundError("Вопрос о ходе исполнения для этого совещания ещё не сформирован.")
        return FollowUpOut.of(view)

    @post("/follow-up-items/{item_id:int}", status_code=200)
    async def update_proposal(
        self, actor: CurrentActor, item_id: PathId, data: JSONBody[ProposalIn]
    ) -> FollowUpItemOut:
        """Change one proposal before adoption (409 after). ``extend_to`` before the
        meeting's date, or missing for extend and instruct: 422."""
        item = await followup.update_proposal(
            actor,
            item_id,
            kind=ProposalKind(data.proposal),
            text=data.proposal_text,
            extend_to=data.extend_to,
        )
        return FollowUpItemOut.of(item)

    @post("/follow-ups/{follow_up_id:int}/adopt", status_code=200)
    async def adopt(self, actor: CurrentActor, follow_up_id: PathId) -> FollowUpOut:
        """The meeting adopted the proposals: each becomes a decision of the meeting under the
        follow-up's agenda item; extend and instruct assign the new decision to the schools
        that had not done the old one, and take the old one off control. Once only: 409."""
        return FollowUpOut.of(await followup.adopt(actor, follow_up_id))
