"""A school's card: its counts against a count from the rows, its assignments newest first,
its on-time share per meeting; 404 for an unknown school; only the department opens it."""

from __future__ import annotations

import math

from tests.integration.compliance.district import (
    FIELDS,
    District,
    assignment_rows,
    count_independently,
    summed,
)
from tests.support.http import PageClient
from tests.support.world import World, actor_of
from tracker import clock
from tracker.dashboard.services import school_card


async def test_the_card_counts_what_the_rows_say(district: District) -> None:
    today = clock.today()
    school_id = district.schools[3]
    head = await actor_of(district.world, "head")

    card = await school_card(head, school_id, today=today)

    expected = await count_independently(today, school_ids={school_id})
    assert {f: getattr(card.counts, f) for f in FIELDS} == summed(expected)
    rows = [r for r in await assignment_rows() if r["school"] == school_id]
    assert card.assignment_count == len(rows)
    assert {a.id for a in card.assignments} == {r["id"] for r in rows}
    dates = [a.meeting_date for a in card.assignments]
    assert dates == sorted(dates, reverse=True)
    per_meeting = {m.meeting_id: m for m in card.meetings}
    assert set(per_meeting) == {
        district.old_meeting,
        district.new_meeting,
        district.world.meeting_id,
    }
    for meeting_id, share in per_meeting.items():
        mine = await count_independently(today, meeting_id=meeting_id, school_ids={school_id})
        want = summed(mine)
        assert share.counts.total == want["total"]
        assert share.on_time_percent == math.floor(
            100 * want["accepted_on_time"] / want["total"] + 0.5
        )
    assert [m.meeting_date for m in card.meetings] == sorted(
        (m.meeting_date for m in card.meetings), reverse=True
    )


async def test_the_card_page_and_its_fragment(district: District, pages: PageClient) -> None:
    world = district.world
    school_id = world.schools["b"]
    rows = [r for r in await assignment_rows() if r["school"] == school_id]
    await pages.login(world.users["head"])

    page = await pages.get(f"/schools/{school_id}")
    swap = await pages.get(f"/schools/{school_id}", htmx=True)

    assert page.status_code == 200
    assert "<h1>МБОУ СОШ № 2</h1>" in page.text
    assert "Муниципальное учреждение МБОУ СОШ № 2" in page.text
    assert "СОШ" in page.text
    for r in rows:
        assert f'href="/assignments/{r["id"]}"' in page.text
    assert "Доля исполненных в срок по совещаниям" in page.text
    assert swap.status_code == 200
    assert swap.text.lstrip().startswith('<div id="school-card"')
    assert "<html" not in swap.text


async def test_an_unknown_school_is_404(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])
    assert (await pages.get("/schools/99999")).status_code == 404


async def test_a_school_user_cannot_open_a_card_not_even_their_own(
    world: World, pages: PageClient
) -> None:
    await pages.login(world.users["school_a"])
    assert (await pages.get(f"/schools/{world.schools['a']}")).status_code == 403
    assert (await pages.get(f"/schools/{world.schools['b']}")).status_code == 403
