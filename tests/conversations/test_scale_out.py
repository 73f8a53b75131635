"""Two server processes on one PostgreSQL and one Redis: a customer on A and an agent on B talk live,
and stopping Redis for a while loses nothing (the agent catches up from the store once it is back)."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from tests.conversations.servers import sign_in_agent, start_server
from tests.foundation.factory import make_tenant, make_user
from tests.support.databases import migrate
from websockets.sync.client import connect

from trustdesk.accounts.permissions import Role
from trustdesk.store.db import make_engine, make_session_factory


def _prepare(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme")
        make_user(s, tenant, "sam@acme.test", Role.AGENT)
        s.commit()
    engine.dispose()


def _next_message(ws, timeout: float = 5.0) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = json.loads(ws.recv(timeout=max(0.01, deadline - time.monotonic())))
        if frame["type"] == "message":
            return frame["message"]
    raise AssertionError("no message frame in time")


@pytest.mark.postgres
def test_customer_on_a_agent_on_b_and_a_redis_outage_loses_nothing(
    postgres_url, private_redis, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _prepare(postgres_url)
    a = start_server(tmp_path / "var", postgres_url, redis_url=private_redis.url)
    b = start_server(tmp_path / "var", postgres_url, redis_url=private_redis.url)
    try:
        agent_http, cookie = sign_in_agent(b.http, "sam@acme.test")
        started = httpx.post(f"{a.http}/api/v1/public/acme/chat/conversations", json={"name": "Pat"}).json()
        conv_id, token = started["conversation"]["id"], started["access_token"]
        with (
            connect(f"{b.ws}/api/v1/agent/ws", additional_headers={"Cookie": cookie}) as agent,
            connect(f"{a.ws}/api/v1/public/acme/chat/conversations/{conv_id}/ws") as customer,
        ):
            assert json.loads(agent.recv(timeout=5))["type"] == "ready"
            agent.send(json.dumps({"type": "subscribe", "conversation_id": conv_id, "last_seq": 0}))
            customer.send(json.dumps({"type": "hello", "token": token, "last_seq": 0}))
            assert json.loads(customer.recv(timeout=5))["type"] == "ready"

            sent_at = time.monotonic()
            customer.send(
                json.dumps({"type": "send", "client_msg_id": "c1", "body": "Hello from instance A"})
            )
            got = _next_message(agent)
            assert got["body"] == "Hello from instance A" and got["seq"] == 1
            assert time.monotonic() - sent_at < 2.0

            agent.send(
                json.dumps(
                    {"type": "send", "conversation_id": conv_id, "client_msg_id": "a1", "body": "Hi from B"}
                )
            )
            assert _next_message(customer)["body"] == "Hello from instance A"  # its own echo first
            assert _next_message(customer)["body"] == "Hi from B"
            assert _next_message(agent)["body"] == "Hi from B"  # the agent's own copy, in seq order

            private_redis.stop()
            for n in range(3):
                customer.send(
                    json.dumps({"type": "send", "client_msg_id": f"down-{n}", "body": f"while down {n}"})
                )
            acks = 0
            while acks < 3:
                frame = json.loads(customer.recv(timeout=10))
                acks += frame["type"] == "ack"
            time.sleep(1.0)
            private_redis.start()
            # Instance B's bus reconnects, then its sockets re-read the store: all three arrive, in order.
            received = [_next_message(agent, timeout=20)["body"] for _ in range(3)]
            assert received == ["while down 0", "while down 1", "while down 2"]

            customer.send(json.dumps({"type": "send", "client_msg_id": "after", "body": "back to normal"}))
            assert _next_message(agent, timeout=5)["body"] == "back to normal"
        history = agent_http.get(f"/api/v1/conversations/{conv_id}/messages").json()["messages"]
        assert [m["seq"] for m in history] == list(range(1, 7))
        assert len({m["client_msg_id"] for m in history}) == 6
        agent_http.close()
    finally:
        a.stop()
        b.stop()
