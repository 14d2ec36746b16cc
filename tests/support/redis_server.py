"""A throwaway ``redis-server`` for the tests: its own folder, a loopback port, no persistence.

It can be stopped and started again on the same port (the "Redis went away and came back"
tests). When ``redis-server`` is missing or does not start, ``RedisUnavailableError`` is
raised: the tests that need it fail, they are never skipped (CI installs Debian's
``redis-server``, see ``.ci/run``).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DEBIAN_BINARY = "/usr/bin/redis-server"


class RedisUnavailableError(RuntimeError):
    """redis-server cannot run here: a failure, never a skip."""


def _binary() -> str:
    found = shutil.which("redis-server") or (
        DEBIAN_BINARY if Path(DEBIAN_BINARY).exists() else None
    )
    if not found:
        raise RedisUnavailableError(
            "redis-server not found: install it (apt-get install -y redis-server)"
        )
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ping(port: int) -> bool:
    """True when a Redis answers PING on the port (not merely accepts the connection)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One redis-server process; ``start()`` returns its ``redis://`` URL."""

    def __init__(self, directory: Path | str | None = None, port: int | None = None) -> None:
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="tracker-redis-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or _free_port()
        self.binary = _binary()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 15) -> str:
        """Start (again, on the same port); waits until it answers PING."""
        if self.running:
            return self.url
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.directory),
                "--protected-mode",
                "no",
            ],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not _ping(self.port):
            if self.process.poll() is not None:
                raise RedisUnavailableError(f"redis-server exited: {self.log()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RedisUnavailableError(f"redis-server did not answer within {timeout} s")
            time.sleep(0.05)
        return self.url

    def stop(self, timeout: float = 10) -> None:
        """Stop it (SIGTERM, then SIGKILL); the port is closed afterwards."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def close(self) -> None:
        """Stop it and remove its folder (when it made the folder itself)."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
