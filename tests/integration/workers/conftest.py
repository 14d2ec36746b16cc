"""Real worker processes for the exactly-once tests: a throwaway ``redis-server``, the SMTP
sink, and ``celery -A workers.celery_app worker`` processes on the tests' own database.

Tasks are published to that Redis through the real task objects (``apply_async`` with a
connection to it); whether a task has run is read from the worker's log ("… succeeded"),
since the project keeps no result backend. Every process is killed in teardown, and every
wait has a deadline, so a hang fails the test instead of blocking CI.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from celery import Task
from kombu import Connection

from tests.support.redis_server import RedisServer
from tests.support.smtp_sink import SmtpSink
from tests.support.world import World
from tracker import clock
from tracker.accounts.roles import Role
from tracker.accounts.tables import User
from tracker.assignments.tables import Assignment
from tracker.mail import services as mail
from tracker.mail.tables import OutboxMessage
from tracker.schools.tables import School
from tracker.settings import REPO_ROOT, Settings, get_settings

DUE = date(2030, 3, 1)
"""The world's first decision is due on Friday 1 March 2030 …"""
SWEEP_DAY = date(2030, 2, 26)
"""… so on Tuesday 26 February every open assignment of it is 3 working days from its due date."""
QUEUE_BINDING = "_kombu.binding.celery"
"""Made in Redis by a worker that consumes the ``celery`` queue."""


def wait_until(
    condition: Callable[[], Any], *, timeout: float, what: str, every: float = 0.05
) -> Any:
    """Poll ``condition`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


async def eventually(
    condition: Callable[[], Awaitable[Any]], *, within: float, what: str, every: float = 0.1
) -> Any:
    """``wait_until`` for a condition that reads the database."""
    deadline = time.monotonic() + within
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(every)


# ---------------------------------------------------------------- Redis and SMTP


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own; RedisUnavailableError (a failure) when it cannot run."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SmtpSink]:
    server = SmtpSink(tmp_path / "smtp")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def publish(task: Task, redis_url: str, **kwargs: Any) -> str:  # type: ignore[type-arg]
    """Send a task to the workers through this Redis; returns its id."""
    with Connection(redis_url, connect_timeout=5) as connection:
        return str(task.apply_async(kwargs=kwargs, connection=connection).id)


# ---------------------------------------------------------------- workers


@dataclass
class Worker:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def summaries(self, task_name: str) -> list[dict[str, Any]]:
        """What this worker's runs of a task returned, from its log."""
        pattern = re.compile(
            rf"Task {re.escape(task_name)}\[[0-9a-f-]+\] succeeded in [0-9.]+s: (\{{.*\}})"
        )
        return [eval_summary(found) for found in pattern.findall(self.log())]


