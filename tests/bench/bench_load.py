"""The web app under load, the dashboard matrix, and peak memory, on a region's district (issue 7).

Goals, on PostgreSQL with 1,000 schools × 1,200 decisions = 1,200,000 assignments (``tracker
seed``'s district: 24 meetings of 50 decisions, reports and extension requests in every state):

- the school leader's list (``GET /my``) and an assignment page (``GET /assignments/{id}``) at
  ``RATE`` requests/s, open loop: p99 ≤ 100 ms; beside it a bare Litestar endpoint
  (``tests.bench.bare_app``) served the same way under the same load, and the throughput of
  each (a closed-loop burst of ``CLOSED_CLIENTS`` connections), as a ratio;
- the dashboard matrix (``GET /dashboard?meeting=…&page=…``: 50 decisions × 1,000 schools,
  ``PAGE_SIZE`` schools a page): p50 of sequential requests ≤ 500 ms, beside the raw aggregate
  of its 50 decisions through asyncpg (``bench_followup.BASELINE_SQL``);
- the high-water mark of the resident set (``VmHWM``) of the web process after all of that
  ≤ 250 MB, beside the bare app's; of a Celery worker's process after the reminder sweep and
  two jobs over the district (a follow-up compile and the .xlsx matrix of a 50 × 1,000
  meeting) ≤ 200 MB, beside the same process idle.

The app runs as production runs it: ``tracker serve --workers 2`` (two uvicorn processes)
against a throwaway PostgreSQL cluster, ``celery -A workers.celery_app worker`` against a real
``redis-server``; the load comes from ``tests.bench.load_client``, a process of its own, over
loopback. The school users (``SCHOOL_USERS`` of them) and the head sign in through the login
form first (argon2 with the production cost: the logins are not timed, and the web processes'
peak is read both with them and without, ``/proc/<pid>/clear_refs`` resetting it after they
are done).

``run`` starts this module in a child process (``python -m tests.bench.bench_load``): tracker
reads ``DATABASE_URL`` once per process, and ``make bench`` imports tracker before this runs.
The child prints its notes, then its figures as one JSON line (``FIGURES […]``).

Memory figures are megabytes, printed in the table's ``ms`` columns; throughput is compared as
milliseconds per request (1,000 / requests a second), so the ratio reads as "how many times
slower than the bare endpoint".
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from tests.bench.harness import Figure, emit, note, run_child

SCHOOLS = 1000
DECISIONS = 1200
"""1,200 decisions over the seed's 24 meetings: 50 a meeting, 1,200,000 assignments."""
WEB_WORKERS = 2
"""Web processes, as compose runs them (``tracker serve --workers 2``); the bare app alike."""
SCHOOL_USERS = 30
"""School leaders signed in for the load (argon2 costs ~0.2 s a login on this machine)."""
ASSIGNMENT_PAGES = 4
"""Assignments of each school user's own school (and as many for the head) in the plan."""
RATE = 200.0
OPEN_LOOP_S = 15.0
WARM_UP_S = 2.0
CLOSED_CLIENTS = 32
CLOSED_S = 5.0
DETAIL_ONLY_S = 8.0
DASHBOARD_REQUESTS = 12
P99_GOAL_MS = 100.0
DASHBOARD_GOAL_MS = 500.0
WEB_MB_GOAL = 250.0
WORKER_MB_GOAL = 200.0
WORKER_TIMEOUT_S = 300.0
SETTLE_S = 60.0
CHILD_TIMEOUT_S = 720
REPO = Path(__file__).resolve().parents[2]


def run() -> list[Figure]:
    """The whole bench in a child process (see the module doc); its figures."""
    started = time.perf_counter()
    note(f"load bench: load average {_load_average()}")
    figures = run_child("tests.bench.bench_load", timeout=CHILD_TIMEOUT_S, cwd=REPO)
    note(
        f"load bench: {time.perf_counter() - started:.0f} s in all, load average {_load_average()}"
    )
    return figures


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---------------------------------------------------------------- processes


