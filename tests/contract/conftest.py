"""The served desk (a real server process with the demo retailers), for running schemathesis against it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pyotp
import pytest
from tests.support.dns_server import DnsTestServer
from tests.support.live_server import LiveServer, make_server


@dataclass(frozen=True)
class Identity:
    """Who schemathesis speaks as: a session cookie and its CSRF token (none for the anonymous visitor)."""

    name: str
    cookie: str | None = None
    csrf: str | None = None


@dataclass
class ServedDesk:
    server: LiveServer

    @property
    def url(self) -> str:
        return self.server.url

    def sign_in(self, name: str, tenant: str, email: str) -> Identity:
        """The real sign-in: password, then (staff) TOTP enrolment and its first code."""
        password = self.server.credentials()[(tenant, email)]
        with httpx.Client(base_url=self.url, timeout=30) as client:
            r = client.post(
                "/api/v1/auth/login", json={"tenant": tenant, "email": email, "password": password}
            )
            assert r.status_code == 200, r.text
            csrf = r.json()["csrf_token"]
            if r.json()["step"] == "enrolment_required":
                secret = client.get("/api/v1/auth/totp/enrolment").json()["secret"]
                r = client.post(
                    "/api/v1/auth/totp/enrolment",
                    json={"code": pyotp.TOTP(secret).now()},
                    headers={"X-CSRF-Token": csrf},
                )
                assert r.status_code == 200, r.text
                csrf = r.json()["csrf_token"]
            assert r.json()["step"] == "done"
            assert client.get("/api/v1/me").status_code == 200
            return Identity(name, client.cookies["td_session"], csrf)


@pytest.fixture(scope="module")
def served_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDesk]:
    """`trustdesk serve` on loopback (SQLite, one job worker), seeded with the demo retailers; mail checks
    ask a local DNS server that knows no names, never the internet."""
    with DnsTestServer() as dns:
        server = make_server(
            tmp_path_factory.mktemp("contract"),
            extra_env={"TRUSTDESK_DNS_NAMESERVERS": f"127.0.0.1:{dns.port}", "TRUSTDESK_JOB_WORKERS": "1"},
        )
        server.start()
        try:
            yield ServedDesk(server)
        finally:
            server.stop()
