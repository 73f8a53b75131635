"""Issue #20, "done when": a customer reaches a running desk through every channel (a chat where the bot
looks up their order, an e-mail with an attachment through the real SMTP listener, an agent's reply, a
report), is exported (the archive complete against its manifest) and erased through the API; then none
of their address, phone, name or words is anywhere: the SQLite file's bytes, a pg_dump of PostgreSQL,
the files in the data folder, every Redis key and value, the logs written after the erasure; and
`trustdesk audit verify` still passes.

Chat has no attachments in this product (files arrive by e-mail), so the attachment goes by e-mail."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import smtplib
import socket
import subprocess
import time
import zipfile
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url
from tests.botdesk.conftest import enable_bot
from tests.foundation.factory import add_orders, make_tenant, make_user, order_row, sign_in_staff
from tests.support.databases import migrate
from typer.testing import CliRunner

from support.dns_server import DnsTestServer
from trustdesk.accounts.permissions import Role
from trustdesk.channels.changes import ChannelInput, seed_channels
from trustdesk.cli.main import build_app
from trustdesk.config import get_settings
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import client_key, post_message
from trustdesk.mailchannel.service import start_listener
from trustdesk.privacy.caches import cache_key_patterns, delete_keys, existing_keys
from trustdesk.store.db import make_engine
from trustdesk.store.models import Conversation, MailRecord
from trustdesk.web.app import create_app
from trustdesk.web.logs import JsonFormatter

EMAIL = "robin.quill@shopper.example"
NAME = "Robin Quillfeather"
PHONE = "+44 7700 900431"
ORDER = "RQ-5001"
CHAT_TEXT = "the zebra-striped umbrella still has not come"
MAIL_TEXT = "The lavender soap bars arrived crushed in the box"
ATTACHMENT = b"\x89PNG\r\n\x1a\n" + b"robin's delivery note photo, unique bytes 7c9e3f1a"
SUPPORT = "help@acme-shop.com"
NEEDLES = [EMAIL, NAME, "Quillfeather", "7700 900431", "7700900431", CHAT_TEXT, MAIL_TEXT, "Mistle Lane"]

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def traces(data: bytes) -> list[str]:
    """The needles found in these bytes (as UTF-8, case-insensitive), and the attachment's."""
    low = data.lower()
    found = [n for n in NEEDLES if n.lower().encode() in low]
    if b"unique bytes 7c9e3f1a" in data:
        found.append("attachment")
    return found


def stored_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    """Every file the desk keeps: the data folder (attachments, keys) and the SQLite file with its
    write-ahead log, wherever the database URL puts it."""
    files = [p for p in settings.data_dir.rglob("*") if p.is_file()]
    url = make_url(settings.resolved_database_url)
    if url.drivername.startswith("sqlite") and url.database:
        db = Path(url.database)
        files += [p for p in db.parent.glob(db.name + "*") if p.is_file()]
    return sorted(set(files))


def redis_contents(client) -> bytes:  # type: ignore[no-untyped-def]
    """Every key and every value in this Redis database, as bytes."""
    chunks: list[bytes] = []
    for key in client.scan_iter(count=500):
        chunks.append(key)
        kind = client.type(key)
        if kind == b"string":
            chunks.append(client.get(key) or b"")
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                chunks += [field, value]
        elif kind == b"zset":
            chunks += [member for member, _ in client.zrange(key, 0, -1, withscores=True)]
        elif kind == b"list":
            chunks += client.lrange(key, 0, -1)
        elif kind == b"set":
            chunks += list(client.smembers(key))
        elif kind == b"stream":
            for _, fields in client.xrange(key):
                for field, value in fields.items():
                    chunks += [field, value]
    return b"\n".join(chunks)


