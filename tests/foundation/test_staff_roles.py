"""Role changes apply to staff accounts only: a customer is never promoted, staff never become customers."""

from __future__ import annotations

from sqlalchemy import select
from tests.foundation.factory import PASSWORD, make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import User, UserSession


def _setup(sessions) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, "acme")
        ids = {
            email: make_user(s, tenant, email, role).id
            for email, role in [
                ("admin@acme.test", Role.ADMIN),
                ("agent@acme.test", Role.AGENT),
                ("shopper@example.net", Role.CUSTOMER),
            ]
        }
        s.commit()
    return ids


def test_a_customer_account_cannot_be_promoted(sessions, client, new_client) -> None:  # type: ignore[no-untyped-def]
    ids = _setup(sessions)
    shopper = new_client()
    login = shopper.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD}
    )
    assert login.status_code == 200
    admin, _ = sign_in_staff(client, "acme", "admin@acme.test")
    for role in ("admin", "agent", "security"):
        r = client.put(
            f"/api/v1/staff/{ids['shopper@example.net']}/role", json={"role": role}, headers=admin.headers()
        )
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "not_staff"
        assert "customer account" in r.json()["error"]["message"]
    with sessions() as s:
        assert s.get(User, ids["shopper@example.net"]).role == "customer"  # type: ignore[union-attr]
        # Nothing happened to the customer's session either.
        assert (
            s.scalars(
                select(UserSession).where(
                    UserSession.user_id == ids["shopper@example.net"], UserSession.revoked_at.is_not(None)
                )
            ).all()
            == []
        )
    assert shopper.get("/api/v1/me").status_code == 200
    actions = [e["action"] for e in client.get("/api/v1/audit").json()]
    assert "user.role_changed" not in actions


def test_staff_cannot_be_turned_into_a_customer(sessions, client) -> None:  # type: ignore[no-untyped-def]
    ids = _setup(sessions)
    admin, _ = sign_in_staff(client, "acme", "admin@acme.test")
    r = client.put(
        f"/api/v1/staff/{ids['agent@acme.test']}/role", json={"role": "customer"}, headers=admin.headers()
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_staff"
    with sessions() as s:
        assert s.get(User, ids["agent@acme.test"]).role == "agent"  # type: ignore[union-attr]
