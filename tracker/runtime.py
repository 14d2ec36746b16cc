"""How a long-running process of ours (the web app, a worker) sets up the interpreter.

Python's cyclic garbage collector starts a young-generation pass every 700 new objects and a
full pass when enough of them survive. A request that reads a district's 50,000-cell compliance
matrix keeps 100,000 objects alive for its length: with the default thresholds it sets off
passes over the whole heap that cost a third of the request (``make bench``, follow-up compile
on PostgreSQL: 230 ms with the defaults, 175 ms tuned). So once the imports are done:

- ``gc.freeze()``: what exists at startup (modules, the app, its routes) lives as long as the
  process, and is left out of every later pass;
- young passes every ``YOUNG_EVERY`` allocations, older ones as Python's defaults space them.

Reference cycles are still collected; only less often. The cost is memory: at most
``YOUNG_EVERY`` cyclic garbage objects wait a little longer.
"""

from __future__ import annotations

import gc

YOUNG_EVERY = 10_000
THRESHOLDS = (YOUNG_EVERY, 20, 20)


_tuned = False


def tune_gc() -> None:
    """Freeze what exists now and space the collector's passes (see the module's docstring),
    once per process: when it has imported and built what it keeps. Later calls (another app
    made in the same process, as the tests do) change nothing."""
    global _tuned  # noqa: PLW0603 - once per process, by design
    if _tuned:
        return
    _tuned = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
