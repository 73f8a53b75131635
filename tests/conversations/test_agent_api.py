"""Agents' JSON API: queue filters, claim/assign/transfer, notes, resolve/reopen, canned replies, profile."""

from __future__ import annotations

from sqlalchemy import select
from tests.conversations.conftest import bearer, start_chat

from trustdesk.store.models import AuditEvent, User


def test_queue_claim_transfer_resolve_reopen(desk) -> None:  # type: ignore[no-untyped-def]
    sam, kim = desk.agent, desk.other_agent
    started = start_chat(desk.customer())
    conv_id = started["conversation"]["id"]
    new = sam.client.get("/api/v1/conversations", params={"view": "new"}).json()
    assert [c["id"] for c in new] == [conv_id]

    claimed = sam.client.post(f"/api/v1/conversations/{conv_id}/claim", headers=sam.headers())
    assert claimed.status_code == 200 and claimed.json()["status"] == "open"
    assert claimed.json()["assignee"]["id"] == sam.user_id
    taken = kim.client.post(f"/api/v1/conversations/{conv_id}/claim", headers=kim.headers())
    assert taken.status_code == 409
    assert [c["id"] for c in sam.client.get("/api/v1/conversations?view=mine").json()] == [conv_id]
    assert kim.client.get("/api/v1/conversations?view=mine").json() == []

    moved = sam.client.post(
        f"/api/v1/conversations/{conv_id}/assign", json={"user_id": kim.user_id}, headers=sam.headers()
    )
    assert moved.status_code == 200 and moved.json()["assignee"]["id"] == kim.user_id
    assert [c["id"] for c in kim.client.get("/api/v1/conversations?view=mine").json()] == [conv_id]

    reply = kim.client.post(
        f"/api/v1/conversations/{conv_id}/messages",
        json={"body": "It ships today.", "client_msg_id": "k-1"},
        headers=kim.headers(),
    )
    assert reply.status_code == 200 and reply.json()["conversation"]["status"] == "waiting"
    assert [c["id"] for c in kim.client.get("/api/v1/conversations?view=waiting").json()] == [conv_id]

    done = kim.client.post(f"/api/v1/conversations/{conv_id}/resolve", headers=kim.headers())
    assert done.status_code == 200 and done.json()["timers"]["resolution_seconds"] is not None
    assert (
        kim.client.post(f"/api/v1/conversations/{conv_id}/resolve", headers=kim.headers()).status_code == 409
    )
    assert [c["id"] for c in kim.client.get("/api/v1/conversations?view=resolved").json()] == [conv_id]
    again = kim.client.post(f"/api/v1/conversations/{conv_id}/reopen", headers=kim.headers())
    assert again.status_code == 200 and again.json()["status"] == "open"
    with desk.sessions() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"conversation:{conv_id}")
        ).all()
    assert "conversation.claimed" in actions and "conversation.assigned" in actions


def test_state_changes_need_the_csrf_token(desk) -> None:  # type: ignore[no-untyped-def]
    conv_id = start_chat(desk.customer())["conversation"]["id"]
    r = desk.agent.client.post(f"/api/v1/conversations/{conv_id}/claim")
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"


