"""Webhooks: signed with HMAC-SHA256 and a timestamp, delivered by the job worker, retried on failure."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from tests.conversations.conftest import start_chat
from tests.foundation.factory import make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import Tenant
from trustdesk.webhooks import sign, verify


class Receiver:
    """A real HTTP endpoint on 127.0.0.1 that answers with scripted status codes."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.script: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.script.pop(0) if receiver.script else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.requests) >= count, f"got {len(self.requests)} deliveries, wanted {count}"


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(desk) -> None:  # type: ignore[no-untyped-def]
    """These tests' receiver listens on 127.0.0.1, which production refuses (see test_webhook_destinations)."""
    state = desk.app.state.trustdesk
    state.settings = state.settings.model_copy(update={"webhook_allow_private_networks": True})
    state.runtime.services["webhook_allow_private"] = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def admin(desk):  # type: ignore[no-untyped-def]
    with desk.sessions() as s:
        make_user(s, s.get(Tenant, desk.tenant_id), "ada@acme.test", Role.ADMIN)
        s.commit()
    client = desk.customer()
    client.__enter__()
    signed, _ = sign_in_staff(client, "acme", "ada@acme.test")
    yield signed
    client.__exit__(None, None, None)


def test_signature_round_trip_and_replay_window() -> None:
    body = b'{"id":"evt_1"}'
    header = sign("whsec_test", body, timestamp=1_700_000_000)
    assert verify("whsec_test", header, body, now=1_700_000_100)
    assert not verify("whsec_test", header, body + b" ", now=1_700_000_100)
    assert not verify("whsec_other", header, body, now=1_700_000_100)
    assert not verify("whsec_test", header, body, now=1_700_000_000 + 301)  # too old: a replay
    assert not verify("whsec_test", "garbage", body)


def test_events_are_signed_delivered_and_retried(desk, admin, receiver) -> None:  # type: ignore[no-untyped-def]
    worker = desk.app.state.trustdesk.runtime.workers[0]
    worker.backoff_base, worker.poll_seconds = 0.05, 0.05
    created = admin.client.post(
        "/api/v1/webhooks",
        json={
            "url": receiver.url,
            "events": ["message.created", "conversation.assigned", "conversation.resolved"],
        },
        headers=admin.headers(),
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert "secret" not in admin.client.get("/api/v1/webhooks").json()[0]

    receiver.script = [500, 503]  # the integrator is down for the first two tries
    started = start_chat(desk.customer(), message="my card 4111 1111 1111 1111 was charged twice")
    receiver.wait_for(3)
    headers, body = receiver.requests[2]
    assert verify(secret, headers["trustdesk-signature"], body)
    event = json.loads(body)
    assert event["type"] == "message.created" and headers["trustdesk-event"] == "message.created"
    assert event["data"]["conversation"]["id"] == started["conversation"]["id"]
    assert "4111 1111" not in body.decode() and "[removed:" in event["data"]["message"]["body"]
    assert len({h["trustdesk-delivery"] for h, _ in receiver.requests[:3]}) == 1  # the same event, retried

    conv_id = started["conversation"]["id"]
    desk.agent.client.post(f"/api/v1/conversations/{conv_id}/claim", headers=desk.agent.headers())
    desk.agent.client.post(f"/api/v1/conversations/{conv_id}/resolve", headers=desk.agent.headers())
    receiver.wait_for(5)
    kinds = [json.loads(b)["type"] for _, b in receiver.requests[3:]]
    assert sorted(kinds) == ["conversation.assigned", "conversation.resolved"]


def test_a_dead_endpoint_ends_in_the_dead_letters_admins_can_retry(desk, admin, receiver) -> None:  # type: ignore[no-untyped-def]
    worker = desk.app.state.trustdesk.runtime.workers[0]
    worker.backoff_base, worker.poll_seconds = 0.001, 0.02
    admin.client.post(
        "/api/v1/webhooks", json={"url": receiver.url, "events": ["message.created"]}, headers=admin.headers()
    )
    receiver.script = [500] * 10
    start_chat(desk.customer(), message="hello")
    deadline = time.monotonic() + 20
    dead = []
    while not dead and time.monotonic() < deadline:
        dead = admin.client.get("/api/v1/jobs", params={"status": "dead"}).json()
        time.sleep(0.1)
    assert len(dead) == 1 and dead[0]["attempts"] == 10 and "500" in dead[0]["last_error"]
    assert desk.agent.client.get("/api/v1/jobs").status_code == 403  # agents do not manage integrations
    again = admin.client.post(f"/api/v1/jobs/{dead[0]['id']}/retry", headers=admin.headers())
    assert again.status_code == 200 and again.json()["status"] == "pending"
    receiver.wait_for(11)
    assert admin.client.get("/api/v1/jobs", params={"status": "dead"}).json() == []


def test_webhook_urls_must_be_https(desk, admin) -> None:  # type: ignore[no-untyped-def]
    for url in ("http://example.com/hook", "ftp://example.com/x", "https://user:pw@example.com/x"):
        r = admin.client.post(
            "/api/v1/webhooks", json={"url": url, "events": ["message.created"]}, headers=admin.headers()
        )
        assert r.status_code == 422, url
    r = admin.client.post(
        "/api/v1/webhooks", json={"url": "https://example.com/x", "events": ["nope"]}, headers=admin.headers()
    )
    assert r.status_code == 422 and r.json()["error"]["problems"][0]["field"] == "events.0"
