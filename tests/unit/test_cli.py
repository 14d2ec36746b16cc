"""The ``tracker`` command as users run it: a separate process on a SQLite file of its own."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.process import free_port
from tracker.accounts.passwords import password_problem, verify_password

TRACKER = Path(sys.executable).with_name("tracker")


def tracker(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TRACKER), *args],
        env=_environment(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _environment(data_dir: Path, **env: str) -> dict[str, str]:
    """The test run's environment, but the database is SQLite in ``data_dir``."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return environment | {"TRACKER_DATA_DIR": str(data_dir)} | env


def assert_one_error_line(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("tracker: error: ")
    assert result.stderr.count("\n") == 1, result.stderr


def users(data_dir: Path) -> list[tuple[str, str, str]]:
    """(email, role, password hash) of every account, read straight from the SQLite file."""
    with sqlite3.connect(data_dir / "tracker.sqlite") as conn:
        rows = conn.execute("SELECT email, role, password_hash FROM tracker_user ORDER BY id")
        return [(str(email), str(role), str(hashed)) for email, role, hashed in rows]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("cli")
    result = tracker(data_dir, "migrate")
    assert result.returncode == 0, result.stderr
    return data_dir


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = tracker(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("run", "serve", "migrate", "user"):
        assert command in result.stdout
    assert tracker(tmp_path, "user", "add", "--help").returncode == 0


def test_migrate_twice_is_fine(tmp_path: Path) -> None:
    assert tracker(tmp_path, "migrate").returncode == 0
    again = tracker(tmp_path, "migrate")
    assert again.returncode == 0, again.stderr
    assert users(tmp_path) == []


def test_user_add_with_a_password(migrated: Path) -> None:
    result = tracker(
        migrated,
        "user",
        "add",
        "--email",
        "Head@Example.ru",
        "--role",
        "head",
        "--password",
        "kite-secret-42",
        "--name",
        "Нефёдова М.В.",
    )
    assert result.returncode == 0, result.stderr
    assert "head@example.ru" in result.stdout
    assert "password" not in result.stdout
    [(_, role, hashed)] = [u for u in users(migrated) if u[0] == "head@example.ru"]
    assert role == "head"
    assert verify_password(hashed, "kite-secret-42")


def test_user_add_without_a_password_prints_a_strong_one(migrated: Path) -> None:
    result = tracker(migrated, "user", "add", "--email", "admin@example.ru", "--role", "admin")
    assert result.returncode == 0, result.stderr
    [password] = [
        line.removeprefix("password: ")
        for line in result.stdout.splitlines()
        if line.startswith("password: ")
    ]
    assert len(password) >= 16
    assert password_problem(password) is None
    [(_, _, hashed)] = [u for u in users(migrated) if u[0] == "admin@example.ru"]
    assert verify_password(hashed, password)


def test_bad_role_is_one_line_and_writes_nothing(migrated: Path) -> None:
    before = users(migrated)
    result = tracker(migrated, "user", "add", "--email", "x@example.ru", "--role", "director")
    assert_one_error_line(result)
    assert "director" in result.stderr
    assert users(migrated) == before


def test_duplicate_email_is_one_line_and_writes_nothing(migrated: Path) -> None:
    args = ("user", "add", "--email", "secretary@example.ru", "--role", "secretary")
    assert tracker(migrated, *args).returncode == 0
    before = users(migrated)
    result = tracker(migrated, *args)
    assert_one_error_line(result)
    assert "уже есть" in result.stderr
    assert users(migrated) == before


def test_school_role_needs_an_existing_school(migrated: Path) -> None:
    before = users(migrated)
    args = ("user", "add", "--email", "director@example.ru", "--role", "school")
    assert_one_error_line(tracker(migrated, *args))
    assert_one_error_line(tracker(migrated, *args, "--school", "999"))
    assert users(migrated) == before


def test_user_add_before_migrate_says_what_to_do(tmp_path: Path) -> None:
    result = tracker(tmp_path, "user", "add", "--email", "a@example.ru", "--role", "admin")
    assert_one_error_line(result)
    assert "tracker migrate" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("frobnicate",), (), ("user",), ("migrate", "--force"), ("run", "--port", "http")],
)
def test_bad_command_lines_are_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    assert_one_error_line(tracker(tmp_path, *args))


def test_an_unusable_environment_is_one_line(tmp_path: Path) -> None:
    result = tracker(tmp_path, "migrate", TRACKER_TIMEZONE="Nowhere/City")
    assert_one_error_line(result)
    assert "TRACKER_TIMEZONE" in result.stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_run_on_a_busy_port_fails_before_migrating(tmp_path: Path, busy_port: int) -> None:
    result = tracker(tmp_path, "run", "--no-demo", "--port", str(busy_port))
    assert_one_error_line(result)
    assert not (tmp_path / "tracker.sqlite").exists()


def _wait_for_health(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                assert answer.status == 200
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the server did not answer /healthz within 60 s")


def serve_until_healthy(data_dir: Path, *command: str) -> str:
    """Start ``tracker <command>`` on a free port, wait for /healthz, interrupt it (Ctrl-C):
    its standard output. It must exit as an interrupted program does (130)."""
    port = free_port()
    process = subprocess.Popen(
        [str(TRACKER), *command, "--port", str(port)],
        env=_environment(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_health(port, process)
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert f"http://127.0.0.1:{port}/" in stdout or command[0] == "serve"
    return stdout


def test_run_without_demo_migrates_and_serves(tmp_path: Path) -> None:
    stdout = serve_until_healthy(tmp_path, "run", "--no-demo")
    assert "Demo logins" not in stdout
    assert users(tmp_path) == []


def test_serve_serves_a_migrated_database(migrated: Path) -> None:
    before = users(migrated)
    serve_until_healthy(migrated, "serve")
    assert users(migrated) == before


def test_run_loads_the_demo_once_and_always_prints_its_logins(tmp_path: Path) -> None:
    # Given a fresh data directory, when tracker run starts for the first time
    first = serve_until_healthy(tmp_path, "run")
    # then the demo district is loaded and a login per role is printed
    loaded = users(tmp_path)
    assert {role for _, role, _ in loaded} == {"head", "secretary", "school", "admin"}
    logins = [line.split() for line in first.splitlines() if "@" in line]
    assert len(logins) >= 4
    email, password = logins[0][-2:]
    [(_, _, hashed)] = [u for u in loaded if u[0] == email]
    assert verify_password(hashed, password)
    # and when it starts again, nothing more is loaded and the same logins are printed
    second = serve_until_healthy(tmp_path, "run")
    assert users(tmp_path) == loaded
    assert [line.split() for line in second.splitlines() if "@" in line] == logins


def test_serve_with_two_workers_runs_two_processes_on_one_port(migrated: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(TRACKER), "serve", "--port", str(port), "--workers", "2"],
        env=_environment(migrated),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_health(port, process)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        # two web processes (uvicorn's spawn start also leaves its resource tracker)
        web = [
            pid
            for pid in children
            if "multiprocessing.spawn" in Path(f"/proc/{pid}/cmdline").read_text()
            and "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text()
        ]
        assert len(web) == 2
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130
    assert not any(Path(f"/proc/{pid}").exists() for pid in web)
