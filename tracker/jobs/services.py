"""Jobs: long work (an export of a large district, a compile, a protocol's parse) run by a worker
while the page shows a progress bar.

    start ──insert, commit──► queued ──enqueue tracker.run_job(id)──► worker
    run_job: claim (queued → running, once) ──kind(progress…)──► done (file or page) | failed

- ``start`` writes the row and only then, outside the transaction, asks a worker to run it:
  best effort, as the mail delivery does. A job whose message was lost (the broker down) is
  sent again by the beat's ``resume`` sweep.
- ``run_job`` is what the worker calls. The claim is one ``UPDATE … WHERE state = 'queued'``, so
  a job sent twice runs once; a run whose worker died (SIGKILL) holds it only until its lease
  ends, and progress renews the lease. Whatever the kind raises, the job ends ``failed`` with a
  Russian reason: never ``running`` after an exception.
- A job is its creator's: anyone else gets 404 (``NotFoundError``), never a hint it exists.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tracker import clock, db
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.errors import ConflictError, NotFoundError, TrackerError, ValidationError
from tracker.jobs.tables import Job
from tracker.settings import get_settings

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = frozenset({QUEUED, RUNNING})
LEASE = timedelta(minutes=10)
"""A run holds its job this long past its last progress; then another run may take it over."""
RESUME_AFTER = timedelta(minutes=1)
"""A job still queued this long after it was made lost its message: the sweep sends it again."""
PROGRESS_EVERY = 0.25
"""Seconds between two progress writes (the bar polls once a second)."""
TITLES = {
    "compliance_xlsx": "Матрица исполнения (.xlsx)",
    "follow_up": "Вопрос о ходе исполнения решений",
    "protocol_parse": "Разбор протокола",
}
"""Each kind's name for its owner (the kinds themselves are in ``tracker.jobs.kinds``)."""
INTERNAL_ERROR = (
    "Внутренняя ошибка: работа не выполнена. Попробуйте ещё раз; если ошибка повторится, "
    "сообщите администратору."
)
INTERRUPTED = "Работа прервана: обработчик остановлен. Запустите её ещё раз."
NO_USER = "Пользователь, запустивший работу, больше не может войти в систему."


# ---------------------------------------------------------------- what a kind gets and gives

Progress = Callable[[int, int, str], Awaitable[None]]
"""``await progress(done, total, message)``: how far the work is, written at most a few times
a second (the last step always)."""


@dataclass(frozen=True)
class Result:
    """What a kind made: a file to download (``data``), or a page to open (``url``), or both."""

    message: str
    """For its owner: «Файл готов.», «Вопрос включён в повестку.»"""
    data: bytes | None = None
    name: str = ""
    media_type: str = "application/octet-stream"
    url: str = ""


@dataclass(frozen=True)
class Context:
    job_id: int
    actor: Actor
    params: Mapping[str, Any]
    progress: Progress


Kind = Callable[[Context], Awaitable[Result]]


# ---------------------------------------------------------------- the view


def grouped(n: int) -> str:
    """1 200, 50 000: thousands apart by a no-break space, as Russian prints them."""
    return f"{n:,}".replace(",", "\u00a0")


