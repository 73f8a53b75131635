"""A desk with two retailers, their official support addresses, a real local DNS server, the real
SMTP listener on a free port, and an aiosmtpd sink standing in for the outbound relay."""

from __future__ import annotations

import asyncio
import re
import smtplib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from tests.foundation.factory import make_tenant, make_user
from tests.support.databases import migrate

from support.dns_server import DnsTestServer
from support.store_dump import all_rows
from trustdesk.accounts.permissions import Role
from trustdesk.channels.changes import ChannelInput, seed_channels
from trustdesk.config import Settings
from trustdesk.conversations.pipeline import Desk
from trustdesk.jobs import Worker
from trustdesk.mail import MailLimits, Resolver
from trustdesk.mail.relay import Relay
from trustdesk.mailchannel.intake import MailIntake
from trustdesk.mailchannel.sender import send_reply
from trustdesk.mailchannel.smtp import SmtpListener
from trustdesk.runtime import build_desk
from trustdesk.secretbox import SecretBox
from trustdesk.store.attachments import AttachmentStore
from trustdesk.store.db import make_engine, make_session_factory

ACME_SUPPORT = "help@acme-shop.com"
GLOBEX_SUPPORT = "care@globex-shop.com"
CUSTOMER = "pat@customer.example"
MAX_BYTES = 200_000


class Sink:
    """An aiosmtpd server that keeps what it receives (the relay, as far as the desk can tell)."""

    def __init__(self, refuse_rcpt: bool = False) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse_rcpt = refuse_rcpt
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._received = threading.Event()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        self._received.set()
        return "250 OK"

    def start(self) -> Sink:
        from aiosmtpd.smtp import SMTP

        server = self._loop.run_until_complete(
            self._loop.create_server(lambda: SMTP(self, loop=self._loop), host="127.0.0.1", port=0)
        )
        self._server = server
        self.port = int(server.sockets[0].getsockname()[1])
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def wait(self, count: int = 1, timeout: float = 10.0) -> None:
        deadline = threading.Event()
        for _ in range(int(timeout * 20)):
            if len(self.messages) >= count:
                return
            deadline.wait(0.05)
        raise AssertionError(f"the sink received {len(self.messages)} messages, expected {count}")


@dataclass
class World:
    settings: Settings
    database_url: str
    sessions: sessionmaker[Session]
    desk: Desk
    intake: MailIntake
    listener: SmtpListener
    dns: DnsTestServer
    tenants: dict[str, int]
    agents: dict[str, int]
    box: SecretBox
    sink: Sink | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def send(
        self,
        *,
        to: str = ACME_SUPPORT,
        sender: str = CUSTOMER,
        name: str = "Pat Example",
        subject: str = "Where is my order?",
        body: str = "Hello, my parcel has not arrived.",
        headers: dict[str, str] | None = None,
        attachments: list[tuple[str, str, bytes]] | None = None,
        mail_from: str | None = None,
    ) -> dict[str, tuple[int, bytes]]:
        message = EmailMessage()
        message["From"] = f"{name} <{sender}>"
        message["To"] = to
        message["Subject"] = subject
        for key, value in (headers or {}).items():
            message[key] = value
        if "Message-ID" not in (headers or {}):
            message["Message-ID"] = make_msgid(domain="customer.example")
        message.set_content(body)
        for filename, ctype, data in attachments or []:
            maintype, _, subtype = ctype.partition("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return self.send_raw(message.as_bytes(), to=[to], mail_from=mail_from or sender)

    def send_raw(
        self, raw: bytes, *, to: list[str], mail_from: str = CUSTOMER
    ) -> dict[str, tuple[int, bytes]]:
        raw = re.sub(rb"\r?\n", b"\r\n", raw)  # on the wire lines end in CRLF; smtplib sends bytes as given
        with smtplib.SMTP(
            "127.0.0.1", self.listener.port, local_hostname="mx.customer.example", timeout=30
        ) as smtp:
            return smtp.sendmail(mail_from, to, raw)

    def worker(self, **kwargs: Any) -> Worker:
        services: dict[str, Any] = {"settings": self.settings, "box": self.box}
        if self.sink is not None:
            services["mail_relay"] = Relay(
                "127.0.0.1", self.sink.port, starttls=False, username=None, timeout=5
            )
        services.update(kwargs.pop("services", {}))
        return Worker(self.sessions, {"mail.send": send_reply}, services, **kwargs)

    def all_rows(self) -> str:
        return all_rows(self.database_url)

    def database_files(self) -> dict[str, bytes]:
        if not self.database_url.startswith("sqlite"):
            return {}
        db_file = Path(self.database_url.split("///", 1)[1])
        return {p.name: p.read_bytes() for p in db_file.parent.glob(db_file.name + "*")}


def customer_zone(dns: DnsTestServer) -> None:
    """The customer's domain authorises 127.0.0.1 (the test's SMTP client) and publishes DMARC;
    the retailers' own domains send from nowhere else and ask receivers to reject failures."""
    dns.add("customer.example", "TXT", "v=spf1 ip4:127.0.0.1 -all")
    dns.add("_dmarc.customer.example", "TXT", "v=DMARC1; p=none")
    dns.add("mx.customer.example", "A", "127.0.0.1")
    for domain in ("acme-shop.com", "globex-shop.com"):
        dns.add(domain, "TXT", "v=spf1 ip4:192.0.2.25 -all")
        dns.add(f"_dmarc.{domain}", "TXT", "v=DMARC1; p=reject")


@pytest.fixture
def world(database_url: str, tmp_path: Path, settings_factory: Any) -> Iterator[World]:
    settings = settings_factory(database_url, public_base_url="http://desk.test", smtp_relay_max_attempts=3)
    engine = make_engine(database_url)
    migrate(engine)
    sessions = make_session_factory(engine)
    tenants: dict[str, int] = {}
    agents: dict[str, int] = {}
    with sessions() as s:
        for slug, domain, address in (
            ("acme", "acme-shop.com", ACME_SUPPORT),
            ("globex", "globex-shop.com", GLOBEX_SUPPORT),
        ):
            tenant = make_tenant(s, slug, domain)
            s.flush()
            first = make_user(s, tenant, f"boss@{domain}", Role.ADMIN)
            second = make_user(s, tenant, f"deputy@{domain}", Role.ADMIN)
            agent = make_user(s, tenant, f"sam@{domain}", Role.AGENT)
            s.flush()
            seed_channels(s, tenant, first, second, [ChannelInput("email", address, purpose="support")])
            tenants[slug] = tenant.id
            agents[slug] = agent.id
        s.commit()
    dns = DnsTestServer().start()
    customer_zone(dns)
    resolver = Resolver(["127.0.0.1"], port=dns.port, timeout=1.0)
    desk = build_desk(sessions, settings=settings)
    intake = MailIntake(
        desk,
        attachments=AttachmentStore(settings.attachments_dir),
        resolver=resolver,
        limits=MailLimits(max_message_bytes=MAX_BYTES),
    )
    listener = SmtpListener(intake, port=0)
    listener.start()
    world = World(
        settings,
        database_url,
        sessions,
        desk,
        intake,
        listener,
        dns,
        tenants,
        agents,
        SecretBox(settings.encryption_key or ""),
    )
    try:
        yield world
    finally:
        listener.stop()
        if world.sink is not None:
            world.sink.stop()
        dns.stop()
        engine.dispose()


@pytest.fixture
def sink(world: World) -> Sink:
    world.sink = Sink().start()
    return world.sink
