"""The conversation's language through the desk: detected by the bot, stored, set by agents and customers."""

from __future__ import annotations

from sqlalchemy import select

from trustdesk.store.models import AuditEvent

from .conftest import PAT, TENANT, BotDesk


def test_a_german_customer_is_answered_in_german_and_the_language_is_stored(botdesk: BotDesk) -> None:
    chat = botdesk.chat(language="de")
    opening = chat.history()[0]["body"]
    assert "automatischer Assistent" in opening  # the disclosure in the page's language
    asked = chat.send("Wo ist meine Bestellung A-1002?")
    assert "E-Mail-Adresse" in asked
    answer = chat.send(PAT)
    assert "Bestellung A-1002" in answer and "wird gerade bearbeitet" in answer
    assert chat.conversation().language == "de"
    r = botdesk.agent.client.get(f"/api/v1/conversations/{chat.id}")
    assert r.status_code == 200 and r.json()["conversation"]["language"] == "de"


def test_an_agent_sets_the_language_and_it_is_audited_and_kept(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    chat.send("hello")
    r = botdesk.agent.client.post(
        f"/api/v1/conversations/{chat.id}/language", json={"language": "fr"}, headers=botdesk.agent.headers()
    )
    assert r.status_code == 200, r.text
    assert r.json()["language"] == "fr"
    with botdesk.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "conversation.language"))
        assert event is not None and event.details == {"from": "en", "to": "fr", "by": "agent"}
    reply = chat.send("I want to cancel my order")  # detection no longer overrides the agent's choice
    assert "numéro de commande" in reply
    assert chat.conversation().language == "fr"


def test_the_customer_chooses_a_language_and_bad_codes_are_refused(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    url = f"/api/v1/public/{TENANT}/chat/conversations/{chat.id}/language"
    r = chat.client.post(url, json={"language": "pt-BR"}, headers=chat.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"id": chat.id, "language": "pt-BR"}
    assert "número do pedido" in chat.send("where is my order?")
    bad = chat.client.post(url, json={"language": "xx"}, headers=chat.headers)
    assert bad.status_code == 422  # not a supported code: refused by the schema
    stranger = chat.client.post(url, json={"language": "de"})
    assert stranger.status_code in (401, 404)
