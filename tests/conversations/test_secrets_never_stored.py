"""Known secrets sent through every door (chat API, WebSocket, agent API, notes) are found nowhere:
not in the database files or any column, not in the server's logs, not in anything sent to Redis."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import httpx
import redis
from sqlalchemy import text
from tests.conversations.servers import sign_in_agent, start_server
from tests.foundation.factory import make_tenant, make_user
from tests.support.databases import migrate
from websockets.sync.client import connect

from support.store_dump import all_rows
from trustdesk.accounts.permissions import Role
from trustdesk.config import load_settings
from trustdesk.secretbox import SecretBox
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.webhooks import create_endpoint

SECRETS = [
    "4111111111111111",
    "4111 1111 1111 1111",
    "Hunter2!Secret",
    "Tr0ub4dor&3x",
    "DE89370400440532013000",
    "DE89 3704 0044 0532 0130 00",
    "code 482913",
    "482913",
]


def _monitor(port: int, lines: list[str], stop: threading.Event) -> None:
    client = redis.Redis(port=port, socket_timeout=None)
    while not stop.is_set():
        try:
            with client.monitor() as monitor:
                for command in monitor.listen():
                    lines.append(str(command.get("command", "")))
                    if stop.is_set():
                        return
        except redis.RedisError:
            time.sleep(0.05)  # a read timeout: keep watching


def _postgres_places(url: str) -> dict[str, str]:
    """A pg_dump of the test's database, and its relation files on disk after a CHECKPOINT (when this
    process may read the server's data directory): deleted or updated rows would still be in those."""
    libpq_url = url.replace("postgresql+psycopg://", "postgresql://")
    dump = subprocess.run(["pg_dump", libpq_url], capture_output=True, check=True, timeout=120).stdout
    places = {"pg_dump": dump.decode("utf-8", "replace")}
    engine = make_engine(url)
    with engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
        data_dir = Path(str(conn.execute(text("SHOW data_directory")).scalar()))
        oid = conn.execute(text("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar()
    engine.dispose()
    files = data_dir / "base" / str(oid)
    if os.access(files, os.R_OK):
        places["postgres relation files"] = "\n".join(
            p.read_bytes().decode("latin-1") for p in files.iterdir() if p.is_file()
        )
    return places


def test_secrets_are_nowhere(database_url, private_redis, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "var"
    settings = load_settings(data_dir=data_dir, database_url=database_url)  # creates the deployment keys
    engine = make_engine(database_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme")
        make_user(s, tenant, "sam@acme.test", Role.AGENT)
        s.flush()
        # A webhook that cannot be reached: its queued jobs are part of what must stay clean.
        create_endpoint(
            s,
            tenant.id,
            url="http://127.0.0.1:9/hooks",
            events=["message.created"],
            box=SecretBox(settings.encryption_key or ""),
            actor="test",
            allow_private=True,
        )
        s.commit()
    engine.dispose()

    commands: list[str] = []
    stop = threading.Event()
    threading.Thread(target=_monitor, args=(private_redis.port, commands, stop), daemon=True).start()
    time.sleep(0.3)
    server = start_server(data_dir, database_url, redis_url=private_redis.url)
    try:
        agent, _ = sign_in_agent(server.http, "sam@acme.test")
        started = httpx.post(
            f"{server.http}/api/v1/public/acme/chat/conversations",
            json={"name": "Pat", "message": "I paid with 4111 1111 1111 1111, twice!"},
        ).json()
        conv_id, token = started["conversation"]["id"], started["access_token"]
        base = f"{server.http}/api/v1/public/acme/chat/conversations/{conv_id}"
        auth = {"Authorization": f"Bearer {token}"}
        r = httpx.post(f"{base}/messages", json={"body": "my password is Hunter2!Secret"}, headers=auth)
        assert r.status_code == 200 and "Hunter2" not in r.text
        with connect(f"{server.ws}/api/v1/public/acme/chat/conversations/{conv_id}/ws") as ws:
            ws.send(json.dumps({"type": "hello", "token": token, "last_seq": 0}))
            for body in (
                "the code you sent is code 482913",
                "refund to IBAN DE89 3704 0044 0532 0130 00 please",
            ):
                ws.send(
                    json.dumps({"type": "send", "client_msg_id": body[:8].replace(" ", "-"), "body": body})
                )
            acks = 0
            while acks < 2:
                frame = json.loads(ws.recv(timeout=10))
                acks += frame["type"] == "ack"
        csrf = agent.get("/api/v1/me").json()["csrf_token"]
        r = agent.post(
            f"/api/v1/conversations/{conv_id}/messages",
            json={"body": "Customer gave card 4111111111111111 and pw: Tr0ub4dor&3x", "internal": True},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200
        r = agent.post(
            f"/api/v1/conversations/{conv_id}/messages",
            json={"body": "To check, please type your password Hunter2!Secret here"},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 422  # an ask for a password: blocked, nothing stored
        agent.close()
        time.sleep(0.5)
    finally:
        server.stop()
        stop.set()
        redis.Redis(port=private_redis.port).ping()  # wakes the monitor so it can stop

    rows = all_rows(database_url)
    assert "[removed:" in rows, "the test must have stored redacted messages"
    places = {"database rows": rows, "server log": server.log(), "redis commands": "\n".join(commands)}
    client = redis.Redis(port=private_redis.port)
    places["redis keys"] = "\n".join(f"{k!r}={client.dump(k)!r}" for k in client.scan_iter("*"))
    if database_url.startswith("sqlite"):
        db_file = Path(database_url.split("///", 1)[1])
        for path in db_file.parent.glob(db_file.name + "*"):
            places[path.name] = path.read_bytes().decode("latin-1")
    else:
        places.update(_postgres_places(database_url))
        assert "[removed:" in places["pg_dump"]
        if os.geteuid() == 0:  # root (CI) may read the server's files: the strongest check must run
            assert "[removed:" in places["postgres relation files"]
    assert any("PUBLISH" in c.upper() for c in commands), "Redis must have carried the live events"
    for place, content in places.items():
        for secret in SECRETS:
            assert secret not in content, f"{secret!r} found in {place}"
