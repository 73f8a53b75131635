"""The console's key page: only the operating retailer's admins see and use it; every change needs
the session's CSRF token, is audited and writes the key files; no key material reaches the page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user, sign_in_staff
from tests.support.databases import migrate

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import verify_chain
from trustdesk.config import get_settings
from trustdesk.jobs import Worker
from trustdesk.runtime import default_handlers
from trustdesk.secretbox import SecretBox
from trustdesk.signing_keys import secret_key_id
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent, WebhookEndpoint
from trustdesk.store.resealing import encryption_key_id
from trustdesk.web.app import create_app


@pytest.fixture
def desk(sqlite_url, tmp_path, monkeypatch, request):  # type: ignore[no-untyped-def]
    data = tmp_path / "var"
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(data))
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TRUSTDESK_KEYS_ADMIN_TENANT", "acme")
    for name in ("SECRET_KEY", "ENCRYPTION_KEY"):
        monkeypatch.delenv(f"TRUSTDESK_{name}", raising=False)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    settings = get_settings()
    engine = make_engine(sqlite_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        acme = make_tenant(s, "acme")
        other = make_tenant(s, "globex")
        for tenant, email, role in (
            (acme, "admin@acme.test", Role.ADMIN),
            (acme, "admin2@acme.test", Role.ADMIN),
            (acme, "agent@acme.test", Role.AGENT),
            (acme, "security@acme.test", Role.SECURITY),
            (other, "admin@globex.test", Role.ADMIN),
        ):
            make_user(s, tenant, email, role)
        s.add(
            WebhookEndpoint(
                tenant_id=acme.id,
                url="https://h.example/1",
                secret_encrypted=SecretBox(settings.encryption_key or "").seal("hook-secret"),
            )
        )
        s.commit()
    yield engine, data, settings
    engine.dispose()


def _client(engine, tenant: str, email: str) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    client = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    signed, _ = sign_in_staff(client, tenant, email)
    return client, signed.csrf


def test_only_the_operating_retailers_admins_reach_the_page(desk) -> None:  # type: ignore[no-untyped-def]
    engine, data, _ = desk
    before = (data / "secret_key").read_text()
    for tenant, email in (
        ("acme", "agent@acme.test"),
        ("acme", "security@acme.test"),
        ("globex", "admin@globex.test"),
    ):
        client, csrf = _client(engine, tenant, email)
        assert client.get("/console/keys").status_code == 403, email
        assert 'href="/console/keys"' not in client.get("/console").text
        for path, form in (
            ("/console/keys/rotate", {"kind": "secret"}),
            ("/console/keys/rotate", {"kind": "encryption"}),
            ("/console/keys/retire", {"kind": "secret", "key_id": "0123456789ab"}),
        ):
            assert client.post(path, data={"csrf_token": csrf, **form}).status_code == 403, (email, path)
    assert (data / "secret_key").read_text() == before
    with make_session_factory(engine)() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action.like("keys.%"))) is None


def test_signed_out_visitors_are_sent_to_sign_in(desk) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = desk
    client = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    r = client.get("/console/keys", follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")


def test_a_single_retailer_desks_admins_operate_without_the_setting(desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = desk
    monkeypatch.delenv("TRUSTDESK_KEYS_ADMIN_TENANT")
    get_settings.cache_clear()
    client, _ = _client(engine, "acme", "admin@acme.test")
    assert client.get("/console/keys").status_code == 403  # two retailers: nobody by default
    from trustdesk.keyring.operators import operates_keys

    assert operates_keys(tenant_slug="acme", is_admin=True, configured=None, tenant_count=1)
    assert not operates_keys(tenant_slug="acme", is_admin=False, configured="acme", tenant_count=1)


def test_rotations_and_retirements_without_the_csrf_token_are_refused(desk) -> None:  # type: ignore[no-untyped-def]
    engine, data, _ = desk
    before = (data / "secret_key").read_text()
    client, _ = _client(engine, "acme", "admin@acme.test")
    for path, form in (
        ("/console/keys/rotate", {"kind": "secret"}),
        ("/console/keys/retire", {"kind": "secret", "key_id": "x"}),
    ):
        assert client.post(path, data={"csrf_token": "wrong", **form}).status_code == 403
    assert (data / "secret_key").read_text() == before


def test_an_admin_rotates_both_keys_and_retires_the_old_ones(desk) -> None:  # type: ignore[no-untyped-def]
    engine, data, settings = desk
    old_secret, old_key = settings.secret_key or "", settings.encryption_key or ""
    client, csrf = _client(engine, "acme", "admin@acme.test")
    assert 'href="/console/keys"' in client.get("/console").text
    page = client.get("/console/keys")
    assert page.status_code == 200
    assert secret_key_id(old_secret) in page.text and encryption_key_id(old_key) in page.text
    assert "No re-sealing has run yet." in page.text

    rotated = client.post("/console/keys/rotate", data={"csrf_token": csrf, "kind": "encryption"})
    assert rotated.status_code == 200, rotated.text
    ring = (data / "encryption_key").read_text().strip().split(",")
    assert ring[1] == old_key and len(ring) == 2
    assert f"New encryption key {encryption_key_id(ring[0])}" in rotated.text
    assert "Restart the desk" in rotated.text
    # Retiring before the restart and the re-seal is refused, and says why.
    early = client.post("/console/keys/retire", data={"csrf_token": csrf, "kind": "encryption"})
    assert early.status_code == 409 and "Not yet: stored secrets still need the older key." in early.text
    assert f"does not hold encryption key {encryption_key_id(ring[0])} yet" in early.text
    assert (data / "encryption_key").read_text().strip().split(",") == ring

    rotated = client.post(
        "/console/keys/rotate", data={"csrf_token": csrf, "kind": "secret", "end_sessions": "true"}
    )
    assert rotated.status_code == 200
    secrets_ring = (data / "secret_key").read_text().strip().split(",")
    assert secrets_ring[1] == old_secret and "1 staff session ended." in rotated.text

    # The workers and the desk restart with the new rings; the re-seal runs; the old keys retire.
    get_settings.cache_clear()
    Worker(
        make_session_factory(engine), default_handlers(), services={"box": SecretBox(",".join(ring))}
    ).run_once()
    client, csrf = _client(engine, "acme", "admin2@acme.test")  # the first one was signed out
    page = client.get("/console/keys")
    # The webhook's secret and the admin's second-factor secret, all of them.
    assert re.search(r"(\d+) of \1 stored secrets re-sealed with key \w+: done", page.text), page.text
    retired = client.post("/console/keys/retire", data={"csrf_token": csrf, "kind": "encryption"})
    assert retired.status_code == 200, retired.text
    assert (data / "encryption_key").read_text().strip() == ring[0]
    current = client.post(
        "/console/keys/retire",
        data={"csrf_token": csrf, "kind": "secret", "key_id": secret_key_id(secrets_ring[0])},
    )
    assert current.status_code == 409 and "current key" in current.text
    retired = client.post(
        "/console/keys/retire",
        data={"csrf_token": csrf, "kind": "secret", "key_id": secret_key_id(old_secret)},
    )
    assert retired.status_code == 200 and f"Retired: {secret_key_id(old_secret)}" in retired.text
    assert (data / "secret_key").read_text().strip() == secrets_ring[0]

    # No key material on any page, and every step audited with the admin as actor.
    for text in (page.text, retired.text, current.text):
        for key in (*ring, *secrets_ring):
            assert key not in text
    with make_session_factory(engine)() as s:
        actions = [
            e.action
            for e in s.scalars(
                select(AuditEvent).where(AuditEvent.action.like("keys.%")).order_by(AuditEvent.id)
            )
        ]
        assert actions == [
            "keys.reseal_started",
            "keys.encryption_rotated",
            "keys.secret_rotated",
            "keys.encryption_resealed",
            "keys.encryption_retired",
            "keys.secret_retired",
        ]
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.action.like("keys.%"))))
        # The re-seal's last batch runs in the worker, on behalf of the admin who started it.
        assert actors == {"admin:admin@acme.test", "admin:admin2@acme.test"}
        assert verify_chain(s).intact


def test_a_ring_set_in_the_environment_is_shown_but_not_changed(desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine, data, settings = desk
    monkeypatch.setenv("TRUSTDESK_SECRET_KEY", settings.secret_key or "")
    get_settings.cache_clear()
    client, csrf = _client(engine, "acme", "admin@acme.test")
    page = client.get("/console/keys")
    assert "set outside the data folder" in page.text and 'value="secret"' not in page.text
    refused = client.post("/console/keys/rotate", data={"csrf_token": csrf, "kind": "secret"})
    assert refused.status_code == 409 and "TRUSTDESK_SECRET_KEY" in refused.text
