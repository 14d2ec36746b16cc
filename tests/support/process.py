"""A server the tests run as a child process on a loopback port: started, stopped, and started
again on the same port (the "it went away and came back" tests). Redis and the SMTP sink are
two of them; a server that cannot start raises, failing the test — never a skip."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import Self


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """Subclasses name their command, their readiness check, their log and their error."""

    name = "server"
    log_name = "server.log"
    error: type[Exception] = RuntimeError

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def cwd(self) -> Path:
        return self.directory

    def ready(self) -> bool:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 15) -> str:
        """Start it (again, on the same port) and wait until it is ready; returns its URL."""
        if self.running:
            return self.url
        with (self.directory / self.log_name).open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.cwd(), stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.process.poll() is not None:
                raise self.error(f"{self.name} exited: {self.log()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise self.error(f"{self.name} was not ready within {timeout} s")
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

    def log(self) -> str:
        path = self.directory / self.log_name
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
