"""A signed-in customer's own orders need no e-mail proof; anyone else's still do."""

from __future__ import annotations

from tests.foundation.factory import PASSWORD

from .conftest import PAT, BotChat, BotDesk


def signed_in_chat(botdesk: BotDesk) -> BotChat:
    client = botdesk.customer()
    r = client.post("/api/v1/auth/login", json={"tenant": "acme", "email": PAT, "password": PASSWORD})
    assert r.status_code == 200 and r.json()["step"] == "done", r.text
    csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
    r = client.post("/api/v1/public/acme/chat/conversations", json={"name": "Pat"}, headers=csrf)
    assert r.status_code == 201, r.text
    return BotChat(client, botdesk.sessions, r.json(), extra_headers=csrf)


def test_the_owner_signed_in_gets_the_status_straight_away(botdesk: BotDesk) -> None:
    chat = signed_in_chat(botdesk)
    assert chat.conversation().customer_id is not None
    reply = chat.send("what's the status of my order A-1002?")
    assert "Order A-1002" in reply and "is being prepared" in reply


def test_a_signed_in_customer_asking_about_someone_elses_order_must_prove_it(botdesk: BotDesk) -> None:
    chat = signed_in_chat(botdesk)
    reply = chat.send("has order A-1003 shipped?")
    assert "A-1003 shipped" not in reply and "Trail boots" not in reply and "UPS" not in reply
    assert "e-mail" in reply
