"""The signed-in customer's account page lists the agents announced to contact them, with the code."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import PASSWORD, add_orders, make_tenant, make_user, order_row

from trustdesk.accounts.permissions import Role
from trustdesk.authenticity.agent_contacts import open_contact
from trustdesk.authenticity.service import fingerprint_key
from trustdesk.channels.demo import seed_demo_channels
from trustdesk.store.models import Customer


def test_account_lists_announced_agent_contact(app, sessions, client) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, "acme", domain="acmeoutfitters.com")
        tenant.name = "Acme Outfitters"
        make_user(s, tenant, "admin1@acme.test", Role.ADMIN)
        make_user(s, tenant, "admin2@acme.test", Role.ADMIN)
        agent = make_user(s, tenant, "agent@acme.test", Role.AGENT)
        seed_demo_channels(s, tenant)
        add_orders(s, tenant, [order_row("A-1001", "pat@example.org")])
        shopper = make_user(s, tenant, "pat@example.org", Role.CUSTOMER)
        customer = s.scalar(select(Customer).where(Customer.email == "pat@example.org"))
        customer.user_id = shopper.id
        key = fingerprint_key(app.state.trustdesk.settings)
        _, code = open_contact(
            s,
            tenant,
            agent,
            customer=customer,
            channel="phone",
            official_contact="+1 800 555 0199",
            key=key,
            order_number="A-1001",
        )
        s.commit()
    empty = TestClient(app).get("/account", follow_redirects=False)
    assert empty.status_code == 303
    client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "pat@example.org", "password": PASSWORD}
    )
    page = client.get("/account").text
    assert code in page and "A-1001" in page and "agent A10" in page
