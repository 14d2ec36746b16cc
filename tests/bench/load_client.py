"""A load generator for ``bench_load``: a process of its own, on loopback, HTTP/1.1 keep-alive.

Two modes, one JSON summary on stdout:

- ``open`` — a fixed rate: request ``i`` starts at ``t0 + i / rate`` whether or not the earlier
  ones have answered (open loop), on an idle connection or a new one. Its latency counts from
  the moment it was due, so a server that falls behind shows it (no coordinated omission).
  Once a request has waited ``TIMEOUT_S`` the run stops sending: the rest count as errors.
- ``closed`` — ``clients`` connections, each sending its next request as soon as the last one
  answered, for ``seconds``: the most the server sustains.

The requests cycle through a plan (a JSON file: ``[[path, cookie header], …]``). The client is a
minimal one written on asyncio streams (uvloop when installed), so that it costs the machine far
less than the server it measures: an HTTP library would cap the bare endpoint's throughput
before the server does. It reads ``Content-Length`` and chunked bodies; any status but 200, a
broken connection or an answer slower than ``TIMEOUT_S`` is an error.

    python -m tests.bench.load_client open --port P --plan plan.json --rate 200 --seconds 15
    python -m tests.bench.load_client closed --port P --plan plan.json --clients 32 --seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT_S = 10.0
MAX_IN_FLIGHT = 64
"""Open loop: requests on the wire at most. One due while all are out waits for a slot (its
wait counted in its latency); one still waiting ``TIMEOUT_S`` after it was due is an error that
never reached the server. So a server that cannot keep up is left with at most this many
requests to finish after the run, not the whole run's."""


class HttpError(Exception):
    """An answer that is not a 200, or no answer."""


class StaleConnectionError(HttpError):
    """A kept-alive connection the server had closed: not one byte of an answer."""


@dataclass
class Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def close(self) -> None:
        self.writer.close()


async def connect(port: int) -> Connection:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    return Connection(reader, writer)


