"""A throwaway PostgreSQL cluster for the tests, from the server binaries on this machine.

``initdb`` refuses to run as root, so as root the cluster is made and run by the ``postgres``
user (Debian's package creates it) in a folder it owns. Listens on loopback only. The server
can be stopped and started again on the same port and data (``stop_server``/``start_server``:
the "PostgreSQL restarted" fault tests).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from tests.support.process import free_port


class PostgresUnavailableError(RuntimeError):
    """The PostgreSQL tests cannot run here: a failure, never a skip."""


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise PostgresUnavailableError(
        f"{name} not found: install postgresql (apt-get install -y postgresql)"
    )


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@dataclass
class Cluster:
    directory: Path
    port: int
    pg_ctl: str
    options: str = ""
    """The server's ``-o`` options, for ``start_server``."""

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/tracker_test"

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data (``mode``: pg_ctl's smart, fast or immediate)."""
        self._pg_ctl("-m", mode, "-w", "-t", "60", "stop")

    def start_server(self) -> None:
        """Start the server again on the same port and data; returns once it accepts connections."""
        self._pg_ctl(
            "-w", "-t", "60", "-l", str(self.directory / "log"), "-o", self.options, "start"
        )

    def _pg_ctl(self, *args: str) -> None:
        cmd = _as_owner([self.pg_ctl, "-D", str(self.directory / "data"), *args])
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise PostgresUnavailableError(
                f"pg_ctl {args[-1]} failed: {result.stderr or result.stdout}"
            )

    def stop(self) -> None:
        subprocess.run(
            _as_owner([self.pg_ctl, "-D", str(self.directory / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def start_cluster(*, durable: bool = False) -> Cluster:
    """A new cluster, started. Commits are flushed lazily (``synchronous_commit=off``) unless
    ``durable``: then a commit the server acknowledged survives the server's crash (the fault
    tests stop it with ``immediate``)."""
    initdb, pg_ctl, postgres = _binary("initdb"), _binary("pg_ctl"), _binary("postgres")
    del postgres  # pg_ctl finds it beside itself; looked up only to fail early and clearly
    directory = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -k {directory}"
        " -c fsync=off -c full_page_writes=off -c max_connections=200"
        f" -c synchronous_commit={'on' if durable else 'off'}"
    )
    steps = [
        [
            initdb,
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        [
            pg_ctl,
            "-D",
            str(data),
            "-w",
            "-t",
            "60",
            "-l",
            str(directory / "log"),
            "-o",
            options,
            "start",
        ],
    ]
    for cmd in steps:
        result = subprocess.run(_as_owner(cmd), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            shutil.rmtree(directory, ignore_errors=True)
            raise PostgresUnavailableError(f"{cmd[0]} failed: {result.stderr or result.stdout}")
    cluster = Cluster(directory=directory, port=port, pg_ctl=pg_ctl, options=options)
    deadline = time.monotonic() + 30
    while True:
        try:
            asyncio.run(_create_database(port))
        except (OSError, asyncpg.PostgresError) as exc:
            if time.monotonic() > deadline:
                cluster.stop()
                raise PostgresUnavailableError(f"cannot create the test database: {exc}") from exc
            time.sleep(0.2)
        else:
            return cluster


async def _create_database(port: int) -> None:
    conn = await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", database="postgres")
    try:
        await conn.execute("CREATE DATABASE tracker_test")
    finally:
        await conn.close()
