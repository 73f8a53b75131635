"""Fixtures for mail tests: a real local DNS server, a resolver pointed at it, DKIM keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.dns_server import DnsTestServer
from trustdesk.mail import DkimKeyPair, Resolver, generate_dkim_keypair


@pytest.fixture
def dns() -> Iterator[DnsTestServer]:
    """A started authoritative DNS server on 127.0.0.1 with an empty zone; tests add records."""
    server = DnsTestServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def resolver(dns: DnsTestServer) -> Resolver:
    """A Resolver that asks only the local test server (short timeout: timeouts are tested)."""
    return Resolver(["127.0.0.1"], port=dns.port, timeout=0.3, lifetime=0.6)


@pytest.fixture(scope="session")
def shop_key() -> DkimKeyPair:
    """The demo retailer's DKIM key (2048-bit, so its TXT record needs TCP fallback)."""
    return generate_dkim_keypair(2048)


@pytest.fixture(scope="session")
def other_key() -> DkimKeyPair:
    """A second key, for wrong-key and multi-signature cases."""
    return generate_dkim_keypair(1024)