def progress_label(done: int, total: int) -> str:
    """«Обработано 1 200 из 50 000»; empty before the total is known."""
    if total <= 0:
        return ""
    return f"Обработано {grouped(min(max(done, 0), total))} из {grouped(total)}"


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    state: str
    done: int
    total: int
    message: str
    error: str
    result_name: str
    result_type: str
    has_file: bool
    result_url: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return TITLES.get(self.kind, "Фоновая работа")

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def percent(self) -> int:
        if self.state == DONE:
            return 100
        if self.total <= 0:
            return 0
        return min(100, max(0, self.done * 100 // self.total))

    @property
    def label(self) -> str:
        return progress_label(self.done, self.total)

    @property
    def status_text(self) -> str:
        """One line for the live region: the state, the step and the count."""
        if self.state == QUEUED:
            return "В очереди: работа начнётся, как только освободится обработчик."
        if self.state == FAILED:
            return f"Не выполнено: {self.error}"
        if self.state == DONE:
            return self.message or "Готово."
        parts = [p for p in (self.message, self.label) if p]
        return ". ".join(parts) or "Выполняется…"


def _view(row: Mapping[str, Any]) -> JobView:
    params = db.json_value(row["params"]) or {}
    return JobView(
        id=row["id"],
        kind=row["kind"],
        state=row["state"],
        done=row["done"],
        total=row["total"],
        message=row["message"],
        error=row["error"],
        result_name=row["result_name"],
        result_type=row["result_type"],
        has_file=bool(row["result_path"]),
        result_url=row["result_url"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        params=params if isinstance(params, dict) else {},
    )


# ---------------------------------------------------------------- how large is the work

BYTES_PER_CELL = 50
"""A protocol file is weighed against the threshold at one cell per 50 bytes."""


def in_background(cells: int) -> bool:
    """Work of this size runs as a job (``TRACKER_BACKGROUND_THRESHOLD``); smaller, at once."""
    return cells > get_settings().background_threshold


def file_cells(size_bytes: int) -> int:
    return size_bytes // BYTES_PER_CELL


async def meeting_cells(meeting_id: int) -> int:
    """The cells of a meeting's compliance matrix: its decisions' assignments."""
    from tracker.assignments.tables import Assignment  # noqa: PLC0415

    return int(await Assignment.count().where(Assignment.decision.meeting == meeting_id))


# ---------------------------------------------------------------- starting


async def create(actor: Actor, kind: str, params: Mapping[str, Any]) -> int:
    """The job's row, queued (no worker asked yet: see ``start``)."""
    from tracker.jobs.kinds import KINDS  # noqa: PLC0415 - the kinds import the areas' services

    if kind not in KINDS:
        raise ValidationError.single("kind", f"Неизвестный вид работы: {kind}.")
    async with db.transaction():
        rows = await Job.insert(
            Job(
                kind=kind,
                params=dict(params),
                state=QUEUED,
                created_by=actor.user_id,
                created_at=clock.now(),
            )
        ).returning(Job.id)
    return int(rows[0]["id"])


ENQUEUE_WAIT = 2.0
"""Seconds a request waits for the broker to take a job; then it answers (the job queued)."""
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
"""One more try (a connection Redis dropped when it restarted is made anew), not Celery's
three: with Redis away, the resume sweep sends the job later anyway."""


def _publish(job_id: int) -> None:
    from workers.tasks import run_job  # noqa: PLC0415 - the web process publishes only

    run_job.apply_async((job_id,), retry_policy=PUBLISH_RETRY)


async def enqueue(job_id: int) -> bool:
    """Ask a worker to run the job. Best effort: when the broker is down the beat's ``resume``
    sweep sends it once the broker is back. Publishing waits on the network, so it runs in a
    thread, and the caller waits ``ENQUEUE_WAIT`` at most: a Redis that does not answer holds
    the thread until the broker's socket timeout, never the request."""
    try:
        await asyncio.wait_for(asyncio.to_thread(_publish, job_id), ENQUEUE_WAIT)
    except Exception as exc:  # kombu raises many kinds; the resume sweep makes up for any
        log.warning("could not enqueue job %s (the resume sweep will): %r", job_id, exc)
        return False
    return True


async def start(actor: Actor, kind: str, params: Mapping[str, Any]) -> JobView:
    """Make a job and ask a worker to run it, after the row is committed."""
    job_id = await create(actor, kind, params)
    await enqueue(job_id)
    return await get(actor, job_id)


# ---------------------------------------------------------------- reading


async def _row(job_id: int) -> dict[str, Any] | None:
    return await Job.select().where(Job.id == job_id).first()


async def get(actor: Actor, job_id: int) -> JobView:
    """The job, for its creator only (404 for anyone else)."""
    row = await _row(job_id)
    if row is None or row["created_by"] != actor.user_id:
        raise NotFoundError("Работа не найдена.")
    return _view(row)


def data_dir() -> Path:
    return get_settings().data_dir


@dataclass(frozen=True)
class ResultFile:
    name: str
    media_type: str
    data: bytes


async def result_file(actor: Actor, job_id: int) -> ResultFile:
    """The file a finished job made, for its creator; 409 before it is done, 404 without one."""
    row = await _row(job_id)
    if row is None or row["created_by"] != actor.user_id:
        raise NotFoundError("Работа не найдена.")
    if row["state"] != DONE:
        raise ConflictError("Работа ещё не завершена: файла пока нет.")
    path = data_dir() / row["result_path"] if row["result_path"] else None
    if path is None or not path.is_file():
        raise NotFoundError("У этой работы нет файла результата.")
    data = await asyncio.to_thread(path.read_bytes)
    return ResultFile(row["result_name"], row["result_type"], data)


# ---------------------------------------------------------------- running


def _claimable(now: datetime) -> Any:
    return (Job.state == QUEUED) | ((Job.state == RUNNING) & (Job.locked_until < now))


async def claim(job_id: int, *, now: datetime | None = None) -> dict[str, Any] | None:
    """Take the job to run it: queued (or abandoned by a dead run) → running, in one statement,
    so of two runs at once one gets it. None when it is not to be run (done, failed, held)."""
    now = now or clock.now()
    async with db.transaction():
        rows = await (
            Job.update(
                {
                    Job.state: RUNNING,
                    Job.started_at: now,
                    Job.locked_until: now + LEASE,
                    Job.message: "Начинаю…",
                }
            )
            .where((Job.id == job_id) & _claimable(now))
            .returning(Job.id, Job.kind, Job.params, Job.created_by, Job.started_at)
        )
    return rows[0] if rows else None


def _held(claimed: Mapping[str, Any]) -> Any:
    """The job is still in the hands of the run that claimed it."""
    return (
        (Job.id == claimed["id"])
        & (Job.state == RUNNING)
        & (Job.started_at == claimed["started_at"])
    )


class Reporter:
    """The ``progress`` callback of one run: writes the row at most every ``every`` seconds, and
    always the first and the last step; each write renews the run's lease."""

    def __init__(self, claimed: Mapping[str, Any], every: float = PROGRESS_EVERY) -> None:
        self.claimed = claimed
        self.every = every
        self.last: float | None = None
        self.writes = 0

    async def __call__(self, done: int, total: int, message: str = "") -> None:
        total = max(total, 0)
        done = min(max(done, 0), total) if total else max(done, 0)
        moment = time.monotonic()
        final = total > 0 and done >= total
        if self.last is not None and moment - self.last < self.every and not final:
            return
        self.last = moment
        self.writes += 1
        await Job.update(
            {
                Job.done: done,
                Job.total: total,
                Job.message: message[:500],
                Job.locked_until: clock.now() + LEASE,
            }
        ).where(_held(self.claimed))


def _result_path(job_id: int, name: str) -> str:
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix.isascii() and len(suffix) <= 10 else ""
    return f"jobs/{job_id}/result{suffix}"


def _write(relative: str, data: bytes) -> None:
    target = data_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, target)


async def _finish(claimed: Mapping[str, Any], result: Result) -> None:
    relative = ""
    if result.data is not None:
        relative = _result_path(claimed["id"], result.name)
        await asyncio.to_thread(_write, relative, result.data)
    await Job.update(
        {
            Job.state: DONE,
            Job.message: result.message[:500],
            Job.result_path: relative,
            Job.result_name: result.name[:300],
            Job.result_type: result.media_type[:200],
            Job.result_url: result.url,
            Job.finished_at: clock.now(),
            Job.locked_until: None,
        }
    ).where(_held(claimed))


async def _fail(claimed: Mapping[str, Any], reason: str) -> None:
    await Job.update(
        {
            Job.state: FAILED,
            Job.error: reason[:2000],
            Job.finished_at: clock.now(),
            Job.locked_until: None,
        }
    ).where(_held(claimed))


def reason_of(exc: TrackerError) -> str:
    """A service's refusal as one Russian sentence for the job's owner."""
    if isinstance(exc, ValidationError) and exc.errors:
        return " ".join(dict.fromkeys(m for m in exc.errors.values() if m)) or exc.message
    return exc.message


@dataclass(frozen=True)
class RunSummary:
    job_id: int
    ran: bool
    state: str

    def as_dict(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "ran": self.ran, "state": self.state}


async def run_job(job_id: int, *, kinds: Mapping[str, Kind] | None = None) -> RunSummary:
    """Run one job, once (the ``tracker.run_job`` task). Running it again, or while another run
    holds it, does nothing and says so (``ran`` false)."""
    claimed = await claim(job_id)
    if claimed is None:
        row = await _row(job_id)
        return RunSummary(job_id, ran=False, state=row["state"] if row else "missing")
    if kinds is None:
        from tracker.jobs.kinds import KINDS  # noqa: PLC0415

        kinds = KINDS
    try:
        actor = await accounts.actor_for_user(claimed["created_by"])
        kind = kinds.get(claimed["kind"])
        if actor is None:
            await _fail(claimed, NO_USER)
            return RunSummary(job_id, ran=True, state=FAILED)
        if kind is None:
            await _fail(claimed, f"Неизвестный вид работы: {claimed['kind']}.")
            return RunSummary(job_id, ran=True, state=FAILED)
        params = db.json_value(claimed["params"]) or {}
        result = await kind(Context(job_id, actor, params, Reporter(claimed)))
    except TrackerError as exc:
        await _fail(claimed, reason_of(exc))
        return RunSummary(job_id, ran=True, state=FAILED)
    except Exception:
        log.exception("job %s (%s) failed", job_id, claimed["kind"])
        await _fail(claimed, INTERNAL_ERROR)
        return RunSummary(job_id, ran=True, state=FAILED)
    except BaseException:  # the worker is stopping (cancelled, SystemExit): not left running
        await asyncio.shield(_fail(claimed, INTERRUPTED))
        raise
    await _finish(claimed, result)
    return RunSummary(job_id, ran=True, state=DONE)


async def resumable(*, now: datetime | None = None, limit: int = 100) -> list[int]:
    """Jobs a worker should be asked to run (again): queued for over ``RESUME_AFTER`` (their
    message was lost), or running past their lease (their worker died)."""
    now = now or clock.now()
    rows = await (
        Job.select(Job.id)
        .where(
            ((Job.state == QUEUED) & (Job.created_at < now - RESUME_AFTER))
            | ((Job.state == RUNNING) & (Job.locked_until < now))
        )
        .order_by(Job.id)
        .limit(limit)
    )
    return [r["id"] for r in rows]
