"""End-to-end set-up: one served ``tracker run`` (SQLite, the demo district) and one headless
Chromium per session, a fresh browser context per test.

The server is a real child process on a loopback port, with its own data directory, database
and secret key. Chromium is Debian's package (``apt-get install chromium``): when it is missing
the run fails, never skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.e2e.helpers import DESKTOP, PHONE, BrowserErrors
from tests.support.process import ServerProcess

REPO = Path(__file__).resolve().parents[2]
TRACKER = Path(sys.executable).with_name("tracker")
SCREENSHOTS = REPO / "docs" / "screenshots"


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; here too so that tests/e2e runs on its own.
    config.addinivalue_line("markers", "e2e: real Chromium against a served app (tests/e2e)")


def pytest_report_header() -> str:
    """The line .ci/run looks for: the summary after it must be all passed, none skipped."""
    return f"tracker e2e: {chromium_path()}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e carries the ``e2e`` marker (``-m "not e2e"`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


class TrackerServer(ServerProcess):
    """``tracker run --port N``: migrates a fresh SQLite file, loads the demo, serves."""

    name = "tracker run"
    log_name = "tracker.log"

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.environment = _server_environment(directory / "data")

    def command(self) -> list[str]:
        return [str(TRACKER), "run", "--port", str(self.port)]

    def cwd(self) -> Path:
        return REPO

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer:  # noqa: S310
                return bool(answer.status == 200)
        except OSError:
            return False

    def start(self, timeout: float = 90) -> str:
        """ServerProcess.start, but the child gets its own environment (not the test run's)."""
        with (self.directory / self.log_name).open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.cwd(), env=self.environment, stdout=log, stderr=log
            )
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"tracker run exited: {self.log()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"tracker run was not ready within {timeout} s")
            time.sleep(0.1)
        return self.url


def _server_environment(data_dir: Path) -> dict[str, str]:
    """The server's own environment: not the ASGI tests' database, key or settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TRACKER_")
        and key not in {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "SMTP_URL"}
    }
    return environment | {
        "DATABASE_URL": f"sqlite:///{data_dir / 'tracker.sqlite'}",
        "TRACKER_DATA_DIR": str(data_dir),
        "SECRET_KEY": "e2e-secret-key-" + "y" * 40,
        # The demo hashes twenty passwords at start-up: cheap argon2 keeps that to a second.
        "TRACKER_PASSWORD_HASH_COST": "1",
        "TRACKER_PASSWORD_HASH_MEMORY_KIB": "1024",
    }


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The served app's base URL; its log is printed when it fails to start."""
    directory = Path(tempfile.mkdtemp(prefix="tracker-e2e-"))
    process = TrackerServer(directory)
    try:
        yield process.start()
    finally:
        process.stop()
        shutil.rmtree(directory, ignore_errors=True)


def chromium_path() -> str:
    """Debian's Chromium: its binary itself when there (the /usr/bin/chromium wrapper script
    only adds flags, and noise on stderr), else whatever ``chromium`` is on the PATH."""
    binary = Path("/usr/lib/chromium/chromium")
    path = str(binary) if binary.exists() else shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise pytest.UsageError("Chromium is missing: apt-get install -y chromium")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def errors() -> BrowserErrors:
    """Console errors and uncaught page errors of every page the test opens."""
    return BrowserErrors()


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, server: str, errors: BrowserErrors) -> Iterator[ContextFactory]:
    """Opens browser contexts (one per person) on the served app, Russian, errors watched;
    closes them after the test. Keyword arguments go to ``Browser.new_context``."""
    opened: list[BrowserContext] = []

    def open_context(**options: Any) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=server, locale="ru-RU", **options)
        context.set_default_timeout(10_000)
        context.on("page", errors.watch)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def context(new_context: ContextFactory) -> BrowserContext:
    """A desktop-sized window (1280×800)."""
    return new_context()


@pytest.fixture
def phone(new_context: ContextFactory) -> BrowserContext:
    """A phone: 360×740, touch."""
    return new_context(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def no_js(new_context: ContextFactory) -> BrowserContext:
    """A browser with JavaScript switched off: every form must still work."""
    return new_context(java_script_enabled=False)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
