"""Verifiable agents: announced contacts with one-time codes; expiry, single use, lockout, audit, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import add_orders, make_tenant, make_user, order_row, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.authenticity.agent_contacts import (
    MAX_FAILED_CHECKS,
    CodeOutcome,
    ContactError,
    check_code,
    contacts_for_customer,
    open_contact,
)
from trustdesk.authenticity.fingerprint import FingerprintKey
from trustdesk.channels.demo import seed_demo_channels
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import AgentContact, AuditEvent, Customer, Tenant, User
from trustdesk.web.app import create_app

KEY = FingerprintKey.derive("agent contact tests")


@pytest.fixture
def database_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """SQLite only here: test_store_on_both_databases.py covers PostgreSQL."""
    return f"sqlite:///{tmp_path / 'trustdesk.db'}"


@pytest.fixture
def sessions(migrated_engine):  # type: ignore[no-untyped-def]
    return make_session_factory(migrated_engine)


@pytest.fixture
def shop(sessions):  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, "acme", domain="acmeoutfitters.com")
        tenant.name = "Acme Outfitters"
        make_user(s, tenant, "admin1@acme.test", Role.ADMIN)
        make_user(s, tenant, "admin2@acme.test", Role.ADMIN)
        make_user(s, tenant, "agent@acme.test", Role.AGENT)
        seed_demo_channels(s, tenant)
        add_orders(
            s, tenant, [order_row("A-1001", "pat@example.org"), order_row("A-1002", "kim@example.org")]
        )
        s.commit()
    return "acme"


def _open(s, minutes: int = 30, official: str = "+1 800 555 0199"):  # type: ignore[no-untyped-def]
    tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
    agent = s.scalar(select(User).where(User.email == "agent@acme.test"))
    pat = s.scalar(select(Customer).where(Customer.email == "pat@example.org"))
    row, code = open_contact(
        s, tenant, agent, customer=pat, channel="phone", official_contact=official, order_number="A-1001",
        minutes=minutes, key=KEY,
    )  # fmt: skip
    return tenant, pat, row, code


def _check(s, tenant, code: str, order: str = "A-1001", email: str = "Pat@Example.org"):  # type: ignore[no-untyped-def]
    return check_code(s, tenant, order_number=order, email=email, code=code, key=KEY)


def test_lifecycle_valid_once_then_used(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant, pat, row, code = _open(s)
        listed = contacts_for_customer(s, tenant, pat, KEY)
        assert listed[0]["code"] == code and len(code) == 6 and code.isdigit()
        assert listed[0]["official_contact"] == "+18005550199" and listed[0]["agent_number"]
        assert code not in repr({c.name: getattr(row, c.name) for c in AgentContact.__table__.columns})
        first = _check(s, tenant, code)
        assert first.outcome is CodeOutcome.VALID and first.contact["channel"] == "phone"
        assert _check(s, tenant, code).outcome is CodeOutcome.ALREADY_USED
        assert contacts_for_customer(s, tenant, pat, KEY) == []
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("agent_contact.%"))).all()
        assert actions.count("agent_contact.checked") == 2 and "agent_contact.opened" in actions
        details = s.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "agent_contact.checked")
        ).all()
        assert all(code not in repr(d) for d in details)
        s.commit()


def test_no_contact_wrong_order_or_email(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant, _, _, code = _open(s)
        assert _check(s, tenant, code, order="A-1002").outcome is CodeOutcome.NO_CONTACT
        assert _check(s, tenant, code, email="kim@example.org").outcome is CodeOutcome.NO_CONTACT
        result = _check(s, tenant, "123456", order="A-1002", email="kim@example.org")
        assert result.outcome is CodeOutcome.NO_CONTACT and "is not Acme Outfitters" in result.explanation


def test_expired_code(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant, _, row, code = _open(s, minutes=1)
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        s.flush()
        assert _check(s, tenant, code).outcome is CodeOutcome.EXPIRED


def test_brute_force_locks_the_contact(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant, _, row, code = _open(s)
        wrong = [
            c for c in ("000000", "111111", "222222", "333333", "444444", "555555", "666666") if c != code
        ]
        outcomes = [_check(s, tenant, c).outcome for c in wrong[:MAX_FAILED_CHECKS]]
        assert outcomes == [CodeOutcome.WRONG_CODE] * MAX_FAILED_CHECKS
        assert row.locked_at is not None
        assert _check(s, tenant, code).outcome is CodeOutcome.LOCKED  # even the right code, once locked


def test_only_official_channels_and_own_orders(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        with pytest.raises(ContactError, match="not one of Acme Outfitters' official"):
            _open(s, official="+1 800 555 0123")
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        agent = s.scalar(select(User).where(User.email == "agent@acme.test"))
        pat = s.scalar(select(Customer).where(Customer.email == "pat@example.org"))
        with pytest.raises(ContactError, match="order does not belong"):
            open_contact(
                s, tenant, agent, customer=pat, channel="email", official_contact="support@acmeoutfitters.com",
                order_number="A-1002", key=KEY,
            )  # fmt: skip


def test_api_open_and_public_check_with_rate_limit(
    migrated_engine, database_url, settings_factory, shop, sessions
) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings_factory(database_url), engine=migrated_engine)
    agent, _ = sign_in_staff(TestClient(app), "acme", "agent@acme.test")
    with sessions() as s:
        pat_id = s.scalar(select(Customer.id).where(Customer.email == "pat@example.org"))
    opened = agent.client.post(
        "/api/v1/agent-contacts",
        json={
            "customer_id": pat_id,
            "channel": "phone",
            "official_contact": "+1 800 555 0199",
            "order_number": "A-1001",
        },
        headers=agent.headers(),
    )
    assert opened.status_code == 201, opened.text
    code = opened.json()["code"]
    public = TestClient(app)
    body = {"tenant": "acme", "order_number": "A-1001", "email": "pat@example.org"}
    assert (
        public.post("/api/v1/agent-contacts/check", json={**body, "code": code}).json()["outcome"] == "valid"
    )
    page = public.post(
        "/t/acme/check-caller", data={"order_number": "A-1001", "email": "pat@example.org", "code": code}
    )
    assert page.status_code == 200 and "already checked" in page.text
    statuses = [
        public.post("/api/v1/agent-contacts/check", json={**body, "code": "999999"}).status_code
        for _ in range(10)
    ]
    assert statuses[-1] == 429
    refused = agent.client.post(
        "/api/v1/agent-contacts",
        json={"customer_id": pat_id, "channel": "phone", "official_contact": "+1 202 555 0100"},
        headers=agent.headers(),
    )
    assert refused.status_code == 422
