"""«Снять решение с контроля»: the head removes a decision from control, once, from its page
(with and without htmx) or through the API; the decision and meeting pages show it; nobody
else may."""

from __future__ import annotations

import re

import pytest

from tests.support.http import ApiClient, PageClient
from tests.support.world import World, actor_of
from tracker import clock
from tracker.audit import services as audit
from tracker.errors import ConflictError, PermissionDeniedError
from tracker.meetings import services as meetings

BUTTON = "Снять решение с контроля"


def url(decision_id: int) -> str:
    return f"/decisions/{decision_id}/remove-from-control"


def api_url(decision_id: int) -> str:
    return f"/api/v1/decisions/{decision_id}/remove-from-control"


def today_ru() -> str:
    return clock.today().strftime("%d.%m.%Y")


async def removed_at(world: World, decision_id: int) -> object:
    _, decision = await meetings.get_decision(await actor_of(world, "head"), decision_id)
    return decision.removed_from_control_at


# ---------------------------------------------------------------- the page


async def test_head_sees_the_button_and_the_state(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/decisions/{world.decisions[0]}")

    text = response.text
    assert response.status_code == 200
    assert "На контроле" in text
    assert f'<summary class="button secondary">{BUTTON}</summary>' in text
    assert f'action="{url(world.decisions[0])}"' in text
    assert 'for="control-comment"' in text
    assert 'name="_csrf_token"' in text


async def test_secretary_sees_no_button(world: World, pages: PageClient) -> None:
    await pages.login(world.users["secretary"])

    response = await pages.get(f"/decisions/{world.decisions[0]}")

    assert response.status_code == 200
    assert "На контроле" in response.text
    assert BUTTON not in response.text


async def test_information_decision_is_not_under_control(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.get(f"/decisions/{world.decisions[2]}")

    assert "Не стоит на контроле" in response.text
    assert BUTTON not in response.text
    refused = await pages.post(url(world.decisions[2]), {})
    assert refused.status_code == 409
    assert "не стоит на контроле" in refused.text


async def test_head_removes_without_js(world: World, pages: PageClient) -> None:
    # Given the head on the page of a decision under control
    decision_id = world.decisions[0]
    await pages.login(world.users["head"])

    # When they remove it from control with a comment
    response = await pages.post(url(decision_id), {"comment": "Исполнено всеми ОО"})

    # Then they are sent back to the decision, which says since when it is off control
    assert response.status_code == 303
    assert response.headers["location"] == f"/decisions/{decision_id}"
    page = await pages.get(response.headers["location"])
    assert "Решение снято с контроля." in page.text  # the flash
    assert f"Снято с контроля {today_ru()}" in page.text
    assert BUTTON not in page.text
    # Nothing more is assigned from a decision off control.
    assert 'id="assign"' not in page.text
    assert "новые поручения не назначаются" in page.text
    # And the audit keeps who, when and why
    history = await audit.history("decision", decision_id)
    assert [h.action for h in history] == ["remove_from_control"]
    assert history[0].actor_name == "Head"
    assert history[0].after is not None
    assert history[0].after["comment"] == "Исполнено всеми ОО"
    assert await removed_at(world, decision_id) is not None


async def test_head_removes_with_htmx(world: World, pages: PageClient) -> None:
    decision_id = world.decisions[0]
    await pages.login(world.users["head"])
    await pages.get(f"/decisions/{decision_id}")

    response = await pages.post(url(decision_id), {}, htmx=True)

    text = response.text
    assert response.status_code == 200
    assert "<html" not in text
    assert text.lstrip().startswith('<div id="decision-control"')
    assert f"Снято с контроля {today_ru()}" in text
    assert BUTTON not in text
    # The assign form goes too, and the message area says what happened.
    assert '<div id="assign-area" hx-swap-oob="true">' in text
    assert 'id="assign"' not in text
    assert re.search(r'<div id="messages"[^>]*hx-swap-oob="innerHTML"', text)
    assert "Решение снято с контроля." in text


async def test_meeting_page_marks_decisions_removed_from_control(
    world: World, pages: PageClient
) -> None:
    await meetings.remove_from_control(await actor_of(world, "head"), world.decisions[1])
    await pages.login(world.users["secretary"])

    response = await pages.get(f"/meetings/{world.meeting_id}")

    text = response.text
    assert text.count("Снято с контроля " + today_ru()) == 1
    marked = text.index(f'id="decision-{world.decisions[1]}"')
    assert text.index("Снято с контроля " + today_ru()) > marked
    assert text.index("Снято с контроля " + today_ru()) < text.index(
        f'id="decision-{world.decisions[2]}"'
    )


async def test_removing_twice_is_a_conflict(world: World, pages: PageClient) -> None:
    decision_id = world.decisions[0]
    await pages.login(world.users["head"])
    await pages.post(url(decision_id), {})
    first = await removed_at(world, decision_id)

    again = await pages.post(url(decision_id), {})
    with_htmx = await pages.post(url(decision_id), {}, htmx=True)

    assert again.status_code == 409
    assert f"Решение уже снято с контроля {today_ru()}." in again.text
    assert with_htmx.status_code == 409
    assert with_htmx.headers["hx-retarget"] == "#messages"
    assert await removed_at(world, decision_id) == first
    assert len(await audit.history("decision", decision_id)) == 1


async def test_too_long_comment_is_shown_beside_the_field(world: World, pages: PageClient) -> None:
    decision_id = world.decisions[0]
    await pages.login(world.users["head"])

    response = await pages.post(url(decision_id), {"comment": "я" * 20_001})
    fragment = await pages.post(url(decision_id), {"comment": "я" * 20_001}, htmx=True)

    assert response.status_code == 422
    assert "<html" in response.text
    assert 'id="control-comment-error"' in response.text
    assert "<details open>" in response.text
    assert fragment.status_code == 422
    assert fragment.text.lstrip().startswith('<div id="decision-control"')
    assert await removed_at(world, decision_id) is None


@pytest.mark.parametrize("key", ["secretary", "school_a", "admin"])
async def test_others_may_not_remove(world: World, pages: PageClient, key: str) -> None:
    await pages.login(world.users[key])

    response = await pages.post(url(world.decisions[0]), {"comment": "снять"})

    assert response.status_code == 403
    assert "Недостаточно прав" in response.text
    assert await removed_at(world, world.decisions[0]) is None


async def test_unknown_decision_is_404(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    assert (await pages.post(url(999999), {})).status_code == 404


async def test_form_without_csrf_token_is_refused(world: World, pages: PageClient) -> None:
    await pages.login(world.users["head"])

    response = await pages.post(url(world.decisions[0]), {}, csrf=False)

    assert response.status_code == 403
    assert await removed_at(world, world.decisions[0]) is None


async def test_service_checks_the_role_itself(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        await meetings.remove_from_control(await actor_of(world, "secretary"), world.decisions[0])
    head = await actor_of(world, "head")
    await meetings.remove_from_control(head, world.decisions[0])
    with pytest.raises(ConflictError):
        await meetings.remove_from_control(head, world.decisions[0])


# ---------------------------------------------------------------- the API


async def test_api_head_removes_with_a_comment(world: World, api: ApiClient) -> None:
    decision_id = world.decisions[0]
    await api.login(world.users["head"])

    response = await api.post(api_url(decision_id), json={"comment": "Исполнено"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == decision_id
    assert body["number"] == "1"
    assert body["agenda_item"] == 1
    assert body["progress"]["total"] == 3
    assert body["removed_from_control_at"] is not None
    meeting = (await api.get(f"/api/v1/meetings/{world.meeting_id}")).json()
    states = {d["id"]: d["removed_from_control_at"] for d in meeting["decisions"]}
    assert states[decision_id] == body["removed_from_control_at"]
    assert states[world.decisions[1]] is None
    [entry] = await audit.history("decision", decision_id)
    assert entry.after is not None
    assert entry.after["comment"] == "Исполнено"


async def test_api_body_is_optional(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    response = await api.post(api_url(world.decisions[1]))

    assert response.status_code == 200, response.text
    assert response.json()["removed_from_control_at"] is not None


async def test_api_twice_is_409_in_russian(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])
    await api.post(api_url(world.decisions[0]), json={})

    response = await api.post(api_url(world.decisions[0]), json={})

    assert response.status_code == 409
    assert response.json()["detail"] == f"Решение уже снято с контроля {today_ru()}."


async def test_api_bad_and_unknown(world: World, api: ApiClient) -> None:
    await api.login(world.users["head"])

    unknown_field = await api.post(api_url(world.decisions[0]), json={"reason": "x"})
    unknown_decision = await api.post(api_url(999999), json={})
    information = await api.post(api_url(world.decisions[2]), json={})

    assert unknown_field.status_code == 400
    assert unknown_decision.status_code == 404
    assert unknown_decision.json()["detail"] == "Решение не найдено."
    assert information.status_code == 409
    assert await removed_at(world, world.decisions[0]) is None


@pytest.mark.parametrize("key", ["secretary", "school_a", "admin"])
async def test_api_others_are_forbidden(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])

    response = await api.post(api_url(world.decisions[0]), json={})

    assert response.status_code == 403
    assert response.json()["detail"] == "Недостаточно прав для этого действия."
    assert await removed_at(world, world.decisions[0]) is None


async def test_api_without_a_token_is_401(world: World, api: ApiClient) -> None:
    assert (await api.post(api_url(world.decisions[0]), json={})).status_code == 401


async def test_openapi_describes_the_endpoint(clean_db: None, api: ApiClient) -> None:
    schema = (await api.get("/schema/openapi.json")).json()

    operation = schema["paths"]["/api/v1/decisions/{decision_id}/remove-from-control"]["post"]
    assert "requestBody" in operation
    assert "200" in operation["responses"]
    assert "RemoveFromControlIn" in schema["components"]["schemas"]
    decision_out = schema["components"]["schemas"]["DecisionOut"]
    assert "removed_from_control_at" in decision_out["properties"]


async def test_a_decision_removed_from_control_takes_no_new_assignments(world: World) -> None:
    from tracker.assignments import services as assignments  # noqa: PLC0415
    from tracker.schools.services import AllSchools  # noqa: PLC0415

    head = await actor_of(world, "head")
    await meetings.remove_from_control(head, world.decisions[0])

    with pytest.raises(ConflictError, match="снято с контроля"):
        await assignments.assign(head, world.decisions[0], AllSchools())
