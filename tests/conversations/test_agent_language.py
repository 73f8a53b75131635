"""An agent sets a conversation's language (issue #16): only to one the retailer offers (another answers
422 language_not_offered and changes nothing), only in the agent's own retailer (another's conversation is
404), audited with who, from and to; the console shows the language and offers exactly the retailer's
languages. The bot answering in the new language: tests/botdesk/test_conversation_language.py; mail:
the sender reads the conversation's language when it sends (tests/mailchannel/test_mail_languages.py)."""

from __future__ import annotations

import re

from sqlalchemy import select
from tests.conversations.conftest import Desk, start_chat
from tests.foundation.factory import make_tenant

from trustdesk.conversations.domain import new_public_id, new_reference
from trustdesk.store.models import AuditEvent, Conversation, Tenant


def _offer(desk: Desk, languages: list[str], default: str = "en") -> None:
    with desk.sessions() as s:
        tenant = s.get(Tenant, desk.tenant_id)
        assert tenant is not None
        tenant.languages, tenant.default_language = languages, default
        s.commit()


def _language_events(desk: Desk) -> list[AuditEvent]:
    with desk.sessions() as s:
        return list(
            s.scalars(
                select(AuditEvent).where(AuditEvent.action == "conversation.language").order_by(AuditEvent.id)
            )
        )


def test_an_agent_changes_the_language_to_an_offered_one_and_it_is_audited(desk: Desk) -> None:
    _offer(desk, ["en", "de", "fr"])
    sam = desk.agent
    started = start_chat(desk.customer(), "Hallo, wo ist meine Bestellung?", language="de")
    conv_id = started["conversation"]["id"]
    url = f"/api/v1/conversations/{conv_id}/language"

    first = sam.client.post(url, json={"language": "fr"}, headers=sam.headers())
    assert first.status_code == 200, first.text
    assert first.json()["id"] == conv_id and first.json()["language"] == "fr"
    detail = sam.client.get(f"/api/v1/conversations/{conv_id}").json()
    assert detail["conversation"]["language"] == "fr"
    queue = sam.client.get("/api/v1/conversations", params={"view": "new"}).json()
    assert [c["language"] for c in queue if c["id"] == conv_id] == ["fr"]  # what the queue shows

    (event,) = _language_events(desk)
    assert event.actor == "agent:sam@acme.test" and event.tenant_id == desk.tenant_id
    assert event.target == f"conversation:{conv_id}"
    assert event.details == {"from": "de", "to": "fr", "by": "agent"}


def test_a_language_the_retailer_does_not_offer_is_refused_and_changes_nothing(desk: Desk) -> None:
    _offer(desk, ["en", "de", "fr"])
    sam = desk.agent
    conv_id = start_chat(desk.customer(), language="en")["conversation"]["id"]
    url = f"/api/v1/conversations/{conv_id}/language"

    refused = sam.client.post(url, json={"language": "pl"}, headers=sam.headers())  # supported, not offered
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "language_not_offered"
    assert "'pl' is not offered" in error["message"] and "en, de, fr" in error["message"]
    unknown = sam.client.post(url, json={"language": "xx"}, headers=sam.headers())  # not a code at all
    assert unknown.status_code == 422
    assert sam.client.post(url, json={}, headers=sam.headers()).status_code == 422
    assert sam.client.get(f"/api/v1/conversations/{conv_id}").json()["conversation"]["language"] == "en"
    assert _language_events(desk) == []


def test_another_retailers_conversation_is_not_found_and_untouched(desk: Desk) -> None:
    with desk.sessions() as s:
        other = make_tenant(s, "globex")
        other.languages, other.default_language = ["en", "de", "fr"], "en"
        conv = Conversation(
            tenant_id=other.id,
            public_id=new_public_id(),
            reference=new_reference(),
            channel="chat",
            status="new",
            customer_name="Someone else's customer",
            language="en",
        )
        s.add(conv)
        s.commit()
        public_id = conv.public_id
    _offer(desk, ["en", "de", "fr"])
    sam = desk.agent
    r = sam.client.post(
        f"/api/v1/conversations/{public_id}/language", json={"language": "de"}, headers=sam.headers()
    )
    assert r.status_code == 404
    assert "globex" not in r.text and "Someone else" not in r.text
    missing = sam.client.post(
        "/api/v1/conversations/nope/language", json={"language": "de"}, headers=sam.headers()
    )
    assert missing.status_code == 404
    with desk.sessions() as s:
        assert s.scalar(select(Conversation.language).where(Conversation.public_id == public_id)) == "en"
    assert _language_events(desk) == []


def test_the_change_needs_a_signed_in_agent_and_the_csrf_header(desk: Desk) -> None:
    _offer(desk, ["en", "de"])
    conv_id = start_chat(desk.customer())["conversation"]["id"]
    url = f"/api/v1/conversations/{conv_id}/language"
    assert desk.customer().post(url, json={"language": "de"}).status_code == 401
    assert desk.agent.client.post(url, json={"language": "de"}).status_code == 403  # no CSRF header
    assert _language_events(desk) == []


def test_the_console_offers_exactly_the_retailers_languages(desk: Desk) -> None:
    _offer(desk, ["en", "de", "fr"])
    page = desk.agent.client.get("/console/conversations")
    assert page.status_code == 200
    form = re.search(r'<form id="cv-language-form".*?</form>', page.text, re.S)
    assert form is not None
    options = re.findall(r'<option value="([^"]+)">([^<]+)</option>', form.group(0))
    assert options == [("en", "English (en)"), ("de", "German (de)"), ("fr", "French (fr)")]
    assert '<label for="cv-language">' in form.group(0) and 'id="cv-language-save"' in form.group(0)
    # The queue and the header name every language the console may meet, not only the offered ones.
    names = re.search(r"data-language-names='([^']+)'", page.text)
    assert names is not None and '"pl": "Polish"' in names.group(1)

    _offer(desk, ["nl", "en"], default="nl")
    again = desk.agent.client.get("/console/conversations").text
    form = re.search(r'<form id="cv-language-form".*?</form>', again, re.S)
    assert form is not None
    assert re.findall(r'<option value="([^"]+)">', form.group(0)) == ["nl", "en"]
