"""The outbox as the admin reads it: the list with its filters, counts and pages, one message,
sending a failed message again; ``GET /api/v1/outbox`` (CONTRACT.md); nobody else gets in.

Messages are put in the outbox table directly: what queues and delivers them is tested with
the delivery service, and here only reading and retrying matter.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.http import ApiClient, PageClient
from tests.support.world import World
from tracker import clock
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor
from tracker.audit import services as audit
from tracker.errors import PermissionDeniedError
from tracker.mail import outbox
from tracker.mail.tables import OutboxMessage

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def add_message(
    *,
    to: str = "school_a@example.ru",
    subject: str = "Напоминание о сроке",
    body: str = "Срок исполнения поручения — завтра.",
    html: str = "",
    status: str = "queued",
    created_at: datetime = T0,
    attempts: int = 0,
    last_error: str = "",
    transport: str = "",
    sent_at: datetime | None = None,
    key: str | None = None,
) -> int:
    row = await OutboxMessage.insert(
        OutboxMessage(
            key=key or f"test:{to}:{subject}:{created_at.isoformat()}:{status}",
            to_address=to,
            subject=subject,
            body_text=body,
            body_html=html,
            status=status,
            transport=transport,
            attempts=attempts,
            last_error=last_error,
            next_attempt_at=created_at + timedelta(minutes=5),
            created_at=created_at,
            sent_at=sent_at,
        )
    ).returning(OutboxMessage.id)
    return int(row[0]["id"])


async def add_one_of_each() -> dict[str, int]:
    """A queued, a sending, a sent and a failed message, one minute apart (failed newest)."""
    return {
        "queued": await add_message(subject="В очереди", status="queued", created_at=T0),
        "sending": await add_message(
            subject="Отправляется",
            to="school_b@example.ru",
            status="sending",
            attempts=1,
            created_at=T0 + timedelta(minutes=1),
        ),
        "sent": await add_message(
            subject="Отправлено",
            to="head@example.ru",
            status="sent",
            attempts=1,
            transport="smtp",
            created_at=T0 + timedelta(minutes=2),
            sent_at=T0 + timedelta(minutes=2, seconds=3),
        ),
        "failed": await add_message(
            subject="С ошибкой",
            to="School_A@Example.ru",
            status="failed",
            attempts=3,
            last_error="550 5.1.1 Mailbox unavailable",
            transport="smtp",
            created_at=T0 + timedelta(minutes=3),
        ),
    }


async def row_of(message_id: int) -> dict[str, object]:
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    assert row is not None
    return row


def subjects_in(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/outbox/\d+">([^<]*)</a>', html)


# ---------------------------------------------------------------- the list


async def test_full_page_shows_every_message_newest_first_with_counts(
    world: World, admin_pages: PageClient
) -> None:
    await add_one_of_each()

    response = await admin_pages.get("/admin/outbox")

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<!doctype html>")
    assert "<h1>Почта</h1>" in response.text
    assert subjects_in(response.text) == ["С ошибкой", "Отправлено", "Отправляется", "В очереди"]
    for label in ("в очереди", "отправляется", "отправлено", "ошибка"):
        assert f'">{label}</span>' in response.text
    for status, label in outbox.STATUS_LABELS.items():
        assert f'href="/admin/outbox?status={status}">{label}: 1</a>' in response.text
    assert "550 5.1.1 Mailbox unavailable" in response.text
    assert 'name="status"' in response.text
    assert 'name="to"' in response.text


async def test_htmx_gets_only_the_table(world: World, admin_pages: PageClient) -> None:
    await add_one_of_each()

    response = await admin_pages.get("/admin/outbox?status=failed", htmx=True)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert '<nav aria-label="Главное меню">' not in response.text
    assert response.text.lstrip().startswith('<div id="outbox-table"')
    assert subjects_in(response.text) == ["С ошибкой"]


async def test_times_are_shown_in_the_departments_time_zone(
    world: World, admin_pages: PageClient
) -> None:
    await add_message(
        status="sent",
        created_at=datetime(2026, 11, 23, 21, 30, tzinfo=UTC),
        sent_at=datetime(2026, 11, 23, 21, 31, tzinfo=UTC),
    )

    response = await admin_pages.get("/admin/outbox")

    # Europe/Moscow is UTC+3: the evening in UTC is already the next day there.
    assert "24.11.2026 00:30" in response.text
    assert "24.11.2026 00:31" in response.text


async def test_filter_by_status(world: World, admin_pages: PageClient) -> None:
    await add_one_of_each()

    response = await admin_pages.get("/admin/outbox?status=sent")

    assert subjects_in(response.text) == ["Отправлено"]
    assert '<option value="sent" selected>' in response.text


async def test_filter_by_address_is_whole_and_ignores_letter_case(
    world: World, admin_pages: PageClient
) -> None:
    await add_one_of_each()
    await add_message(subject="Другой адрес", to="xschool_a@example.ru")

    response = await admin_pages.get("/admin/outbox?to=SCHOOL_A%40example.RU")

    assert subjects_in(response.text) == ["С ошибкой", "В очереди"]
    assert 'value="SCHOOL_A@example.RU"' in response.text


async def test_status_and_address_together(world: World, admin_pages: PageClient) -> None:
    await add_one_of_each()

    response = await admin_pages.get("/admin/outbox?to=school_a@example.ru&status=queued")

    assert subjects_in(response.text) == ["В очереди"]


async def test_nothing_found(world: World, admin_pages: PageClient) -> None:
    await add_one_of_each()

    response = await admin_pages.get("/admin/outbox?to=nobody@example.ru")

    assert response.status_code == 200
    assert "Писем не найдено." in response.text


async def test_unknown_status_is_422_and_ignored(world: World, admin_pages: PageClient) -> None:
    await add_one_of_each()

    response = await admin_pages.get("/admin/outbox?status=lost")

    assert response.status_code == 422
    assert "Нет такого состояния." in response.text
    assert len(subjects_in(response.text)) == 4


async def test_fifty_a_page(world: World, admin_pages: PageClient) -> None:
    await OutboxMessage.insert(
        *[
            OutboxMessage(
                key=f"page-test:{n}",
                to_address="head@example.ru",
                subject=f"Письмо {n:02d}",
                body_text="…",
                status="sent",
                next_attempt_at=T0,
                created_at=T0 + timedelta(minutes=n),
            )
            for n in range(1, 56)
        ]
    )

    first = await admin_pages.get("/admin/outbox")
    second = await admin_pages.get("/admin/outbox?page=2", htmx=True)

    shown = subjects_in(first.text)
    assert len(shown) == 50
    assert shown[0] == "Письмо 55"
    assert shown[-1] == "Письмо 06"
    assert "Письма 1–50 из 55" in first.text
    assert "Страница 1 из 2" in first.text
    assert 'href="/admin/outbox?page=2" rel="next"' in first.text
    assert 'rel="prev"' not in first.text
    assert subjects_in(second.text) == [f"Письмо {n:02d}" for n in range(5, 0, -1)]
    assert 'href="/admin/outbox" rel="prev"' in second.text
    assert 'rel="next"' not in second.text


async def test_pages_keep_the_filter(world: World, admin_pages: PageClient) -> None:
    await OutboxMessage.insert(
        *[
            OutboxMessage(
                key=f"page-test:{n}",
                to_address="head@example.ru",
                subject=f"Письмо {n:02d}",
                body_text="…",
                status="failed",
                next_attempt_at=T0,
                created_at=T0 + timedelta(minutes=n),
            )
            for n in range(1, 52)
        ]
    )

    response = await admin_pages.get("/admin/outbox?status=failed&to=head@example.ru")

    assert 'href="/admin/outbox?status=failed&amp;to=head%40example.ru&amp;page=2"' in response.text


# ---------------------------------------------------------------- one message


async def test_message_page_shows_headers_and_text(world: World, admin_pages: PageClient) -> None:
    ids = await add_one_of_each()

    full = await admin_pages.get(f"/admin/outbox/{ids['failed']}")
    fragment = await admin_pages.get(f"/admin/outbox/{ids['failed']}", htmx=True)

    assert full.status_code == 200
    assert "<html" in full.text
    assert "<h1>С ошибкой</h1>" in full.text
    assert "School_A@Example.ru" in full.text
    assert "550 5.1.1 Mailbox unavailable" in full.text
    assert "SMTP-сервер" in full.text
    assert '">Срок исполнения поручения — завтра.</pre>' in full.text
    assert 'action="/admin/outbox/' in full.text
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<article id="outbox-message"')
    assert "<html" not in fragment.text


async def test_html_body_is_never_rendered_as_markup(world: World, admin_pages: PageClient) -> None:
    message_id = await add_message(
        html='<p onclick="steal()">Привет</p><script>alert("x")</script>', status="sent"
    )

    response = await admin_pages.get(f"/admin/outbox/{message_id}")

    assert "<script>alert" not in response.text
    assert '<p onclick="steal()">' not in response.text
    assert "<iframe" in response.text
    frame = re.search(r"<iframe[^>]*>", response.text)
    assert frame is not None
    assert " sandbox " in frame.group(0)
    assert "allow-scripts" not in frame.group(0)
    # the frame loads the HTML from its own address, under a policy that runs no script
    assert f'src="/admin/outbox/{message_id}/html"' in frame.group(0)
    inside = await admin_pages.get(f"/admin/outbox/{message_id}/html")
    assert inside.text == '<p onclick="steal()">Привет</p><script>alert("x")</script>'
    assert "sandbox" in inside.headers["content-security-policy"]
    assert "script" not in inside.headers["content-security-policy"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</pre>" in response.text


async def test_a_message_without_html_has_no_frame(world: World, admin_pages: PageClient) -> None:
    message_id = await add_message()

    response = await admin_pages.get(f"/admin/outbox/{message_id}")

    assert "<iframe" not in response.text
    assert "Отправить снова" not in response.text  # only a failed one can be sent again


async def test_unknown_message_is_404(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.get("/admin/outbox/999999")

    assert response.status_code == 404
    assert "Письмо не найдено." in response.text


# ---------------------------------------------------------------- sending again


async def test_retry_without_js_goes_back_to_the_list(
    world: World, admin_pages: PageClient
) -> None:
    ids = await add_one_of_each()
    before = clock.now()

    response = await admin_pages.post(
        f"/admin/outbox/{ids['failed']}/retry", {"back": "/admin/outbox?status=failed"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/admin/outbox?status=failed"
    row = await row_of(ids["failed"])
    assert row["status"] == "queued"
    assert row["attempts"] == 3
    assert row["last_error"] == "550 5.1.1 Mailbox unavailable"
    assert row["locked_until"] is None
    next_at = row["next_attempt_at"]
    assert isinstance(next_at, datetime)
    assert before - timedelta(seconds=1) <= next_at <= clock.now() + timedelta(seconds=1)
    page = await admin_pages.get(response.headers["location"])
    assert "Письмо для School_A@Example.ru снова в очереди на отправку." in page.text
    assert "Писем не найдено." in page.text  # no failed message left


async def test_retry_is_audited(world: World, admin_pages: PageClient) -> None:
    ids = await add_one_of_each()

    await admin_pages.post(f"/admin/outbox/{ids['failed']}/retry")

    [event] = await audit.history("outbox_message", ids["failed"])
    assert event.action == "retry"
    assert event.actor_name == "Admin"
    assert event.before == {
        "status": "failed",
        "attempts": 3,
        "last_error": "550 5.1.1 Mailbox unavailable",
    }
    assert event.after is not None
    assert event.after["status"] == "queued"


async def test_retry_from_the_message_page_returns_there(
    world: World, admin_pages: PageClient
) -> None:
    ids = await add_one_of_each()
    url = f"/admin/outbox/{ids['failed']}"

    response = await admin_pages.post(f"{url}/retry", {"back": url})

    assert response.status_code == 303
    assert response.headers["location"] == url
    page = await admin_pages.get(url)
    assert "снова в очереди на отправку" in page.text
    assert ">в очереди</span>" in page.text


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/admin/outbox", ""])
async def test_retry_never_redirects_elsewhere(
    world: World, admin_pages: PageClient, back: str
) -> None:
    ids = await add_one_of_each()

    response = await admin_pages.post(f"/admin/outbox/{ids['failed']}/retry", {"back": back})

    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/outbox/{ids['failed']}"


async def test_retry_with_htmx_swaps_the_row(world: World, admin_pages: PageClient) -> None:
    ids = await add_one_of_each()

    response = await admin_pages.post(
        f"/admin/outbox/{ids['failed']}/retry", {"back": "/admin/outbox"}, htmx=True
    )

    assert response.status_code == 200
    assert response.headers["hx-trigger"] == "attention-changed"
    text = response.text.lstrip()
    assert text.startswith(f'<tr id="outbox-{ids["failed"]}"')
    assert '">в очереди</span>' in text
    assert "Отправить снова" not in text
    assert '<p id="outbox-counts" class="actions" hx-swap-oob="true">' in text
    assert 'href="/admin/outbox?status=queued">в очереди: 2</a>' in text
    assert 'href="/admin/outbox?status=failed">ошибка: 0</a>' in text
    assert 'id="messages"' in text
    assert "снова в очереди на отправку" in text
    assert (await row_of(ids["failed"]))["status"] == "queued"


@pytest.mark.parametrize("status", ["queued", "sending", "sent"])
async def test_only_a_failed_message_can_be_sent_again(
    world: World, admin_pages: PageClient, status: str
) -> None:
    ids = await add_one_of_each()
    before = await row_of(ids[status])

    page = await admin_pages.post(f"/admin/outbox/{ids[status]}/retry")
    swap = await admin_pages.post(f"/admin/outbox/{ids[status]}/retry", htmx=True)

    label = outbox.STATUS_LABELS[status]
    message = f"Отправить повторно можно только письмо с ошибкой, а это письмо — «{label}»."
    assert page.status_code == 409
    assert message in page.text
    assert swap.status_code == 409
    assert swap.headers["hx-retarget"] == "#messages"
    assert message in swap.text
    assert await row_of(ids[status]) == before
    assert await audit.history("outbox_message", ids[status]) == []


async def test_retrying_twice_is_a_conflict(world: World, admin_pages: PageClient) -> None:
    ids = await add_one_of_each()

    first = await admin_pages.post(f"/admin/outbox/{ids['failed']}/retry")
    second = await admin_pages.post(f"/admin/outbox/{ids['failed']}/retry")

    assert first.status_code == 303
    assert second.status_code == 409
    assert "«в очереди»" in second.text


async def test_retry_of_an_unknown_message_is_404(world: World, admin_pages: PageClient) -> None:
    response = await admin_pages.post("/admin/outbox/999999/retry")

    assert response.status_code == 404


async def test_retry_needs_the_csrf_token(world: World, admin_pages: PageClient) -> None:
    ids = await add_one_of_each()

    response = await admin_pages.post(f"/admin/outbox/{ids['failed']}/retry", csrf=False)

    assert response.status_code == 403
    assert (await row_of(ids["failed"]))["status"] == "failed"


# ---------------------------------------------------------------- other roles


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
async def test_other_roles_cannot_read_the_outbox(
    world: World, pages: PageClient, key: str, htmx: bool
) -> None:
    ids = await add_one_of_each()
    await pages.login(world.users[key])

    for url in ("/admin/outbox", "/admin/outbox?status=failed", f"/admin/outbox/{ids['sent']}"):
        response = await pages.get(url, htmx=htmx)
        assert response.status_code == 403, url
        assert "Недостаточно прав" in response.text
        assert "Отправлено" not in response.text


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
async def test_other_roles_cannot_send_again(world: World, pages: PageClient, key: str) -> None:
    ids = await add_one_of_each()
    await pages.login(world.users[key])

    response = await pages.post(f"/admin/outbox/{ids['failed']}/retry")

    assert response.status_code == 403
    assert (await row_of(ids["failed"]))["status"] == "failed"


async def test_signed_out_goes_to_login(world: World, pages: PageClient) -> None:
    response = await pages.get("/admin/outbox")

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


# ---------------------------------------------------------------- services


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
async def test_services_refuse_other_roles(world: World, key: str) -> None:
    ids = await add_one_of_each()
    actor = await accounts.actor_for_user(world.user_ids[key])
    assert actor is not None

    with pytest.raises(PermissionDeniedError):
        await outbox.list_messages(actor)
    with pytest.raises(PermissionDeniedError):
        await outbox.get_message(actor, ids["sent"])
    with pytest.raises(PermissionDeniedError):
        await outbox.retry(actor, ids["failed"])
    with pytest.raises(PermissionDeniedError):
        await outbox.counts(actor)


async def test_counts_cover_every_status(world: World, admin: Actor) -> None:
    assert await outbox.counts(admin) == {"queued": 0, "sending": 0, "sent": 0, "failed": 0}
    await add_one_of_each()
    await add_message(status="failed", subject="Ещё одна ошибка")

    assert await outbox.counts(admin) == {"queued": 1, "sending": 1, "sent": 1, "failed": 2}


# ---------------------------------------------------------------- API


async def test_api_contract_shape_and_to_filter(world: World, api: ApiClient) -> None:
    ids = await add_one_of_each()
    await add_message(subject="Другой адрес", to="xschool_a@example.ru")
    await api.login(world.users["admin"])

    response = await api.get("/api/v1/outbox", params={"to": "school_a@example.ru"})

    assert response.status_code == 200
    assert response.headers["x-total-count"] == "2"
    body = response.json()
    assert [m["subject"] for m in body] == ["С ошибкой", "В очереди"]
    assert {"to", "subject", "body", "status", "created_at", "sent_at"} <= set(body[0])
    assert body[0] == {
        "to": "School_A@Example.ru",
        "subject": "С ошибкой",
        "body": "Срок исполнения поручения — завтра.",
        "status": "failed",
        "created_at": "2026-11-23T09:03:00Z",
        "sent_at": None,
        "id": ids["failed"],
        "attempts": 3,
        "last_error": "550 5.1.1 Mailbox unavailable",
        "transport": "smtp",
    }
    assert body[1]["status"] == "queued"


async def test_api_lists_everything_newest_first_without_a_filter(
    world: World, api: ApiClient
) -> None:
    await add_one_of_each()
    await api.login(world.users["admin"])

    body = (await api.get("/api/v1/outbox")).json()

    assert [m["status"] for m in body] == ["failed", "sent", "sending", "queued"]
    sent = body[1]
    assert sent["sent_at"] == "2026-11-23T09:02:03Z"


async def test_api_status_limit_and_offset(world: World, api: ApiClient) -> None:
    await add_one_of_each()
    await api.login(world.users["admin"])

    failed = await api.get("/api/v1/outbox", params={"status": "failed"})
    window = await api.get("/api/v1/outbox", params={"limit": 2, "offset": 1})

    assert [m["subject"] for m in failed.json()] == ["С ошибкой"]
    assert [m["subject"] for m in window.json()] == ["Отправлено", "Отправляется"]
    assert window.headers["x-total-count"] == "4"


@pytest.mark.parametrize(
    "params", [{"status": "lost"}, {"limit": 0}, {"limit": 100_000}, {"offset": -1}]
)
async def test_api_bad_parameters_are_400(
    world: World, api: ApiClient, params: dict[str, object]
) -> None:
    await api.login(world.users["admin"])

    response = await api.get("/api/v1/outbox", params=params)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Некорректный запрос.")


@pytest.mark.parametrize("key", ["head", "secretary", "school_a"])
async def test_api_is_for_the_admin_only(world: World, api: ApiClient, key: str) -> None:
    await add_one_of_each()
    await api.login(world.users[key])

    response = await api.get("/api/v1/outbox", params={"to": world.users[key]})

    assert response.status_code == 403
    assert response.json()["detail"] == "Недостаточно прав для этого действия."


async def test_api_needs_a_token(world: World, api: ApiClient) -> None:
    assert (await api.get("/api/v1/outbox")).status_code == 401


async def test_openapi_describes_the_outbox(clean_db: None, api: ApiClient) -> None:
    spec = (await api.get("/schema/openapi.json")).json()

    operation = spec["paths"]["/api/v1/outbox"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"to", "status", "limit", "offset"}
    assert "X-Total-Count" in operation["responses"]["200"]["headers"]
    schema = next(v for k, v in spec["components"]["schemas"].items() if k.endswith("MessageOut"))
    assert {"to", "subject", "body", "status", "created_at", "sent_at"} <= set(schema["required"])
    assert not any(p.startswith("/admin") for p in spec["paths"])