def test_customer_cannot_use_the_agent_api(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    r = customer.post(
        "/api/v1/auth/login",
        json={"tenant": "acme", "email": "pat@example.test", "password": "correct horse battery staple"},
    )
    assert r.status_code == 200
    assert customer.get("/api/v1/conversations").status_code == 403


def test_internal_notes_never_reach_the_customer(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer)
    conv_id = started["conversation"]["id"]
    sam = desk.agent
    note = sam.client.post(
        f"/api/v1/conversations/{conv_id}/messages",
        json={"body": "Customer sounds upset; offer a refund", "internal": True},
        headers=sam.headers(),
    )
    assert note.status_code == 200 and note.json()["message"]["visibility"] == "internal"
    history = customer.get(
        f"/api/v1/public/acme/chat/conversations/{conv_id}", headers=bearer(started)
    ).json()
    assert all("refund" not in m["body"] for m in history["messages"])
    staff_view = sam.client.get(f"/api/v1/conversations/{conv_id}").json()
    assert any(m["visibility"] == "internal" for m in staff_view["messages"])


def test_blocked_reply_gives_the_agent_reasons(desk) -> None:  # type: ignore[no-untyped-def]
    conv_id = start_chat(desk.customer())["conversation"]["id"]
    sam = desk.agent
    r = sam.client.post(
        f"/api/v1/conversations/{conv_id}/messages",
        json={"body": "Please confirm the full card number and the CVV on the back"},
        headers=sam.headers(),
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "message_blocked" and error["reasons"]
    notices = sam.client.get(f"/api/v1/conversations/{conv_id}").json()["guard_notices"]
    assert len(notices["blocked"]) == 1 and notices["blocked"][0]["types"]


def test_profile_and_orders_only_for_a_signed_in_customer(desk) -> None:  # type: ignore[no-untyped-def]
    # Anyone can type someone else's e-mail address: that must not open their orders to the agent.
    anonymous = start_chat(desk.customer(), email="pat@example.test")
    detail = desk.agent.client.get(f"/api/v1/conversations/{anonymous['conversation']['id']}").json()
    assert detail["customer_profile"] is None
    assert detail["conversation"]["customer"]["verified"] is False
    assert detail["possible_customer_matches"] == 1

    customer = desk.customer()
    login = customer.post(
        "/api/v1/auth/login",
        json={"tenant": "acme", "email": "pat@example.test", "password": "correct horse battery staple"},
    )
    csrf = login.json()["csrf_token"]
    r = customer.post(
        "/api/v1/public/acme/chat/conversations",
        json={"message": "Where is A-1001?"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 201, r.text
    conv_id = r.json()["conversation"]["id"]
    detail = desk.agent.client.get(f"/api/v1/conversations/{conv_id}").json()
    assert detail["conversation"]["customer"]["verified"] is True
    assert [o["number"] for o in detail["customer_profile"]["orders"]] == ["A-1001"]
    # The signed-in customer can read it with the session cookie too (no token needed).
    mine = customer.get(f"/api/v1/public/acme/chat/conversations/{conv_id}")
    assert mine.status_code == 200 and mine.json()["messages"][0]["body"] == "Where is A-1001?"
    listed = customer.get("/api/v1/public/acme/chat/conversations").json()
    assert [c["id"] for c in listed] == [conv_id]  # not the anonymous chat that only typed the e-mail
    assert desk.customer().get("/api/v1/public/acme/chat/conversations").status_code == 401


def test_canned_replies_are_guarded(desk) -> None:  # type: ignore[no-untyped-def]
    sam = desk.agent
    ok = sam.client.post(
        "/api/v1/canned-replies",
        json={
            "shortcut": "reset",
            "title": "Password reset",
            "body": "Use the reset link on the sign-in page.",
        },
        headers=sam.headers(),
    )
    assert ok.status_code == 201, ok.text
    bad = sam.client.post(
        "/api/v1/canned-replies",
        json={"shortcut": "verify", "body": "To verify your account, reply with your password."},
        headers=sam.headers(),
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "message_blocked"
    listed = sam.client.get("/api/v1/canned-replies").json()
    assert [c["shortcut"] for c in listed] == ["reset"]
    assert (
        sam.client.delete(f"/api/v1/canned-replies/{listed[0]['id']}", headers=sam.headers()).status_code
        == 204
    )
    assert sam.client.get("/api/v1/canned-replies").json() == []


def test_assign_refuses_people_who_cannot_handle_conversations(desk) -> None:  # type: ignore[no-untyped-def]
    conv_id = start_chat(desk.customer())["conversation"]["id"]
    with desk.sessions() as s:
        customer_id = s.scalar(select(User.id).where(User.email == "pat@example.test"))
    r = desk.agent.client.post(
        f"/api/v1/conversations/{conv_id}/assign", json={"user_id": customer_id}, headers=desk.agent.headers()
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "cannot_assign"
    nobody = desk.agent.client.post(
        f"/api/v1/conversations/{conv_id}/assign", json={"user_id": 2_000_000}, headers=desk.agent.headers()
    )
    assert nobody.status_code == 404


def test_customer_api_needs_the_right_token(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer)
    conv_id = started["conversation"]["id"]
    other = start_chat(customer)
    wrong = customer.get(f"/api/v1/public/acme/chat/conversations/{conv_id}", headers=bearer(other))
    assert wrong.status_code == 404
    missing = customer.post(f"/api/v1/public/acme/chat/conversations/{conv_id}/messages", json={"body": "hi"})
    assert missing.status_code == 401
    sent = customer.post(
        f"/api/v1/public/acme/chat/conversations/{conv_id}/messages",
        json={"body": "hi", "client_msg_id": "x1"},
        headers=bearer(started),
    )
    assert sent.status_code == 200 and sent.json()["message"]["seq"] == 2
    retry = customer.post(
        f"/api/v1/public/acme/chat/conversations/{conv_id}/messages",
        json={"body": "hi", "client_msg_id": "x1"},
        headers=bearer(started),
    )
    assert retry.json()["duplicate"] is True and retry.json()["message"]["seq"] == 2
    too_long = customer.post(
        f"/api/v1/public/acme/chat/conversations/{conv_id}/messages",
        json={"body": "y" * 5001},
        headers=bearer(started),
    )
    assert too_long.status_code == 422 and too_long.json()["error"]["problems"][0]["field"] == "body"
    unknown = customer.post("/api/v1/public/nobody/chat/conversations", json={"message": "hi"})
    assert unknown.status_code == 404


def test_floods_are_rate_limited_per_conversation(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer)
    conv_id = started["conversation"]["id"]
    codes = [
        customer.post(
            f"/api/v1/public/acme/chat/conversations/{conv_id}/messages",
            json={"body": f"spam {i}"},
            headers=bearer(started),
        ).status_code
        for i in range(30)
    ]
    assert codes.count(200) == 20 and codes[-1] == 429
    # Nothing accepted was lost: exactly the acknowledged messages are stored.
    history = customer.get(
        f"/api/v1/public/acme/chat/conversations/{conv_id}", headers=bearer(started)
    ).json()
    assert len(history["messages"]) == 21


def test_a_customer_token_expires_after_the_conversation_was_quiet_too_long(desk) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from trustdesk.store.models import Conversation, utcnow

    customer = desk.customer()
    started = start_chat(customer)
    conv_id = started["conversation"]["id"]
    path = f"/api/v1/public/acme/chat/conversations/{conv_id}"
    assert customer.get(path, headers=bearer(started)).status_code == 200
    idle_hours = desk.app.state.trustdesk.settings.customer_token_idle_hours
    with desk.sessions() as s:
        conv = s.query(Conversation).filter_by(public_id=conv_id).one()
        conv.last_message_at = utcnow() - timedelta(hours=idle_hours, minutes=1)
        s.commit()
    expired = customer.get(path, headers=bearer(started))
    assert expired.status_code == 404 and "expired" in expired.json()["error"]["message"]
    sent = customer.post(f"{path}/messages", json={"body": "still there?"}, headers=bearer(started))
    assert sent.status_code == 404
    with customer.websocket_connect(f"/api/v1/public/acme/chat/conversations/{conv_id}/ws") as ws:
        ws.send_json({"type": "hello", "token": started["access_token"], "last_seq": 0})
        assert ws.receive_json()["code"] == "not_found"
    with desk.sessions() as s:  # nothing was added by the refused attempts
        assert s.query(Conversation).filter_by(public_id=conv_id).one().last_seq == 1
