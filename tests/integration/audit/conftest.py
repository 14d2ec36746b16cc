"""A district with a story in its audit trail: reports, a return with a comment, an acceptance,
by a head whose name is Cyrillic."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.http import PASSWORD
from tests.support.world import World, actor_of
from tracker.accounts import services as accounts
from tracker.assignments import services as assignments

HEAD_NAME = "Петрова Анна Сергеевна"
HEAD_EMAIL = "petrova@example.ru"
COMMENT = "Добавьте фотографии с мероприятия"


@dataclass
class Story:
    world: World
    head_id: int
    """Петрова, the head who reviewed."""


@pytest.fixture
async def story(world: World) -> Story:
    head_id = await accounts.create_user(
        None, email=HEAD_EMAIL, role="head", password=PASSWORD, full_name=HEAD_NAME
    )
    head = await accounts.actor_for_user(head_id)
    assert head is not None
    school_a = await actor_of(world, "school_a")
    school_b = await actor_of(world, "school_b")
    a, b = world.assignments["a"], world.assignments["b"]
    await assignments.start(school_a, a)
    await assignments.submit_report(school_a, a, text="Семинар проведён.")
    await assignments.return_for_rework(head, a, comment=COMMENT)
    await assignments.submit_report(school_a, a, text="Фотографии добавлены.")
    await assignments.accept(head, a)
    await assignments.submit_report(school_b, b, text="Сделано.")
    return Story(world=world, head_id=head_id)
