"""Secrets written in other languages than English — passwords, one-time codes, national ID numbers,
an IBAN, a card typed in two messages — sent through the chat (HTTP and WebSocket), through the bot,
and by e-mail (body, subject and a text attachment) are found nowhere afterwards: not in any table or
database file (or PostgreSQL dump), not in the server's log, not in anything that went through Redis."""

from __future__ import annotations

import json
import smtplib
import threading
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

import httpx
import redis
from tests.conversations.servers import start_server
from tests.conversations.test_secrets_never_stored import _monitor, _postgres_places
from tests.foundation.factory import make_tenant, make_user
from tests.mailchannel.conftest import customer_zone
from tests.support.databases import migrate
from websockets.sync.client import connect

from support.dns_server import DnsTestServer
from support.store_dump import all_rows
from trustdesk.accounts.permissions import Role
from trustdesk.channels.changes import ChannelInput, seed_channels
from trustdesk.config import load_settings
from trustdesk.store.db import make_engine, make_session_factory

# (what the customer writes, the secret in it that must never be stored)
CHAT = [
    (
        "Hallo, wo ist meine Bestellung? Mein Passwort ist Sommer2024! falls Sie nachsehen müssen",
        "Sommer2024!",
    ),
    ("mon mot de passe est Soleil#1987, je ne peux plus me connecter", "Soleil#1987"),
    ("el código que me llegó por SMS es 771045", "771045"),
    ("moje hasło to Krakow#2019 i nie działa", "Krakow#2019"),
    ("Meine Steuer-ID ist 86095742719, brauchen Sie die für die Rechnung?", "86095742719"),
    ("il mio codice fiscale è RSSMRA85T10A562S", "RSSMRA85T10A562S"),
]
WEBSOCKET = [
    ("minha senha é Praia@2021, pode verificar?", "Praia@2021"),
    ("mijn BSN is 111222333 als u dat nodig heeft", "111222333"),
    ("Mein Kennwort: Hund#Katze77", "Hund#Katze77"),
]
BOT = [
    ("Bonjour, mon mot de passe est Mistral!3391 et je voudrais suivre ma commande", "Mistral!3391"),
    ("Kod BLIK: 482 913, czy to pomoże?", "482 913"),
]
SPLIT_CARD = ("Meine Karte ist 4111 1111", "1111 1111")  # one card typed in two messages
MAIL_BODY = (
    "Hallo,\nbitte erstatten Sie auf DE89 3704 0044 0532 0130 00.\nMein Passwort ist Zugspitze!2962.\nGrüße"
)
MAIL_SUBJECT = "Passwort: Brezel_1989 geht nicht"
ATTACHMENT = "Notizen\nwachtwoord: Molen*Wind42\n"
SECRETS = [
    *(secret for _, secret in CHAT + WEBSOCKET + BOT),
    "4111 1111",
    "1111 1111",
    "DE89 3704 0044 0532 0130 00",
    "DE89370400440532013000",
    "Zugspitze!2962",
    "Brezel_1989",
    "Molen*Wind42",
]