def _hwm_mb(*pids: int) -> float:
    """The peak resident set (``VmHWM``) of a process, in MB (the largest of several)."""
    return max(_status_kb(pid, "VmHWM") for pid in pids) / 1024


def _rss_mb(*pids: int) -> float:
    return max(_status_kb(pid, "VmRSS") for pid in pids) / 1024


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {key} for process {pid}")


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settle(*pids: int) -> float:
    """Wait until the processes are idle (under 5 % of a core for a second): a server that fell
    behind works through what its clients gave up on. The seconds waited, ``SETTLE_S`` at most."""
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_S:
        before = sum(_cpu_s(pid) for pid in pids)
        time.sleep(1)
        if sum(_cpu_s(pid) for pid in pids) - before < 0.05:  # 5 % of a core
            break
    return time.monotonic() - started


def _reset_hwm(*pids: int) -> bool:
    """Reset the peak resident set to the current one (Linux ≥ 4.0); False when refused."""
    try:
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in text.split()]


class _Served:
    """A web process on a loopback port, as ``tests.support.process.ServerProcess`` starts it."""

    def __init__(self, name: str, command: list[str], directory: Path, port: int) -> None:
        from tests.support.process import ServerProcess  # noqa: PLC0415

        outer = self

        class Server(ServerProcess):
            log_name = f"{name}.log"

            def command(self) -> list[str]:
                return command

            def cwd(self) -> Path:
                return REPO

            def ready(self) -> bool:
                return outer.ping()

            @property
            def url(self) -> str:
                return f"http://127.0.0.1:{self.port}"

        Server.name = name
        self.server = Server(directory, port)
        self.port = port

    def ping(self) -> bool:
        import httpx  # noqa: PLC0415

        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code in {
                200,
                404,
            }
        except httpx.HTTPError:
            return False

    @property
    def pid(self) -> int:
        assert self.server.process is not None
        return self.server.process.pid

    @property
    def workers(self) -> list[int]:
        """The web processes: uvicorn's spawned workers (not its resource tracker)."""
        return [
            pid
            for pid in _children(self.pid)
            if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text()
        ]

    def start(self) -> None:
        self.server.start(timeout=60)

    def stop(self) -> None:
        self.server.stop()


# ---------------------------------------------------------------- the child


def main() -> int:
    if "tracker.piccolo_conf" in sys.modules:
        raise RuntimeError("tracker made its engine before the bench set DATABASE_URL")
    from tests.support.postgres import start_cluster  # noqa: PLC0415

    data_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-load-"))
    cluster = start_cluster()
    try:
        os.environ["DATABASE_URL"] = cluster.url
        os.environ["TRACKER_DATA_DIR"] = str(data_dir)
        os.environ["SECRET_KEY"] = "bench-secret-key-" + "x" * 32
        for name in ("SMTP_URL", "REDIS_URL", "TRACKER_PASSWORD_HASH_COST"):
            os.environ.pop(name, None)
        figures = _bench(data_dir, cluster.url)
    finally:
        cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    emit(figures)
    return 0


def _bench(data_dir: Path, url: str) -> list[Figure]:
    district = asyncio.run(_seed())
    figures: list[Figure] = []
    figures += _web(data_dir, district)
    figures.append(_worker(data_dir, url, district))
    return figures


async def _seed() -> dict[str, Any]:
    # tracker is imported only now: its engine reads DATABASE_URL, set just above
    from tracker import clock, db  # noqa: PLC0415
    from tracker.seed import seed  # noqa: PLC0415

    await db.migrate()
    started = time.perf_counter()
    summary = await seed(SCHOOLS, DECISIONS, today=clock.today())
    note(
        f"seeded {summary.schools:,} schools, {summary.meetings} meetings,"
        f" {summary.assignments:,} assignments, {summary.reports:,} reports,"
        f" {summary.extension_requests:,} extension requests in"
        f" {time.perf_counter() - started:.0f} s"
    )
    facts = await _facts()
    return {
        "today": summary.today,
        "head": summary.head_email,
        "schools": list(summary.school_emails),
        "password": summary.password,
        **facts,
    }


