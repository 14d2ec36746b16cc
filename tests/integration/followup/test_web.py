"""The follow-up section (its page, its htmx fragments, forms without JS) and its JSON API."""

from __future__ import annotations

from datetime import date

from tests.integration.followup.test_services import AS_OF, Setting, settle
from tests.support.http import ApiClient, PageClient
from tests.support.world import World
from tracker.assignments.tables import Assignment
from tracker.followup import services as followup
from tracker.followup.tables import FollowUp, FollowUpItem
from tracker.meetings.tables import Decision
from tracker.web.templating import make_environment

CONTRACT_KEYS = {
    "decision_id",
    "number",
    "meeting_date",
    "total",
    "done",
    "on_time",
    "late",
    "overdue",
    "open",
    "overdue_schools",
    "proposal",
}


async def test_api_compile_get_and_adopt(world: World, api: ApiClient) -> None:
    setting = await Setting(world).build()
    await api.login(world.users["secretary"])
    url = f"/api/v1/meetings/{setting.new_meeting}/follow-up"

    # not yet compiled
    assert (await api.get(url)).status_code == 404

    response = await api.post(
        url,
        {"as_of": AS_OF.isoformat(), "decision_ids": setting.old, "speaker": "Рыбина Л.Д."},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["agenda_item_id"] > 0
    assert body["agenda_title"] == "О ходе исполнения решений совещания от 05.03.2026"
    first, second = body["decisions"]
    assert set(first) >= CONTRACT_KEYS
    assert {k: first[k] for k in CONTRACT_KEYS} == {
        "decision_id": setting.old[0],
        "number": "1",
        "meeting_date": "2026-03-05",
        "total": 2,
        "done": 1,
        "on_time": first["on_time"],
        "late": first["late"],
        "overdue": 1,
        "open": 0,
        "overdue_schools": ["МБОУ СОШ № 2"],
        "proposal": "instruct",
    }
    assert first["on_time"] + first["late"] == 1
    assert second["proposal"] == "keep"
    assert (await api.get(url)).json() == body

    # an impossible date for a proposal: 422; a proposal changed
    item_url = f"/api/v1/follow-up-items/{second['item_id']}"
    bad = await api.post(item_url, {"proposal": "extend", "extend_to": "2026-01-01"})
    assert bad.status_code == 422, bad.text
    assert "раньше даты совещания" in bad.text
    not_a_date = await api.post(item_url, {"proposal": "extend", "extend_to": "31.02.2026"})
    assert not_a_date.status_code in {400, 422}
    changed = await api.post(item_url, {"proposal": "remove"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["proposal_text"].startswith("Снять с контроля п. 2")

    adopt_url = f"/api/v1/follow-ups/{body['id']}/adopt"
    adopted = await api.post(adopt_url)
    assert adopted.status_code == 200, adopted.text
    new_ids = [d["new_decision_id"] for d in adopted.json()["decisions"]]
    assert all(new_ids)
    schools = await Assignment.select(Assignment.school).where(Assignment.decision == new_ids[0])
    assert [r["school"] for r in schools] == [world.schools["b"]]

    counts = (await Decision.count(), await Assignment.count())
    again = await api.post(adopt_url)
    assert again.status_code == 409
    assert "уже приняты" in again.text
    assert (await Decision.count(), await Assignment.count()) == counts
    assert (await api.post(url, {})).status_code == 409


async def test_api_bad_input_and_roles(world: World, api: ApiClient) -> None:
    setting = await Setting(world).build()
    url = f"/api/v1/meetings/{world.meeting_id}/follow-up"
    await api.login(world.users["school_a"])
    assert (await api.post(url, {})).status_code == 403
    assert (await api.get(url)).status_code == 403
    api.logout()
    await api.login(world.users["head"])
    # the world's meeting is held before the meeting of the picked decisions
    response = await api.post(url, {"decision_ids": setting.old})
    assert response.status_code == 422
    assert "не позже совещания от 05.03.2026" in response.text
    response = await api.post(url, {"as_of": "2026-13-01"})
    assert response.status_code in {400, 422}
    assert (await api.post("/api/v1/meetings/999999/follow-up", {})).status_code == 404
    assert (await api.post("/api/v1/follow-ups/999999/adopt")).status_code == 404
    assert (
        await api.post("/api/v1/follow-up-items/999999", {"proposal": "keep"})
    ).status_code == 404
    assert await FollowUp.count() == 0


async def test_pages_full_htmx_and_without_js(world: World, pages: PageClient) -> None:
    setting = await Setting(world).build()
    await pages.login(world.users["secretary"])
    url = f"/meetings/{setting.new_meeting}/follow-up"

    full = await pages.get(url)
    assert full.status_code == 200
    assert "<html" in full.text
    assert "Сформировать вопрос о ходе исполнения" in full.text
    fragment = await pages.get(url, htmx=True)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'id="follow-up"' in fragment.text

    # bad input: the form again with the message, nothing written
    bad = await pages.post(url, {"as_of": "31.02.2026"}, htmx=True)
    assert bad.status_code == 422
    assert "Неверная дата" in bad.text

    # compiled without JS: a redirect back to the page
    saved = await pages.post(
        url,
        {"as_of": AS_OF.isoformat(), "speaker": "Рыбина Л.Д.", "decision_ids": setting.old},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == url
    shown = await pages.get(url)
    assert "О ходе исполнения решений совещания от 05.03.2026" in shown.text
    assert "МБОУ СОШ № 2 обеспечить исполнение п. 1" in shown.text
    view = await followup.get_follow_up(setting.head, setting.new_meeting)
    assert view is not None
    item = view.items[1]

    # a proposal edited in place with htmx: only its card; an impossible date: 422
    too_early = await pages.post(
        f"/follow-up-items/{item.id}", {"proposal": "extend", "extend_to": "01.01.2026"}, htmx=True
    )
    assert too_early.status_code == 422
    assert "раньше даты совещания" in too_early.text
    assert f'id="follow-up-item-{item.id}"' in too_early.text
    edited = await pages.post(
        f"/follow-up-items/{item.id}",
        {"proposal": "extend", "extend_to": "2026-12-25", "proposal_text": ""},
        htmx=True,
    )
    assert edited.status_code == 200, edited.text
    assert "Продлить срок исполнения п. 2 решения совещания от 05.03.2026 до 25.12.2026." in (
        edited.text
    )
    assert "<html" not in edited.text
    # and without JS
    plain = await pages.post(f"/follow-up-items/{item.id}", {"proposal": "keep"})
    assert plain.status_code == 303

    # adopting needs the confirmation; then once only
    adopt = f"/follow-ups/{view.id}/adopt"
    unconfirmed = await pages.post(adopt, {}, htmx=True)
    assert unconfirmed.status_code == 422
    assert "Отметьте" in unconfirmed.text
    done = await pages.post(adopt, {"confirm": "on"}, htmx=True)
    assert done.status_code == 200, done.text
    assert "Предложения приняты" in done.text
    again = await pages.post(adopt, {"confirm": "on"})
    assert again.status_code == 409
    assert await FollowUpItem.count().where(FollowUpItem.new_decision.is_null()) == 0


async def test_pages_wrong_roles(world: World, pages: PageClient) -> None:
    setting = await Setting(world).build()
    view = await followup.compile_follow_up(setting.head, setting.new_meeting, as_of=AS_OF)
    await pages.login(world.users["school_a"])
    url = f"/meetings/{setting.new_meeting}/follow-up"
    assert (await pages.get(url)).status_code == 403
    assert (await pages.get(url, htmx=True)).status_code == 403
    assert (await pages.post(url, {})).status_code == 403
    assert (
        await pages.post(f"/follow-up-items/{view.items[0].id}", {"proposal": "keep"})
    ).status_code == 403
    assert (await pages.post(f"/follow-ups/{view.id}/adopt", {"confirm": "on"})).status_code == 403
    assert await FollowUp.select(FollowUp.adopted_at).first() == {"adopted_at": None}


async def test_snapshot_survives_later_reports_through_the_api(
    world: World, api: ApiClient
) -> None:
    setting = await Setting(world).build()
    await api.login(world.users["head"])
    url = f"/api/v1/meetings/{setting.new_meeting}/follow-up"
    compiled = (await api.post(url, {"as_of": AS_OF.isoformat()})).json()
    await settle(world, setting.old[0], "b")
    assert (await api.get(url)).json() == compiled
    assert date.fromisoformat(compiled["as_of"]) == AS_OF


def test_the_meeting_page_placeholder_loads_the_section_and_links_without_js() -> None:
    html = make_environment().get_template("followup/_lazy.html").render(meeting_id=7)
    assert 'hx-get="/meetings/7/follow-up"' in html
    assert 'hx-trigger="load"' in html
    assert 'id="follow-up"' in html  # the section that replaces it has the same id
    assert '<a href="/meetings/7/follow-up">' in html


async def test_from_the_meeting_page_the_agenda_and_decisions_follow(
    world: World, pages: PageClient
) -> None:
    """Compiling adds an agenda item and adopting adds decisions: sent from the meeting's page,
    the answer carries both lists out of band; from the follow-up's own page, it does not."""
    setting = await Setting(world).build()
    await pages.login(world.users["secretary"])
    meeting_page = f"/meetings/{setting.new_meeting}"
    url = f"{meeting_page}/follow-up"
    form = {"as_of": AS_OF.isoformat(), "decision_ids": setting.old}

    alone = await pages.post(url, form, htmx=True, from_page=url)
    assert alone.status_code == 200, alone.text
    assert 'id="agenda"' not in alone.text
    assert 'id="decisions"' not in alone.text
    # one message area, holding the message (not emptied by a second one after it)
    assert alone.text.count('id="messages"') == 1
    assert "включён в повестку" in alone.text.split('id="messages"', 1)[1]

    compiled = await pages.post(url, form, htmx=True, from_page=meeting_page)
    assert compiled.status_code == 200, compiled.text
    assert '<div id="agenda" hx-swap-oob="true">' in compiled.text
    assert "О ходе исполнения решений совещания от 05.03.2026" in compiled.text

    view = await followup.get_follow_up(setting.head, setting.new_meeting)
    assert view is not None
    adopted = await pages.post(
        f"/follow-ups/{view.id}/adopt", {"confirm": "on"}, htmx=True, from_page=meeting_page
    )
    assert adopted.status_code == 200, adopted.text
    decisions = adopted.text.split('<div id="decisions" hx-swap-oob="true">', 1)[1]
    assert "МБОУ СОШ № 2 обеспечить исполнение п. 1 решения совещания от 05.03.2026" in decisions
