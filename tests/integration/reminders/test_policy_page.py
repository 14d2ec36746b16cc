"""The reminder policy: the admin page /admin/reminders and GET/PUT /api/v1/reminder-policy."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from tests.support.http import ApiClient, PageClient
from tests.support.world import World
from tracker.accounts.roles import Actor, Role
from tracker.audit import services as audit
from tracker.errors import PermissionDeniedError
from tracker.reminders.policy import ReminderPolicy
from tracker.reminders.settings import POLICY_ROW_ID, load_policy, save_policy
from tracker.reminders.tables import ReminderPolicyRow

URL = "/admin/reminders"
API_URL = "/api/v1/reminder-policy"

CHANGED = ReminderPolicy(
    before_working_days=(5, 2),
    on_due_day=False,
    overdue_every_working_days=1,
    escalate_after_days=14,
    notify_head_on_overdue=False,
    daily_digest=True,
    digest_hour=8,
)
CHANGED_FORM = {
    "before_working_days": "2; 5, 2",
    "overdue_every_working_days": "1",
    "escalate_after_days": "14",
    "daily_digest": "on",
    "digest_hour": "8",
}
"""CHANGED as the form sends it (unchecked boxes are absent)."""

CHANGED_JSON: dict[str, Any] = {
    "before_working_days": [5, 2],
    "on_due_day": False,
    "overdue_every_working_days": 1,
    "escalate_after_days": 14,
    "notify_head_on_overdue": False,
    "daily_digest": True,
    "digest_hour": 8,
}


@pytest.fixture
async def admin_api(world: World, api: ApiClient) -> ApiClient:
    await api.login(world.users["admin"])
    return api


async def stored_rows() -> list[dict[str, Any]]:
    return list(await ReminderPolicyRow.select())


def field_error(name: str, message: str) -> str:
    return f'<p class="field-error" id="reminder-policy-{name}-error">{message}</p>'


# ---------------------------------------------------------------------------- the page


async def test_defaults_are_shown_when_nothing_was_saved(admin_pages: PageClient) -> None:
    response = await admin_pages.get(URL)

    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith("<!doctype html>")
    assert '<nav aria-label="Главное меню">' in text
    assert '<form id="reminder-policy"' in text
    assert 'name="before_working_days" type="text" value="3, 1"' in text
    assert 'name="overdue_every_working_days" type="number" value="3"' in text
    assert 'name="escalate_after_days" type="number" value="7"' in text
    assert 'name="digest_hour" type="number" value="9"' in text
    for flag in ("on_due_day", "notify_head_on_overdue", "daily_digest"):
        assert f'name="{flag}" type="checkbox" value="on" checked' in text
    assert "За 3 и за 1 рабочий день до срока — напоминание школе" in text
    assert "Через 7 дней просрочки — сообщение руководителю" in text
    assert "в 9:00 по местному времени (Europe/Moscow), в рабочие дни" in text
    assert "только в рабочие дни производственного календаря" in text
    assert await stored_rows() == []


async def test_every_control_has_a_label(admin_pages: PageClient) -> None:
    text = (await admin_pages.get(URL)).text

    for name in (
        "before_working_days",
        "on_due_day",
        "overdue_every_working_days",
        "notify_head_on_overdue",
        "escalate_after_days",
        "daily_digest",
        "digest_hour",
    ):
        assert f'<label for="reminder-policy-{name}">' in text, name
        assert f'id="reminder-policy-{name}" name="{name}"' in text, name


async def test_save_and_reload(admin_pages: PageClient, admin: Actor) -> None:
    response = await admin_pages.post(URL, CHANGED_FORM)

    assert response.status_code == 303
    assert response.headers["location"] == URL
    assert await load_policy() == CHANGED
    page = await admin_pages.get(URL)
    assert "Правила напоминаний сохранены" in page.text
    assert 'name="before_working_days" type="text" value="5, 2"' in page.text
    assert 'name="digest_hour" type="number" value="8"' in page.text
    assert 'name="on_due_day" type="checkbox" value="on">' in page.text
    assert 'name="daily_digest" type="checkbox" value="on" checked' in page.text
    assert "За 5 и за 2 рабочих дня до срока — напоминание школе" in page.text
    assert "Затем каждый рабочий день — повторное напоминание школе" in page.text
    assert "Через 14 дней просрочки — сообщение руководителю" in page.text
    assert "В день срока школе не напоминают" in page.text


async def test_saving_again_changes_the_one_row_and_is_audited(
    admin_pages: PageClient, admin: Actor
) -> None:
    await admin_pages.post(URL, CHANGED_FORM)

    response = await admin_pages.post(URL, CHANGED_FORM | {"digest_hour": "10"})

    assert response.status_code == 303
    rows = await stored_rows()
    assert [(r["id"], r["digest_hour"], r["updated_by"]) for r in rows] == [
        (POLICY_ROW_ID, 10, admin.user_id)
    ]
    trail = await audit.history("reminder_policy", POLICY_ROW_ID)
    assert [e.action for e in trail] == ["update", "update"]
    assert trail[0].before is not None
    assert trail[0].before["before_working_days"] == [3, 1]
    assert trail[0].after is not None
    assert trail[0].after["before_working_days"] == [5, 2]
    assert trail[1].before == trail[0].after
    assert trail[1].after == trail[0].after | {"digest_hour": 10}
    assert trail[1].actor_name == "Admin"


async def test_no_reminders_before_the_due_date(admin_pages: PageClient) -> None:
    response = await admin_pages.post(URL, CHANGED_FORM | {"before_working_days": ""})

    assert response.status_code == 303
    assert (await load_policy()).before_working_days == ()


BAD_INPUT = [
    (
        {"before_working_days": "3, x"},
        "before_working_days",
        "Укажите числа от 1 до 30 через запятую, например «3, 1».",
    ),
    (
        {"before_working_days": "0, 1"},
        "before_working_days",
        "Укажите числа от 1 до 30 через запятую, например «3, 1».",
    ),
    (
        {"before_working_days": "31"},
        "before_working_days",
        "Укажите числа от 1 до 30 через запятую, например «3, 1».",
    ),
    (
        {"before_working_days": "-2"},
        "before_working_days",
        "Укажите числа от 1 до 30 через запятую, например «3, 1».",
    ),
    (
        {"before_working_days": "²"},
        "before_working_days",
        "Укажите числа от 1 до 30 через запятую, например «3, 1».",
    ),
    ({"digest_hour": "24"}, "digest_hour", "Час от 0 до 23."),
    ({"digest_hour": ""}, "digest_hour", "Час от 0 до 23."),
    ({"digest_hour": "9.5"}, "digest_hour", "Час от 0 до 23."),
    ({"overdue_every_working_days": "-1"}, "overdue_every_working_days", "Число от 0 до 30."),
    ({"overdue_every_working_days": "31"}, "overdue_every_working_days", "Число от 0 до 30."),
    ({"escalate_after_days": "-7"}, "escalate_after_days", "Число дней от 0 до 365."),
    ({"escalate_after_days": "9999999999"}, "escalate_after_days", "Число дней от 0 до 365."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
async def test_bad_input_is_422_and_changes_nothing(
    admin_pages: PageClient, admin: Actor, change: dict[str, str], field: str, message: str
) -> None:
    await save_policy(admin, CHANGED)

    response = await admin_pages.post(URL, CHANGED_FORM | change)

    assert response.status_code == 422
    assert response.text.lstrip().startswith("<!doctype html>")
    assert field_error(field, message) in response.text
    assert f'name="{field}"' in response.text
    assert f'value="{change[field]}"' in response.text  # what was typed, shown again
    assert 'aria-invalid="true"' in response.text
    assert await load_policy() == CHANGED
    assert len(await audit.history("reminder_policy", POLICY_ROW_ID)) == 1


async def test_several_bad_fields_get_a_message_each(admin_pages: PageClient) -> None:
    response = await admin_pages.post(
        URL,
        {"before_working_days": "3, x", "digest_hour": "24", "overdue_every_working_days": "-1"},
    )

    assert response.status_code == 422
    assert 'id="reminder-policy-before_working_days-error"' in response.text
    assert field_error("digest_hour", "Час от 0 до 23.") in response.text
    assert field_error("overdue_every_working_days", "Число от 0 до 30.") in response.text
    # left empty
    assert field_error("escalate_after_days", "Число дней от 0 до 365.") in response.text
    assert await stored_rows() == []


# ---------------------------------------------------------------------------- htmx


async def test_htmx_gets_the_form_fragment(admin_pages: PageClient) -> None:
    response = await admin_pages.get(URL, htmx=True)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<form id="reminder-policy"')
    assert "<html" not in response.text
    assert "<nav" not in response.text
    assert 'value="3, 1"' in response.text


async def test_boosted_navigation_gets_the_full_page(admin_pages: PageClient) -> None:
    response = await admin_pages.client.get(
        URL, headers={"HX-Request": "true", "HX-Boosted": "true"}
    )

    assert "<html" in response.text


async def test_save_with_htmx_swaps_the_form_and_the_description(
    admin_pages: PageClient,
) -> None:
    response = await admin_pages.post(URL, CHANGED_FORM, htmx=True)

    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith('<form id="reminder-policy"')
    assert "<html" not in text
    assert 'value="5, 2"' in text
    assert '<section id="policy-description"' in text
    assert 'hx-swap-oob="true"' in text
    assert "За 5 и за 2 рабочих дня до срока — напоминание школе" in text
    assert "Правила напоминаний сохранены" in text
    assert await load_policy() == CHANGED


async def test_bad_input_with_htmx_is_the_form_with_messages(admin_pages: PageClient) -> None:
    response = await admin_pages.post(URL, CHANGED_FORM | {"digest_hour": "24"}, htmx=True)

    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form id="reminder-policy"')
    assert field_error("digest_hour", "Час от 0 до 23.") in response.text
    assert "policy-description" not in response.text
    assert await stored_rows() == []


# ---------------------------------------------------------------------------- other roles


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
async def test_other_roles_cannot_open_the_page(
    world: World, pages: PageClient, key: str, htmx: bool
) -> None:
    await pages.login(world.users[key])

    response = await pages.get(URL, htmx=htmx)

    assert response.status_code == 403
    assert "Недостаточно прав" in response.text
    assert "reminder-policy" not in response.text


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
async def test_other_roles_cannot_change_the_policy(
    world: World, pages: PageClient, admin: Actor, key: str
) -> None:
    await save_policy(admin, CHANGED)
    await pages.login(world.users[key])

    response = await pages.post(URL, {"before_working_days": "1", "digest_hour": "7"})

    assert response.status_code == 403
    assert await load_policy() == CHANGED


async def test_signed_out_is_sent_to_the_login_page(clean_db: None, pages: PageClient) -> None:
    response = await pages.get(URL)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/reminders"


# ---------------------------------------------------------------------------- JSON API


async def test_api_gives_the_defaults(admin_api: ApiClient) -> None:
    response = await admin_api.get(API_URL)

    assert response.status_code == 200
    assert response.json() == {
        "before_working_days": [3, 1],
        "on_due_day": True,
        "overdue_every_working_days": 3,
        "escalate_after_days": 7,
        "notify_head_on_overdue": True,
        "daily_digest": True,
        "digest_hour": 9,
    }


async def test_api_put_replaces_the_policy(admin_api: ApiClient) -> None:
    response = await admin_api.client.put(
        API_URL, json=CHANGED_JSON | {"before_working_days": [2, 5, 2]}
    )

    assert response.status_code == 200
    assert response.json() == CHANGED_JSON
    assert await load_policy() == CHANGED
    assert (await admin_api.get(API_URL)).json() == CHANGED_JSON


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"before_working_days": [3, 0]}, "before_working_days"),
        ({"digest_hour": 24}, "digest_hour"),
        ({"overdue_every_working_days": -1}, "overdue_every_working_days"),
        ({"escalate_after_days": 366}, "escalate_after_days"),
    ],
)
async def test_api_bad_values_are_422_by_field(
    admin_api: ApiClient, admin: Actor, change: dict[str, Any], field: str
) -> None:
    await save_policy(admin, CHANGED)

    response = await admin_api.client.put(API_URL, json=CHANGED_JSON | change)

    assert response.status_code == 422
    body = response.json()
    assert body["status_code"] == 422
    assert body["detail"]
    assert list(body["errors"]) == [field]
    assert await load_policy() == CHANGED


async def test_api_wants_every_field(admin_api: ApiClient) -> None:
    body = dict(CHANGED_JSON)
    del body["digest_hour"]

    response = await admin_api.client.put(API_URL, json=body)

    assert response.status_code == 400
    assert "digest_hour" in response.text
    assert await stored_rows() == []


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
async def test_api_is_for_admins_only(world: World, api: ApiClient, key: str) -> None:
    await api.login(world.users[key])

    assert (await api.get(API_URL)).status_code == 403
    response = await api.client.put(API_URL, json=CHANGED_JSON)
    assert response.status_code == 403
    assert await stored_rows() == []


async def test_api_without_a_token_is_401(clean_db: None, api: ApiClient) -> None:
    assert (await api.get(API_URL)).status_code == 401


# ---------------------------------------------------------------------------- the service


async def test_the_service_checks_the_role_itself(world: World, admin: Actor) -> None:
    head = replace(admin, role=Role.HEAD)

    with pytest.raises(PermissionDeniedError):
        await save_policy(head, CHANGED)
    assert await stored_rows() == []
