"""What the fault tests run: a deployment made of real processes, each of which a test can stop.

- a PostgreSQL cluster of the test's own (``tests.support.postgres``), migrated and seeded by
  the ``tracker`` command itself (``tracker migrate``, ``tracker seed``), as an operator would;
- the web app served by ``tracker serve`` (one uvicorn process, the connection pool on, as in
  production) on a loopback port, with the deployment's environment;
- the database read back through asyncpg directly, never through the app under test.

The test process's own tracker (``tests/conftest.py``: SQLite or the suite's cluster) is not
used: the served app reads ``DATABASE_URL`` from its own environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from tests.support.postgres import Cluster
from tests.support.process import ServerProcess
from tracker.settings import REPO_ROOT

BIN = Path(sys.executable).parent
CLEARED = ("TRACKER_TEST_DB", "REDIS_URL", "SMTP_URL", "TRACKER_DB_POOL")
"""Variables of the test run that a deployment does not inherit."""


def deployment_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production process: this database, the pool on, no Redis unless
    ``extra`` names one. The cheap password hashing of the test run is kept."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        DATABASE_URL=database_url,
        TRACKER_DATA_DIR=str(data_dir),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def tracker(args: Sequence[str], env: Mapping[str, str], timeout: float = 120) -> str:
    """Run the ``tracker`` command; its stdout (the test fails on a non-zero exit)."""
    done = subprocess.run(
        [str(BIN / "tracker"), *args],
        cwd=REPO_ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"tracker {' '.join(args)}: {done.stderr[-3000:]}"
    return done.stdout


def seeded(
    env: Mapping[str, str], schools: int, decisions: int, today: str | None = None
) -> dict[str, Any]:
    """``tracker migrate`` and ``tracker seed``: the district's summary (its logins)."""
    tracker(["migrate"], env)
    out = tracker(
        [
            *("seed", "--schools", str(schools), "--decisions", str(decisions)),
            *(("--today", today) if today else ()),
        ],
        env,
    )
    summary: dict[str, Any] = json.loads(out)
    return summary


class Served(ServerProcess):
    """``tracker serve`` on a loopback port, with the environment given (not the test's)."""

    name = "tracker serve"
    log_name = "serve.log"

    def __init__(self, directory: Path, env: Mapping[str, str]) -> None:
        super().__init__(directory)
        self.env = dict(env)

    def command(self) -> list[str]:
        # ``env`` execs the server (same pid) with exactly this environment
        assignments = [f"{k}={v}" for k, v in sorted(self.env.items())]
        serve = [str(BIN / "tracker"), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        return ["/usr/bin/env", "-i", *assignments, *serve]

    def cwd(self) -> Path:
        return REPO_ROOT

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


async def connect(cluster: Cluster) -> asyncpg.Connection:
    return await asyncpg.connect(cluster.url)


async def rows(cluster: Cluster, sql: str, *args: Any) -> list[asyncpg.Record]:
    """A query on the cluster, through a connection of its own (never the app's)."""
    conn = await connect(cluster)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


# ---------------------------------------------------------------- clients of the served app


async def api_token(client: httpx.AsyncClient, email: str, password: str) -> str:
    answer = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


async def page_login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    """Sign in through the login form (cookies kept by ``client``); the 303 answer."""
    (await client.get("/login")).raise_for_status()
    answer = await client.post(
        "/login", data={"email": email, "password": password, "_csrf_token": csrf(client)}
    )
    assert answer.status_code == 303, answer.text
    return answer


def csrf(client: httpx.AsyncClient) -> str:
    token = client.cookies.get("csrftoken")
    assert token, "no CSRF cookie yet: GET a page first"
    return token


@dataclass
class Timed:
    """One request and its answer (``status`` 0: no answer, ``error`` says why)."""

    what: str
    started: float
    seconds: float
    status: int
    body: str = ""
    retry_after: str | None = None
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ended(self) -> float:
        return self.started + self.seconds


async def timed(what: str, send: Any) -> tuple[Timed, httpx.Response | None]:
    """Await ``send`` (an httpx request coroutine) and time it; a client error is kept, not raised."""
    started = time.monotonic()
    try:
        answer: httpx.Response = await send
    except httpx.HTTPError as exc:
        return Timed(what, started, time.monotonic() - started, 0, error=repr(exc)), None
    return (
        Timed(
            what,
            started,
            time.monotonic() - started,
            answer.status_code,
            answer.text if answer.status_code >= 400 else answer.text[:2000],
            answer.headers.get("retry-after"),
        ),
        answer,
    )
