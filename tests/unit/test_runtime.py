"""The interpreter set-up of our long-running processes (``tracker.runtime``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tracker.runtime import THRESHOLDS


def run(code: str) -> str:
    """``code`` in a fresh interpreter (the test's own is left as it is); its output."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_tune_gc_freezes_the_startup_heap_and_spaces_young_passes_once() -> None:
    out = run(
        """
        import gc
        from tracker.runtime import tune_gc
        before = gc.get_threshold()
        tune_gc()
        frozen = gc.get_freeze_count()
        gc.set_threshold(*before)
        tune_gc()  # a second app in the same process changes nothing
        print(frozen > 1000, gc.get_threshold() == before)
        """
    )
    assert out == "True True"


def test_the_web_app_tunes_at_startup() -> None:
    out = run(
        """
        import gc
        from litestar.testing import TestClient
        from tracker.web.app import create_app
        with TestClient(create_app()):
            print(gc.get_threshold())
        """
    )
    assert out == str(THRESHOLDS)


def test_a_worker_process_tunes_when_it_starts() -> None:
    out = run(
        """
        import gc
        from celery.signals import worker_process_init
        import workers.celery_app
        worker_process_init.send(sender=None)
        print(gc.get_threshold())
        """
    )
    assert out == str(THRESHOLDS)
