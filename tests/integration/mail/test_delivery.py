"""Delivering the outbox to a real SMTP server (``tests.support.smtp_sink``, its own process on
loopback): what arrives, what fails and why, what waits and comes back later, and that two
deliveries at once — in one process or in two — send every message exactly once.

``deliver`` runs here in the test's process; the settings are the test's own with ``smtp_url``
pointing at the sink.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.smtp_sink import SmtpSink
from tracker import clock
from tracker.mail import services as mail
from tracker.mail.tables import OutboxMessage
from tracker.settings import REPO_ROOT, Settings, get_settings

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SmtpSink]:
    server = SmtpSink(tmp_path / "smtp")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(sink: SmtpSink) -> Settings:
    return replace(get_settings(), smtp_url=sink.url, mail_lease_seconds=60)


def outgoing(n: int, *, prefix: str = "m", to: str | None = None) -> list[mail.Outgoing]:
    return [
        mail.Outgoing(
            key=f"test:{prefix}:{i}",
            to=to or f"{prefix}{i}@example.ru",
            subject=f"Напоминание № {i}",
            text=f"Срок поручения № {i} — завтра.",
            html=f"<p>Срок поручения <b>№ {i}</b> — завтра.</p>",
        )
        for i in range(n)
    ]


async def rows() -> dict[str, dict[str, Any]]:
    """Outbox rows by key."""
    return {r["key"]: r for r in await OutboxMessage.select().order_by(OutboxMessage.id)}


async def make_due_now() -> None:
    """The backoff has run out: every queued message is due (as if the minutes had passed)."""
    await OutboxMessage.update(
        {OutboxMessage.next_attempt_at: clock.now() - timedelta(seconds=1)}
    ).where(OutboxMessage.status == mail.QUEUED)


# ---------------------------------------------------------------- what arrives


async def test_a_queued_message_arrives_once_with_its_headers_and_both_parts(
    sink: SmtpSink, settings: Settings
) -> None:
    # Given: one message in the outbox, and one for a name with an address
    await mail.queue(
        [
            mail.Outgoing(
                key="digest:7:2030-02-26:1",
                to="school_a@example.ru",
                subject="Скоро срок — 1 поручение",
                text="Здравствуйте! Срок поручения № 1 — 01.03.2030.",
                html="<p>Здравствуйте! Срок поручения <b>№ 1</b> — 01.03.2030.</p>",
            ),
            mail.Outgoing(
                key="digest:8:2030-02-26:2",
                to="Иван Петров <ivan@example.ru>",
                subject="Без HTML",
                text="Только текст.",
            ),
        ]
    )

    # When
    summary = await mail.deliver(settings=settings)

    # Then: both sent by SMTP, once
    assert summary.as_dict() == {"sent": 2, "failed": 0, "deferred": 0}
    outbox = await rows()
    for row in outbox.values():
        assert (row["status"], row["transport"], row["attempts"]) == ("sent", "smtp", 1)
        assert row["sent_at"] is not None
        assert row["locked_until"] is None
        assert row["last_error"] == ""
    received = {m.message_id: m for m in sink.messages()}
    assert len(sink.messages()) == 2
    first = received[mail.message_id("digest:7:2030-02-26:1", settings)]
    assert first.to == "school_a@example.ru"
    assert first.envelope_to == ("school_a@example.ru",)
    assert first.subject == "Скоро срок — 1 поручение"
    email = first.email()
    assert email["From"] == settings.mail_from
    assert email["Auto-Submitted"] == "auto-generated"
    plain, html = email.get_body(("plain",)), email.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert "Срок поручения № 1 — 01.03.2030." in plain.get_content()
    assert "<b>№ 1</b>" in html.get_content()
    second = received[mail.message_id("digest:8:2030-02-26:2", settings)]
    assert second.to == "Иван Петров <ivan@example.ru>"
    assert second.envelope_to == ("ivan@example.ru",)
    assert second.email().get_body(("html",)) is None
    assert not second.email().is_multipart()


def test_the_message_id_is_stable_per_message_and_differs_between_messages() -> None:
    settings = get_settings()
    one = mail.message_id("digest:7:2030-02-26:1", settings)

    assert one == mail.message_id("digest:7:2030-02-26:1", settings)
    assert one != mail.message_id("digest:7:2030-02-27:1", settings)
    assert one.startswith("<")
    assert one.endswith("@127.0.0.1>")


async def test_without_smtp_url_messages_stay_in_the_outbox_and_nothing_is_sent(
    sink: SmtpSink,
) -> None:
    await mail.queue(outgoing(3))

    summary = await mail.deliver(settings=replace(get_settings(), smtp_url=""))

    assert summary.sent == 3
    assert {(r["status"], r["transport"]) for r in (await rows()).values()} == {("sent", "outbox")}
    assert sink.messages() == []


# ---------------------------------------------------------------- refused for good


async def test_a_malformed_address_fails_that_message_only(
    sink: SmtpSink, settings: Settings
) -> None:
    await mail.queue(
        [
            *outgoing(1, prefix="before"),
            mail.Outgoing(key="bad:no-at", to="no-at-sign", subject="s", text="t"),
            mail.Outgoing(key="bad:idn", to="иван@школа.рф", subject="s", text="t"),
            mail.Outgoing(key="bad:empty-domain", to="ivan@", subject="s", text="t"),
            *outgoing(1, prefix="after"),
        ]
    )

    summary = await mail.deliver(settings=settings)

    outbox = await rows()
    assert summary.as_dict() == {"sent": 2, "failed": 3, "deferred": 0}
    for key in ("bad:no-at", "bad:idn", "bad:empty-domain"):
        assert outbox[key]["status"] == "failed"
        assert "Некорректный адрес" in outbox[key]["last_error"]
        assert outbox[key]["sent_at"] is None
    assert outbox["test:before:0"]["status"] == outbox["test:after:0"]["status"] == "sent"
    assert sorted(m.to for m in sink.messages()) == ["after0@example.ru", "before0@example.ru"]

    # a failed message is not tried again by the next delivery
    again = await mail.deliver(settings=settings)
    assert again.as_dict() == {"sent": 0, "failed": 0, "deferred": 0}
    assert len(sink.messages()) == 2


async def test_a_recipient_refused_with_550_fails_with_the_servers_words_others_are_sent(
    sink: SmtpSink, settings: Settings
) -> None:
    sink.reject(permanent=["m1@example.ru"])
    await mail.queue(outgoing(3))

    summary = await mail.deliver(settings=settings)

    outbox = await rows()
    assert summary.as_dict() == {"sent": 2, "failed": 1, "deferred": 0}
    refused = outbox["test:m:1"]
    assert refused["status"] == "failed"
    assert "550" in refused["last_error"]
    assert "mailbox unavailable" in refused["last_error"]
    assert outbox["test:m:0"]["status"] == outbox["test:m:2"]["status"] == "sent"
    assert sorted(m.to for m in sink.messages()) == ["m0@example.ru", "m2@example.ru"]


# ---------------------------------------------------------------- later, not never


async def test_server_down_everything_waits_with_backoff_then_goes_once_it_is_back(
    sink: SmtpSink, settings: Settings
) -> None:
    # Given: the SMTP server is down (its port closed) and three messages are queued
    sink.stop()
    await mail.queue(outgoing(3))
    before = clock.now()

    # When: a delivery runs
    summary = await mail.deliver(settings=settings)

    # Then: nothing is lost or failed; all wait, for a while, with the reason
    assert summary.as_dict() == {"sent": 0, "failed": 0, "deferred": 3}
    outbox = list((await rows()).values())
    assert [r["status"] for r in outbox] == ["queued"] * 3
    # the first was tried (one attempt); the others were not tried at all
    assert [r["attempts"] for r in outbox] == [1, 0, 0]
    for row in outbox:
        assert "SMTP-сервер недоступен" in row["last_error"]
        assert row["next_attempt_at"] >= before + timedelta(seconds=55)
        assert row["locked_until"] is None

    # the server comes back, but the backoff is not over: nothing is sent yet
    sink.start()
    early = await mail.deliver(settings=settings)
    assert early.as_dict() == {"sent": 0, "failed": 0, "deferred": 0}
    assert sink.messages() == []

    # the backoff is over: each message goes, once
    await make_due_now()
    later = await mail.deliver(settings=settings)
    assert later.sent == 3
    outbox = list((await rows()).values())
    assert [(r["status"], r["last_error"]) for r in outbox] == [("sent", "")] * 3
    assert [r["attempts"] for r in outbox] == [2, 1, 1]
    assert sorted(sink.count_by_message_id().values()) == [1, 1, 1]


async def test_a_451_defers_that_message_and_it_goes_later(
    sink: SmtpSink, settings: Settings
) -> None:
    sink.reject(temporary=["m1@example.ru"])
    await mail.queue(outgoing(3))

    summary = await mail.deliver(settings=settings)

    outbox = await rows()
    busy = outbox["test:m:1"]
    assert busy["status"] == "queued"
    assert busy["attempts"] == 1
    assert "451" in busy["last_error"]
    assert busy["next_attempt_at"] > clock.now()
    assert outbox["test:m:0"]["status"] == "sent"
    # what came after it in the batch waits too (nothing is failed or lost)
    assert outbox["test:m:2"]["status"] in {"sent", "queued"}
    assert summary.failed == 0

    sink.reject()
    await make_due_now()
    await mail.deliver(settings=settings)

    outbox = await rows()
    assert {r["status"] for r in outbox.values()} == {"sent"}
    assert outbox["test:m:1"]["attempts"] == 2
    assert sorted(m.to for m in sink.messages()) == [f"m{i}@example.ru" for i in range(3)]
    assert set(sink.count_by_message_id().values()) == {1}


async def test_a_message_given_up_after_max_attempts_is_failed(
    sink: SmtpSink, settings: Settings
) -> None:
    sink.reject(temporary=["m0@example.ru"])
    await mail.queue(outgoing(1))
    await OutboxMessage.update({OutboxMessage.attempts: mail.MAX_ATTEMPTS - 1}, force=True)

    summary = await mail.deliver(settings=settings)

    (row,) = (await rows()).values()
    assert summary.failed == 1
    assert row["status"] == "failed"
    assert "451" in row["last_error"]
    assert str(mail.MAX_ATTEMPTS) in row["last_error"]


# ---------------------------------------------------------------- a dead worker's messages


async def test_a_message_left_sending_by_a_dead_worker_is_taken_over_once_its_lease_is_past(
    sink: SmtpSink, settings: Settings
) -> None:
    # Given: two messages a worker claimed and then died with; one lease is over, one is not
    await mail.queue(outgoing(2))
    now = clock.now()
    await OutboxMessage.update(
        {
            OutboxMessage.status: mail.SENDING,
            OutboxMessage.attempts: 1,
            OutboxMessage.locked_until: now - timedelta(seconds=1),
        }
    ).where(OutboxMessage.key == "test:m:0")
    await OutboxMessage.update(
        {
            OutboxMessage.status: mail.SENDING,
            OutboxMessage.attempts: 1,
            OutboxMessage.locked_until: now + timedelta(minutes=5),
        }
    ).where(OutboxMessage.key == "test:m:1")

    # When: a delivery runs twice
    first = await mail.deliver(settings=settings)
    second = await mail.deliver(settings=settings)

    # Then: the abandoned one is sent once; the one still held is left to its worker
    outbox = await rows()
    assert (first.sent, second.sent) == (1, 0)
    assert (outbox["test:m:0"]["status"], outbox["test:m:0"]["attempts"]) == ("sent", 2)
    assert outbox["test:m:1"]["status"] == "sending"
    assert [m.to for m in sink.messages()] == ["m0@example.ru"]


# ---------------------------------------------------------------- two deliveries at once

MANY = 100


async def test_two_deliveries_at_once_in_one_process_send_each_message_once(
    sink: SmtpSink, settings: Settings
) -> None:
    await mail.queue(outgoing(MANY))
    sink.slow(0.002)  # a batch takes a moment, so that the two really overlap

    results = await asyncio.wait_for(
        asyncio.gather(mail.deliver(settings=settings), mail.deliver(settings=settings)), 120
    )

    assert sum(r.sent for r in results) == MANY
    assert all(r.sent > 0 for r in results), [r.as_dict() for r in results]
    counts = sink.count_by_message_id()
    assert len(counts) == MANY
    assert set(counts.values()) == {1}
    assert {r["status"] for r in (await rows()).values()} == {"sent"}


DELIVER_IN_A_PROCESS = """
import asyncio, os, sys, time
from pathlib import Path
from tracker.mail import services as mail

