"""The meeting's .docx files through the services: the agenda (with the frozen follow-up annex)
and a school's extract, with their permissions."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from docx import Document

from tests.support.world import World, actor_of
from tracker.errors import NotFoundError, PermissionDeniedError
from tracker.followup import document_services as documents
from tracker.followup.snapshot import DecisionSnapshot
from tracker.followup.tables import FollowUp, FollowUpItem
from tracker.meetings.tables import Decision


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


async def test_a_school_gets_an_extract_of_its_own_decisions(world: World) -> None:
    school_a = await actor_of(world, "school_a")

    extract = await documents.extract_document(school_a, world.meeting_id, world.schools["a"])

    texts = paragraphs(extract.data)
    first = await Decision.select(Decision.text).where(Decision.id == world.decisions[0]).first()
    assert first is not None
    assert any(first["text"] in t for t in texts)
    assert "Для: МБОУ СОШ № 1" in texts
    assert extract.name.endswith(".docx")
    with pytest.raises(NotFoundError):
        await documents.extract_document(school_a, world.meeting_id, world.schools["b"])


async def test_the_agenda_carries_the_frozen_annex(world: World) -> None:
    head = await actor_of(world, "head")
    plain = await documents.agenda_document(head, world.meeting_id)
    assert Document(io.BytesIO(plain.data)).tables == []

    snapshot = DecisionSnapshot(
        decision_id=world.decisions[0], meeting_id=world.meeting_id, meeting_date=date(2026, 2, 5),
        meeting_number="1", meeting_title="Совещание", number="1", text="Обеспечить участие.",
        deadline_kind="date", deadline_text="до 01.03.2030", due_on=date(2030, 3, 1), total=3,
        on_time=1, late=0, reported=0, overdue=2, open=0, returned=0, extension_pending=0,
        overdue_school_ids=(2,), overdue_schools=("МБОУ СОШ № 2",), lagging_school_ids=(2,), lagging_schools=("МБОУ СОШ № 2",),
    )  # fmt: skip
    follow_up = await FollowUp.insert(
        FollowUp(
            meeting=world.meeting_id,
            as_of=date(2030, 3, 10),
            created_at=datetime.now(UTC),
            school_names=snapshot.school_names(),
        )
    ).returning(FollowUp.id)
    await FollowUpItem.insert(
        FollowUpItem(
            follow_up=follow_up[0]["id"], decision=world.decisions[0], position=1,
            snapshot=snapshot.to_json(), proposal="instruct", proposal_text="Поручить СОШ № 2.",
        )
    )  # fmt: skip

    with_annex = await documents.agenda_document(head, world.meeting_id)

    (table,) = Document(io.BytesIO(with_annex.data)).tables
    row = [c.text for c in table.rows[1].cells]
    assert row[3:] == ["1 из 3", "1 / 0", "МБОУ СОШ № 2", "Поручить СОШ № 2."]


async def test_a_school_user_gets_no_agenda(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        await documents.agenda_document(await actor_of(world, "school_a"), world.meeting_id)
