"""Builders for the mailbox tests: IMAP accounts on the test Dovecot, mails as a provider stores them,
mailboxes connected to the desk, and a folder pass over one."""

from __future__ import annotations

import imaplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from tests.mailchannel.conftest import ACME_SUPPORT, CUSTOMER, Sink, World  # noqa: F401 - for the tests

from support.dovecot import DovecotServer
from trustdesk.mailboxes.registry import add_mailbox
from trustdesk.mailboxes.spec import MailboxSpec, build_spec
from trustdesk.mailboxes.sync import FolderPass, MailboxTarget
from trustdesk.store.models import MailboxRow, Tenant


@dataclass
class ImapAccount:
    server: DovecotServer
    username: str
    password: str

    def connect(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.server.tls.cert))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.server.imaps_port, ssl_context=context)
        client.login(self.username, self.password)
        return client

    def put(self, raw: bytes, folder: str = "INBOX", flags: str | None = None) -> None:
        """Deliver as the mailbox provider would: APPEND to the folder."""
        client = self.connect()
        try:
            status, detail = client.append(folder, flags, None, raw)
            assert status == "OK", detail
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, str]:
        client = self.connect()
        try:
            client.select(folder, readonly=True)
            status, data = client.uid("FETCH", "1:*", "(FLAGS)")
            out: dict[int, str] = {}
            for item in data:
                if not item:
                    continue
                text = item.decode() if isinstance(item, bytes) else item[0].decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                out[uid] = text.split("FLAGS (")[1].split(")")[0]
            return out
        finally:
            client.logout()

    def count(self, folder: str = "INBOX") -> int:
        client = self.connect()
        try:
            status, data = client.select(folder, readonly=True)
            return int(data[0])
        finally:
            client.logout()


def make_account(server: DovecotServer, address: str) -> ImapAccount:
    """A fresh mail user on the server; its name is the support address plus a unique tag."""
    local, _, domain = address.partition("@")
    username = f"{local}.{uuid.uuid4().hex[:8]}@{domain}"  # "+" is not among Dovecot's user name characters
    password = "imap-" + uuid.uuid4().hex
    server.add_user(username, password)
    return ImapAccount(server, username, password)


def customer_mail(
    *,
    to: str = ACME_SUPPORT,
    sender: str = CUSTOMER,
    subject: str = "Where is my order?",
    body: str = "Hello, my parcel has not arrived.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A mail as it sits in the mailbox: the provider's Received hop names the sending client."""
    message = EmailMessage()
    message["Return-Path"] = f"<{sender}>"
    message["Received"] = (
        "from mx.customer.example (mx.customer.example [127.0.0.1]) by imap.acme-shop.com with ESMTPS id 1; "
        "Mon, 7 Dec 2026 10:00:00 +0000"
    )
    message["From"] = f"Pat Example <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="customer.example")
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body)
    return message.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def mailbox_spec(account: ImapAccount, *, address: str = ACME_SUPPORT, **overrides: object) -> MailboxSpec:
    fields: dict[str, object] = {
        "address": address,
        "username": account.username,
        "secret": account.password,
        "imap_host": "127.0.0.1",
        "imap_port": account.server.imaps_port,
        "imap_security": "tls",
    }
    fields.update(overrides)
    return build_spec(**fields)  # type: ignore[arg-type]


def connect_mailbox(
    world: World, account: ImapAccount, slug: str = "acme", **overrides: object
) -> MailboxRow:
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants[slug])
        assert tenant is not None
        row = add_mailbox(s, tenant, mailbox_spec(account, **overrides), world.box, actor="test")
        s.commit()
        s.refresh(row)
        s.expunge(row)
    return row


def folder_pass(world: World, row: MailboxRow, **kwargs: object) -> FolderPass:
    target = MailboxTarget(
        row.id, row.tenant_id, row.public_id, row.address, row.folder, row.after_intake, row.move_to
    )
    return FolderPass(world.sessions, world.intake, target, **kwargs)  # type: ignore[arg-type]
