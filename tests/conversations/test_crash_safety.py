"""SIGKILL in the middle of a burst: after a restart every acknowledged message is there exactly once."""

from __future__ import annotations

import json
import threading

import httpx
from tests.conversations.servers import start_server
from tests.foundation.factory import make_tenant
from tests.support.databases import migrate
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from trustdesk.store.db import make_engine, make_session_factory

BURST = 200


def test_sigkill_during_a_burst_keeps_every_acknowledged_message_once(database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        make_tenant(s, "acme")
        s.commit()
    engine.dispose()
    server = start_server(tmp_path / "var", database_url)
    try:
        started = httpx.post(
            f"{server.http}/api/v1/public/acme/chat/conversations", json={"name": "Pat"}
        ).json()
        conv_id, token = started["conversation"]["id"], started["access_token"]
        acked: dict[str, int] = {}
        with connect(f"{server.ws}/api/v1/public/acme/chat/conversations/{conv_id}/ws") as ws:
            ws.send(json.dumps({"type": "hello", "token": token, "last_seq": 0}))
            assert json.loads(ws.recv(timeout=5))["type"] == "ready"

            def sender() -> None:
                try:
                    for n in range(BURST):
                        ws.send(json.dumps({"type": "send", "client_msg_id": f"b-{n}", "body": f"burst {n}"}))
                except ConnectionClosed:
                    pass

            thread = threading.Thread(target=sender)
            thread.start()
            try:
                while True:
                    frame = json.loads(ws.recv(timeout=10))
                    if frame["type"] == "ack":
                        acked[frame["client_msg_id"]] = frame["seq"]
                        if len(acked) == 40:
                            server.kill()  # mid-burst, without warning
            except (ConnectionClosed, TimeoutError):
                pass
            thread.join(10)
        assert 40 <= len(acked) < BURST, "the kill must land inside the burst"

        server = start_server(tmp_path / "var", database_url, port=server.port)
        url = f"{server.http}/api/v1/public/acme/chat/conversations/{conv_id}"
        auth = {"Authorization": f"Bearer {token}"}
        stored = httpx.get(url, params={"limit": 1000}, headers=auth).json()["messages"]
        by_id = {}
        for m in stored:
            assert m["client_msg_id"] not in by_id, "a message was stored twice"
            by_id[m["client_msg_id"]] = m["seq"]
        for client_msg_id, seq in acked.items():
            assert by_id.get(client_msg_id) == seq, f"acknowledged {client_msg_id} is missing or moved"
        assert [m["seq"] for m in stored] == list(range(1, len(stored) + 1))

        # The client resends whatever was not acknowledged, with the same ids: still no duplicates.
        with httpx.Client(headers=auth, timeout=10) as client:
            for n in range(BURST):
                if f"b-{n}" not in acked:
                    r = client.post(f"{url}/messages", json={"body": f"burst {n}", "client_msg_id": f"b-{n}"})
                    assert r.status_code == 200, r.text
        final = httpx.get(url, params={"limit": 1000}, headers=auth).json()["messages"]
        assert sorted(m["client_msg_id"] for m in final) == sorted(f"b-{n}" for n in range(BURST))
        assert [m["seq"] for m in final] == list(range(1, BURST + 1))
    finally:
        server.stop()
