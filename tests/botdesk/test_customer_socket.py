"""Live: the customer's socket shows the bot's answer as soon as the job has run."""

from __future__ import annotations

from typing import Any

from .conftest import BotDesk


def _next_message(ws: Any, author_kind: str, limit: int = 30) -> dict[str, Any]:
    for _ in range(limit):
        frame = ws.receive_json()
        if frame["type"] == "message" and frame["message"]["author_kind"] == author_kind:
            return dict(frame["message"])
    raise AssertionError(f"no {author_kind} message")


def test_customer_socket_receives_the_bot_reply_live(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    with chat.client.websocket_connect(f"/api/v1/public/acme/chat/conversations/{chat.id}/ws") as ws:
        ws.send_json({"type": "hello", "token": chat.started["access_token"], "last_seq": 0})
        assert ws.receive_json()["type"] == "ready"
        assert "automated assistant" in _next_message(ws, "bot")["body"]  # caught up from the store
        ws.send_json({"type": "send", "client_msg_id": "c-1", "body": "Which payment methods do you accept?"})
        reply = _next_message(ws, "bot")
        assert "Visa" in reply["body"] and reply["reference"]
