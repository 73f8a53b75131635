"""A 204 carries no body: uvicorn refuses one after the status line and drops the keep-alive connection."""

from __future__ import annotations

from tests.foundation.factory import make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import Tenant


def _assert_no_content(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert response.headers.get("content-length", "0") == "0"
    assert "content-type" not in response.headers


def test_deleting_a_canned_reply_answers_without_a_body(desk) -> None:  # type: ignore[no-untyped-def]
    sam = desk.agent
    created = sam.client.post(
        "/api/v1/canned-replies",
        json={"shortcut": "hello", "body": "Hello, how can we help?"},
        headers=sam.headers(),
    )
    assert created.status_code == 201, created.text
    _assert_no_content(
        sam.client.delete(f"/api/v1/canned-replies/{created.json()['id']}", headers=sam.headers())
    )
    assert sam.client.get("/api/v1/canned-replies").json() == []


def test_deleting_a_webhook_answers_without_a_body(desk) -> None:  # type: ignore[no-untyped-def]
    state = desk.app.state.trustdesk
    state.settings = state.settings.model_copy(update={"webhook_allow_private_networks": True})
    with desk.sessions() as s:
        make_user(s, s.get(Tenant, desk.tenant_id), "admin@acme.test", Role.ADMIN)
        s.commit()
    admin, _ = sign_in_staff(desk.customer(), "acme", "admin@acme.test")
    created = admin.client.post(
        "/api/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hooks", "events": ["message.created"]},
        headers=admin.headers(),
    )
    assert created.status_code == 201, created.text
    _assert_no_content(
        admin.client.delete(f"/api/v1/webhooks/{created.json()['id']}", headers=admin.headers())
    )
    assert admin.client.get("/api/v1/webhooks").json() == []


def test_sign_out_answers_without_a_body(desk) -> None:  # type: ignore[no-untyped-def]
    _assert_no_content(desk.agent.client.post("/api/v1/auth/logout", headers=desk.agent.headers()))


def test_the_edge_drops_any_body_a_handler_gives_a_204(desk) -> None:  # type: ignore[no-untyped-def]
    from fastapi.responses import JSONResponse

    desk.app.add_api_route("/api/v1/test-only/no-content", lambda: JSONResponse({"x": 1}, status_code=204))
    _assert_no_content(desk.customer().get("/api/v1/test-only/no-content"))