def test_secrets_in_every_language_are_nowhere(database_url, private_redis, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "var"
    load_settings(data_dir=data_dir, database_url=database_url)
    engine = make_engine(database_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme", "acme-shop.com")
        bot_shop = make_tenant(s, "boutique", "boutique-shop.com")
        bot_shop.branding = {**bot_shop.branding, "bot": {"enabled": True}}
        first = make_user(s, tenant, "boss@acme-shop.com", Role.ADMIN)
        second = make_user(s, tenant, "deputy@acme-shop.com", Role.ADMIN)
        s.flush()
        seed_channels(
            s, tenant, first, second, [ChannelInput("email", "help@acme-shop.com", purpose="support")]
        )
        s.commit()
    engine.dispose()
    dns = DnsTestServer().start()
    customer_zone(dns)
    commands: list[str] = []
    stop = threading.Event()
    threading.Thread(target=_monitor, args=(private_redis.port, commands, stop), daemon=True).start()
    time.sleep(0.3)
    server = start_server(
        data_dir,
        database_url,
        redis_url=private_redis.url,
        extra_env={"TRUSTDESK_DNS_NAMESERVERS": f"127.0.0.1:{dns.port}"},
    )
    try:
        # The chat over HTTP: each message stored redacted, the answer already without the secret.
        first_text, _ = CHAT[0]
        started = httpx.post(
            f"{server.http}/api/v1/public/acme/chat/conversations",
            json={"name": "Jana", "message": first_text},
        ).json()
        conv_id, token = started["conversation"]["id"], started["access_token"]
        base = f"{server.http}/api/v1/public/acme/chat/conversations/{conv_id}"
        auth = {"Authorization": f"Bearer {token}"}
        for text, secret in [*CHAT[1:], (SPLIT_CARD[0], "4111 1111"), (SPLIT_CARD[1], SPLIT_CARD[1])]:
            answer = httpx.post(f"{base}/messages", json={"body": text}, headers=auth)
            assert answer.status_code == 200 and secret not in answer.text, text
        # The chat over its WebSocket.
        with connect(f"{server.ws}/api/v1/public/acme/chat/conversations/{conv_id}/ws") as ws:
            ws.send(json.dumps({"type": "hello", "token": token, "last_seq": 0}))
            for number, (text, _) in enumerate(WEBSOCKET):
                ws.send(json.dumps({"type": "send", "client_msg_id": f"ws-{number}", "body": text}))
            acks = 0
            while acks < len(WEBSOCKET):
                acks += json.loads(ws.recv(timeout=10))["type"] == "ack"
        # A retailer whose bot answers first: the bot only ever reads what was stored.
        bot_conv = httpx.post(
            f"{server.http}/api/v1/public/boutique/chat/conversations",
            json={"name": "Zoé", "message": BOT[0][0]},
        ).json()
        bot_base = f"{server.http}/api/v1/public/boutique/chat/conversations/{bot_conv['conversation']['id']}"
        bot_auth = {"Authorization": f"Bearer {bot_conv['access_token']}"}
        assert (
            httpx.post(f"{bot_base}/messages", json={"body": BOT[1][0]}, headers=bot_auth).status_code == 200
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the bot's turns run as jobs: wait for its answers
            seen = httpx.get(bot_base, headers=bot_auth).json()
            if sum(m["author_kind"] == "bot" for m in seen["messages"]) >= 2:
                break
            time.sleep(0.2)
        # E-mail: secrets in the body, the subject and a text attachment.
        mail = EmailMessage()
        mail["From"] = "Jana Beispiel <pat@customer.example>"
        mail["To"] = "help@acme-shop.com"
        mail["Subject"] = MAIL_SUBJECT
        mail["Message-ID"] = "<sprachen-1@customer.example>"
        mail.set_content(MAIL_BODY)
        mail.add_attachment(ATTACHMENT.encode(), maintype="text", subtype="plain", filename="notizen.txt")
        port = int(server.env["TRUSTDESK_SMTP_LISTEN_PORT"])
        with smtplib.SMTP("127.0.0.1", port, local_hostname="mx.customer.example", timeout=30) as smtp:
            assert (
                smtp.sendmail(
                    "pat@customer.example", ["help@acme-shop.com"], mail.as_bytes(policy=policy.SMTP)
                )
                == {}
            )
        time.sleep(0.5)
    finally:
        server.stop()
        dns.stop()
        stop.set()
        redis.Redis(port=private_redis.port).ping()

    rows = all_rows(database_url)
    assert rows.count("[removed:") >= len(SECRETS) - 3, "the secrets must have been stored redacted"
    places = {"database rows": rows, "server log": server.log(), "redis commands": "\n".join(commands)}
    client = redis.Redis(port=private_redis.port)
    places["redis keys"] = "\n".join(f"{k!r}={client.dump(k)!r}" for k in client.scan_iter("*"))
    if database_url.startswith("sqlite"):
        db_file = Path(database_url.split("///", 1)[1])
        for path in db_file.parent.glob(db_file.name + "*"):
            places[path.name] = path.read_bytes().decode("latin-1")
    else:
        places.update(_postgres_places(database_url))
    for path in data_dir.rglob("*"):
        if path.is_file() and path.suffix not in (".db", ".db-wal", ".db-shm"):
            places[f"file {path.name}"] = path.read_bytes().decode("latin-1")
    for place, content in places.items():
        for secret in SECRETS:
            assert secret not in content, f"{secret!r} found in {place}"
