"""IMAP intake speed from a connected mailbox, and a server killed halfway through a batch.

    .venv/bin/python bench/mailbox_intake.py [--mails 1000] [--database-url URL]

Starts Debian's Dovecot on loopback (tests/support/dovecot.py; scripts/ensure-dovecot.sh installs it),
connects one retailer's mailbox (implicit TLS, password), records the folder's UIDVALIDITY with a first
empty pass, APPENDs --mails short customer mails (every tenth holds a card number, every fifth answers
an earlier one), then times one folder pass over them in one IMAP session: FETCH BODY.PEEK[] -> the
intake (parse, thread, guard, store, commit) -> \\Seen -> last_uid stored, mail by mail.

Then the same again on a fresh mailbox and database with the server killed (SIGKILL to its whole
process group) when half the mails are taken; the server is started again and a new pass runs.
Prints mails/s and CPU per mail, and for the kill run how many mails the desk holds, and whether any
was lost or stored twice. Without DNS authentication (see bench/mail.py for its cost).
"""

from __future__ import annotations

import argparse
import imaplib
import ssl
import sys
import tempfile
import time
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.dovecot import DovecotServer, dovecot_available  # noqa: E402
from trustdesk.accounts.permissions import Role  # noqa: E402
from trustdesk.accounts.service import create_user  # noqa: E402
from trustdesk.channels.changes import ChannelInput, seed_channels  # noqa: E402
from trustdesk.conversations.pipeline import Desk  # noqa: E402
from trustdesk.mail import MailLimits  # noqa: E402
from trustdesk.mailboxes.connect import close_imap, open_imap  # noqa: E402
from trustdesk.mailboxes.registry import add_mailbox, imap_endpoint  # noqa: E402
from trustdesk.mailboxes.spec import build_spec  # noqa: E402
from trustdesk.mailboxes.sync import FolderPass, MailboxTarget  # noqa: E402
from trustdesk.mailchannel.intake import MailIntake  # noqa: E402
from trustdesk.secretbox import SecretBox  # noqa: E402
from trustdesk.store.attachments import AttachmentStore  # noqa: E402
from trustdesk.store.db import make_engine, make_session_factory  # noqa: E402
from trustdesk.store.migrate import upgrade  # noqa: E402
from trustdesk.store.models import MailRecord, Message  # noqa: E402
from trustdesk.tenancy.service import create_tenant  # noqa: E402

SUPPORT = "help@benchshop.com"


def mail(i: int) -> bytes:
    message = EmailMessage()
    who = (i - 1 if i % 5 == 4 else i) % 50
    message["Received"] = (
        "from mx.customers.example ([192.0.2.10]) by imap.benchshop.com; Mon, 7 Dec 2026 10:00:00 +0000"
    )
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
    return message.as_bytes(policy=SMTP)


