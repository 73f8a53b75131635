"""What agents say in chat gets a public reference the customer can check; customer text gets none."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.conversations.conftest import bearer, start_chat


def test_agent_chat_messages_are_referenced_and_check_genuine(desk) -> None:  # type: ignore[no-untyped-def]
    customer = desk.customer()
    started = start_chat(customer)
    conv_id = started["conversation"]["id"]
    agent = desk.agent
    text = "Your refund of $59.90 was sent today; it reaches your card in 3-5 days."
    sent = agent.client.post(
        f"/api/v1/conversations/{conv_id}/messages", json={"body": text}, headers=agent.headers()
    )
    assert sent.status_code in (200, 201), sent.text
    history = customer.get(
        f"/api/v1/public/acme/chat/conversations/{conv_id}", headers=bearer(started)
    ).json()
    by_kind = {m["author_kind"]: m for m in history["messages"]}
    reference = by_kind["agent"]["reference"]
    assert reference and reference.startswith("TD-")
    assert by_kind["customer"].get("reference") is None
    check = TestClient(desk.app).post(
        "/api/v1/messages/check", json={"tenant": "acme", "text": text, "reference": reference}
    )
    assert check.status_code == 200, check.text
    assert check.json()["verdict"] == "genuine"
    altered = text.replace("$59.90", "$5.90")
    assert (
        TestClient(desk.app)
        .post("/api/v1/messages/check", json={"tenant": "acme", "text": altered, "reference": reference})
        .json()["verdict"]
        == "altered"
    )
