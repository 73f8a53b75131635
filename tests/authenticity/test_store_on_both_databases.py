"""The stored side of authenticity behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from tests.foundation.factory import add_orders, make_tenant, make_user, order_row

from trustdesk.accounts.permissions import Role
from trustdesk.authenticity import FingerprintKey, MessageVerdict, check_message
from trustdesk.authenticity.agent_contacts import CodeOutcome, check_code, open_contact
from trustdesk.authenticity.service import make_lookup, record_outbound, tenant_identity
from trustdesk.channels.demo import seed_demo_channels
from trustdesk.channels.index import load_registry
from trustdesk.store.models import Customer, User

KEY = FingerprintKey.derive("both databases")
TEXT = (
    "Your refund of EUR 12.50 goes to IBAN DE89 3704 0044 0532 0130 00; see https://acmeoutfitters.com/r/1."
)


def test_record_lookup_check_and_agent_code(db_session) -> None:  # type: ignore[no-untyped-def]
    s = db_session
    tenant = make_tenant(s, "acme", domain="acmeoutfitters.com")
    tenant.name = "Acme Outfitters"
    make_user(s, tenant, "admin1@acme.test", Role.ADMIN)
    make_user(s, tenant, "admin2@acme.test", Role.ADMIN)
    agent = make_user(s, tenant, "agent@acme.test", Role.AGENT)
    seed_demo_channels(s, tenant)
    add_orders(s, tenant, [order_row("A-1", "pat@example.org")])
    sent = record_outbound(s, tenant, channel="chat", text=TEXT, key=KEY, public_base_url="https://d.test")
    s.commit()

    registry = load_registry(s)
    identity = tenant_identity(s, tenant)
    assert "acmeoutfitters.com" in identity.domains
    lookup = make_lookup(s)
    stored = lookup(sent.reference)
    assert stored is not None and stored.channel == "chat" and stored.tenant.slug == "acme"

    def check(text: str):  # type: ignore[no-untyped-def]
        return check_message(text, tenant=identity, registry=registry, resolver=None, lookup=lookup, key=KEY)

    assert check(TEXT + "\n" + sent.footer).verdict is MessageVerdict.GENUINE
    assert check(TEXT.replace("12.50", "125.0") + "\n" + sent.footer).verdict is MessageVerdict.ALTERED

    pat = s.scalar(select(Customer).where(Customer.email == "pat@example.org"))
    agent = s.scalar(select(User).where(User.id == agent.id))
    _, code = open_contact(
        s,
        tenant,
        agent,
        customer=pat,
        channel="email",
        official_contact="support@acmeoutfitters.com",
        key=KEY,
    )
    s.commit()
    assert check_code(s, tenant, order_number="A-1", email="pat@example.org", code=code, key=KEY).outcome is (
        CodeOutcome.VALID
    )
    s.commit()
