"""The survey of a resolved e-mail conversation: a referenced, DKIM-signed mail with signed links
(sent through a real relay sink), the link's page, one answer, and refusals for bad links."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.mailchannel.conftest import ACME_SUPPORT, CUSTOMER, Sink, World

from trustdesk.authenticity.service import create_dkim_key, run_check
from trustdesk.channels.index import load_registry
from trustdesk.conversations.operations import set_status
from trustdesk.jobs import Worker
from trustdesk.mail import DkimResult, Resolver, verify_dkim
from trustdesk.mail.relay import Relay
from trustdesk.mailchannel.sender import send_reply
from trustdesk.mailchannel.survey_invite import send_invite
from trustdesk.satisfaction.service import INVITE_JOB
from trustdesk.satisfaction.survey import link_key
from trustdesk.store.models import AuditEvent, Conversation, SatisfactionSurvey, Tenant, User, utcnow
from trustdesk.web.app import create_app


def email_conversation(world: World, *, language: str | None = None) -> Conversation:
    world.send(
        headers={"Message-ID": "<q1@customer.example>"}, subject="Broken lamp", body="My lamp is broken."
    )
    with world.sessions() as s:
        conv = s.scalars(select(Conversation).where(Conversation.tenant_id == world.tenants["acme"])).one()
        if language:
            conv.language = language
            s.commit()
        s.expunge(conv)
    return conv


def resolve(world: World, conv: Conversation) -> None:
    with world.sessions() as s:
        agent = s.get(User, world.agents["acme"])
        s.expunge(agent)
    set_status(world.desk, world.tenants["acme"], conv.public_id, resolved=True, by=agent)  # type: ignore[arg-type]


def worker(world: World, sink: Sink) -> Worker:
    services: dict[str, Any] = {
        "settings": world.settings,
        "box": world.box,
        "mail_relay": Relay("127.0.0.1", sink.port, starttls=False, username=None, timeout=5),
    }
    return Worker(world.sessions, {"mail.send": send_reply, INVITE_JOB: send_invite}, services)


def survey(world: World, conv: Conversation) -> SatisfactionSurvey:
    with world.sessions() as s:
        row = s.scalar(select(SatisfactionSurvey).where(SatisfactionSurvey.conversation_id == conv.id))
        assert row is not None
        s.expunge(row)
        return row


def audits(world: World, action: str) -> list[AuditEvent]:
    with world.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def mailed_text(raw: bytes) -> tuple[Any, str]:
    parsed = email.message_from_bytes(raw, policy=policy.default)
    text_part, _html = parsed.get_payload()
    return parsed, text_part.get_content()


def test_survey_mail_is_referenced_signed_checkable_and_answered_once(world: World, sink: Sink) -> None:
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        key = create_dkim_key(s, tenant, world.box, actor="test", bits=1024)  # type: ignore[arg-type]
        selector, public = key.selector, key.public_key
        s.commit()
    world.dns.add(f"{selector}._domainkey.acme-shop.com", "TXT", f"v=DKIM1; k=rsa; p={public}")
    conv = email_conversation(world)
    resolve(world, conv)
    assert worker(world, sink).run_once() == 1
    sink.wait(1)
    mail_from, rcpts, raw = sink.messages[0]
    assert (mail_from, rcpts) == (ACME_SUPPORT, [CUSTOMER])
    parsed, text = mailed_text(raw)
    row = survey(world, conv)
    assert row.mail_reference and parsed["X-Trustdesk-Reference"] == row.mail_reference
    assert parsed["Subject"] == f"How did we do? Your conversation with Acme Shop [#{conv.reference}]"
    assert parsed["In-Reply-To"] == "<q1@customer.example>"  # threaded under the customer's mail
    assert parsed["Auto-Submitted"] is not None
    assert "How satisfied are you with the help you received?" in text
    links = re.findall(r"http://desk\.test/t/acme/survey/\S+", text)
    assert [link.rsplit("=", 1)[1] for link in links] == ["5", "4", "3", "2", "1"]
    assert f"Reference {row.mail_reference}" in text and "http://desk.test/t/acme/check" in text
    (signature,) = verify_dkim(raw, Resolver(["127.0.0.1"], port=world.dns.port, timeout=1.0))
    assert signature.result is DkimResult.PASS
    # "Was this really from us?": genuine as delivered, altered when a link is swapped.
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        check = run_check(
            s, raw, tenant=tenant, registry=load_registry(s), resolver=None, settings=world.settings
        )
        assert check.verdict.value == "genuine" and check.reference == row.mail_reference
        forged = text.replace("http://desk.test/t/acme/survey/", "http://desk-test.example/t/acme/survey/")
        altered = run_check(
            s, forged, tenant=tenant, registry=load_registry(s), resolver=None, settings=world.settings
        )
        assert altered.verdict.value == "altered"
    (issued,) = audits(world, "csat.link_issued")
    assert (
        issued.target == f"conversation:{conv.public_id}"
        and issued.details["reference"] == row.mail_reference
    )
    # A retried job sends nothing twice.
    assert worker(world, sink).run_once() == 0 and len(sink.messages) == 1

    client = TestClient(create_app(world.settings), base_url="http://desk.test")
    path = links[1].removeprefix("http://desk.test")  # the "4" link
    page = client.get(path)
    assert page.status_code == 200
    assert 'value="4" required checked' in page.text and row.mail_reference in page.text
    assert survey(world, conv).answered_at is None  # following a link records nothing
    form_path = path.split("?")[0]
    done = client.post(
        form_path, data={"score": "2", "comment": "Slow. Charge it again: 4111 1111 1111 1111 exp 09/28"}
    )
    assert done.status_code == 200 and 'id="survey-thanks"' in done.text
    answered = survey(world, conv)
    assert answered.score == 2 and answered.answered_via == "email"
    assert answered.comment and "4111" not in answered.comment and "Slow." in answered.comment
    assert {f["type"] for f in answered.comment_guard} >= {"PAYMENT_CARD"}
    again = client.post(form_path, data={"score": "5", "comment": "Actually great"})
    assert again.status_code == 409 and "already answered" in again.text
    assert survey(world, conv).score == 2  # nothing overwritten
    (answer_audit,) = audits(world, "csat.answered")
    assert answer_audit.details["score"] == 2 and "PAYMENT_CARD" in answer_audit.details["redacted"]
    assert "4111" not in str(answer_audit.details) and "Slow" not in str(answer_audit.details)
    assert "4111 1111" not in world.all_rows()


def test_bad_links_are_refused_and_change_nothing(world: World, sink: Sink) -> None:
    conv = email_conversation(world)
    resolve(world, conv)
    row = survey(world, conv)
    key = link_key(world.settings)
    client = TestClient(create_app(world.settings), base_url="http://desk.test")
    good = key.sign("acme", conv.public_id, row.expires_at)
    forged = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    assert client.get(f"/t/acme/survey/{forged}").status_code == 404
    assert client.post(f"/t/acme/survey/{forged}", data={"score": "5"}).status_code == 404
    # Genuine for acme, used on another retailer's page.
    other = client.post(f"/t/globex/survey/{good}", data={"score": "5"})
    assert other.status_code == 404 and "not valid" in other.text
    expired = key.sign("acme", conv.public_id, utcnow() - timedelta(minutes=1))
    gone = client.post(f"/t/acme/survey/{expired}", data={"score": "5"})
    assert gone.status_code == 410 and "expired" in gone.text
    bad_score = client.post(f"/t/acme/survey/{good}", data={"score": "9"})
    assert bad_score.status_code == 422
    assert survey(world, conv).answered_at is None


def test_survey_mail_speaks_the_conversations_language(world: World, sink: Sink) -> None:
    conv = email_conversation(world, language="de")
    resolve(world, conv)
    assert worker(world, sink).run_once() == 1
    parsed, text = mailed_text(sink.messages[0][2])
    assert parsed["Subject"].startswith("Wie war unser Service?")
    assert "Wie zufrieden sind Sie mit der Hilfe, die Sie erhalten haben?" in text
    path = re.findall(r"http://desk\.test(/t/acme/survey/\S+)", text)[0]
    page = TestClient(create_app(world.settings), base_url="http://desk.test").get(path)
    assert '<html lang="de"' in page.text and "Wie zufrieden sind Sie" in page.text


def test_chat_conversations_and_unknown_addresses_get_no_mail(world: World, sink: Sink) -> None:
    conv = email_conversation(world)
    with world.sessions() as s:
        s.get(Conversation, conv.id).channel = "chat"  # type: ignore[union-attr]
        s.commit()
    resolve(world, conv)
    assert survey(world, conv).channel == "chat"
    assert worker(world, sink).run_once() == 0 and sink.messages == []