go = Path(sys.argv[1])
print("ready", flush=True)
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
print(asyncio.run(mail.deliver()).sent, flush=True)
"""


async def test_two_deliveries_at_once_in_two_processes_send_each_message_once(
    sink: SmtpSink, tmp_path: Path
) -> None:
    # Given: many messages, and two OS processes on the same database, ready to deliver
    await mail.queue(outgoing(MANY))
    sink.slow(0.002)
    go = tmp_path / "go"
    env = os.environ | {"SMTP_URL": sink.url, "TRACKER_MAIL_LEASE_SECONDS": "60"}
    processes = [
        subprocess.Popen(  # noqa: ASYNC220 - a short start; the wait below is off the loop
            [sys.executable, "-c", DELIVER_IN_A_PROCESS, str(go)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 60)
            assert line.strip() == "ready", process.stderr.read() if process.stderr else ""

        # When: both start at the same moment
        go.touch()
        started = time.monotonic()
        outputs = [
            await asyncio.to_thread(process.communicate, timeout=120) for process in processes
        ]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    # Then: every message arrived exactly once, and both processes took part
    assert [p.returncode for p in processes] == [0, 0], [err for _, err in outputs]
    sent = [int(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert sum(sent) == MANY
    assert all(n > 0 for n in sent), sent
    counts = sink.count_by_message_id()
    assert len(counts) == MANY
    assert set(counts.values()) == {1}
    assert {r["status"] for r in (await rows()).values()} == {"sent"}
    assert time.monotonic() - started < 120


async def test_a_batch_slower_than_its_lease_is_not_sent_again_by_a_second_worker(
    sink: SmtpSink, settings: Settings
) -> None:
    """A worker that is alive but slow (a server taking its time over each message) is not
    a dead worker: the messages of its batch must not be taken over and sent a second time.

    Fails today: ``claim`` leases the whole batch once, and nothing renews the lease or checks,
    before sending, that the row is still this worker's (see the report of issue 4)."""
    # Given: a server that takes 50 ms per message, a lease of 1 s, one batch of 50 (2.5 s)
    slow = replace(settings, mail_lease_seconds=1)
    await mail.queue(outgoing(mail.BATCH))
    sink.slow(0.05)

    # When: a first worker is half-way through the batch after its lease ran out, and a
    # second worker delivers
    first = asyncio.create_task(mail.deliver(settings=slow))
    await asyncio.sleep(1.5)
    assert not first.done()
    second = await mail.deliver(settings=slow)
    await asyncio.wait_for(first, 60)

    # Then: every message arrived once
    counts = sink.count_by_message_id()
    assert len(counts) == mail.BATCH
    assert sink.duplicates() == {}, f"{len(sink.duplicates())} sent twice; second: {second}"
