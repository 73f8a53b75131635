"""The admin API and console page: admins only, one tenant's people only, audited, CSRF-checked,
an erasure only with the address typed again."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import SignedIn, sign_in_staff
from tests.privacy.conftest import EMAIL, ORDER, PHONE, Seeded

from trustdesk.audit.log import verify_chain
from trustdesk.store.db import make_engine
from trustdesk.store.models import AuditEvent
from trustdesk.web.app import create_app


@pytest.fixture
def client(seeded: Seeded) -> Iterator[TestClient]:
    engine = make_engine(seeded.world.database_url)
    with TestClient(create_app(seeded.world.settings, engine=engine)) as c:
        yield c
    engine.dispose()


def admin(client: TestClient, tenant: str = "acme") -> SignedIn:
    domain = "acme-shop.com" if tenant == "acme" else "globex-shop.com"
    return sign_in_staff(client, tenant, f"boss@{domain}")[0]


@pytest.mark.parametrize(
    ("by", "value"), [("email", EMAIL.upper()), ("phone", "0170 5550123"), ("order", ORDER)]
)
def test_an_admin_finds_the_person_by_address_phone_or_order(client: TestClient, by: str, value: str) -> None:
    me = admin(client)
    r = client.post("/api/v1/privacy/search", json={"by": by, "value": value}, headers=me.headers())
    assert r.status_code == 200, r.text
    [match] = r.json()["matches"]
    assert match["email"] == EMAIL and match["counts"]["conversations"] == 3
    assert match["erased_before"] == 0


def test_export_and_erase_through_the_api(client: TestClient, seeded: Seeded) -> None:
    me = admin(client)
    r = client.post("/api/v1/privacy/export", json={"email": EMAIL}, headers=me.headers())
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    r = client.post("/api/v1/privacy/erase", json={"email": EMAIL}, headers=me.headers())
    assert r.status_code == 422 and r.json()["error"]["code"] == "confirmation_required"
    r = client.post("/api/v1/privacy/erase", json={"email": EMAIL, "dry_run": True}, headers=me.headers())
    assert r.status_code == 200 and r.json()["tombstone"] is None
    planned = r.json()["counts"]
    r = client.post("/api/v1/privacy/erase", json={"email": EMAIL, "confirm": EMAIL}, headers=me.headers())
    assert r.status_code == 200 and r.json()["counts"] == planned and r.json()["tombstone"]
    r = client.post("/api/v1/privacy/search", json={"by": "email", "value": EMAIL}, headers=me.headers())
    assert r.json()["matches"] == [{"email": EMAIL, "names": [], "counts": {}, "erased_before": 1}]
    with seeded.world.sessions() as s:
        assert verify_chain(s).intact
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("privacy.%")))]
        assert actions == ["privacy.exported", "privacy.erased", "privacy.searched"]


def test_an_agent_is_refused(client: TestClient) -> None:
    agent = sign_in_staff(client, "acme", "sam@acme-shop.com")[0]
    for path, body in [
        ("/api/v1/privacy/search", {"by": "email", "value": EMAIL}),
        ("/api/v1/privacy/export", {"email": EMAIL}),
        ("/api/v1/privacy/erase", {"email": EMAIL, "confirm": EMAIL}),
    ]:
        assert client.post(path, json=body, headers=agent.headers()).status_code == 403
    assert client.get("/console/privacy").status_code == 403


def test_another_retailers_admin_finds_only_its_own(client: TestClient, seeded: Seeded) -> None:
    other = admin(client, "globex")
    r = client.post("/api/v1/privacy/search", json={"by": "phone", "value": PHONE}, headers=other.headers())
    assert r.status_code == 200 and r.json()["matches"] == []  # the phone is Acme's record
    r = client.post(
        "/api/v1/privacy/export", json={"email": "sam.other@customer.example"}, headers=other.headers()
    )
    assert r.status_code == 404
    r = client.post(
        "/api/v1/privacy/erase",
        json={"email": "sam.other@customer.example", "confirm": "sam.other@customer.example"},
        headers=other.headers(),
    )
    assert r.status_code == 404


def test_without_the_csrf_token_nothing_happens(client: TestClient) -> None:
    admin(client)
    r = client.post("/api/v1/privacy/erase", json={"email": EMAIL, "confirm": EMAIL})
    assert r.status_code == 403
    r = client.post(
        "/console/privacy/erase",
        data={"csrf_token": "wrong", "email": EMAIL, "step": "erase", "confirm": EMAIL},
    )
    assert r.status_code == 403


def test_the_console_page_searches_confirms_and_erases(client: TestClient) -> None:
    me = admin(client)
    page = client.get("/console/privacy")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[-1].split(";")[0]
    assert "<script>" not in page.text and " on" + "click=" not in page.text
    found = client.post(
        "/console/privacy/search", data={"csrf_token": me.csrf, "by": "order", "value": ORDER}
    )
    assert found.status_code == 200 and EMAIL in found.text
    check = client.post(
        "/console/privacy/erase", data={"csrf_token": me.csrf, "email": EMAIL, "step": "check"}
    )
    assert check.status_code == 200 and "Type the address again" in check.text
    wrong = client.post(
        "/console/privacy/erase",
        data={"csrf_token": me.csrf, "email": EMAIL, "step": "erase", "confirm": "someone@else.example"},
    )
    assert wrong.status_code == 422
    done = client.post(
        "/console/privacy/erase",
        data={"csrf_token": me.csrf, "email": EMAIL, "step": "erase", "confirm": EMAIL},
    )
    assert done.status_code == 200 and re.search(r"Tombstone \d+", done.text)
    export = client.post("/console/privacy/export", data={"csrf_token": me.csrf, "email": EMAIL})
    assert export.status_code == 404
