from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.db import make_session_factory
from trustdesk.web.app import create_app


@pytest.fixture
def app(migrated_engine, database_url, settings_factory):  # type: ignore[no-untyped-def]
    return create_app(settings_factory(database_url), engine=migrated_engine)


@pytest.fixture
def sessions(migrated_engine):  # type: ignore[no-untyped-def]
    return make_session_factory(migrated_engine)


@pytest.fixture
def shop(sessions):  # type: ignore[no-untyped-def]
    """Acme with two admins, an agent and a security analyst."""
    with sessions() as s:
        tenant = make_tenant(s, "acme", domain="acmeoutfitters.com")
        tenant.name = "Acme Outfitters"
        for email, role in [
            ("admin1@acme.test", Role.ADMIN),
            ("admin2@acme.test", Role.ADMIN),
            ("agent@acme.test", Role.AGENT),
            ("sec@acme.test", Role.SECURITY),
        ]:
            make_user(s, tenant, email, role)
        s.commit()
    return "acme"


def seed_registry(sessions, items) -> None:  # type: ignore[no-untyped-def]
    """Add official channels to acme through the real four-eyes path (admin1 requests, admin2 approves)."""
    from trustdesk.channels.changes import seed_channels
    from trustdesk.store.models import Tenant, User

    with sessions() as s:
        tenant = s.query(Tenant).filter_by(slug="acme").one()
        a1 = s.query(User).filter_by(email="admin1@acme.test").one()
        a2 = s.query(User).filter_by(email="admin2@acme.test").one()
        seed_channels(s, tenant, a1, a2, items)
        s.commit()


@pytest.fixture
def signed_in(app, shop):  # type: ignore[no-untyped-def]
    cache = {}

    def get(email: str):  # type: ignore[no-untyped-def]
        if email not in cache:
            client = TestClient(app)
            cache[email] = sign_in_staff(client, shop, email)[0]
        return cache[email]

    return get
