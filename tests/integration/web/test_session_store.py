"""``DatabaseStore`` keeps Litestar's ``Store`` contract on the real database (SQLite or
PostgreSQL): values, expiry, renewal, deletion, and the nightly ``delete_expired``."""

from __future__ import annotations

import asyncio
import string
from datetime import timedelta

import pytest

from tracker.web.sessions import NO_EXPIRY, RENEW_AFTER, DatabaseStore, delete_expired
from tracker.web.tables import WebSession

SHORT = timedelta(milliseconds=300)
"""Long enough for the statements of one step, short enough to wait out in a test."""


async def wait_out(delta: timedelta = SHORT) -> None:
    await asyncio.sleep(delta.total_seconds() + 0.1)


@pytest.fixture
async def store(clean_db: None) -> DatabaseStore:
    return DatabaseStore()


async def rows() -> int:
    return int(await WebSession.count())


# ---------------------------------------------------------------- values


async def test_get_of_an_unknown_key_is_none(store: DatabaseStore) -> None:
    assert await store.get("nobody") is None


async def test_bytes_come_back_as_they_went_in(store: DatabaseStore) -> None:
    value = bytes(range(256))  # every byte, NUL and non-UTF-8 included

    await store.set("k", value, expires_in=60)

    assert await store.get("k") == value


async def test_str_is_stored_as_utf8_bytes(store: DatabaseStore) -> None:
    await store.set("k", "сессия ✓")

    assert await store.get("k") == "сессия ✓".encode()


@pytest.mark.parametrize("key", [*string.punctuation, "ключ ü", "..", "a" * 255])
async def test_any_key_up_to_255_characters(store: DatabaseStore, key: str) -> None:
    await store.set(key, b"v")

    assert await store.get(key) == b"v"


async def test_set_again_replaces_value_and_expiry(store: DatabaseStore) -> None:
    await store.set("k", b"old", expires_in=60)

    await store.set("k", b"new")

    assert await store.get("k") == b"new"
    assert await store.expires_in("k") == NO_EXPIRY
    assert await rows() == 1


# ---------------------------------------------------------------- expiry


async def test_an_expired_key_is_absent_and_get_removes_it(store: DatabaseStore) -> None:
    await store.set("k", b"v", expires_in=SHORT)
    assert await store.get("k") == b"v"

    await wait_out()

    assert await store.exists("k") is False
    assert await store.expires_in("k") is None
    assert await rows() == 1  # still there: only get() and delete_expired() remove it
    assert await store.get("k") is None
    assert await rows() == 0


async def test_expired_key_can_be_set_again(store: DatabaseStore) -> None:
    await store.set("k", b"old", expires_in=SHORT)
    await wait_out()

    await store.set("k", b"new", expires_in=60)

    assert await store.get("k") == b"new"


@pytest.mark.parametrize("expires_in", [0, -5, timedelta(0)])
async def test_zero_or_negative_expiry_is_already_expired(
    store: DatabaseStore, expires_in: int | timedelta
) -> None:
    await store.set("k", b"v", expires_in=expires_in)

    assert await store.get("k") is None


@pytest.mark.parametrize("expires_in", [90, timedelta(seconds=90)])
async def test_expires_in_counts_down_whole_seconds(
    store: DatabaseStore, expires_in: int | timedelta
) -> None:
    await store.set("k", b"v", expires_in=expires_in)

    assert await store.expires_in("k") in {89, 90}


async def test_expires_in_of_unknown_and_of_unexpiring_keys(store: DatabaseStore) -> None:
    assert await store.expires_in("k") is None

    await store.set("k", b"v")

    assert await store.expires_in("k") == NO_EXPIRY


# ---------------------------------------------------------------- renewal


@pytest.mark.parametrize("renew_for", [60, timedelta(minutes=1)])
async def test_get_with_renew_for_pushes_the_expiry_back(
    store: DatabaseStore, renew_for: int | timedelta
) -> None:
    await store.set("k", b"v", expires_in=SHORT)

    assert await store.get("k", renew_for=renew_for) == b"v"

    assert await store.expires_in("k") in {59, 60}
    await wait_out()
    assert await store.get("k") == b"v"


async def test_get_without_renew_for_leaves_the_expiry(store: DatabaseStore) -> None:
    await store.set("k", b"v", expires_in=SHORT)

    assert await store.get("k") == b"v"
    await wait_out()

    assert await store.get("k") is None


