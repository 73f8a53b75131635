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
    """Acme (official domain acmeoutfitters.com) with a security analyst; Other with its own analyst."""
    with sessions() as s:
        tenant = make_tenant(s, "acme", domain="acmeoutfitters.com")
        tenant.name = "Acme Outfitters"
        make_user(s, tenant, "sec@acme.test", Role.SECURITY)
        make_user(s, tenant, "agent@acme.test", Role.AGENT)
        other = make_tenant(s, "other", domain="othershop.com")
        make_user(s, other, "sec@other.test", Role.SECURITY)
        s.commit()
    return "acme"


@pytest.fixture
def public(app):  # type: ignore[no-untyped-def]
    return TestClient(app)


@pytest.fixture
def staff(app, shop):  # type: ignore[no-untyped-def]
    cache = {}

    def get(email: str = "sec@acme.test"):  # type: ignore[no-untyped-def]
        if email not in cache:
            tenant = "other" if email.endswith("@other.test") else shop
            cache[email] = sign_in_staff(TestClient(app), tenant, email)[0]
        return cache[email]

    return get
