"""Webhooks reach public internet addresses only: checked when registered and again at connect time."""

from __future__ import annotations

import socket
import time

import pytest
from sqlalchemy import select
from tests.conversations.test_webhooks import Receiver, admin, receiver  # noqa: F401  (fixtures)

from trustdesk.jobs import Worker
from trustdesk.store.models import Job
from trustdesk.webhooks import JOB_KIND, create_endpoint, deliver, enqueue_event
from trustdesk.webhooks.destinations import (
    BlockedDestination,
    check_host,
    is_public_address,
    public_addresses,
)

PRIVATE = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.9",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:169.254.169.254",
    "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 (RFC 6052) wrapping 10.0.0.1: a NAT64 gateway would reach it
    "64:ff9b::7f00:1",  # NAT64 wrapping 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 wrapping the metadata service
    "64:ff9b:1::a00:1",  # local-use NAT64 prefix (RFC 8215)
    "::7f00:1",  # IPv4-compatible (deprecated) 127.0.0.1
    "::a00:1",  # IPv4-compatible 10.0.0.1
    "::ffff:0:a00:1",  # IPv4-translated (RFC 2765) 10.0.0.1
    "fec0::1",  # site-local (deprecated, still routed inside some networks)
    "not an address",
]


@pytest.mark.parametrize("address", PRIVATE)
def test_private_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "64:ff9b::808:808"])
def test_global_unicast_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "host", ["localhost", "db.internal", "printer.local", "intranet", "[::1]", "10.0.0.5", "169.254.169.254"]
)
def test_internal_hosts_are_refused_at_registration(host: str) -> None:
    with pytest.raises(BlockedDestination):
        check_host(host, allow_private=False)
    check_host(host, allow_private=True)  # development and tests may opt in


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # decimal 127.0.0.1
        "0x7f000001",  # hexadecimal
        "017700000001",  # octal
        "0177.0.0.1",  # octal first part
        "0x7f.0.0.1",
        "127.1",  # short forms the C resolver accepts
        "10.1",
        "169.254.43518",  # 169.254.169.254 in three parts
        "0xa9.0xfe.0xa9.0xfe",
        "[::ffff:7f00:1]",
        "[64:ff9b::a00:1]",
        "[::127.0.0.1]",
    ],
)
def test_numeric_and_wrapped_forms_of_internal_addresses_are_refused_at_registration(host: str) -> None:
    with pytest.raises(BlockedDestination):
        check_host(host, allow_private=False)


def test_numeric_forms_of_public_addresses_are_accepted() -> None:
    check_host("134744072", allow_private=False)  # 8.8.8.8, as the resolver would read it
    check_host("8.8.8.8", allow_private=False)


def test_a_redirect_is_never_followed(desk, receiver: Receiver) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A public endpoint answering 307 to an internal address must not make the desk post there."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    hits: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", receiver.url)  # the "internal" place
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    Thread(target=server.serve_forever, daemon=True).start()
    state = desk.app.state.trustdesk
    state.runtime.services["webhook_allow_private"] = True  # loopback stands in for a public endpoint
    try:
        box = state.box
        with desk.sessions() as s:
            endpoint, _ = create_endpoint(
                s,
                desk.tenant_id,
                url="https://hooks.example.com/x",
                events=["message.created"],
                box=box,
                actor="t",
            )
            endpoint.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
            s.flush()
            assert enqueue_event(s, desk.tenant_id, "message.created", {"message": {"body": "hi"}}) == 1
            s.commit()
        worker = Worker(desk.sessions, {JOB_KIND: deliver}, {"box": box, "webhook_allow_private": True})
        deadline = time.monotonic() + 15
        while not hits and time.monotonic() < deadline:
            worker.run_once()
            time.sleep(0.05)
        time.sleep(0.3)
        assert hits and receiver.requests == []
    finally:
        server.shutdown()
        server.server_close()


def test_one_private_answer_refuses_the_whole_name() -> None:
    def info(address: str) -> tuple[object, ...]:
        return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 443))

    assert public_addresses([info("93.184.216.34")], "hooks.example.com") == ["93.184.216.34"]
    with pytest.raises(BlockedDestination, match="10.0.0.1"):
        public_addresses([info("93.184.216.34"), info("10.0.0.1")], "rebind.example.com")
    with pytest.raises(BlockedDestination, match="did not resolve"):
        public_addresses([], "nowhere.example.com")


def test_the_api_refuses_internal_webhook_urls(desk, admin) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    for url in (
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.8/hook",
        "https://localhost/hook",
        "http://127.0.0.1:8080/hook",  # plain HTTP to loopback: development only
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::1/hook",  # an unclosed IPv6 literal: urlsplit raised, a 500
        "https://hooks.example.com:99999/hook",
        "https://hooks.example.com:-1/hook",
    ):
        answer = admin.client.post(
            "/api/v1/webhooks", json={"url": url, "events": ["message.created"]}, headers=admin.headers()
        )
        assert answer.status_code == 422, (url, answer.text)
        assert answer.json()["error"]["code"] == "invalid_webhook"
    accepted = admin.client.post(
        "/api/v1/webhooks",
        json={"url": "https://hooks.example.com/trustdesk", "events": ["message.created"]},
        headers=admin.headers(),
    )
    assert accepted.status_code == 201, accepted.text


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_delivery_to_an_address_that_turned_private_is_refused_and_not_retried(
    desk,  # type: ignore[no-untyped-def]
    receiver: Receiver,  # noqa: F811
    host: str,
) -> None:
    """An endpoint registered while public whose name now points inside (DNS rebinding, a changed
    record): the connection is refused after resolution and the job is dead-lettered at once."""
    box = desk.app.state.trustdesk.box
    port = receiver.server.server_address[1]
    with desk.sessions() as s:
        endpoint, _ = create_endpoint(
            s,
            desk.tenant_id,
            url="https://hooks.example.com/x",
            events=["message.created"],
            box=box,
            actor="t",
        )
        endpoint.url = f"http://{host}:{port}/hooks"  # what the name means now
        s.flush()
        assert enqueue_event(s, desk.tenant_id, "message.created", {"message": {"body": "hello"}}) == 1
        s.commit()
    with desk.sessions() as s:
        job_id = s.scalar(select(Job.id).where(Job.kind == JOB_KIND).order_by(Job.id.desc()))
    worker = Worker(desk.sessions, {JOB_KIND: deliver}, {"box": box})
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        worker.run_once()  # the app's own worker may take it first: same services, same outcome
        with desk.sessions() as s:
            job = s.get(Job, job_id)
            assert job is not None
            if job.status == "dead":
                break
        time.sleep(0.05)
    assert receiver.requests == []  # nothing reached the internal service
    assert job.status == "dead" and job.attempts == 1, (job.status, job.last_error)
    assert "delivery refused" in (job.last_error or "") and "not a public internet address" in (
        job.last_error or ""
    )
