"""The compliance matrix and the follow-up compilation on SQLite and PostgreSQL (issue 5).

Goal: compiling 50 decisions × 1,000 schools takes at most 1.5× the time of the equivalent raw
SQL aggregate on the same database, on SQLite and on PostgreSQL.

One Python process holds one Piccolo engine (``tracker.piccolo_conf`` reads the settings once),
so ``run`` starts this module once per database, ``python -m tests.bench.bench_followup --db
sqlite|postgres``, each child printing its figures as one JSON line (``FIGURES {…}``) after its
notes. The child sets ``DATABASE_URL`` before anything makes the engine (a throwaway cluster
from ``tests.support.postgres``, or a SQLite file in a temporary folder), migrates, and loads:

- 1,000 schools, a head;
- the earlier meeting (70 days before the bench day) with 50 decisions × 1,000 schools = 50,000
  assignments: 30 % accepted on time, 10 % accepted late, 10 % reported, 10 % returned (past
  due), 15 % open and overdue, 20 % open and not yet due, 5 % open with no due date; a pending
  extension request on one open assignment in ten, a decided one on as many others;
- 200,000 unrelated assignments (200 decisions of four other meetings) so the filter matters;
- the new meeting, on the bench day, that the follow-up is compiled for.

The loader is this module's own (rows built in Python: asyncpg's COPY, sqlite3's executemany):
``bench_reminders``' loaders are PostgreSQL-only (``generate_series``).

Figures, best of ``REPEAT`` runs each, the baseline measured in the same child on the same data
and in turns with the figure:

- ``compliance(head, today=D, decision_ids=the 50)`` against the same aggregate written here
  independently (GROUP BY decision, school, a SUM(CASE …) per bucket, the labels of the
  decision, meeting and school joined), run through the same driver (asyncpg / sqlite3) and
  fetched in full;
- ``compile_follow_up`` for the new meeting over those 50 decisions (its follow-up deleted
  between runs) against the same aggregate, once ``tracker.followup.services`` has it.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from tests.bench.harness import Figure, emit, note, run_child

SCHOOLS = 1000
DECISIONS = 50
"""Decisions of the earlier meeting: 50 × 1,000 schools = 50,000 assignments."""
OTHER_MEETINGS = 4
OTHER_DECISIONS = 200
"""Unrelated decisions (of ``OTHER_MEETINGS`` meetings): 200 × 1,000 = 200,000 assignments."""
RATIO_GOAL = 1.5
REPEAT = 9
"""Runs of each figure and of its baseline, taken in turns (baseline, figure, baseline, …) so
that a busy moment of the machine slows both alike; the best of each is kept."""
BENCH_DAY = date(2026, 3, 2)
EARLIER_MEETING_DAY = BENCH_DAY - timedelta(days=70)
CHILD_TIMEOUT_S = 150
DATABASES = ("sqlite", "postgres")


def run() -> list[Figure]:
    """Each database in a child process of its own; their figures, in one list."""
    figures: list[Figure] = []
    for database in DATABASES:
        started = time.perf_counter()
        figures += run_child(
            "tests.bench.bench_followup", "--db", database, timeout=CHILD_TIMEOUT_S
        )
        note(f"follow-up bench on {database}: {time.perf_counter() - started:.0f} s in all")
    return figures


# ---------------------------------------------------------------- the child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_followup")
    parser.add_argument("--db", choices=DATABASES, required=True)
    database = parser.parse_args(argv).db
    if "tracker.piccolo_conf" in sys.modules:
        raise RuntimeError("tracker made its engine before the bench set DATABASE_URL")
    data_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-followup-"))
    cluster = None
    try:
        if database == "postgres":
            from tests.support.postgres import start_cluster  # noqa: PLC0415

            cluster = start_cluster()
            url = cluster.url
        else:
            url = f"sqlite:///{data_dir / 'tracker.sqlite'}"
        os.environ["DATABASE_URL"] = url
        os.environ["TRACKER_DATA_DIR"] = str(data_dir)
        os.environ["SECRET_KEY"] = "bench-secret-key-" + "x" * 32
        for name in ("SMTP_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        figures = asyncio.run(_bench(database, url))
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    emit(figures)
    return 0


async def _bench(database: str, url: str) -> list[Figure]:
    # tracker is imported only now: its engine reads DATABASE_URL, set just above
    from tracker import db  # noqa: PLC0415
    from tracker.runtime import tune_gc  # noqa: PLC0415

    await db.migrate()
    await db.open_pool()
    raw = await _Raw.connect(database, url)
    try:
        loaded = time.perf_counter()
        head_id, new_meeting_id = await _load(raw)
        note(
            f"{database}: loaded {SCHOOLS:,} schools, {(DECISIONS + OTHER_DECISIONS) * SCHOOLS:,}"
            f" assignments in {time.perf_counter() - loaded:.1f} s"
        )
        # measured in a process set up as the app's are (``tracker.runtime``)
        tune_gc()
        figures = [await _compliance_figure(database, raw, head_id)]
        compiled = await _compile_figure(database, raw, head_id, new_meeting_id)
        if compiled is not None:
            figures.append(compiled)
    finally:
        await raw.close()
        await db.close_pool()
    return figures


async def _paired_best_ms(
    action: Callable[[], Awaitable[object]],
    baseline: Callable[[], Awaitable[object]],
    *,
    before: Callable[[], Awaitable[object]] | None = None,
    repeat: int = REPEAT,
) -> tuple[float, object, float, object]:
    """(best ms, last result) of ``action`` and of ``baseline``, ``repeat`` awaited runs each,
    in turns; ``before`` runs untimed ahead of each run of ``action``."""
    best = {"action": float("inf"), "baseline": float("inf")}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, run in (("baseline", baseline), ("action", action)):
            if name == "action" and before is not None:
                await before()
            start = time.perf_counter()
            results[name] = await run()
            best[name] = min(best[name], time.perf_counter() - start)
    return (
        best["action"] * 1000,
        results["action"],
        best["baseline"] * 1000,
        results["baseline"],
    )


# ---------------------------------------------------------------- the raw driver


class _Raw:
    """asyncpg or sqlite3, behind the three calls the bench makes. SQL is written with ``?``
    placeholders and turned into ``$n`` for asyncpg."""

    def __init__(self, database: str, pg: asyncpg.Connection | None, lite: Any) -> None:
        self.database = database
        self.pg = pg
        self.lite: sqlite3.Connection | None = lite

    @classmethod
    async def connect(cls, database: str, url: str) -> _Raw:
        if database == "postgres":
            return cls(database, await asyncpg.connect(url), None)
        lite = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        return cls(database, None, lite)

    async def close(self) -> None:
        if self.pg is not None:
            await self.pg.close()
        if self.lite is not None:
            self.lite.close()

    @staticmethod
    def _dollars(sql: str) -> str:
        parts = sql.split("?")
        return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))

    async def fetch(self, sql: str, *args: object) -> list[Any]:
        if self.pg is not None:
            return list(await self.pg.fetch(self._dollars(sql), *args))
        assert self.lite is not None
        return self.lite.execute(sql, [_lite(a) for a in args]).fetchall()

    async def execute(self, sql: str, *args: object) -> None:
        if self.pg is not None:
            await self.pg.execute(self._dollars(sql), *args)
        else:
            assert self.lite is not None
            self.lite.execute(sql, [_lite(a) for a in args])

    async def load(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        if self.pg is not None:
            await self.pg.copy_records_to_table(table, records=rows, columns=columns)
            return
        assert self.lite is not None
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.lite.execute("BEGIN")
        self.lite.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 - our names
            ([_lite(v) for v in row] for row in rows),
        )
        self.lite.execute("COMMIT")


def _lite(value: object) -> object:
    """SQLite keeps dates as ISO text, as Piccolo writes them."""
    return value.isoformat() if isinstance(value, date) else value


# ---------------------------------------------------------------- the district


MIX = (
    (6, "past", "accepted", True),
    (8, "past", "accepted", False),
    (10, "past", "reported", None),
    (12, "past", "returned", None),
    (15, "past", "open", None),
    (19, "ahead", "open", None),
    (20, "none", "open", None),
)
"""(spread below, due, status, accepted_on_time) over a spread of 0–19: the mix of the doc."""


def _assignment(
    assignment_id: int, decision: int, school: int
) -> tuple[int, int, int, date | None, str, bool | None]:
    """(id, decision, school, due_on, status, accepted_on_time), the mix of the module doc."""
    spread = (decision * 7 + school * 13) % 20
    _, due, status, on_time = next(m for m in MIX if spread < m[0])
    dues = {
        "past": BENCH_DAY - timedelta(days=5 + (decision + school) % 40),
        "ahead": BENCH_DAY + timedelta(days=10 + (decision + school) % 60),
        "none": None,
    }
    if status == "open":
        status = "assigned" if school % 2 else "in_progress"
    return assignment_id, decision, school, dues[due], status, on_time


def _assignments() -> Iterator[tuple[int, int, int, date | None, str, bool | None]]:
    """Decision ids 1–50 belong to the earlier meeting, 51–250 to the others; the assignment
    of decision d and school s has the id (d - 1) × 1,000 + s."""
    for decision in range(1, DECISIONS + OTHER_DECISIONS + 1):
        for school in range(1, SCHOOLS + 1):
            yield _assignment((decision - 1) * SCHOOLS + school, decision, school)


async def _load(raw: _Raw) -> tuple[int, int]:
    """The district of the module doc; (the head's user id, the new meeting's id)."""
    await raw.load(
        "school",
        ["id", "name", "short_name", "email"],
        [
            (
                s,
                f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {s}»",
                f"МБОУ СОШ № {s}",
                f"school{s}@bench.example.ru",
            )
            for s in range(1, SCHOOLS + 1)
        ],
    )
    head_id = 1
    await raw.load(
        "tracker_user",
        ["id", "email", "full_name", "role", "password_hash"],
        [(head_id, "head@bench.example.ru", "Начальник отдела образования", "head", "x")],
    )
    title = "Совещание руководителей образовательных учреждений"
    meetings = [(1, title, "1", EARLIER_MEETING_DAY)]
    meetings += [
        (1 + m, title, str(1 + m), EARLIER_MEETING_DAY - timedelta(days=30 * m))
        for m in range(1, OTHER_MEETINGS + 1)
    ]
    new_meeting_id = OTHER_MEETINGS + 2
    meetings.append((new_meeting_id, title, str(new_meeting_id), BENCH_DAY))
    await raw.load("meeting", ["id", "title", "number", "date"], meetings)
    per_other = OTHER_DECISIONS // OTHER_MEETINGS
    decisions = []
    for d in range(1, DECISIONS + OTHER_DECISIONS + 1):
        meeting, position = (
            (1, d) if d <= DECISIONS else (2 + (d - DECISIONS - 1) // per_other, (d - 1) % 50 + 1)
        )
        decisions.append(
            (
                d,
                meeting,
                position,
                str(position),
                "Обеспечить участие педагогических работников в семинарах по реализации"
                f" мероприятия № {d} муниципальной программы и представить информацию.",
                "instruction",
                "Руководителям образовательных учреждений",
                "date",
                EARLIER_MEETING_DAY + timedelta(days=30),
            )
        )
    await raw.load(
        "decision",
        [
            "id",
            "meeting",
            "position",
            "number",
            "text",
            "kind",
            "addressee",
            "deadline_kind",
            "deadline_date",
        ],
        decisions,
    )
    rows = list(_assignments())
    await raw.load(
        "assignment", ["id", "decision", "school", "due_on", "status", "accepted_on_time"], rows
    )
    # a pending request on one open assignment in ten, an approved one on as many others
    requests = []
    for assignment_id, _decision, school, due_on, status, _ in rows:
        if status in {"assigned", "in_progress", "returned"} and due_on is not None:
            if school % 10 == 3:
                requests.append((assignment_id, head_id, due_on + timedelta(days=14), "pending"))
            elif school % 10 == 7:
                requests.append((assignment_id, head_id, due_on + timedelta(days=14), "approved"))
    await raw.load(
        "extension_request",
        ["assignment", "requested_by", "due_on", "status", "reason"],
        [(*r, "Просим продлить срок") for r in requests],
    )
    if raw.database == "postgres":
        for table in ("school", "tracker_user", "meeting", "decision", "assignment"):
            await raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f" (SELECT max(id) FROM {table}))"
            )
        await raw.execute("VACUUM ANALYZE")
    else:
        await raw.execute("ANALYZE")
    return head_id, new_meeting_id


# ---------------------------------------------------------------- the baseline

BASELINE_SQL = """
SELECT g.*, d.meeting, d.position, d.number, d.text, m.date AS meeting_date,
       m.number AS meeting_number, s.short_name
