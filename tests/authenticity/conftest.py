"""Fixtures for authenticity tests: a fingerprint key, the demo registry, an in-memory "desk" that
records what it sends, DKIM keys, and the real local DNS server used by the mail tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from support.dns_server import DnsTestServer
from trustdesk.authenticity import (
    DkimPublicKey,
    FingerprintKey,
    MessageCheck,
    StoredMessage,
    TenantIdentity,
    build_email,
    check_message,
    fingerprint_text,
    footer_line,
    new_reference,
)
from trustdesk.mail import DkimKeyPair, Resolver, generate_dkim_keypair
from trustdesk.verify import Registry
from trustdesk.verify.demo import demo_channels

BASE_URL = "https://desk.example.net"
SELECTOR = "td202611"
DOMAIN = "acmeoutfitters.com"

REFUND = """Hello Pat,

Thank you for waiting. Your refund of EUR 59.90 for order A-10442 has been approved and will be paid
to the account you gave us: IBAN DE89 3704 0044 0532 0130 00 (Pat Example).

You can follow it at https://acmeoutfitters.com/orders/A-10442/refund or call us on +1 800 555 0199.
Questions? Write to support@acmeoutfitters.com.

Kind regards,
Sam, Acme Outfitters support (agent 1042)"""


@pytest.fixture(scope="session")
def acme_key() -> DkimKeyPair:
    return generate_dkim_keypair(1024)


@pytest.fixture(scope="session")
def key() -> FingerprintKey:
    return FingerprintKey.derive("test deployment secret")


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry(demo_channels())


@dataclass
class Desk:
    """What the product does when it sends: record a fingerprint, add the footer; and the public check."""

    key: FingerprintKey
    registry: Registry
    dkim: DkimKeyPair
    records: dict[str, StoredMessage] = field(default_factory=dict)

    @property
    def acme(self) -> TenantIdentity:
        return TenantIdentity(
            slug="acme",
            name="Acme Outfitters",
            domains=(DOMAIN, "acmeoutfitters.help", "mail.acmeoutfitters.com"),
            dkim_keys=(DkimPublicKey(DOMAIN, SELECTOR, self.dkim.public_key_b64),),
            check_url=f"{BASE_URL}/t/acme/check",
            report_url=f"{BASE_URL}/t/acme/report",
        )

    def send(self, text: str, channel: str = "email") -> tuple[str, str]:
        """Record a message; returns (reference, the text as sent: message + footer)."""
        reference = new_reference()
        fp = fingerprint_text(self.key, "acme", text)
        self.records[reference] = StoredMessage(
            reference, self.acme, channel, datetime.now(UTC), fp.value, fp.token_count, fp.critical, fp.key_id
        )
        return reference, text.rstrip() + "\n\n" + footer_line(reference, BASE_URL, "acme") + "\n"

    def send_email(self, text: str, *, sign: bool = True) -> tuple[str, bytes]:
        reference, _ = self.send(text)
        raw = build_email(
            text=text,
            footer=footer_line(reference, BASE_URL, "acme"),
            reference=reference,
            from_address=f"Acme Outfitters <support@{DOMAIN}>",
            to_address="Pat Example <pat@example.org>",
            subject="Your refund for order A-10442",
            dkim_domain=DOMAIN if sign else None,
            dkim_selector=SELECTOR if sign else None,
            dkim_private_key_pem=self.dkim.private_key_pem if sign else None,
        )
        return reference, raw

    def check(
        self, data: bytes | str, *, resolver: Resolver | None = None, tenant: bool = True, **kw: object
    ) -> MessageCheck:
        return check_message(
            data,
            tenant=self.acme if tenant else None,
            registry=self.registry,
            resolver=resolver,
            lookup=self.records.get,
            key=self.key,
            tenants=lambda slug: self.acme if slug == "acme" else None,
            **kw,  # type: ignore[arg-type]
        )


@pytest.fixture
def desk(key: FingerprintKey, registry: Registry, acme_key: DkimKeyPair) -> Desk:
    return Desk(key, registry, acme_key)


@pytest.fixture
def dns() -> Iterator[DnsTestServer]:
    server = DnsTestServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def resolver(dns: DnsTestServer) -> Resolver:
    return Resolver(["127.0.0.1"], port=dns.port, timeout=0.3, lifetime=0.6)


@pytest.fixture
def acme_zone(dns: DnsTestServer, acme_key: DkimKeyPair) -> DnsTestServer:
    """acmeoutfitters.com publishes SPF for our relay, our DKIM key and DMARC p=reject."""
    record = acme_key.dns_record(SELECTOR, DOMAIN)
    dns.update(
        {
            DOMAIN: {"TXT": ["v=spf1 ip4:192.0.2.25 -all"]},
            "_dmarc." + DOMAIN: {"TXT": ["v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@acmeoutfitters.com"]},
            record.name: {"TXT": [record.value]},
        }
    )
    return dns
