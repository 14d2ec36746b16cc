"""A real SMTP server for the tests (aiosmtpd), run as its own process on a loopback port.

Every accepted DATA is written to its own file under ``<dir>/messages`` (the name is unique,
so a message delivered twice shows up as two files). The envelope is kept in two leading
headers, ``X-Sink-Mail-From`` and ``X-Sink-Rcpt-To``; the rest is the message as received.

The server re-reads ``<dir>/control.json`` for every recipient and every DATA, so a test can
change its behaviour while it runs:

    sink = SmtpSink(tmp_path / "smtp")
    url = sink.start()                      # smtp://127.0.0.1:PORT
    sink.reject(permanent=["bad@x.ru"])     # RCPT TO answered 550
    sink.reject(temporary=["busy@x.ru"])    # RCPT TO answered 451
    sink.reject()                           # accept everyone again
    sink.slow(0.02)                         # sleep 20 ms before accepting each DATA
    sink.stop(); sink.start()               # down, then up again on the same port
    sink.messages()                         # [Received(to, subject, message_id, path), ...]

Run by hand: ``python -m tests.support.smtp_sink --port 2525 --dir /tmp/sink``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from tests.support.process import ServerProcess

CONTROL = "control.json"
MESSAGES = "messages"
REPO_ROOT = Path(__file__).resolve().parents[2]


class SmtpSinkError(RuntimeError):
    """The sink could not be started: the test fails, it is never skipped."""


@dataclass(frozen=True)
class Received:
    """One DATA accepted by the sink."""

    to: str
    subject: str
    message_id: str
    path: Path
    envelope_to: tuple[str, ...] = ()

    def email(self) -> EmailMessage:
        """The whole message, parsed (text and HTML parts, all headers)."""
        with self.path.open("rb") as file:
            parsed = BytesParser(policy=policy.default).parse(file)
        assert isinstance(parsed, EmailMessage)
        return parsed


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


class SmtpSink(ServerProcess):
    """The sink process, its folder and the controls a test needs."""

    name = "the SMTP sink"
    log_name = "sink.log"
    error = SmtpSinkError

    def __init__(self, directory: Path | str, port: int | None = None) -> None:
        super().__init__(Path(directory), port)
        (self.directory / MESSAGES).mkdir(exist_ok=True)
        if not (self.directory / CONTROL).exists():
            self._control({})

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            *("-m", "tests.support.smtp_sink"),
            *("--port", str(self.port), "--dir", str(self.directory)),
        ]

    def cwd(self) -> Path:
        return REPO_ROOT

    def ready(self) -> bool:
        return _port_open(self.port)

    # ------------------------------------------------------------ controls

    def _control(self, values: dict[str, Any]) -> None:
        _write_atomically(self.directory / CONTROL, json.dumps(values).encode())

    def _read_control(self) -> dict[str, Any]:
        return _read_control(self.directory)

    def reject(
        self,
        *,
        permanent: list[str] | tuple[str, ...] = (),
        temporary: list[str] | tuple[str, ...] = (),
    ) -> None:
        """Refuse these recipients at RCPT TO: 550 (permanent) or 451 (temporary).
        Called without arguments it accepts everyone again."""
        control = self._read_control()
        control["permanent"] = [a.lower() for a in permanent]
        control["temporary"] = [a.lower() for a in temporary]
        self._control(control)

    def slow(self, seconds: float) -> None:
        """Wait this long before accepting each DATA (0: answer at once)."""
        control = self._read_control()
        control["delay"] = seconds
        self._control(control)

    # ------------------------------------------------------------ what arrived

    def paths(self) -> list[Path]:
        return sorted(
            p for p in (self.directory / MESSAGES).iterdir() if not p.name.startswith(".")
        )

    def count(self) -> int:
        return len(self.paths())

    def messages(self) -> list[Received]:
        """Every message accepted so far, in the order they arrived."""
        received = []
        for path in self.paths():
            with path.open("rb") as file:
                headers = BytesParser(policy=policy.default).parse(file, headersonly=True)
            received.append(
                Received(
                    to=str(headers.get("To", "")),
                    subject=str(headers.get("Subject", "")),
                    message_id=str(headers.get("Message-ID", "")).strip(),
                    path=path,
                    envelope_to=tuple(str(headers.get("X-Sink-Rcpt-To", "")).split()),
                )
            )
        return received

    def count_by_message_id(self) -> Counter[str]:
        return Counter(m.message_id for m in self.messages())

    def duplicates(self) -> dict[str, int]:
        """Message-IDs that arrived more than once, with how many times."""
        return {mid: n for mid, n in self.count_by_message_id().items() if n > 1}

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        """Wait until at least ``count`` messages arrived; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        while self.count() < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the sink got {self.count()} message(s), expected {count}, in {timeout} s"
                )
            time.sleep(0.05)
        return self.messages()

    def clear(self) -> None:
        """Forget the messages received so far."""
        for path in (self.directory / MESSAGES).iterdir():
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------- the server process


def _read_control(directory: Path) -> dict[str, Any]:
    try:
        value = json.loads((directory / CONTROL).read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class _Handler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0
        self._control_seen: tuple[tuple[int, int], dict[str, Any]] = ((-1, -1), {})

    def control(self) -> dict[str, Any]:
        """The control file, read again only when it changed (a stat per message, not a read)."""
        try:
            stat = (self.directory / CONTROL).stat()
            changed = (stat.st_ino, stat.st_mtime_ns)  # replaced atomically: a new inode
        except OSError:
            return {}
        if changed != self._control_seen[0]:
            self._control_seen = (changed, _read_control(self.directory))
        return self._control_seen[1]

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        control = self.control()
        if address.lower() in control.get("permanent", []):
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address.lower() in control.get("temporary", []):
            return f"451 4.3.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        delay = float(self.control().get("delay", 0) or 0)
        if delay > 0:
            await asyncio.sleep(delay)
        self.count += 1
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode()
        head = (
            f"X-Sink-Mail-From: {envelope.mail_from}\r\n"
            f"X-Sink-Rcpt-To: {' '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        name = f"{time.time_ns():020d}-{os.getpid()}-{self.count:06d}-{uuid.uuid4().hex[:8]}.eml"
        _write_atomically(self.directory / MESSAGES / name, head + content)
        return "250 Message accepted for delivery"


async def _serve(port: int, directory: Path) -> None:
    from aiosmtpd.smtp import SMTP  # noqa: PLC0415 - only the server process needs it

    handler = _Handler(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=port,
        reuse_address=True,
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"smtp sink on 127.0.0.1:{port}, writing to {directory}", flush=True)
    await stop.wait()
    server.close()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(server.wait_closed(), 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    (args.dir / MESSAGES).mkdir(parents=True, exist_ok=True)
    asyncio.run(_serve(args.port, args.dir))


if __name__ == "__main__":
    main()