async def get(conn: Connection, port: int, path: str, cookie: str) -> int:
    """One GET on a kept-alive connection; the body's length. Raises ``HttpError``."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/html"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    conn.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    try:
        head = await conn.reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise StaleConnectionError("closed by the server while idle") from exc
        raise HttpError(f"connection lost: {exc}") from exc
    except ConnectionError as exc:
        raise StaleConnectionError(f"connection lost: {exc}") from exc
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            chunk = int((await conn.reader.readuntil(b"\r\n")).strip(), 16)
            await conn.reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    else:
        size = int(headers.get("content-length", "0"))
        await conn.reader.readexactly(size)
    if status != 200:
        raise HttpError(f"status {status} for {path}")
    return size


def _kind(path: str) -> str:
    """``/assignments/123`` → ``/assignments/{id}``, for the per-page figures."""
    return "/".join(
        "{id}" if part.isdigit() else part for part in path.split("?", maxsplit=1)[0].split("/")
    )


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0–1) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)
    max_start_lag_ms: float = 0.0
    connections: int = 0

    def ok(self, path: str, ms: float) -> None:
        self.latencies_ms.append(ms)
        self.by_kind[_kind(path)].append(ms)

    def failed(self, reason: str) -> None:
        self.errors += 1
        if len(self.first_errors) < 5:
            self.first_errors.append(reason)

    def summary(self, seconds: float) -> dict[str, object]:
        done = len(self.latencies_ms)
        return {
            "requests": done + self.errors,
            "ok": done,
            "errors": self.errors,
            "first_errors": self.first_errors,
            "seconds": round(seconds, 3),
            "rate": done / seconds if seconds else 0.0,
            "p50_ms": percentile(self.latencies_ms, 0.50),
            "p90_ms": percentile(self.latencies_ms, 0.90),
            "p99_ms": percentile(self.latencies_ms, 0.99),
            "max_ms": max(self.latencies_ms, default=0.0),
            "by_kind": {
                kind: {
                    "n": len(values),
                    "p50_ms": percentile(values, 0.50),
                    "p99_ms": percentile(values, 0.99),
                }
                for kind, values in sorted(self.by_kind.items())
            },
            "max_start_lag_ms": self.max_start_lag_ms,
            "connections": self.connections,
        }


async def open_loop(
    port: int, plan: list[tuple[str, str]], rate: float, seconds: float
) -> dict[str, object]:
    """``rate`` requests a second for ``seconds``, each started when due (see the module doc)."""
    tally = Tally()
    idle: deque[Connection] = deque()
    slots = asyncio.Semaphore(MAX_IN_FLIGHT)
    total = int(rate * seconds)
    loop = asyncio.get_running_loop()

    async def one(index: int, due: float) -> None:
        path, cookie = plan[index % len(plan)]
        conn = None
        try:
            # waiting for a slot counts too: the time limit runs from when the request was due
            async with asyncio.timeout_at(due + TIMEOUT_S), slots:
                # the longest idle first, so that every connection keeps being used
                conn = idle.popleft() if idle else None
                if conn is None:
                    tally.connections += 1
                    conn = await connect(port)
                tally.max_start_lag_ms = max(tally.max_start_lag_ms, (loop.time() - due) * 1000)
                try:
                    await get(conn, port, path, cookie)
                except StaleConnectionError:
                    # the server closed it while it was idle: a new one, as browsers do
                    conn.close()
                    tally.connections += 1
                    conn = await connect(port)
                    await get(conn, port, path, cookie)
        except (HttpError, OSError, TimeoutError, ValueError) as exc:
            tally.failed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
            if isinstance(exc, TimeoutError):
                behind.set()
            if conn is not None:
                conn.close()
            return
        tally.ok(path, (loop.time() - due) * 1000)
        idle.append(conn)

    behind = asyncio.Event()
    start = loop.time()
    tasks = []
    for index in range(total):
        if behind.is_set():
            # a request waited TIMEOUT_S: the server has fallen behind and the run has failed;
            # what is left is not sent (an error each), so the server is not left hundreds of
            # requests to finish for clients that gave up on them
            for _ in range(total - index):
                tally.failed("not sent: the server fell behind")
            break
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    for conn in idle:
        conn.close()
    return tally.summary(elapsed)


async def closed_loop(
    port: int, plan: list[tuple[str, str]], clients: int, seconds: float
) -> dict[str, object]:
    """``clients`` connections sending back to back for ``seconds``."""
    tally = Tally()
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds

    async def client(offset: int) -> None:
        conn = await connect(port)
        tally.connections += 1
        index = offset
        try:
            while loop.time() < stop:
                path, cookie = plan[index % len(plan)]
                index += clients
                sent = loop.time()
                try:
                    await asyncio.wait_for(get(conn, port, path, cookie), TIMEOUT_S)
                except (HttpError, OSError, TimeoutError, ValueError) as exc:
                    tally.failed(f"{type(exc).__name__}: {exc}")
                    conn.close()
                    conn = await connect(port)
                    continue
                tally.ok(path, (loop.time() - sent) * 1000)
        finally:
            conn.close()

    start = loop.time()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return tally.summary(loop.time() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.load_client")
    parser.add_argument("mode", choices=("open", "closed"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args(argv)
    plan = [(str(path), str(cookie)) for path, cookie in json.loads(args.plan.read_text())]
    runner: Callable[[Coroutine[Any, Any, dict[str, object]]], dict[str, object]] = asyncio.run
    try:
        import uvloop  # noqa: PLC0415 - optional: a cheaper client

        runner = uvloop.run
    except ImportError:
        pass
    started = time.perf_counter()
    if args.mode == "open":
        result = runner(open_loop(args.port, plan, args.rate, args.seconds))
    else:
        result = runner(closed_loop(args.port, plan, args.clients, args.seconds))
    result["wall_s"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
