"""Issue #20, "done when": a backup taken while customers chat and mail (`trustdesk backup create` in its
own process) restores into a fresh folder as one consistent moment: every table holds exactly the rows the
desk had at that moment (no half-written conversation, no hole), every attachment a restored row names is
there with the same bytes, and the restored desk serves (a real server on a free port answers a customer's
chat history) and verifies its audit chain. The wrong passphrase fails clearly and places nothing."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, inspect, select, text
from tests.mailchannel.conftest import World, world  # noqa: F401 - the real mail desk, reused

from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import CustomerRef, post_message, start_conversation
from trustdesk.store.attachments import AttachmentStore
from trustdesk.store.db import make_engine
from trustdesk.store.models import AuditEvent, MailAttachment, Message
from trustdesk.store.search_index import SQLITE_OBJECTS as SEARCH_INDEX_TABLES

PASSPHRASE = "a long and private backup passphrase"
CHATS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def ids_by_table(url: str) -> dict[str, list[int]]:
    engine = make_engine(url)
    try:
        tables = {}
        with engine.connect() as conn:
            for name in inspect(conn).get_table_names():
                if name in SEARCH_INDEX_TABLES:
                    continue  # the search index's own storage: segments merge, its ids are no row history
                columns = {c["name"] for c in inspect(conn).get_columns(name)}
                if "id" in columns:
                    tables[name] = sorted(conn.execute(text(f'SELECT id FROM "{name}"')).scalars())
        return tables
    finally:
        engine.dispose()


class ChatLoad:
    """Customers writing in several chats, and now and then a mail with an attachment, until stopped."""

    def __init__(self, desk: World, tenant_id: int, chats: list[str]) -> None:
        self.world, self.tenant_id, self.chats = desk, tenant_id, chats
        self.stop = threading.Event()
        self.sent = 0
        self.mails = 0
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._chat), threading.Thread(target=self._mail)]

    def _chat(self) -> None:
        customer = Author(AuthorKind.CUSTOMER, name="Pat")
        while not self.stop.is_set():
            try:
                chat = self.chats[self.sent % len(self.chats)]
                post_message(self.world.desk, self.tenant_id, chat, customer, f"load message {self.sent}")
                self.sent += 1
            except Exception as exc:  # noqa: BLE001 - reported by the test
                self.errors.append(repr(exc))
                return

    def _mail(self) -> None:
        while not self.stop.is_set():
            try:
                body = f"mail {self.mails}".encode()
                self.world.send(
                    sender=f"buyer{self.mails}@customer.example",
                    body=f"Photo {self.mails} attached",
                    attachments=[("photo.png", "image/png", b"\x89PNG\r\n\x1a\n" + body * 50)],
                )
                self.mails += 1
            except Exception as exc:  # noqa: BLE001
                self.errors.append(repr(exc))
                return
            self.stop.wait(0.05)

    def __enter__(self) -> ChatLoad:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_backup_under_chat_load_restores_whole_and_serves(world: World, tmp_path: Path) -> None:  # noqa: F811
    acme = world.tenants["acme"]
    started = [
        start_conversation(
            world.desk,
            acme,
            CustomerRef(name=f"Pat {n}", email=f"pat{n}@customer.example"),
            first_message="hello",
        )
        for n in range(CHATS)
    ]
    chats = [s.conversation["id"] for s in started]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRUSTDESK_")},
        "TRUSTDESK_DATA_DIR": str(world.settings.data_dir),
        "TRUSTDESK_DATABASE_URL": world.database_url,
        "TRUSTDESK_BACKUP_PASSPHRASE": PASSPHRASE,
    }
    archive = tmp_path / "backups" / "desk.tar.gz"
    with ChatLoad(world, acme, chats) as load:
        while load.mails < 2 or load.sent < 20:  # the load is running before the backup starts
            assert not load.errors, load.errors
            time.sleep(0.05)
        sent_before, mails_before = load.sent, load.mails
        made = cli("backup", "create", str(archive), "--json", env=env)
        assert made.returncode == 0, made.stderr
        sent_during = load.sent - sent_before
    assert not load.errors, load.errors
    assert sent_during > 0, "no chat message was written while the backup ran"
    assert load.mails > mails_before or sent_during > 0

    # The wrong passphrase: a clear error, and nothing placed.
    wrong_target = tmp_path / "wrong"
    wrong = cli(
        "backup",
        "restore",
        str(archive),
        "--data-dir",
        str(wrong_target),
        env={**env, "TRUSTDESK_BACKUP_PASSPHRASE": "not the passphrase at all"},
    )
    assert wrong.returncode != 0 and "passphrase" in wrong.stderr.lower(), wrong.stderr
    assert not wrong_target.exists() or not any(wrong_target.iterdir())

    target = tmp_path / "restored"
    restored = cli("backup", "restore", str(archive), "--data-dir", str(target), "--json", env=env)
    assert restored.returncode == 0, restored.stderr
    restored_url = f"sqlite:///{target / 'trustdesk.db'}"

    # One moment: each table holds exactly the source's rows up to its newest restored row.
    source, copy = ids_by_table(world.database_url), ids_by_table(restored_url)
    assert set(source) == set(copy)
    copy_audit = copy.pop("audit_events")[:-1]  # the restored desk's own "backup.restored" entry
    source_audit = source.pop("audit_events")
    for name, ids in copy.items():
        newest = ids[-1] if ids else 0
        assert ids == [i for i in source[name] if i <= newest], name
    assert copy_audit == [i for i in source_audit if i <= (copy_audit[-1] if copy_audit else 0)]
    assert 0 < len(copy["messages"]) < len(source["messages"])  # taken mid-load, not before or after
    assert copy["mail_attachments"], "the backup holds the mails' attachments"

    source_engine, restored_engine = make_engine(world.database_url), make_engine(restored_url)
    try:
        with source_engine.connect() as a, restored_engine.connect() as b:
            # Whole conversations: every restored chat's messages are numbered 1..n without a gap.
            for chat in chats:
                seqs = (
                    b.execute(
                        text(
                            "SELECT m.seq FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                            "WHERE c.public_id = :p ORDER BY m.seq"
                        ),
                        {"p": chat},
                    )
                    .scalars()
                    .all()
                )
                assert list(seqs) == list(range(1, len(seqs) + 1))
            newest_audit = b.scalar(
                select(func.max(AuditEvent.id)).where(AuditEvent.action != "backup.restored")
            )
            hashes = (
                select(AuditEvent.entry_hash).where(AuditEvent.id <= newest_audit).order_by(AuditEvent.id)
            )
            assert a.execute(hashes).scalars().all() == b.execute(hashes).scalars().all()
            assert b.scalar(select(func.count(Message.id))) == len(copy["messages"])
            files = 0
            for tenant_id, digest in b.execute(select(MailAttachment.tenant_id, MailAttachment.sha256)):
                original = AttachmentStore(world.settings.attachments_dir).read(tenant_id, digest)
                again = AttachmentStore(target / "attachments").read(tenant_id, digest)
                assert again is not None and again == original and hashlib.sha256(again).hexdigest() == digest
                files += 1
            assert files == len(copy["mail_attachments"])
    finally:
        source_engine.dispose()
        restored_engine.dispose()

    restored_env = {
        **{k: v for k, v in env.items() if k != "TRUSTDESK_DATABASE_URL"},
        "TRUSTDESK_DATA_DIR": str(target),
        "TRUSTDESK_SMTP_LISTEN_PORT": "0",
        "TRUSTDESK_MAILBOX_FETCH": "false",
        "TRUSTDESK_JOB_WORKERS": "0",
    }
    verified = cli("audit", "verify", "--json", env=restored_env)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "trustdesk.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=restored_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the restored desk did not start"
            time.sleep(0.2)
        assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200
        # A customer's chat, started before the backup, is served from the restored desk.
        first = started[0]
        history = httpx.get(
            f"{base}/api/v1/public/acme/chat/conversations/{first.conversation['id']}",
            headers={"Authorization": f"Bearer {first.access_token}"},
            timeout=10,
        )
        assert history.status_code == 200, history.text
        bodies = [m["body"] for m in history.json()["messages"]]
        assert bodies[0] == "hello" and any(b.startswith("load message") for b in bodies)
        assert httpx.get(f"{base}/t/acme/check", timeout=10).status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
    assert json.loads(restored.stdout)["database_url"].endswith("/restored/trustdesk.db")
