"""A throwaway ``redis-server`` for the tests: its own folder, a loopback port, no persistence.

It can be stopped and started again on the same port (the "Redis went away and came back"
tests). When ``redis-server`` is missing or does not start, ``RedisUnavailableError`` is
raised: the tests that need it fail, they are never skipped (CI installs Debian's
``redis-server``, see ``.ci/run``).
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path

from tests.support.process import ServerProcess

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


def _ping(port: int) -> bool:
    """True when a Redis answers PING on the port (not merely accepts the connection)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer(ServerProcess):
    """One redis-server process; ``start()`` returns its ``redis://`` URL."""

    name = "redis-server"
    log_name = "redis.log"
    error = RedisUnavailableError

    def __init__(self, directory: Path | str | None = None, port: int | None = None) -> None:
        self._own_dir = directory is None
        self.binary = _binary()
        super().__init__(Path(directory or tempfile.mkdtemp(prefix="tracker-redis-")), port)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            self.binary,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--daemonize", "no", "--dir", str(self.directory)),
            *("--protected-mode", "no"),
        ]

    def ready(self) -> bool:
        """A Redis answers PING on the port (not merely accepts the connection)."""
        return _ping(self.port)

    def close(self) -> None:
        """Stop it and remove its folder (when it made the folder itself)."""
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)
