"""Agent replies in e-mail conversations go out as durable jobs through a relay (an aiosmtpd sink
started by the test): multipart, threaded, referenced, DKIM-signed; retried, then dead-lettered."""

from __future__ import annotations

import email
import socket
from email import policy

from sqlalchemy import select
from tests.mailchannel.conftest import ACME_SUPPORT, CUSTOMER, Sink, World

from trustdesk.authenticity.service import create_dkim_key, run_check
from trustdesk.channels.index import load_registry
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import post_message
from trustdesk.mail import DkimResult, Resolver, verify_dkim
from trustdesk.mail.relay import Relay
from trustdesk.store.models import AuditEvent, Conversation, Job, MailRecord, SentMessage, Tenant

REPLY = (
    "Sorry about that! <b>We</b> will send a new lamp & refund you.\nReturns: https://acme-shop.com/returns"
)


def start_email_conversation(world: World) -> Conversation:
    world.send(
        headers={"Message-ID": "<q1@customer.example>"}, subject="Broken lamp", body="My lamp is broken."
    )
    with world.sessions() as s:
        conv = s.scalars(select(Conversation).where(Conversation.tenant_id == world.tenants["acme"])).one()
        s.expunge(conv)
    return conv


def agent_reply(world: World, conv: Conversation, text: str = REPLY, internal: bool = False) -> dict:
    author = Author(AuthorKind.AGENT, user_id=world.agents["acme"], name="Sam")
    return post_message(
        world.desk, world.tenants["acme"], conv.public_id, author, text, internal=internal
    ).message


def mail_jobs(world: World) -> list[Job]:
    with world.sessions() as s:
        return list(s.scalars(select(Job).where(Job.kind == "mail.send").order_by(Job.id)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_reply_is_mailed_threaded_signed_and_checkable(world: World, sink: Sink) -> None:
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        key = create_dkim_key(s, tenant, world.box, actor="test", bits=1024)  # type: ignore[arg-type]
        selector, public = key.selector, key.public_key
        s.commit()
    world.dns.add(f"{selector}._domainkey.acme-shop.com", "TXT", f"v=DKIM1; k=rsa; p={public}")
    conv = start_email_conversation(world)
    message = agent_reply(world, conv)
    assert message["reference"]
    assert world.worker().run_once() == 1
    sink.wait(1)
    (mail_from, rcpts, raw) = sink.messages[0]
    assert (mail_from, rcpts) == (ACME_SUPPORT, [CUSTOMER])
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["From"].addresses[0].addr_spec == ACME_SUPPORT
    assert parsed["From"].addresses[0].display_name == "Acme Shop"
    assert parsed["To"].addresses[0].addr_spec == CUSTOMER
    assert parsed["Subject"] == f"Re: Broken lamp [#{conv.reference}]"
    assert parsed["In-Reply-To"] == "<q1@customer.example>"
    assert "<q1@customer.example>" in parsed["References"]
    assert parsed["X-Trustdesk-Reference"] == message["reference"]
    with world.sessions() as s:
        record = s.scalars(select(MailRecord).where(MailRecord.direction == "outbound")).one()
        sent = s.scalars(select(SentMessage).where(SentMessage.reference == message["reference"])).one()
    assert parsed["Message-ID"] == f"<{record.header_message_id}>" and record.status == "sent"
    assert sent.channel == "email" and sent.recipient_hash  # the address is kept only as a keyed hash
    assert parsed.get_content_type() == "multipart/alternative"
    text_part, html_part = parsed.get_payload()
    assert (text_part.get_content_type(), html_part.get_content_type()) == ("text/plain", "text/html")
    text, html = text_part.get_content(), html_part.get_content()
    assert "<b>We</b> will send a new lamp & refund you." in text
    assert f"Reference {message['reference']}" in text and "http://desk.test/t/acme/check" in text
    assert "&lt;b&gt;We&lt;/b&gt;" in html and "&amp; refund" in html and "<b>We" not in html
    # DKIM: verified against the key published in the (local) DNS.
    resolver = Resolver(["127.0.0.1"], port=world.dns.port, timeout=1.0)
    (signature,) = verify_dkim(raw, resolver)
    assert signature.result is DkimResult.PASS and signature.domain == "acme-shop.com"
    # The customer can check it: the desk answers "genuine" for the mail as delivered.
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        check = run_check(
            s, raw, tenant=tenant, registry=load_registry(s), resolver=None, settings=world.settings
        )
    assert check.verdict.value == "genuine" and check.reference == message["reference"]
    # The customer's answer to our mail comes back into the same conversation.
    world.send(headers={"In-Reply-To": parsed["Message-ID"]}, subject=parsed["Subject"], body="Thanks!")
    with world.sessions() as s:
        assert len(s.scalars(select(Conversation)).all()) == 1
    # A second run finds nothing to do: the mail was sent once.
    assert world.worker().run_once() == 0 and len(sink.messages) == 1


def test_internal_notes_and_chat_conversations_are_not_mailed(world: World, sink: Sink) -> None:
    conv = start_email_conversation(world)
    agent_reply(world, conv, "Customer sounds upset; check stock first.", internal=True)
    assert mail_jobs(world) == []


def test_relay_down_is_retried_with_backoff_then_dead_lettered(world: World) -> None:
    conv = start_email_conversation(world)
    agent_reply(world, conv)
    closed = Relay(
        "127.0.0.1", free_port(), starttls=False, username="desk", password="relay-pass-5ecret", timeout=2
    )
    worker = world.worker(services={"mail_relay": closed}, backoff_base=0.0)
    ids = set()
    for attempt in range(1, 4):
        assert worker.run_once() == 1
        (job,) = mail_jobs(world)
        assert job.attempts == attempt
        with world.sessions() as s:
            ids.add(
                s.scalars(
                    select(MailRecord.header_message_id).where(MailRecord.direction == "outbound")
                ).one()
            )
    assert job.status == "dead" and job.max_attempts == 3
    assert "relay-pass-5ecret" not in (job.last_error or "") and "relay-pass-5ecret" not in repr(closed)
    assert len(ids) == 1  # every attempt sends the same Message-ID


def test_relay_refusal_is_dead_lettered_at_once(world: World) -> None:
    world.sink = Sink(refuse_rcpt=True).start()
    conv = start_email_conversation(world)
    agent_reply(world, conv)
    assert world.worker().run_once() == 1
    (job,) = mail_jobs(world)
    assert job.status == "dead" and job.attempts == 1
    assert "refused the recipient" in (job.last_error or "") and "550" in (job.last_error or "")


def test_without_a_relay_the_reply_is_dead_lettered_and_audited(world: World) -> None:
    conv = start_email_conversation(world)
    agent_reply(world, conv)
    assert world.worker().run_once() == 1  # no sink, no TRUSTDESK_SMTP_RELAY_HOST
    (job,) = mail_jobs(world)
    assert job.status == "dead" and "no SMTP relay" in (job.last_error or "")
    with world.sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "mail.reply_not_sent")).all()
    assert len(events) == 1 and events[0].tenant_id == world.tenants["acme"]