async def _facts() -> dict[str, Any]:
    """What the bench asks for by id: the users' schools, a few assignments of each, and the
    meeting of the matrix (the latest one whose due dates have all passed: every state)."""
    from tracker import db  # noqa: PLC0415

    users = await db.fetch_rows("SELECT email, school FROM tracker_user WHERE role = {}", "school")
    school_of = {str(r[0]): int(r[1]) for r in users}
    meetings = await db.fetch_rows(
        """SELECT m.id, count(DISTINCT d.id) FROM meeting m JOIN decision d ON d.meeting = m.id
           GROUP BY m.id, m.date ORDER BY m.date"""
    )
    meeting_id, decisions = (int(x) for x in meetings[len(meetings) // 2])
    decision_ids = [
        int(r[0])
        for r in await db.fetch_rows(
            "SELECT id FROM decision WHERE meeting = {} ORDER BY id", meeting_id
        )
    ]
    return {
        "school_of": school_of,
        "matrix_meeting": meeting_id,
        "matrix_decisions": decisions,
        "matrix_decision_ids": decision_ids,
    }


async def _assignments_of(school_ids: list[int], per_school: int) -> dict[int, list[int]]:
    from tracker import db  # noqa: PLC0415

    rows = await db.fetch_rows(
        """SELECT school, id FROM (
             SELECT school, id, row_number() OVER (PARTITION BY school ORDER BY id DESC) AS n
             FROM assignment WHERE school = ANY({}::int[])) t
           WHERE n <= {}""",
        school_ids,
        per_school,
    )
    found: dict[int, list[int]] = {}
    for school, assignment_id in rows:
        found.setdefault(int(school), []).append(int(assignment_id))
    return found


# ---------------------------------------------------------------- the web


def _login(port: int, email: str, password: str) -> str:
    """Sign in through the login form; the Cookie header of the session."""
    import httpx  # noqa: PLC0415

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        client.get("/login").raise_for_status()
        token = client.cookies.get("csrftoken") or ""
        answer = client.post(
            "/login",
            data={"email": email, "password": password, "_csrf_token": token},
            headers={"x-csrftoken": token},
        )
        if answer.status_code != 303:
            raise RuntimeError(f"login {email}: {answer.status_code} {answer.text[:300]}")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def _plan(port: int, district: dict[str, Any]) -> tuple[list[list[str]], str]:
    """[[path, cookie], …] over the school users and the head, interleaved; the head's cookie."""
    emails = district["schools"][:SCHOOL_USERS]
    schools = [district["school_of"][e] for e in emails]
    own = asyncio.run(_assignments_of(schools, ASSIGNMENT_PAGES))
    started = time.perf_counter()
    head = _login(port, district["head"], district["password"])
    cookies = [_login(port, e, district["password"]) for e in emails]
    note(
        f"signed in {len(emails)} school users and the head in {time.perf_counter() - started:.1f} s"
    )
    plan: list[list[str]] = []
    for n in range(ASSIGNMENT_PAGES):
        for school, cookie in zip(schools, cookies, strict=True):
            plan.append(["/my", cookie])
            plan.append([f"/assignments/{own[school][n]}", cookie])
        # the head opens an assignment of the school users' schools, one turn each
        plan.append([f"/assignments/{own[schools[n % len(schools)]][n]}", head])
    return plan, head


def _check_pages(port: int, plan: list[list[str]]) -> None:
    """Each kind of page answers 200 with a page of the app (not a login form) before the load."""
    import httpx  # noqa: PLC0415

    for path, cookie in plan[:2] + plan[-1:]:
        answer = httpx.get(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie}, timeout=30)
        if answer.status_code != 200 or 'name="password"' in answer.text:
            raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")


def _load(mode: str, port: int, plan_file: Path, seconds: float) -> dict[str, Any]:
    extra = ["--rate", str(RATE)] if mode == "open" else ["--clients", str(CLOSED_CLIENTS)]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.load_client",
            mode,
            *("--port", str(port), "--plan", str(plan_file), "--seconds", str(seconds)),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
        cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load_client failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _describe(label: str, r: dict[str, Any]) -> str:
    kinds = ", ".join(
        f"{kind} p50 {v['p50_ms']:.1f} p99 {v['p99_ms']:.1f} ms (n={v['n']})"
        for kind, v in r["by_kind"].items()
    )
    errors = f" e.g. {r['first_errors'][:2]}" if r["errors"] else ""
    return (
        f"{label}: {r['ok']:,} ok, {r['errors']} errors{errors}; {r['rate']:.1f} req/s;"
        f" p50 {r['p50_ms']:.1f} p90 {r['p90_ms']:.1f} p99 {r['p99_ms']:.1f}"
        f" max {r['max_ms']:.1f} ms; {r['connections']} connections, start lag ≤"
        f" {r['max_start_lag_ms']:.1f} ms [{kinds}]"
    )


def _web(data_dir: Path, district: dict[str, Any]) -> list[Figure]:
    from tests.support.process import free_port  # noqa: PLC0415

    tracker_bin = str(Path(sys.executable).with_name("tracker"))
    app = _Served(
        "tracker-serve",
        [
            *(tracker_bin, "serve", "--host", "127.0.0.1", "--port", str(port := free_port())),
            *("--workers", str(WEB_WORKERS)),
        ],
        data_dir / "logs",
        port,
    )
    bare = _Served(
        "bare-app",
        [
            *(sys.executable, "-m", "uvicorn", "tests.bench.bare_app:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(bare_port := free_port()), "--no-server-header"),
            *("--workers", str(WEB_WORKERS)),
        ],
        data_dir / "logs",
        bare_port,
    )
    app.start()
    bare.start()
    try:
        web = app.workers
        note(f"web processes {web} started: {_rss_mb(*web):.0f} MB resident (the largest)")
        plan, head = _plan(app.port, district)
        _check_pages(app.port, plan)
        plan_file = data_dir / "plan.json"
        plan_file.write_text(json.dumps(plan))
        bare_file = data_dir / "bare.json"
        bare_file.write_text(json.dumps([["/ok", cookie] for _, cookie in plan]))
        with_logins_mb = _hwm_mb(*web)
        reset = _reset_hwm(*web)
        note(
            f"web processes after sign-ins: peak {with_logins_mb:.0f} MB"
            f" (argon2's 64 MB a login), now {_rss_mb(*web):.0f} MB"
            + ("; peak reset" if reset else "; peak could not be reset")
        )

        _load("open", bare.port, bare_file, WARM_UP_S)
        _load("open", app.port, plan_file, WARM_UP_S)
        bare_open = _load("open", bare.port, bare_file, OPEN_LOOP_S)
        note(_describe(f"bare endpoint, {RATE:.0f} req/s open loop", bare_open))
        # the assignment page alone first (on a server with no backlog yet), to tell which of
        # the two pages limits the mix
        detail_file = data_dir / "detail.json"
        detail_file.write_text(json.dumps([p for p in plan if p[0] != "/my"]))
        detail_open = _load("open", app.port, detail_file, DETAIL_ONLY_S)
        note(_describe(f"/assignments/{{id}} alone, {RATE:.0f} req/s open loop", detail_open))
        note(f"web processes idle again {_settle(*web):.0f} s after the run")
        app_open = _load("open", app.port, plan_file, OPEN_LOOP_S)
        note(_describe(f"/my + /assignments/{{id}}, {RATE:.0f} req/s open loop", app_open))
        note(f"web processes idle again {_settle(*web):.0f} s after the run")
        app_load_mb = _hwm_mb(*web)
        bare_closed = _load("closed", bare.port, bare_file, CLOSED_S)
        note(_describe(f"bare endpoint, {CLOSED_CLIENTS} clients closed loop", bare_closed))
        app_closed = _load("closed", app.port, plan_file, CLOSED_S)
        note(
            _describe(
                f"/my + /assignments/{{id}}, {CLOSED_CLIENTS} clients closed loop", app_closed
            )
        )
        note(f"web processes idle again {_settle(*web):.0f} s after the burst")
        after_load_mb = _hwm_mb(*web)
        bare_mb = _hwm_mb(*bare.workers)
        note(
            f"peak resident: web {app_load_mb:.0f} MB after the open loop, {after_load_mb:.0f} MB"
            f" after the burst; bare app {bare_mb:.0f} MB; load average {_load_average()}"
        )
        dashboard, dashboard_ms, raw_ms = _dashboard(app.port, head, district)
        web_mb = _hwm_mb(*web)
        note(f"web processes' peak after the dashboard: {web_mb:.0f} MB")
    finally:
        app.stop()
        bare.stop()

    rate_ok = app_open["rate"] >= 0.95 * RATE and not app_open["errors"]
    return [
        Figure(
            name=(
                f"web p99, /my + /assignments/{{id}} at {RATE:.0f} req/s, 1.2M assignments"
                f" ({app_open['rate']:.0f} req/s done, {app_open['errors']} errors)"
            ),
            value_ms=app_open["p99_ms"],
            baseline_name=f"bare Litestar p99, same load ({bare_open['rate']:.0f} req/s)",
            baseline_ms=bare_open["p99_ms"],
            goal=f"p99 ≤ {P99_GOAL_MS:.0f} ms, no error",
            met=app_open["p99_ms"] <= P99_GOAL_MS and rate_ok,
        ),
        Figure(
            name=(
                f"web p99, /assignments/{{id}} alone at {RATE:.0f} req/s"
                f" ({detail_open['rate']:.0f} req/s done, {detail_open['errors']} errors)"
            ),
            value_ms=detail_open["p99_ms"],
            baseline_name="bare Litestar p99, same load",
            baseline_ms=bare_open["p99_ms"],
            goal=f"p99 ≤ {P99_GOAL_MS:.0f} ms, no error",
            met=detail_open["p99_ms"] <= P99_GOAL_MS
            and detail_open["rate"] >= 0.95 * RATE
            and not detail_open["errors"],
        ),
        Figure(
            name=f"web p50, /my + /assignments/{{id}} at {RATE:.0f} req/s",
            value_ms=app_open["p50_ms"],
            baseline_name="bare Litestar p50, same load",
            baseline_ms=bare_open["p50_ms"],
            goal="reported",
            met=True,
        ),
        Figure(
            name=(
                f"web throughput, {CLOSED_CLIENTS} clients: {app_closed['rate']:.0f} req/s"
                " (ms a request)"
            ),
            value_ms=1000 / app_closed["rate"] if app_closed["rate"] else float("inf"),
            baseline_name=f"bare Litestar: {bare_closed['rate']:.0f} req/s",
            baseline_ms=1000 / bare_closed["rate"] if bare_closed["rate"] else float("inf"),
            goal="ratio reported",
            met=not app_closed["errors"],
        ),
        Figure(
            name=(
                f"dashboard p50, {district['matrix_decisions']} decisions × {SCHOOLS:,} schools,"
                f" {dashboard} pages"
            ),
            value_ms=dashboard_ms,
            baseline_name="raw aggregate of the meeting, asyncpg",
            baseline_ms=raw_ms,
            goal=f"p50 ≤ {DASHBOARD_GOAL_MS:.0f} ms",
            met=dashboard_ms <= DASHBOARD_GOAL_MS,
        ),
        Figure(
            name=(
                f"web process peak RSS, MB, the larger of {WEB_WORKERS}"
                " (load, burst, dashboard; sign-ins excluded)"
            ),
            value_ms=web_mb,
            baseline_name=f"bare Litestar process, MB, the larger of {WEB_WORKERS}",
            baseline_ms=bare_mb,
            goal=f"≤ {WEB_MB_GOAL:.0f} MB",
            met=web_mb <= WEB_MB_GOAL,
        ),
    ]


def _dashboard(port: int, head: str, district: dict[str, Any]) -> tuple[int, float, float]:
    """Sequential GETs of the matrix's pages as the head: (pages, p50 ms, raw aggregate ms)."""
    import httpx  # noqa: PLC0415

    from tests.bench.bench_followup import BASELINE_SQL  # noqa: PLC0415
    from tests.bench.load_client import percentile  # noqa: PLC0415

    meeting = district["matrix_meeting"]
    pages = -(-SCHOOLS // 40)
    timings: list[float] = []
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Cookie": head}, timeout=60
    ) as client:
        for n in range(DASHBOARD_REQUESTS + 1):
            path = f"/dashboard?meeting={meeting}&page={n % pages + 1}"
            started = time.perf_counter()
            try:
                answer = client.get(path)
            except httpx.TimeoutException:
                note(f"GET {path}: no answer in 60 s")
                return len(timings), float("inf"), 0.0
            ms = (time.perf_counter() - started) * 1000
            if answer.status_code != 200 or "МБОУ" not in answer.text:
                raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")
            if n:  # the first one warms the templates and the caches up
                timings.append(ms)
    ids = district["matrix_decision_ids"]
    sql = BASELINE_SQL.replace("{ids}", ", ".join(f"${n + 2}" for n in range(len(ids))))
    sql = sql.replace("a.due_on < ?", "a.due_on < $1")
    raw = asyncio.run(_raw_best_ms(sql, district["today"], ids))
    p50 = percentile(timings, 0.5)
    note(
        f"dashboard meeting {meeting}: {district['matrix_decisions']} decisions × {SCHOOLS:,}"
        f" schools, {len(timings)} sequential pages: p50 {p50:.0f} ms, max {max(timings):.0f} ms;"
        f" raw aggregate {raw:.0f} ms"
    )
    return len(timings), p50, raw


async def _raw_best_ms(sql: str, today: date, ids: list[int]) -> float:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            await conn.fetch(sql, today, *ids)
            best = min(best, time.perf_counter() - started)
    finally:
        await conn.close()
    return best * 1000


# ---------------------------------------------------------------- the worker


def _worker(data_dir: Path, url: str, district: dict[str, Any]) -> Figure:
    import redis  # noqa: PLC0415
    from celery import Celery  # noqa: PLC0415

    from tests.support.redis_server import RedisServer  # noqa: PLC0415

    with RedisServer(data_dir / "redis") as broker:
        env = {**os.environ, "REDIS_URL": broker.url}
        log_path = data_dir / "logs" / "worker.log"
        with log_path.open("ab") as log:
            worker = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("celery")),
                    *("-A", "workers.celery_app", "worker", "--loglevel=INFO"),
                    *("--concurrency=1", "--without-mingle", "--without-gossip"),
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait(lambda: "ready." in log_path.read_text(errors="replace"), 60, "worker ready")
            children = _children(worker.pid)
            idle_mb = max(_hwm_mb(p) for p in children)
            note(
                f"worker {worker.pid} ready: pool process(es) {children}, idle peak"
                f" {idle_mb:.0f} MB; main process {_hwm_mb(worker.pid):.0f} MB"
            )
            jobs = asyncio.run(_jobs(url, district))
            client = Celery(broker=broker.url)
            started = time.perf_counter()
            sweep_day = asyncio.run(_working_day(district["today"]))
            queue = redis.Redis.from_url(broker.url)

            def drained() -> bool:
                return not queue.llen("celery") and not queue.hlen("unacked")

            client.send_task(
                "tracker.sweep_reminders", kwargs={"today": sweep_day.isoformat(), "force": True}
            )
            time.sleep(1)
            _wait(drained, WORKER_TIMEOUT_S, "the reminder sweep")
            swept_s = time.perf_counter() - started
            (pool,) = _children(worker.pid)
            sweep_mb = _hwm_mb(pool)
            reset = _reset_hwm(pool)
            started = time.perf_counter()
            for job_id in jobs.values():
                client.send_task("tracker.run_job", args=[job_id])
            done = asyncio.run(_wait_jobs(url, list(jobs.values()), started))
            _wait(drained, WORKER_TIMEOUT_S, "the worker's queue to drain")
            jobs_mb = _hwm_mb(pool)
            worker_mb = max(sweep_mb, jobs_mb)
            main_mb = _hwm_mb(worker.pid)
            summary = asyncio.run(_sweep_summary(url))
            note(
                f"worker: sweep of {sweep_day} ({summary}) in {swept_s:.1f} s, pool process"
                f" peak {sweep_mb:.0f} MB; then"
                + "".join(f" {kind} {done[job]}" for kind, job in jobs.items())
                + f", peak {jobs_mb:.0f} MB"
                + ("" if reset else " (not reset: includes the sweep)")
                + f"; main process {main_mb:.0f} MB; load average {_load_average()}"
            )
        finally:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(10)
    return Figure(
        name=(
            f"worker peak RSS, MB (reminder sweep {sweep_mb:.0f};"
            f" follow-up compile + .xlsx 50 × 1,000: {jobs_mb:.0f})"
        ),
        value_ms=worker_mb,
        baseline_name="the same worker process idle, MB",
        baseline_ms=idle_mb,
        goal=f"≤ {WORKER_MB_GOAL:.0f} MB",
        met=worker_mb <= WORKER_MB_GOAL,
    )


def _wait(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {seconds:.0f} s")
        time.sleep(0.2)


async def _working_day(today: date) -> date:
    from datetime import timedelta  # noqa: PLC0415

    from tracker.calendar.services import effective_calendar  # noqa: PLC0415

    calendar = await effective_calendar()
    day = today
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


async def _jobs(url: str, district: dict[str, Any]) -> dict[str, int]:
    """Two queued jobs of the head: the follow-up of a new meeting over the matrix meeting's
    decisions, and the .xlsx matrix of that meeting (as ``jobs.start`` writes them)."""
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(url)
    try:
        head = await conn.fetchval("SELECT id FROM tracker_user WHERE email = $1", district["head"])
        meeting = await conn.fetchval(
            "INSERT INTO meeting (title, number, date) VALUES ($1, $2, $3) RETURNING id",
            "Совещание руководителей (бенчмарк)",
            "bench",
            district["today"],
        )
        params = {
            "follow_up": {
                "meeting_id": meeting,
                "as_of": district["today"].isoformat(),
                "decision_ids": district["matrix_decision_ids"],
            },
            "compliance_xlsx": {"meeting_id": district["matrix_meeting"]},
        }
        found = {}
        for kind, values in params.items():
            found[kind] = await conn.fetchval(
                "INSERT INTO job (kind, params, created_by) VALUES ($1, $2, $3) RETURNING id",
                kind,
                json.dumps(values),
                head,
            )
        return found
    finally:
        await conn.close()


async def _wait_jobs(url: str, ids: list[int], started: float) -> dict[int, str]:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(url)
    try:
        deadline = time.monotonic() + WORKER_TIMEOUT_S
        while True:
            rows = await conn.fetch(
                "SELECT id, state, error, extract(epoch FROM finished_at - started_at)"
                " FROM job WHERE id = ANY($1::int[])",
                ids,
            )
            if all(r[1] in {"done", "failed"} for r in rows):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"jobs not done in {WORKER_TIMEOUT_S:.0f} s: {rows}")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    failed = [r for r in rows if r[1] != "done"]
    if failed:
        raise RuntimeError(f"jobs failed: {failed}")
    return {int(r[0]): f"{float(r[3]):.1f} s" for r in rows}


async def _sweep_summary(url: str) -> str:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(url)
    try:
        reminders = await conn.fetchval("SELECT count(*) FROM reminder")
        messages = await conn.fetchval("SELECT count(*) FROM outbox_message")
    finally:
        await conn.close()
    return f"{reminders:,} reminders, {messages:,} messages"


if __name__ == "__main__":
    sys.exit(main())