async def test_renew_for_does_not_give_an_expiry_to_an_unexpiring_key(
    store: DatabaseStore,
) -> None:
    await store.set("k", b"v")

    assert await store.get("k", renew_for=60) == b"v"

    assert await store.expires_in("k") == NO_EXPIRY


async def test_renew_for_does_not_revive_an_expired_key(store: DatabaseStore) -> None:
    await store.set("k", b"v", expires_in=SHORT)
    await wait_out()

    assert await store.get("k", renew_for=60) is None
    assert await store.exists("k") is False


# ---------------------------------------------------------------- delete, exists


async def test_exists(store: DatabaseStore) -> None:
    assert await store.exists("k") is False

    await store.set("k", b"v")

    assert await store.exists("k") is True


async def test_delete_removes_one_key_only(store: DatabaseStore) -> None:
    await store.set("k", b"v", expires_in=60)
    await store.set("other", b"w", expires_in=60)

    await store.delete("k")

    assert await store.get("k") is None
    assert await store.exists("k") is False
    assert await store.get("other") == b"w"


async def test_delete_of_an_unknown_key_is_a_no_op(store: DatabaseStore) -> None:
    await store.delete("nobody")

    assert await rows() == 0


async def test_delete_all(store: DatabaseStore) -> None:
    keys = [f"key-{i}" for i in range(10)]
    for i, key in enumerate(keys):
        await store.set(key, b"v", expires_in=60 if i % 2 else None)

    await store.delete_all()

    for key in keys:
        assert await store.get(key) is None
    assert await rows() == 0


async def test_two_store_objects_share_the_table(store: DatabaseStore) -> None:
    await store.set("k", b"v")

    assert await DatabaseStore().get("k") == b"v"


# ---------------------------------------------------------------- the nightly sweep


async def test_delete_expired_removes_only_expired_rows_and_counts_them(
    store: DatabaseStore,
) -> None:
    for i in range(3):
        await store.set(f"expired-{i}", b"v", expires_in=SHORT)
    await store.set("live", b"v", expires_in=60)
    await store.set("forever", b"v")
    await wait_out()

    removed = await delete_expired()

    assert removed == 3
    assert await rows() == 2
    assert await store.get("live") == b"v"
    assert await store.get("forever") == b"v"


async def test_delete_expired_twice_removes_nothing_the_second_time(store: DatabaseStore) -> None:
    await store.set("k", b"v", expires_in=SHORT)
    await wait_out()

    assert await delete_expired() == 1
    assert await delete_expired() == 0


# ---------------------------------------------------------------- unchanged sessions


async def test_an_unchanged_session_is_not_written_back_until_its_expiry_is_worth_sliding(
    store: DatabaseStore,
) -> None:
    await store.set("k", b"v", expires_in=timedelta(hours=12))
    first = (await WebSession.select(WebSession.expires_at).first())["expires_at"]  # type: ignore[index]
    assert await store.get("k") == b"v"

    await store.set("k", b"v", expires_in=timedelta(hours=12))  # what a page view does

    again = (await WebSession.select(WebSession.expires_at).first())["expires_at"]  # type: ignore[index]
    assert again == first  # not written
    await store.set("k", b"changed", expires_in=timedelta(hours=12))
    assert await DatabaseStore().get("k") == b"changed"  # a change is written at once


async def test_an_unchanged_session_slides_its_expiry_once_it_is_old_enough(
    store: DatabaseStore,
) -> None:
    await store.set("k", b"v", expires_in=timedelta(hours=12))
    await store.get("k")
    await store.set("k", b"v", expires_in=timedelta(hours=12) + RENEW_AFTER + SHORT)
    remaining = await DatabaseStore().expires_in("k")
    assert remaining is not None
    assert remaining > (timedelta(hours=12) + RENEW_AFTER / 2).total_seconds()  # slid


async def test_another_process_sees_what_this_one_skipped_the_same(store: DatabaseStore) -> None:
    """Each process remembers only its own reads: a fresh store writes what it was given."""
    await store.set("k", b"v", expires_in=timedelta(hours=1))
    other = DatabaseStore()
    await other.set("k", b"w", expires_in=timedelta(hours=1))
    assert await store.get("k") == b"w"