class Run:
    """One desk (database, intake) and one mailbox user on the server."""

    def __init__(self, server: DovecotServer, url: str | None, folder: Path, user: str) -> None:
        self.server = server
        self.username, self.password = user, "bench-imap-password"
        server.add_user(self.username, self.password)
        engine = make_engine(url or f"sqlite:///{folder / 'bench.db'}")
        upgrade(engine)
        self.sessions = make_session_factory(engine)
        box = SecretBox(Fernet.generate_key().decode())
        with self.sessions() as s:
            tenant = create_tenant(s, slug="benchshop", name="Bench Shop", primary_domain="benchshop.com")
            admins = [
                create_user(s, tenant, email=f"admin{n}@benchshop.com", display_name=f"Admin {n}",
                            role=Role.ADMIN, password="bench-password-123456", actor="bench")
                for n in (1, 2)
            ]  # fmt: skip
            for admin in admins:  # established admins: past the four-eyes cool-off
                admin.created_at -= timedelta(days=30)
            s.flush()
            seed_channels(
                s, tenant, admins[0], admins[1], [ChannelInput("email", SUPPORT, purpose="support")]
            )
            spec = build_spec(
                address=SUPPORT, username=self.username, secret=self.password, imap_host="127.0.0.1",
                imap_port=server.imaps_port, imap_security="tls",
            )  # fmt: skip
            row = add_mailbox(s, tenant, spec, box, actor="bench")
            s.commit()
            self.target = MailboxTarget(
                row.id, row.tenant_id, row.public_id, row.address, row.folder, row.after_intake, row.move_to
            )
            self.endpoint = imap_endpoint(row)
        self.intake = MailIntake(
            Desk(self.sessions),
            attachments=AttachmentStore(folder / "attachments"),
            resolver=None,
            limits=MailLimits(),
        )

    def session(self):  # type: ignore[no-untyped-def]
        return open_imap(
            self.endpoint, self.username, self.password, "password", ca_file=str(self.server.tls.cert)
        )

    def folder_pass(self, **kwargs: object) -> FolderPass:
        return FolderPass(self.sessions, self.intake, self.target, **kwargs)  # type: ignore[arg-type]

    def append(self, mails: list[bytes]) -> None:
        context = ssl.create_default_context(cafile=str(self.server.tls.cert))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.server.imaps_port, ssl_context=context)
        client.login(self.username, self.password)
        for raw in mails:
            client.append("INBOX", None, None, raw)
        client.logout()

    def stored(self) -> tuple[int, int, int]:
        """(customer messages, mail records from the mailbox, distinct Message-IDs among them)."""
        with self.sessions() as s:
            messages = s.scalar(select(func.count(Message.id)).where(Message.author_kind == "customer")) or 0
            records = (
                s.scalar(select(func.count(MailRecord.id)).where(MailRecord.mailbox_id == self.target.id))
                or 0
            )
            distinct = s.scalar(
                select(func.count(func.distinct(MailRecord.header_message_id))).where(
                    MailRecord.mailbox_id == self.target.id
                )
            )
        return int(messages), int(records), int(distinct or 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    if not dovecot_available():
        sys.exit("Dovecot is not installed: run scripts/ensure-dovecot.sh (as root) or make mailserver")
    count = args.mails
    mails = [mail(i) for i in range(count)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = DovecotServer(root / "dovecot").start()
        try:
            run = Run(server, args.database_url, root / "one", "speed@benchshop.com")
            client = run.session()
            run.folder_pass().run(client)  # records UIDVALIDITY: what follows is the steady state
            run.append(mails)
            cpu, wall = time.process_time(), time.perf_counter()
            result = run.folder_pass().run(client)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            close_imap(client)
            messages, records, distinct = run.stored()
            print(
                f"one IMAP session: {result.taken} of {count} mails in {wall:.2f} s = {result.taken / wall:.0f} mails/s; "
                f"CPU {cpu / max(1, result.taken) * 1000:.2f} ms/mail (client, intake and store in one process); "
                f"{messages} messages stored"
            )

            if args.database_url is None:  # the kill run needs a database of its own
                killed = Run(server, None, root / "two", "kill@benchshop.com")
                client = killed.session()
                killed.folder_pass().run(client)
                killed.append(mails)
                half = count // 2
                taken: list[int] = []

                def kill_halfway(uid: int) -> None:
                    taken.append(uid)
                    if len(taken) == half:
                        server.kill()

                try:
                    killed.folder_pass(after_commit=kill_halfway).run(client)
                except Exception as exc:  # noqa: BLE001 - the connection breaks: that is the point
                    broke = type(exc).__name__
                else:
                    broke = "nothing"
                before = killed.stored()[0]
                server.start()
                client = killed.session()
                again = killed.folder_pass().run(client)
                close_imap(client)
                messages, records, distinct = killed.stored()
                lost = count - distinct
                duplicated = records - distinct
                print(
                    f"server killed after {half} mails ({broke}): {before} stored before the restart, "
                    f"{again.taken} taken and {again.duplicates} recognised after it; "
                    f"{messages} messages for {count} mails: {lost} lost, {duplicated} stored twice"
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
