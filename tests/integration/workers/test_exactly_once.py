"""Every reminder goes out once — with real worker processes, a real Redis and a real SMTP
server: the sweep sent twice, two workers at once, a worker killed with SIGKILL mid-batch.

The district: the test world plus ``SCHOOLS`` schools, each with one user and an assignment
due on Friday 1 March 2030; the sweep of Tuesday 26 February queues one digest per school user.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from tests.integration.workers.conftest import (
    District,
    Rig,
    add_schools,
    all_delivered,
    eventually,
    outbox_rows,
    pending,
    wait_until,
)
from tests.support.world import World
from tracker.mail import services as mail

pytestmark = pytest.mark.workers

SCHOOLS = 120
"""Three batches of delivery (``mail.BATCH`` is 50)."""
SCHOOLS_TO_KILL = 200
"""Four batches: the worker is killed in the first."""


@pytest.fixture
async def district(world: World) -> District:
    return await add_schools(world, SCHOOLS)


@pytest.fixture
async def big_district(world: World) -> District:
    return await add_schools(world, SCHOOLS_TO_KILL)


async def assert_each_user_got_exactly_one_message(district: District, rig: Rig) -> None:
    rows = await outbox_rows()
    assert sorted(r["to_address"] for r in rows) == district.emails  # one row per user
    assert {(r["status"], r["transport"]) for r in rows} == {("sent", "smtp")}
    received = rig.sink.messages()
    assert rig.sink.duplicates() == {}
    assert sorted(m.to for m in received) == district.emails
    assert {m.message_id for m in received} == {
        mail.message_id(r["key"], rig.settings) for r in rows
    }


async def test_the_sweep_sent_twice_sends_each_user_one_message(
    district: District, rig: Rig
) -> None:
    # Given: a worker
    rig.workers.start()

    # When: the day's sweep is sent twice (the beat ticking twice, a button pressed twice)
    first, second = rig.sweep(), rig.sweep()
    summaries = [rig.workers.wait_for(first, 60), rig.workers.wait_for(second, 60)]

    # Then: the first queued a digest per user, the second nothing; each arrives once
    assert sorted(s["queued"] for s in summaries) == [0, len(district.emails)]
    await eventually(all_delivered, within=60, what="the outbox to be delivered")
    rig.sink.wait_for(len(district.emails), timeout=10)
    # a further delivery finds nothing to send
    assert rig.workers.wait_for(rig.deliver()) == {"sent": 0, "failed": 0, "deferred": 0}
    await assert_each_user_got_exactly_one_message(district, rig)


async def test_two_workers_at_once_send_nothing_twice(district: District, rig: Rig) -> None:
    # A batch must finish within its lease (see
    # test_a_batch_slower_than_its_lease_is_not_sent_again_by_a_second_worker in
    # tests/integration/mail/test_delivery.py): here it is a minute; in a deployment, five.
    rig.workers.env["TRACKER_MAIL_LEASE_SECONDS"] = "60"
    rig.sink.slow(0.005)  # so that the two workers' deliveries overlap
    one, two = rig.workers.start_many(2)

    # When: sweeps and deliveries are sent to both, several times
    sweeps = [rig.sweep(), rig.sweep(), rig.sweep()]
    deliveries = [rig.deliver() for _ in range(3)]
    summaries = {task_id: rig.workers.wait_for(task_id, 90) for task_id in sweeps + deliveries}
    await eventually(all_delivered, within=90, what="the outbox to be delivered")
    rig.sink.wait_for(len(district.emails), timeout=10)

    # Then: the sweeps queued every message once between them (each claims a batch of schools
    # at a time, so sweeps running at once share the work), and every message arrived once
    assert sum(summaries[t]["queued"] for t in sweeps) == len(district.emails)
    await assert_each_user_got_exactly_one_message(district, rig)
    # and both workers really sent a part of them
    sent = {
        w.name: sum(s["sent"] for s in w.summaries("tracker.deliver_outbox")) for w in (one, two)
    }
    assert sum(sent.values()) == len(district.emails)
    assert all(sent.values()), sent


async def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_at_most_the_message_in_flight(
    big_district: District, rig: Rig, capsys: pytest.CaptureFixture[str]
) -> None:
    lease = int(rig.workers.env["TRACKER_MAIL_LEASE_SECONDS"])
    total = len(big_district.emails)
    rig.sink.slow(0.005)  # the whole delivery takes a few seconds: time to kill it half-way
    first = rig.workers.start()

    # Given: the sweep queued every digest and its worker started sending them
    assert rig.workers.wait_for(rig.sweep(), 60)["queued"] == total

    # When: the worker is killed with SIGKILL half-way through its first batch
    wait_until(lambda: rig.sink.count() >= 20, timeout=60, what="the first messages to arrive")
    rig.workers.kill(first)
    at_kill = rig.sink.count()
    left_sending = [r for r in await outbox_rows() if r["status"] == mail.SENDING]
    assert 0 < at_kill < total, at_kill
    assert left_sending

    # and a new worker is asked to deliver (as the beat does every minute) until the leases
    # the dead worker held have run out and nothing is left
    rig.workers.start()
    deadline = time.monotonic() + 60
    while True:
        rig.workers.wait_for(rig.deliver())
        if await pending() == 0:
            break
        assert time.monotonic() < deadline, "messages are still pending after a minute"
        await asyncio.sleep(lease / 2)

    # Then: every message arrived; at most the one being handed over at the kill arrived
    # twice, with the same Message-ID (the design in tracker/mail/services.py)
    rows = await outbox_rows()
    assert {r["status"] for r in rows} == {"sent"}
    counts = Counter(m.message_id for m in rig.sink.messages())
    assert set(counts) == {mail.message_id(r["key"], rig.settings) for r in rows}
    assert sorted({m.to for m in rig.sink.messages()}) == big_district.emails
    duplicates = sum(n - 1 for n in counts.values())
    with capsys.disabled():
        print(  # the number is worth seeing in every run
            f"\n[SIGKILL mid-batch] {total} messages; {at_kill} had arrived at the kill, "
            f"{len(left_sending)} were left 'sending'; sent twice after the restart: "
            f"{duplicates} {[k for k, n in counts.items() if n > 1][:3]}"
        )
    assert duplicates <= 1