def test_relay_login_works_and_the_password_stays_out_of_jobs_and_logs(world: World, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    caplog.set_level(logging.DEBUG)
    password = "Relay-Pa55-Word!"
    received: list[bytes] = []
    logins: list[str] = []

    class Relay_:
        async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
            received.append(bytes(envelope.original_content))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, data) -> AuthResult:  # type: ignore[no-untyped-def]
        ok = isinstance(data, LoginPassword) and data.login == b"desk" and data.password == password.encode()
        if ok:
            logins.append(data.login.decode())
        return AuthResult(success=ok, handled=ok)  # unhandled failure: aiosmtpd answers 535 itself

    port = free_port()
    controller = Controller(
        Relay_(),
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,  # a test on 127.0.0.1; real relays are reached with STARTTLS
    )
    controller.start()
    try:
        conv = start_email_conversation(world)
        agent_reply(world, conv)
        wrong = Relay("127.0.0.1", port, starttls=False, username="desk", password="nope", timeout=5)
        assert world.worker(services={"mail_relay": wrong}).run_once() == 1
        (job,) = mail_jobs(world)
        # A refused login needs an admin, not retries.
        assert job.status == "dead" and "535" in (job.last_error or ""), job.last_error
        with world.sessions() as s:
            s.get(Job, job.id).status = "pending"  # type: ignore[union-attr]
            s.commit()
        right = Relay("127.0.0.1", port, starttls=False, username="desk", password=password, timeout=5)
        assert world.worker(services={"mail_relay": right}).run_once() == 1
    finally:
        controller.stop()
    assert logins == ["desk"] and len(received) == 1
    assert mail_jobs(world)[0].status == "done"
    assert password not in caplog.text and password not in repr(right) and password not in world.all_rows()