def pg_dump(url: str) -> bytes:
    parsed = make_url(url)
    args = ["pg_dump", "--no-owner", "-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432)]
    args += ["-U", parsed.username or "postgres", parsed.database or "test"]
    return subprocess.run(args, check=True, capture_output=True, timeout=120).stdout


@pytest.fixture
def desk(database_url, redis_url, tmp_path, monkeypatch, request):  # type: ignore[no-untyped-def]
    import redis

    data = tmp_path / "var"
    dns = DnsTestServer().start()
    request.addfinalizer(dns.stop)
    dns.add("shopper.example", "TXT", "v=spf1 ip4:127.0.0.1 -all")
    dns.add("_dmarc.shopper.example", "TXT", "v=DMARC1; p=none")
    for name, value in {
        "TRUSTDESK_DATA_DIR": str(data),
        "TRUSTDESK_DATABASE_URL": database_url,
        "TRUSTDESK_REDIS_URL": redis_url,
        "TRUSTDESK_LOG_JSON": "true",
        "TRUSTDESK_DNS_NAMESERVERS": f"127.0.0.1:{dns.port}",
        "TRUSTDESK_SMTP_LISTEN_PORT": str(free_port()),
        "TRUSTDESK_PUBLIC_BASE_URL": "http://testserver",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    settings = get_settings()
    engine = make_engine(database_url)
    request.addfinalizer(engine.dispose)
    migrate(engine)
    from trustdesk.store.db import make_session_factory

    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme", "acme-shop.com")
        s.flush()
        first = make_user(s, tenant, "boss@acme-shop.com", Role.ADMIN)
        second = make_user(s, tenant, "deputy@acme-shop.com", Role.ADMIN)
        make_user(s, tenant, "sam@acme-shop.com", Role.AGENT)
        s.flush()
        seed_channels(s, tenant, first, second, [ChannelInput("email", SUPPORT, purpose="support")])
        enable_bot(s, tenant)
        add_orders(
            s,
            tenant,
            [
                order_row(
                    ORDER,
                    EMAIL,
                    customer_name=NAME,
                    customer_phone=PHONE,
                    status="shipped",
                    delivered_at=None,
                    shipping_address={"name": NAME, "street": "4 Mistle Lane", "city": "Leeds"},
                ),
                order_row("RQ-6000", "kim.other@shopper.example", customer_name="Kim Other"),
            ],
        )
        s.commit()
    client = redis.Redis.from_url(redis_url)
    request.addfinalizer(client.close)
    return settings, engine, client


def send_mail() -> None:
    message = EmailMessage()
    message["From"] = f"{NAME} <{EMAIL}>"
    message["To"] = SUPPORT
    message["Subject"] = f"Order {ORDER} damaged"
    message["Message-ID"] = make_msgid(domain="shopper.example")
    message.set_content(f"{MAIL_TEXT}. Call me on {PHONE}. {NAME}")
    message.add_attachment(ATTACHMENT, maintype="image", subtype="png", filename="delivery-note.png")
    port = get_settings().smtp_listen_port
    with smtplib.SMTP("127.0.0.1", port, local_hostname="mx.shopper.example", timeout=30) as smtp:
        smtp.sendmail(EMAIL, [SUPPORT], message.as_bytes())


def wait_for(predicate, what: str, timeout: float = 600.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.timeout(1200)  # the first bot turn trains the bot's model when no cached one exists
def test_an_erased_customer_leaves_no_trace_anywhere(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, engine, redis_client = desk
    app = create_app(settings, engine=engine)
    state = app.state.trustdesk
    log_file = tmp_path / "desk.log"
    handler = logging.FileHandler(log_file)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous_level = root.level
    root.setLevel(logging.INFO)
    listener = start_listener(state.runtime.desk, settings, state.rate_limiter)
    assert listener is not None
    try:
        with TestClient(app, base_url="http://testserver") as staff:
            admin, _ = sign_in_staff(staff, "acme", "boss@acme-shop.com")
            sessions = state.sessions

            # Chat: the bot looks the order up once the customer gives its e-mail address.
            customer = TestClient(app, base_url="http://testserver")
            started = customer.post(
                "/api/v1/public/acme/chat/conversations", json={"name": NAME, "email": EMAIL}
            )
            assert started.status_code == 201, started.text
            chat_id = started.json()["conversation"]["id"]
            auth = {"Authorization": f"Bearer {started.json()['access_token']}"}
            with sessions() as s:
                conv = s.scalar(select(Conversation).where(Conversation.public_id == chat_id))
                assert conv is not None
                # Ids restart with every test database while Redis lives on: counters an earlier run
                # left under this conversation's keys would turn the bot's look-ups away.
                patterns = cache_key_patterns(conv.tenant_id, "acme", EMAIL, [(conv.id, chat_id)])
                client = f"{conv.tenant_id}:{client_key('testclient')}"
                patterns.append(
                    f"trustdesk:rl:bot-order-client:{hashlib.sha256(client.encode()).hexdigest()[:32]}:*"
                )
                delete_keys(redis_client, existing_keys(redis_client, patterns))

            def say(text: str) -> int:
                r = customer.post(
                    f"/api/v1/public/acme/chat/conversations/{chat_id}/messages",
                    json={"body": text},
                    headers=auth,
                )
                assert r.status_code == 200, r.text
                seq = int(r.json()["message"]["seq"])

                def answered() -> bool:
                    with sessions() as s:
                        conv = s.scalar(select(Conversation).where(Conversation.public_id == chat_id))
                        return conv is not None and (
                            not conv.bot_active or int((conv.bot_state or {}).get("seq", 0)) >= seq
                        )

                wait_for(answered, f"the bot's answer to message {seq}")
                return seq

            say(f"Where is my order {ORDER}? {CHAT_TEXT}")
            say(f"{EMAIL}, phone {PHONE}")
            history = customer.get(f"/api/v1/public/acme/chat/conversations/{chat_id}", headers=auth).json()
            bot_words = " ".join(m["body"] for m in history["messages"] if m["author_kind"] == "bot")
            assert ORDER in bot_words and "shipped" in bot_words, bot_words

            # E-mail with an attachment, through the desk's own SMTP listener; an agent answers in the chat.
            send_mail()
            with sessions() as s:
                wait_for(lambda: s.scalar(select(MailRecord.id)) is not None, "the mail to be stored")
                tenant_id = int(
                    s.scalar(select(Conversation.tenant_id).where(Conversation.public_id == chat_id))
                )
            agent = Author(AuthorKind.AGENT, user_id=admin.user_id, name="Sam")
            post_message(
                state.runtime.desk, tenant_id, chat_id, agent, f"Thanks {NAME}, the umbrella is on its way."
            )

            # A report of a scam message, with the person's address to answer to.
            filed = customer.post(
                "/api/v1/public/acme/reports",
                json={"text": "Acme parcel held: pay the fee at acme-parcel-fee.example", "contact": EMAIL},
            )
            assert filed.status_code == 201, filed.text

            # Export: everything listed in the manifest is in the archive and nothing else.
            exported = staff.post("/api/v1/privacy/export", json={"email": EMAIL}, headers=admin.headers())
            assert exported.status_code == 200, exported.text
            archive = zipfile.ZipFile(io.BytesIO(exported.content))
            manifest = json.loads(archive.read("manifest.json"))
            listed = {f["path"]: f for f in manifest["files"]}
            assert set(listed) == set(archive.namelist()) - {"manifest.json"}
            for path, entry in listed.items():
                assert hashlib.sha256(archive.read(path)).hexdigest() == entry["sha256"]
            kinds = manifest["kinds"]
            assert kinds["customers"] == 1 and kinds["orders"] == 1 and kinds["conversations"] == 2
            assert kinds["mail"] == 1 and kinds["attachments"] == 1 and kinds["reports"] == 1
            texts = " ".join(m["text"] for m in json.loads(archive.read("messages.json")))
            assert CHAT_TEXT in texts and MAIL_TEXT in texts
            attachment = json.loads(archive.read("attachments.json"))[0]
            assert archive.read(attachment["file"]) == ATTACHMENT

            before = b"".join(p.read_bytes() for p in stored_files(settings))
            if engine.dialect.name == "postgresql":
                before += pg_dump(settings.database_url or "")
            assert {EMAIL, CHAT_TEXT, MAIL_TEXT} <= set(traces(before)) and "attachment" in traces(before)

            erased = staff.post(
                "/api/v1/privacy/erase", json={"email": EMAIL, "confirm": EMAIL}, headers=admin.headers()
            )
            assert erased.status_code == 200, erased.text
            assert erased.json()["counts"]["conversations"] == 2
            after_erasure = log_file.stat().st_size

            # The desk goes on: another customer chats, staff look the erased address up again.
            other = customer.post(
                "/api/v1/public/acme/chat/conversations",
                json={"name": "Kim Other", "email": "kim.other@shopper.example"},
            )
            assert other.status_code == 201
            again = staff.post(
                "/api/v1/privacy/search", json={"by": "email", "value": EMAIL}, headers=admin.headers()
            )
            assert again.status_code == 200 and again.json()["matches"][0]["erased_before"] == 1
        verified = runner.invoke(build_app("audit"), ["audit", "verify", "--json"])
        assert verified.exit_code == 0, verified.output
    finally:
        listener.stop()
        root.removeHandler(handler)
        root.setLevel(previous_level)
        handler.close()

    found: dict[str, list[str]] = {}
    for path in stored_files(settings):
        if traces(path.read_bytes()):
            found[path.name] = traces(path.read_bytes())
    if engine.dialect.name == "postgresql":
        if traces(pg_dump(settings.database_url or "")):
            found["pg_dump"] = traces(pg_dump(settings.database_url or ""))
    if traces(redis_contents(redis_client)):
        found["redis"] = traces(redis_contents(redis_client))
    later_logs = log_file.read_bytes()[after_erasure:]
    assert b'"logger": "trustdesk.access"' in later_logs  # the desk did log after the erasure
    if traces(later_logs):
        found["logs after the erasure"] = traces(later_logs)
    assert not found, found
