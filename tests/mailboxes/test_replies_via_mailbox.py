"""An agent's reply in a conversation fetched from a retailer's mailbox is submitted through that
mailbox's SMTP server (a real aiosmtpd with STARTTLS or implicit TLS and AUTH), threaded,
referenced and DKIM-signed as relay mail is; the relay only carries the other conversations."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.mailboxes.helpers import (
    ACME_SUPPORT,
    CUSTOMER,
    ImapAccount,
    Sink,
    World,
    connect_mailbox,
    customer_mail,
    folder_pass,
)

from support.submission_server import SubmissionServer
from support.tls import self_signed_pair
from trustdesk.authenticity.service import create_dkim_key
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import post_message
from trustdesk.mail import DkimResult, Resolver, verify_dkim
from trustdesk.mailboxes.connect import close_imap, open_imap
from trustdesk.mailboxes.registry import imap_endpoint
from trustdesk.store.models import Conversation, Job, MailRecord, Tenant


def fetch(world: World, account: ImapAccount, row) -> None:  # type: ignore[no-untyped-def]
    client = open_imap(
        imap_endpoint(row),
        account.username,
        account.password,
        "password",
        ca_file=str(account.server.tls.cert),
    )
    try:
        folder_pass(world, row).run(client)
    finally:
        close_imap(client)


def reply(world: World) -> dict:
    with world.sessions() as s:
        conv = s.scalars(select(Conversation).where(Conversation.tenant_id == world.tenants["acme"])).one()
        public_id = conv.public_id
    author = Author(AuthorKind.AGENT, user_id=world.agents["acme"], name="Sam")
    return post_message(
        world.desk, world.tenants["acme"], public_id, author, "Your parcel left today."
    ).message


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls-587", "tls-465"])
def test_reply_goes_through_the_mailbox_submission_server(
    world: World, sink: Sink, acme_account: ImapAccount, tmp_path: Path, implicit_tls: bool
) -> None:
    tls = self_signed_pair(tmp_path / "smtp-tls")
    server = SubmissionServer(
        tls, acme_account.username, "smtp-secret-8125", implicit_tls=implicit_tls
    ).start()
    world.settings.mailbox_ca_file = str(tls.cert)
    try:
        with world.sessions() as s:
            tenant = s.get(Tenant, world.tenants["acme"])
            key = create_dkim_key(s, tenant, world.box, actor="test", bits=1024)  # type: ignore[arg-type]
            selector, public = key.selector, key.public_key
            s.commit()
        world.dns.add(f"{selector}._domainkey.acme-shop.com", "TXT", f"v=DKIM1; k=rsa; p={public}")
        acme_account.put(customer_mail(subject="Broken lamp", message_id="<lamp1@customer.example>"))
        row = connect_mailbox(
            world,
            acme_account,
            smtp_host="127.0.0.1",
            smtp_port=server.port,
            smtp_security="tls" if implicit_tls else "starttls",
            smtp_secret="smtp-secret-8125",
        )
        fetch(world, acme_account, row)
        message = reply(world)
        assert world.worker().run_once() == 1
        server.wait(1)
    finally:
        server.stop()
    assert sink.messages == []  # not the relay
    mail_from, rcpts, raw, authenticated_as = server.messages[0]
    assert (mail_from, rcpts, authenticated_as) == (ACME_SUPPORT, [CUSTOMER], acme_account.username)
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["In-Reply-To"] == "<lamp1@customer.example>"
    assert parsed["X-Trustdesk-Reference"] == message["reference"]
    resolver = Resolver(["127.0.0.1"], port=world.dns.port, timeout=1.0)
    assert [r.result for r in verify_dkim(raw, resolver)] == [DkimResult.PASS]
    with world.sessions() as s:
        record = s.scalars(select(MailRecord).where(MailRecord.direction == "outbound")).one()
    assert record.status == "sent"
    assert "smtp-secret-8125" not in world.all_rows()


def test_refused_submission_sign_in_dead_letters_the_reply_with_the_reason(
    world: World, sink: Sink, acme_account: ImapAccount, tmp_path: Path
) -> None:
    tls = self_signed_pair(tmp_path / "smtp-tls")
    server = SubmissionServer(tls, acme_account.username, "the-right-one").start()
    world.settings.mailbox_ca_file = str(tls.cert)
    try:
        acme_account.put(customer_mail())
        row = connect_mailbox(
            world, acme_account, smtp_host="127.0.0.1", smtp_port=server.port, smtp_secret="a-wrong-one-3345"
        )
        fetch(world, acme_account, row)
        reply(world)
        world.worker().run_once()
    finally:
        server.stop()
    assert server.messages == [] and server.failed_logins >= 1 and sink.messages == []
    with world.sessions() as s:
        job = s.scalars(select(Job).where(Job.kind == "mail.send")).one()
    assert job.status == "dead" and "refused the sign-in" in (job.last_error or "")
    assert "a-wrong-one-3345" not in (job.last_error or "")


def test_conversations_from_the_listener_still_use_the_relay(
    world: World, sink: Sink, acme_account: ImapAccount
) -> None:
    connect_mailbox(world, acme_account, smtp_host="127.0.0.1", smtp_port=9, smtp_secret="unused")
    world.send(subject="Via MX", body="Hello through the listener.")
    reply(world)
    assert world.worker().run_once() == 1
    sink.wait(1)
    assert sink.messages[0][1] == [CUSTOMER]
