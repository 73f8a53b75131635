"""Handing over to a person: the customer is told, the agents get the context as an internal note."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BotChat, BotDesk


def agent_view(botdesk: BotDesk, chat: BotChat) -> dict[str, Any]:
    r = botdesk.agent.client.get(f"/api/v1/conversations/{chat.id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def unassigned_queue(botdesk: BotDesk) -> set[str]:
    r = botdesk.agent.client.get("/api/v1/conversations", params={"view": "unassigned"})
    assert r.status_code == 200, r.text
    return {c["id"] for c in r.json()}


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("I want to talk to a human please", "customer_request"),
        ("I want to make a formal complaint about how I've been treated by your staff", "complaint"),
        (
            "Someone called me saying they are from Acme support and asked for my card details. "
            "The number was +1 415 555 0134",
            "security",
        ),
        ("There's a charge on my card I never made, I want to dispute it", "payment_dispute"),
    ],
)
def test_handoff_reaches_the_queue_with_a_note_for_the_agent(
    botdesk: BotDesk, message: str, reason: str
) -> None:
    chat = botdesk.chat()
    assert chat.id not in unassigned_queue(botdesk)
    reply = chat.send(message)
    assert "passing you to a member of the Acme Shop team" in reply
    assert "minutes" in reply or "shortly" in reply  # roughly when: the retailer has an agent on duty
    assert chat.conversation().bot_active is False
    assert chat.id in unassigned_queue(botdesk)

    detail = agent_view(botdesk, chat)
    assert detail["conversation"]["bot_active"] is False
    notes = [m for m in detail["messages"] if m["visibility"] == "internal"]
    assert len(notes) == 1
    note = notes[0]["body"]
    assert note.startswith("Bot handoff")
    assert f"Reason: {reason}." in note
    assert "Transcript (latest):" in note and message[:40] in note
    # The customer never sees the note.
    assert all(m["author_kind"] != "bot" or "Bot handoff" not in m["body"] for m in chat.history())


def test_after_the_handoff_the_bot_stays_quiet(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    chat.send("agent")
    before = len([m for m in chat.history() if m["author_kind"] == "bot"])
    r = chat.client.post(
        f"/api/v1/public/acme/chat/conversations/{chat.id}/messages",
        json={"body": "hello? where is my order A-1002"},
        headers=chat.headers,
    )
    assert r.status_code == 200
    botdesk.app.state.trustdesk.runtime.workers[0].run_once()  # nothing queued for the bot
    assert len([m for m in chat.history() if m["author_kind"] == "bot"]) == before


def test_an_agent_answering_takes_over_from_the_bot(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    r = botdesk.agent.client.post(
        f"/api/v1/conversations/{chat.id}/messages",
        json={"body": "Hi, this is Sam from the Acme team, how can I help?"},
        headers=botdesk.agent.headers(),
    )
    assert r.status_code in (200, 201), r.text
    assert chat.conversation().bot_active is False


def test_an_agent_claiming_the_conversation_stops_the_bot(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    r = botdesk.agent.client.post(f"/api/v1/conversations/{chat.id}/claim", headers=botdesk.agent.headers())
    assert r.status_code == 200, r.text
    assert r.json()["bot_active"] is False
    r = chat.client.post(
        f"/api/v1/public/acme/chat/conversations/{chat.id}/messages",
        json={"body": "hello, anyone there?"},
        headers=chat.headers,
    )
    assert r.status_code == 200
    with botdesk.sessions() as s:
        from sqlalchemy import select

        from trustdesk.store.models import Job

        assert s.scalar(select(Job.id).where(Job.kind == "bot.turn")) is None


def test_a_bot_that_keeps_failing_hands_over_instead_of_leaving_the_customer_waiting(
    botdesk: BotDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = botdesk.app.state.trustdesk.runtime.services["bot"]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("model store unavailable")

    monkeypatch.setattr(service.models, "classifier", broken)
    chat = botdesk.chat()
    reply = chat.send("where is my parcel?")
    assert "having trouble answering" in reply
    assert chat.conversation().bot_active is False
    assert chat.id in unassigned_queue(botdesk)
    note = [m for m in agent_view(botdesk, chat)["messages"] if m["visibility"] == "internal"]
    assert note and "internal error" in note[0]["body"]