FROM (
  SELECT a.decision, a.school,
         COUNT(*) AS total,
         SUM(CASE WHEN a.status = 'accepted' THEN 1 ELSE 0 END) AS accepted,
         SUM(CASE WHEN a.status = 'accepted' AND a.accepted_on_time = FALSE THEN 1 ELSE 0 END)
           AS late,
         SUM(CASE WHEN a.status = 'reported' THEN 1 ELSE 0 END) AS reported,
         SUM(CASE WHEN a.status IN ('assigned', 'in_progress', 'returned') AND a.due_on < ?
                  THEN 1 ELSE 0 END) AS overdue,
         SUM(CASE WHEN a.status = 'returned' THEN 1 ELSE 0 END) AS returned,
         SUM(CASE WHEN x.id IS NOT NULL AND a.status <> 'accepted' THEN 1 ELSE 0 END)
           AS pending
  FROM assignment a
  LEFT JOIN extension_request x ON x.assignment = a.id AND x.status = 'pending'
  WHERE a.decision IN ({ids})
  GROUP BY a.decision, a.school
) g
JOIN decision d ON d.id = g.decision
JOIN meeting m ON m.id = d.meeting
JOIN school s ON s.id = g.school
"""
"""The matrix's aggregate and labels, written apart from ``tracker.compliance.services``: one
row per decision × school, fetched in full through the raw driver. An assignment has at most
one pending request (``extension_request_one_pending``), so the plain LEFT JOIN counts it once."""


def _baseline_sql(count: int) -> str:
    return BASELINE_SQL.replace("{ids}", ", ".join("?" for _ in range(count)))


def _baseline(raw: _Raw, decision_ids: list[int]) -> Callable[[], Awaitable[list[Any]]]:
    sql = _baseline_sql(len(decision_ids))
    return lambda: raw.fetch(sql, BENCH_DAY, *decision_ids)


def _totals(rows: list[Any]) -> dict[str, int]:
    keys = ("total", "accepted", "late", "reported", "overdue", "returned", "pending")
    return {k: sum(int(row[2 + n]) for row in rows) for n, k in enumerate(keys)}


# ---------------------------------------------------------------- the figures


async def _compliance_figure(database: str, raw: _Raw, head_id: int) -> Figure:
    from tracker.accounts.roles import Actor, Role  # noqa: PLC0415
    from tracker.compliance.services import Compliance, compliance  # noqa: PLC0415

    head = Actor(user_id=head_id, role=Role.HEAD)
    ids = list(range(1, DECISIONS + 1))

    async def matrix_with_sums() -> object:
        # the sums are made on first read: a page reads them all
        found = await compliance(head, today=BENCH_DAY, decision_ids=ids)
        assert len(found.by_school) == SCHOOLS
        return found

    ms, matrix, baseline_ms, rows = await _paired_best_ms(matrix_with_sums, _baseline(raw, ids))
    assert isinstance(rows, list)
    assert isinstance(matrix, Compliance)
    expected = _totals(rows)
    total = matrix.total
    got = {
        "total": total.total,
        "accepted": total.accepted_on_time + total.accepted_late,
        "late": total.accepted_late,
        "reported": total.reported,
        "overdue": total.overdue,
        "returned": total.returned,
        "pending": total.extension_pending,
    }
    assert got == expected, (got, expected)
    cells = sum(len(r) for r in matrix.rows.values())
    assert cells == len(rows) == DECISIONS * SCHOOLS, cells

    ratio = ms / baseline_ms
    note(
        f"{database}: compliance 50 decisions × 1,000 schools ({len(rows):,} cells,"
        f" {expected['total']:,} assignments of {(DECISIONS + OTHER_DECISIONS) * SCHOOLS:,}):"
        f" {ms:.1f} ms; raw aggregate {baseline_ms:.1f} ms (×{ratio:.2f})"
    )
    return Figure(
        name=f"{database}: compliance(), 50 decisions × 1,000 schools",
        value_ms=ms,
        baseline_name=f"raw aggregate, {_driver(database)}",
        baseline_ms=baseline_ms,
        goal=f"ratio ≤ {RATIO_GOAL}",
        met=ms <= RATIO_GOAL * baseline_ms,
    )


async def _compile_figure(
    database: str, raw: _Raw, head_id: int, new_meeting_id: int
) -> Figure | None:
    try:
        services = importlib.import_module("tracker.followup.services")
    except ModuleNotFoundError:
        services = None
    compile_follow_up = getattr(services, "compile_follow_up", None)
    if compile_follow_up is None:
        note(f"{database}: compile: not built yet")
        return None
    from tracker.accounts.roles import Actor, Role  # noqa: PLC0415

    head = Actor(user_id=head_id, role=Role.HEAD)
    ids = list(range(1, DECISIONS + 1))

    async def fresh() -> None:
        found = await raw.fetch(
            "SELECT id, agenda_item FROM follow_up WHERE meeting = ?", new_meeting_id
        )
        for follow_up_id, agenda_item_id in found:
            await raw.execute("DELETE FROM follow_up_item WHERE follow_up = ?", follow_up_id)
            await raw.execute("DELETE FROM follow_up WHERE id = ?", follow_up_id)
            if agenda_item_id is not None:
                await raw.execute("DELETE FROM agenda_item WHERE id = ?", agenda_item_id)

    ms, view, baseline_ms, _ = await _paired_best_ms(
        lambda: compile_follow_up(head, new_meeting_id, as_of=BENCH_DAY, decision_ids=ids),
        _baseline(raw, ids),
        before=fresh,
    )
    items = view.items  # type: ignore[attr-defined]
    assert [i.decision_id for i in items] == ids, [i.decision_id for i in items]
    assert sum(i.snapshot.total for i in items) == DECISIONS * SCHOOLS
    ratio = ms / baseline_ms
    note(
        f"{database}: compile_follow_up, 50 decisions × 1,000 schools: {ms:.1f} ms;"
        f" raw aggregate {baseline_ms:.1f} ms (×{ratio:.2f})"
    )
    return Figure(
        name=f"{database}: compile_follow_up(), 50 decisions × 1,000 schools",
        value_ms=ms,
        baseline_name=f"raw aggregate, {_driver(database)}",
        baseline_ms=baseline_ms,
        goal=f"ratio ≤ {RATIO_GOAL}",
        met=ms <= RATIO_GOAL * baseline_ms,
    )


def _driver(database: str) -> str:
    return "asyncpg" if database == "postgres" else "sqlite3"


if __name__ == "__main__":
    sys.exit(main())