@dataclass
class Workers:
    """Starts ``celery worker`` processes with the environment of a deployment: the tests'
    database, this Redis, this SMTP sink."""

    directory: Path
    env: dict[str, str]
    started: list[Worker] = field(default_factory=list)

    def start(self, timeout: float = 45) -> Worker:
        (worker,) = self.start_many(1, timeout=timeout)
        return worker

    def start_many(self, count: int, timeout: float = 45) -> list[Worker]:
        """Start ``count`` workers side by side and wait until each is ready."""
        new = [self._spawn() for _ in range(count)]
        for worker in new:
            wait_until(
                lambda worker=worker: (" ready." in worker.log()) or not worker.alive,
                timeout=timeout,
                what=f"worker {worker.name} to be ready",
                every=0.1,
            )
            assert worker.alive, f"worker {worker.name} exited:\n{worker.log()[-3000:]}"
        return new

    def _spawn(self) -> Worker:
        name = f"w{len(self.started) + 1}"
        log_path = self.directory / f"{name}.log"
        celery = Path(sys.executable).parent / "celery"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [
                    str(celery),
                    "-A",
                    "workers.celery_app",
                    "worker",
                    "--pool",
                    "solo",
                    "--concurrency",
                    "1",
                    "-n",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-Q",
                    "celery",
                    "--loglevel",
                    "INFO",
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(name, process, log_path)
        self.started.append(worker)
        return worker

    def kill(self, worker: Worker) -> None:
        """SIGKILL: no cleanup, no acknowledgement, no release of anything it holds."""
        os.kill(worker.pid, signal.SIGKILL)
        worker.process.wait(10)

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.alive:
                worker.process.terminate()
        for worker in self.started:
            try:
                worker.process.wait(10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(10)

    def logs(self) -> str:
        return "\n".join(f"===== {w.name}\n{w.log()}" for w in self.started)

    def succeeded(self, task_id: str) -> dict[str, Any] | None:
        """The summary a task returned, once some worker logged it as succeeded."""
        pattern = re.compile(rf"\[{re.escape(task_id)}\] succeeded in [0-9.]+s: (\{{.*\}})")
        for worker in self.started:
            found = pattern.search(worker.log())
            if found:
                return eval_summary(found.group(1))
        failed = re.compile(rf"\[{re.escape(task_id)}\] raised")
        for worker in self.started:
            if failed.search(worker.log()):
                raise AssertionError(f"task {task_id} raised:\n{self.logs()[-5000:]}")
        return None

    def wait_for(self, task_id: str, timeout: float = 40) -> dict[str, Any]:
        result: dict[str, Any] = wait_until(
            lambda: self.succeeded(task_id), timeout=timeout, what=f"task {task_id}", every=0.1
        )
        return result


def eval_summary(text: str) -> dict[str, Any]:
    """A task's summary as the worker logs it (a Python dict of strings, ints and booleans)."""
    import ast  # noqa: PLC0415

    value = ast.literal_eval(text)
    assert isinstance(value, dict)
    return value


@pytest.fixture
def worker_env(redis_server: RedisServer, sink: SmtpSink) -> dict[str, str]:
    """What a worker of a deployment would be given; DATABASE_URL etc. are the tests' own."""
    env = dict(os.environ)
    env.pop("TRACKER_TEST_DB", None)
    env.update(
        REDIS_URL=redis_server.url,
        SMTP_URL=sink.url,
        TRACKER_MAIL_LEASE_SECONDS="3",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def workers(tmp_path: Path, worker_env: dict[str, str]) -> Iterator[Workers]:
    group = Workers(tmp_path, worker_env)
    try:
        yield group
    finally:
        group.stop_all()


@pytest.fixture
def worker_settings(sink: SmtpSink) -> Settings:
    """The settings a worker runs with (for the Message-IDs it writes)."""
    return replace(get_settings(), smtp_url=sink.url)


@dataclass
class Rig:
    """Everything a worker test drives: Redis, the SMTP sink, the workers."""

    redis: RedisServer
    sink: SmtpSink
    workers: Workers
    settings: Settings
    """The workers' settings (the Message-IDs they write depend on them)."""

    def sweep(self) -> str:
        """Send the day's reminder sweep (as the beat does); returns the task id."""
        from workers import tasks  # noqa: PLC0415

        return publish(
            tasks.sweep_reminders, self.redis.url, today=SWEEP_DAY.isoformat(), force=True
        )

    def deliver(self) -> str:
        """Ask for a delivery of the outbox (as the beat does every minute)."""
        from workers import tasks  # noqa: PLC0415

        return publish(tasks.deliver_outbox, self.redis.url)


@pytest.fixture
def rig(
    redis_server: RedisServer, sink: SmtpSink, workers: Workers, worker_settings: Settings
) -> Rig:
    return Rig(redis_server, sink, workers, worker_settings)


# ---------------------------------------------------------------- a district


@dataclass
class District:
    world: World
    emails: list[str]
    """Every school user: each gets one digest from the day's sweep."""


async def add_schools(world: World, count: int) -> District:
    """``count`` more schools, each with one user and an assignment of the world's first
    decision due on ``DUE``. Bulk inserts of our own tables: the volume, not the services,
    is what these tests need (the world itself is built through the services)."""
    now = clock.now()
    template = (
        await User.select(User.password_hash).where(User.email == world.users["school_a"]).first()
    )
    assert template is not None
    schools = await School.insert(
        *[
            School(name=f"Муниципальная школа № {100 + i}", short_name=f"Школа № {100 + i}")
            for i in range(count)
        ]
    ).returning(School.id)
    school_ids = [r["id"] for r in schools]
    await User.insert(
        *[
            User(
                email=f"school{100 + i}@example.ru",
                full_name=f"Директор школы № {100 + i}",
                role=Role.SCHOOL.value,
                school=school_id,
                password_hash=template["password_hash"],
                created_at=now,
            )
            for i, school_id in enumerate(school_ids)
        ]
    )
    await Assignment.insert(
        *[
            Assignment(
                decision=world.decisions[0],
                school=school_id,
                due_on=DUE,
                status="assigned",
                created_at=now,
                updated_at=now,
            )
            for school_id in school_ids
        ]
    )
    users = await User.select(User.email).where(User.role == Role.SCHOOL.value)
    return District(world=world, emails=sorted(r["email"] for r in users))


async def outbox_rows() -> list[dict[str, Any]]:
    return list(await OutboxMessage.select().order_by(OutboxMessage.id))


async def pending() -> int:
    return await mail.pending_count()


async def all_delivered() -> bool:
    return await pending() == 0
