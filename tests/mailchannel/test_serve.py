"""End to end through `trustdesk serve`: mail sent with smtplib to the listener the server started,
an agent's reply over the HTTP API sent by the server's job worker to a relay (an aiosmtpd sink),
and the secrets in the mail found nowhere: not in any table, the database files, the data
directory or the server's log."""

from __future__ import annotations

import email
import smtplib
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

from tests.conversations.servers import sign_in_agent, start_server
from tests.foundation.factory import make_tenant, make_user
from tests.mailchannel.conftest import Sink, customer_zone
from tests.mailchannel.files import make_pdf
from tests.support.databases import migrate

from support.dns_server import DnsTestServer
from support.store_dump import all_rows
from trustdesk.accounts.permissions import Role
from trustdesk.channels.changes import ChannelInput, seed_channels
from trustdesk.config import load_settings
from trustdesk.store.db import make_engine, make_session_factory

SECRETS = ["4111 1111 1111 1111", "4111111111111111", "DE89 3704 0044 0532 0130 00", "Hunter2!Secret"]


def test_mail_in_reply_out_and_no_secret_anywhere(database_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    load_settings(data_dir=data_dir, database_url=database_url)  # the deployment keys
    engine = make_engine(database_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme", "acme-shop.com")
        first = make_user(s, tenant, "boss@acme-shop.com", Role.ADMIN)
        second = make_user(s, tenant, "deputy@acme-shop.com", Role.ADMIN)
        make_user(s, tenant, "sam@acme-shop.com", Role.AGENT)
        s.flush()
        seed_channels(
            s, tenant, first, second, [ChannelInput("email", "help@acme-shop.com", purpose="support")]
        )
        s.commit()
    engine.dispose()
    dns = DnsTestServer().start()
    customer_zone(dns)
    sink = Sink().start()
    server = start_server(
        data_dir,
        database_url,
        extra_env={
            "TRUSTDESK_DNS_NAMESERVERS": f"127.0.0.1:{dns.port}",
            "TRUSTDESK_SMTP_RELAY_HOST": "127.0.0.1",
            "TRUSTDESK_SMTP_RELAY_PORT": str(sink.port),
        },
    )
    try:
        mail = EmailMessage()
        mail["From"] = "Pat Example <pat@customer.example>"
        mail["To"] = "help@acme-shop.com"
        mail["Subject"] = "Card 4111 1111 1111 1111 charged twice"
        mail["Message-ID"] = "<serve-1@customer.example>"
        mail.set_content(
            "Hello,\nmy card 4111 1111 1111 1111 was charged twice. Refund to IBAN DE89 3704 0044 0532 0130 00.\n"
            "My account password is Hunter2!Secret if you need it.\nPat"
        )
        # A real PDF holding the card and the password in its (uncompressed) text: withheld, no file.
        receipt = make_pdf([["Receipt", "Card 4111 1111 1111 1111", "Password: Hunter2!Secret"]])
        assert b"4111 1111 1111 1111" in receipt and b"Hunter2!Secret" in receipt
        mail.add_attachment(receipt, maintype="application", subtype="pdf", filename="receipt.pdf")
        port = int(server.env["TRUSTDESK_SMTP_LISTEN_PORT"])
        with smtplib.SMTP("127.0.0.1", port, local_hostname="mx.customer.example", timeout=30) as smtp:
            raw = mail.as_bytes(policy=policy.SMTP)  # CRLF line ends, as on the wire
            assert smtp.sendmail("pat@customer.example", ["help@acme-shop.com"], raw) == {}
            smtp.mail("pat@customer.example")
            code, reason = smtp.rcpt("nobody@acme-shop.com")
        agent, _ = sign_in_agent(server.http, "sam@acme-shop.com")
        (conv,) = agent.get("/api/v1/conversations", params={"view": "all"}).json()
        assert conv["channel"] == "email" and "4111" not in conv["subject"]
        detail = agent.get(f"/api/v1/conversations/{conv['id']}").json()
        first_message = detail["messages"][0]
        assert "[removed:" in first_message["body"]
        assert first_message["mail"]["verdict"] == "pass"
        (pdf,) = first_message["mail"]["attachments"]
        assert pdf["filename"] == "receipt.pdf" and not pdf["stored"] and pdf["url"] is None
        assert pdf["refused"] == (
            "withheld: the PDF contained a payment card number and a password; "
            "ask the customer to send it without the secrets"
        )
        csrf = agent.get("/api/v1/me").json()["csrf_token"]
        r = agent.post(
            f"/api/v1/conversations/{conv['id']}/messages",
            json={"body": "We have refunded the second charge."},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200, r.text
        sink.wait(1, timeout=20)
        reply = email.message_from_bytes(sink.messages[0][2], policy=policy.default)
        assert reply["In-Reply-To"] == "<serve-1@customer.example>"
        assert reply["X-Trustdesk-Reference"] == r.json()["message"]["reference"]
        assert conv["reference"] in reply["Subject"]
        agent.close()
        time.sleep(0.3)
    finally:
        server.stop()
        sink.stop()
        dns.stop()
    assert code == 550 and b"no such support address" in reason
    places = {"database rows": all_rows(database_url), "server log": server.log()}
    for path in data_dir.rglob("*"):
        if path.is_file():
            places[str(path)] = path.read_bytes().decode("latin-1")
    assert "[removed:" in places["database rows"]
    for place, content in places.items():
        for secret in SECRETS:
            assert secret not in content, f"{secret!r} found in {place}"
