"""Inbound e-mail speed: smtplib -> the real SMTP listener -> parse, authenticate, thread, guard, store.

    .venv/bin/python bench/mail.py [--mails 500] [--dns] [--database-url URL]

One retailer on SQLite (default) with one official support address. Each mail is a short customer
question (every tenth holds a card number the guard must redact; every fifth answers an earlier mail,
so threading lookups run); one SMTP connection sends them one after another. Without --dns the
SPF/DKIM/DMARC step is skipped; with --dns it runs against a local DNS server (tests/support).
Prints mails/s by wall clock and the process's CPU time per mail (client and server share the process).
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from sqlalchemy import func, select

from trustdesk.accounts.permissions import Role
from trustdesk.accounts.service import create_user
from trustdesk.channels.changes import ChannelInput, seed_channels
from trustdesk.conversations.pipeline import Desk
from trustdesk.mail import MailLimits, Resolver
from trustdesk.mailchannel.intake import MailIntake
from trustdesk.mailchannel.smtp import SmtpListener
from trustdesk.store.attachments import AttachmentStore
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import Conversation, Message
from trustdesk.tenancy.service import create_tenant

SUPPORT = "help@benchshop.com"


def mail(i: int) -> bytes:
    message = EmailMessage()
    who = (i - 1 if i % 5 == 4 else i) % 50  # a follow-up comes from the sender of the mail it answers
    message["From"] = f"Customer {who} <customer{who}@customers.example>"
    message["To"] = SUPPORT
    message["Subject"] = f"Order {1000 + i} question"
    message["Message-ID"] = f"<bench-{i}@customers.example>"
    if i % 5 == 4:
        message["In-Reply-To"] = f"<bench-{i - 1}@customers.example>"
    body = f"Hello, where is my order {1000 + i}? It was due last week.\n"
    if i % 10 == 0:
        body += "I paid with 4111 1111 1111 1111, please check.\n"
    message.set_content(body + "Thanks,\nCustomer\n")
    return message.as_bytes(policy=SMTP)  # CRLF line ends, as on the wire


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=500)
    parser.add_argument("--dns", action="store_true", help="authenticate against a local DNS server")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as s:
        tenant = create_tenant(s, slug="benchshop", name="Bench Shop", primary_domain="benchshop.com")
        admins = [
            create_user(s, tenant, email=f"admin{n}@benchshop.com", display_name=f"Admin {n}", role=Role.ADMIN,
                        password="bench-password-123456", actor="bench")
            for n in (1, 2)
        ]  # fmt: skip
        for admin in admins:  # established admins: past the four-eyes cool-off
            admin.created_at -= timedelta(days=30)
        s.flush()
        seed_channels(s, tenant, admins[0], admins[1], [ChannelInput("email", SUPPORT, purpose="support")])
        s.commit()
    dns = None
    resolver = None
    if args.dns:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from support.dns_server import DnsTestServer

        dns = DnsTestServer().start()
        dns.add("customers.example", "TXT", "v=spf1 ip4:127.0.0.1 -all")
        dns.add("_dmarc.customers.example", "TXT", "v=DMARC1; p=none")
        resolver = Resolver(["127.0.0.1"], port=dns.port, timeout=1.0, cache=True)
    intake = MailIntake(
        Desk(sessions),
        attachments=AttachmentStore(folder / "attachments"),
        resolver=resolver,
        limits=MailLimits(),
    )
    mails = [mail(i) for i in range(args.mails)]
    with SmtpListener(intake, port=0) as listener:
        with smtplib.SMTP("127.0.0.1", listener.port, local_hostname="mx.customers.example") as client:
            client.sendmail(
                "bounce@customers.example", [SUPPORT], mails[0]
            )  # warm-up (caches, first inserts)
            cpu, wall = time.process_time(), time.perf_counter()
            for raw in mails[1:]:
                client.sendmail("bounce@customers.example", [SUPPORT], raw)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if dns is not None:
        dns.stop()
    with sessions() as s:
        stored = s.scalar(select(func.count(Message.id)).where(Message.author_kind == "customer"))
        conversations = s.scalar(select(func.count(Conversation.id)))
    sent = len(mails) - 1
    backend = url.split(":", 1)[0]
    print(
        f"{backend}{' + DNS auth' if args.dns else ''}: {sent} mails in {wall:.2f} s = {sent / wall:.0f} mails/s; "
        f"CPU {cpu / sent * 1000:.2f} ms/mail ({sent / cpu:.0f} mails per CPU-second); "
        f"{stored} messages stored in {conversations} conversations"
    )


if __name__ == "__main__":
    main()
