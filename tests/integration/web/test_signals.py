"""After a successful htmx action the page is told that something changed (the attention badge
listens); a refused action or a plain form post is not."""

from __future__ import annotations

from tests.support.http import PageClient
from tests.support.world import World
from tracker.web.signals import EVENT, with_event


async def test_a_successful_htmx_action_announces_a_change(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post(f"/assignments/{world.assignments['a']}/start", {}, htmx=True)

    assert response.status_code < 400, response.text
    assert EVENT in response.headers.get("HX-Trigger", "")


async def test_a_refused_htmx_action_announces_nothing(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])
    report = f"/assignments/{world.assignments['a']}/reports"

    response = await pages.post(report, {"text": ""}, htmx=True)

    assert response.status_code == 422
    assert EVENT not in response.headers.get("HX-Trigger", "")


async def test_a_plain_form_post_announces_nothing(world: World, pages: PageClient) -> None:
    await pages.login(world.users["school_a"])

    response = await pages.post(f"/assignments/{world.assignments['a']}/start", {})

    assert response.status_code == 303
    assert "HX-Trigger" not in response.headers


def test_the_event_joins_other_triggers() -> None:
    assert with_event(None) == EVENT
    assert with_event("saved") == f"saved, {EVENT}"
    assert with_event(f"saved, {EVENT}") == f"saved, {EVENT}"
    assert with_event('{"saved": {"id": 1}}') == f'{{"saved": {{"id": 1}}, "{EVENT}": null}}'
