"""The compliance aggregate over everything at 10k, 100k and 1M assignments, on SQLite and
PostgreSQL (issue 7): ``compliance(head, today=D)`` — every decision × school of the district,
with its sums — against the same aggregate in raw SQL (``GROUP BY`` decision, school, a
``SUM(CASE …)`` per bucket, labels joined) fetched in full through the bare driver.

Goal: ratio ≤ 1.5 at each size, so that the growth shows in both columns alike. At 100k and
1M also ``bench_followup``'s compile of 50 decisions × 1,000 schools, in the bigger database.

One child process per database (``python -m tests.bench.bench_scale --db sqlite|postgres``, as
``bench_followup`` does, whose district, loader and raw driver this module reuses): 1,000
schools, then decisions added 10 → 100 → 1,000 (10k → 100k → 1M assignments, the mix of
``bench_followup.MIX``), each size measured before the next is loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.bench import bench_followup as fu
from tests.bench.harness import Figure, emit, note, run_child

SIZES = (10, 100, 1000)
"""Decisions × 1,000 schools: 10k, 100k, 1M assignments."""
REPEATS = {10: 9, 100: 5, 1000: 3}
CHILD_TIMEOUT_S = 420
RATIO_GOAL = 1.5
NEW_MEETING = 2
"""The meeting the follow-up of decisions 1–50 is compiled for, at 100k and 1M."""

DECISION_COLUMNS = [
    "id",
    "meeting",
    "position",
    "number",
    "text",
    "kind",
    "addressee",
    "deadline_kind",
    "deadline_date",
]

BASELINE_ALL_SQL = fu.BASELINE_SQL.replace("  WHERE a.decision IN ({ids})\n", "")
"""``bench_followup``'s baseline without the decision filter: the whole district."""


def run() -> list[Figure]:
    figures: list[Figure] = []
    for database in fu.DATABASES:
        started = time.perf_counter()
        figures += run_child("tests.bench.bench_scale", "--db", database, timeout=CHILD_TIMEOUT_S)
        note(f"scale bench on {database}: {time.perf_counter() - started:.0f} s in all")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_scale")
    parser.add_argument("--db", choices=fu.DATABASES, required=True)
    database = parser.parse_args(argv).db
    data_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-scale-"))
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
        figures = asyncio.run(_bench(database, url))
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    emit(figures)
    return 0


async def _bench(database: str, url: str) -> list[Figure]:
    from tracker import db  # noqa: PLC0415 - reads DATABASE_URL, set just above
    from tracker.accounts.roles import Actor, Role  # noqa: PLC0415
    from tracker.compliance.services import Compliance, compliance  # noqa: PLC0415
    from tracker.runtime import tune_gc  # noqa: PLC0415

    await db.migrate()
    await db.open_pool()
    raw = await fu._Raw.connect(database, url)
    figures = []
    try:
        head_id = await _district(raw)
        tune_gc()  # as the app's processes are (tracker.runtime)
        head = Actor(user_id=head_id, role=Role.HEAD)
        loaded = 0
        sql = BASELINE_ALL_SQL
        for size in SIZES:
            started = time.perf_counter()
            await _decisions(raw, range(loaded + 1, size + 1))
            loaded = size
            note(
                f"{database}: {size * fu.SCHOOLS:,} assignments loaded in"
                f" {time.perf_counter() - started:.1f} s"
            )

            async def everything() -> Compliance:
                found = await compliance(head, today=fu.BENCH_DAY)
                assert len(found.by_school) == fu.SCHOOLS  # the sums a page reads
                return found

            ms, matrix, baseline_ms, rows = await fu._paired_best_ms(
                everything, lambda: raw.fetch(sql, fu.BENCH_DAY), repeat=REPEATS[size]
            )
            assert isinstance(matrix, Compliance)
            assert isinstance(rows, list)
            assert matrix.total.total == size * fu.SCHOOLS == len(rows)
            assert matrix.total.overdue == fu._totals(rows)["overdue"]
            note(
                f"{database}: compliance over {size * fu.SCHOOLS:,} assignments: {ms:.0f} ms;"
                f" raw GROUP BY {baseline_ms:.0f} ms (×{ms / baseline_ms:.2f})"
            )
            figures.append(
                Figure(
                    name=f"{database}: compliance(), everything, {size * fu.SCHOOLS:,}",
                    value_ms=ms,
                    baseline_name=f"raw GROUP BY, {fu._driver(database)}",
                    baseline_ms=baseline_ms,
                    goal=f"ratio ≤ {RATIO_GOAL}",
                    met=ms <= RATIO_GOAL * baseline_ms,
                )
            )
            if size >= fu.DECISIONS:  # the same 50 × 1,000 compile, in a bigger database
                compiled = await fu._compile_figure(database, raw, head_id, NEW_MEETING)
                assert compiled is not None
                figures.append(replace(compiled, name=f"{compiled.name}, of {size * fu.SCHOOLS:,}"))
    finally:
        await raw.close()
        await db.close_pool()
    return figures


async def _district(raw: fu._Raw) -> int:
    """The schools, a head and one meeting; the head's user id."""
    await raw.load(
        "school",
        ["id", "name", "short_name", "email"],
        [
            (s, f"Средняя школа № {s}", f"МБОУ СОШ № {s}", f"school{s}@bench.example.ru")
            for s in range(1, fu.SCHOOLS + 1)
        ],
    )
    await raw.load(
        "tracker_user",
        ["id", "email", "full_name", "role", "password_hash"],
        [(1, "head@bench.example.ru", "Начальник отдела образования", "head", "x")],
    )
    await raw.load(
        "meeting",
        ["id", "title", "number", "date"],
        [
            (1, "Совещание руководителей", "1", fu.EARLIER_MEETING_DAY),
            (NEW_MEETING, "Совещание руководителей", "2", fu.BENCH_DAY),
        ],
    )
    return 1


async def _decisions(raw: fu._Raw, ids: range) -> None:
    """Decisions ``ids`` of the meeting, each assigned to every school with the bench mix."""
    await raw.load(
        "decision",
        DECISION_COLUMNS,
        [
            (
                d,
                1,
                d,
                str(d),
                f"Обеспечить исполнение мероприятия № {d} муниципальной программы.",
                "instruction",
                "Руководителям образовательных учреждений",
                "date",
                fu.EARLIER_MEETING_DAY + timedelta(days=30),
            )
            for d in ids
        ],
    )
    rows: list[Any] = [
        fu._assignment((d - 1) * fu.SCHOOLS + s, d, s)
        for d in ids
        for s in range(1, fu.SCHOOLS + 1)
    ]
    await raw.load(
        "assignment", ["id", "decision", "school", "due_on", "status", "accepted_on_time"], rows
    )
    await raw.execute("ANALYZE")


if __name__ == "__main__":
    sys.exit(main())
