"""describe(): the reminder policy in plain Russian for the admin's page."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tracker.reminders.policy import DEFAULT_POLICY
from tracker.reminders.settings import describe
from tracker.settings import get_settings


def test_the_defaults_in_words() -> None:
    assert describe(DEFAULT_POLICY, timezone="Europe/Moscow") == [
        "За 3 и за 1 рабочий день до срока — напоминание школе",
        "В день срока — напоминание школе",
        "В первый рабочий день после срока — напоминание школе о просрочке",
        "Затем каждые 3 рабочих дня — повторное напоминание школе",
        "В первый рабочий день после срока — сообщение руководителю о просрочке",
        "Через 7 дней просрочки — сообщение руководителю",
        "Каждый пользователь получает одно письмо в день со всеми пунктами, "
        "в 9:00 по местному времени (Europe/Moscow), в рабочие дни",
    ]


@pytest.mark.parametrize(
    ("days", "sentence"),
    [
        ((1,), "За 1 рабочий день до срока — напоминание школе"),
        ((2,), "За 2 рабочих дня до срока — напоминание школе"),
        ((5,), "За 5 рабочих дней до срока — напоминание школе"),
        ((11,), "За 11 рабочих дней до срока — напоминание школе"),
        ((21,), "За 21 рабочий день до срока — напоминание школе"),
        ((5, 2), "За 5 и за 2 рабочих дня до срока — напоминание школе"),
        ((10, 5, 1), "За 10, за 5 и за 1 рабочий день до срока — напоминание школе"),
    ],
)
def test_days_before_agree_with_the_last_number(days: tuple[int, ...], sentence: str) -> None:
    lines = describe(replace(DEFAULT_POLICY, before_working_days=days), timezone="UTC")

    assert lines[0] == sentence


@pytest.mark.parametrize(
    ("every", "sentence"),
    [
        (1, "Затем каждый рабочий день — повторное напоминание школе"),
        (2, "Затем каждые 2 рабочих дня — повторное напоминание школе"),
        (5, "Затем каждые 5 рабочих дней — повторное напоминание школе"),
        (12, "Затем каждые 12 рабочих дней — повторное напоминание школе"),
        (21, "Затем каждый 21 рабочий день — повторное напоминание школе"),
        (0, "Повторных напоминаний о просрочке нет"),
    ],
)
def test_repeated_overdue_reminders(every: int, sentence: str) -> None:
    lines = describe(replace(DEFAULT_POLICY, overdue_every_working_days=every), timezone="UTC")

    assert sentence in lines


@pytest.mark.parametrize(
    ("days", "sentence"),
    [
        (1, "Через 1 день просрочки — сообщение руководителю"),
        (2, "Через 2 дня просрочки — сообщение руководителю"),
        (5, "Через 5 дней просрочки — сообщение руководителю"),
        (14, "Через 14 дней просрочки — сообщение руководителю"),
    ],
)
def test_escalation_after_days(days: int, sentence: str) -> None:
    lines = describe(replace(DEFAULT_POLICY, escalate_after_days=days), timezone="UTC")

    assert sentence in lines


def test_everything_switched_off() -> None:
    policy = replace(
        DEFAULT_POLICY,
        before_working_days=(),
        on_due_day=False,
        overdue_every_working_days=0,
        escalate_after_days=0,
        notify_head_on_overdue=False,
        daily_digest=False,
        digest_hour=0,
    )

    assert describe(policy, timezone="Asia/Yekaterinburg") == [
        "До срока школе не напоминают",
        "В день срока школе не напоминают",
        "В первый рабочий день после срока — напоминание школе о просрочке",
        "Повторных напоминаний о просрочке нет",
        "Руководителю о просрочках не сообщают",
        "Каждое напоминание приходит отдельным письмом, "
        "с 0:00 по местному времени (Asia/Yekaterinburg), в рабочие дни",
    ]


def test_head_told_only_by_escalation() -> None:
    lines = describe(replace(DEFAULT_POLICY, notify_head_on_overdue=False), timezone="UTC")

    assert "В первый рабочий день после срока — сообщение руководителю о просрочке" not in lines
    assert "Через 7 дней просрочки — сообщение руководителю" in lines
    assert "Руководителю о просрочках не сообщают" not in lines


def test_head_told_only_when_overdue() -> None:
    lines = describe(replace(DEFAULT_POLICY, escalate_after_days=0), timezone="UTC")

    assert "В первый рабочий день после срока — сообщение руководителю о просрочке" in lines
    assert not any(line.startswith("Через") for line in lines)


def test_the_time_zone_defaults_to_the_settings() -> None:
    lines = describe(DEFAULT_POLICY)

    assert f"({get_settings().timezone})" in lines[-1]
