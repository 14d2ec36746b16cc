"""A small benchmark harness: best-of-N timings and a table of figures against baselines.

Speed goals live here, never in timed tests: a figure is printed with its baseline measured
in the same run on the same machine, their ratio, and the goal it is held to.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    name: str
    value_ms: float
    baseline_name: str
    baseline_ms: float
    goal: str
    met: bool

    @property
    def ratio(self) -> float:
        return self.value_ms / self.baseline_ms if self.baseline_ms else float("inf")


MARKER = "FIGURES "
"""Starts the line on which a benchmark's child process prints its figures as JSON."""


def note(text: str) -> None:
    """A line of a benchmark's running commentary."""
    print(f"  {text}", flush=True)


def emit(figures: list[Figure]) -> None:
    """In a child process: its figures, on one line ``run_child`` finds."""
    print(MARKER + json.dumps([f.__dict__ for f in figures], ensure_ascii=False), flush=True)


def run_child(module: str, *args: str, timeout: float, cwd: Path | None = None) -> list[Figure]:
    """Run ``python -m module args`` (a benchmark that needs a process of its own: tracker
    reads ``DATABASE_URL`` once per process), pass its commentary on, return the figures it
    ``emit``-ted; fail when it failed or emitted none."""
    child = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )
    found = None
    for line in child.stdout.splitlines():
        if line.startswith(MARKER):
            found = json.loads(line.removeprefix(MARKER))
        else:
            print(line, flush=True)
    if child.returncode != 0 or found is None:
        print(child.stderr, file=sys.stderr)
        raise RuntimeError(f"{module} {' '.join(args)} failed ({child.returncode})")
    return [Figure(**f) for f in found]


def best_ms(action: Callable[[], object], *, repeat: int = 7, number: int = 1) -> float:
    """The best of ``repeat`` runs of ``number`` calls, per call, in milliseconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            action()
        best = min(best, (time.perf_counter() - start) / number)
    return best * 1000


def print_table(figures: list[Figure]) -> None:
    header = ("figure", "ms", "baseline", "baseline ms", "ratio", "goal", "met")
    rows = [
        (
            f.name,
            f"{f.value_ms:.2f}",
            f.baseline_name,
            f"{f.baseline_ms:.2f}",
            f"{f.ratio:.2f}",
            f.goal,
            "PASS" if f.met else "MISS",
        )
        for f in figures
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
