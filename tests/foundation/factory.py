"""Builders for realistic state in foundation tests: tenants, staff with 2FA, signed-in clients."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.support.databases import migrate

from trustdesk.accounts import service as accounts
from trustdesk.accounts.permissions import Role
from trustdesk.commerce.importer import import_orders
from trustdesk.config import get_settings
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import Tenant, User
from trustdesk.tenancy.service import create_tenant

PASSWORD = "correct horse battery staple"


def make_tenant(session: Session, slug: str, domain: str | None = None) -> Tenant:
    return create_tenant(
        session, slug=slug, name=slug.title() + " Shop", primary_domain=domain or f"{slug}-shop.com"
    )


@contextmanager
def cli_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: Callable[[Session], object]
) -> Iterator[str]:
    """A migrated SQLite file seeded by `seed(session)`, which the CLI opens (TRUSTDESK_DATABASE_URL)."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        seed(s)
        s.commit()
    engine.dispose()
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        yield url
    finally:
        get_settings.cache_clear()


# Accounts built here stand for staff who have worked on the desk for a while: past the four-eyes
# cool-off (72 h by default), so an admin can approve another admin's change. Tests of the cool-off
# itself pass established=False.
ESTABLISHED_AGE = timedelta(days=30)


def make_user(
    session: Session,
    tenant: Tenant,
    email: str,
    role: Role,
    password: str = PASSWORD,
    *,
    established: bool = True,
) -> User:
    user = accounts.create_user(
        session,
        tenant,
        email=email,
        display_name=email.split("@")[0],
        role=role,
        password=password,
        actor="test",
    )
    if established:
        user.created_at = user.created_at - ESTABLISHED_AGE
    return user


def order_row(number: str, email: str, **extra: object) -> dict:
    row = {
        "order_number": number,
        "customer_email": email,
        "customer_name": "Pat Example",
        "status": "delivered",
        "placed_at": "2026-10-01T10:00:00+00:00",
        "shipped_at": "2026-10-02T10:00:00+00:00",
        "delivered_at": "2026-10-04T10:00:00+00:00",
        "total": "59.90",
        "carrier": "UPS",
        "tracking_number": "1Z999AA10123456784",
        "items": [{"sku": "SKU-1", "name": "Socks", "quantity": 2, "unit_price": "29.95"}],
    }
    row.update(extra)
    return row


def add_orders(session: Session, tenant: Tenant, rows: list[dict]) -> None:
    import io
    import json

    report = import_orders(
        session, tenant, io.StringIO("\n".join(json.dumps(r) for r in rows)), "jsonl", actor="test"
    )
    assert not report.errors, report.errors


@dataclass
class SignedIn:
    client: TestClient
    csrf: str
    user_id: int

    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}


def totp_now(secret: str, *, offset_steps: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + offset_steps * totp.interval)


def sign_in_staff(
    client: TestClient, tenant: str, email: str, password: str = PASSWORD
) -> tuple[SignedIn, str]:
    """Password, enrol TOTP, confirm: returns a fully signed-in client and the TOTP secret."""
    r = client.post("/api/v1/auth/login", json={"tenant": tenant, "email": email, "password": password})
    assert r.status_code == 200, r.text
    assert r.json()["step"] == "enrolment_required"
    csrf = r.json()["csrf_token"]
    enrol = client.get("/api/v1/auth/totp/enrolment")
    assert enrol.status_code == 200, enrol.text
    secret = enrol.json()["secret"]
    done = client.post(
        "/api/v1/auth/totp/enrolment", json={"code": totp_now(secret)}, headers={"X-CSRF-Token": csrf}
    )
    assert done.status_code == 200, done.text
    me = client.get("/api/v1/me").json()
    return SignedIn(client, done.json()["csrf_token"], me["id"]), secret
