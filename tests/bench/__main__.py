"""`make bench`: run every benchmark and print one table. Exit 1 when a goal is not met."""

from __future__ import annotations

import os
import platform
import sys

from tests.bench import bench_followup, bench_load, bench_parser, bench_reminders, bench_scale
from tests.bench.harness import print_table

BENCHMARKS = [bench_parser, bench_reminders, bench_followup, bench_scale, bench_load]


def main() -> int:
    load = os.getloadavg()[0]
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, {platform.node()},"
        f" {os.cpu_count()} CPUs, load average {load:.1f} (figures are worth less above 1)"
    )
    figures = [figure for module in BENCHMARKS for figure in module.run()]
    print_table(figures)
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
