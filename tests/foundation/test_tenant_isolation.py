"""A signed-in admin of tenant A can never read or change tenant B's data, over every API route.

The routes are taken from the app's route table, so a new route is covered without editing this test.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from tests.foundation.factory import add_orders, make_tenant, make_user, order_row, sign_in_staff
from tests.isolation_providers import PROVIDERS, PUBLIC_PREFIXES

from trustdesk.accounts.permissions import Role
from trustdesk.channels.changes import ChannelInput, request_change
from trustdesk.channels.reported import confirm_indicator
from trustdesk.store.models import AuditEvent, Customer, Order, Tenant, User
from trustdesk.web.app import route_table

MARKER = "zzbeta"


def _snapshot(session, tenant_id: int) -> str:  # type: ignore[no-untyped-def]
    rows = []
    for model in (Customer, Order, User):
        for obj in session.scalars(select(model).where(model.tenant_id == tenant_id).order_by(model.id)):
            rows.append(
                {
                    c.name: str(getattr(obj, c.name))
                    for c in model.__table__.columns
                    if c.name != "last_login_at"
                }
            )
    return json.dumps(rows, sort_keys=True)


def _api_routes(app):  # type: ignore[no-untyped-def]
    for route in route_table(app):
        # Sign-in routes act on the caller's own session (and logout would end the sweep).
        if route.path.startswith("/api/v1/") and not route.path.startswith(
            (*PUBLIC_PREFIXES, "/api/v1/auth/")
        ):
            yield route


def test_every_route_hides_other_tenants_data(app, sessions, client) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        alpha = make_tenant(s, "alpha")
        beta = make_tenant(s, "beta", domain=f"{MARKER}.com")
        make_user(s, alpha, "admin@alpha.test", Role.ADMIN)
        make_user(s, beta, f"admin@{MARKER}.test", Role.ADMIN)
        make_user(s, beta, f"agent@{MARKER}.test", Role.AGENT)
        add_orders(s, alpha, [order_row("A-1", "pat@alpha-customer.test")])
        add_orders(s, beta, [order_row(f"{MARKER.upper()}-1", f"kim@{MARKER}-customer.test")])
        beta_admin = s.scalar(select(User).where(User.email == f"admin@{MARKER}.test"))
        request_change(s, beta, beta_admin, "add", data=ChannelInput("phone", "+1 800 555 0142"))
        confirm_indicator(s, beta, beta_admin, "domain", f"{MARKER}-fake.com")
        s.commit()
        beta_id = beta.id
    signed, _ = sign_in_staff(client, "alpha", "admin@alpha.test")

    with sessions() as s:
        beta = s.get(Tenant, beta_id)
        before = _snapshot(s, beta_id)
        audit_before = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        plans = []
        for route in _api_routes(app):
            params = re.findall(r"{(\w+)(?::\w+)?}", route.path)
            values = {}
            for name in params:
                assert name in PROVIDERS, (
                    f"route {route.path}: add a provider for '{name}' in tests/isolation_providers.py"
                )
                value = PROVIDERS[name](s, beta)
                assert value is not None, f"no object of the other tenant for '{name}'"
                values[name] = value
            plans.append((route, params, values))
    checked = 0
    for route, params, values in plans:
        url = route.path
        for name, value in values.items():
            url = re.sub(r"\{" + name + r"(?::\w+)?\}", str(value), url)
        for method in route.methods - {"HEAD"}:
            response = client.request(method, url, json={}, headers=signed.headers())
            checked += 1
            if params:
                assert response.status_code in (403, 404, 405, 422), (
                    f"{method} {route.path} -> {response.status_code}"
                )
            assert MARKER not in response.text.lower(), (
                f"{method} {route.path} leaked the other tenant's data"
            )
    assert client.get("/api/v1/me").status_code == 200, "the sweep must run signed in from start to end"
    with sessions() as s:
        assert _snapshot(s, beta_id) == before, "a route changed the other tenant's data"
        leaked_audit = s.scalars(
            select(AuditEvent).where(AuditEvent.id > (audit_before or 0), AuditEvent.tenant_id == beta_id)
        ).all()
        assert not [e for e in leaked_audit if e.action not in ("auth.login_failed",)]
    assert checked >= 10
