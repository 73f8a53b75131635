"""record_outbound stores only keyed digests; the public check page and API answer from the store."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import verify_chain
from trustdesk.authenticity.service import (
    compose_email,
    create_dkim_key,
    dkim_private_key,
    fingerprint_key,
    record_outbound,
)
from trustdesk.channels.demo import seed_demo_channels
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import AuditEvent, DkimKey, SentMessage, Tenant
from trustdesk.web.app import create_app

TEXT = (
    "Hello Pat, your refund of EUR 59.90 goes to IBAN DE89 3704 0044 0532 0130 00 today. "
    "Track it at https://acmeoutfitters.com/orders/A-10442 or call +1 800 555 0199."
)


@pytest.fixture
def app(migrated_engine, database_url, settings_factory):  # type: ignore[no-untyped-def]
    app = create_app(
        settings_factory(database_url, public_base_url="https://desk.example.net"), engine=migrated_engine
    )
    app.state.trustdesk.extras["authenticity_resolver"] = None  # no DNS in these tests
    return app


@pytest.fixture
def database_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """SQLite only here: test_store_on_both_databases.py covers PostgreSQL."""
    return f"sqlite:///{tmp_path / 'trustdesk.db'}"


@pytest.fixture
def sessions(migrated_engine):  # type: ignore[no-untyped-def]
    return make_session_factory(migrated_engine)


@pytest.fixture
def acme(sessions):  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, "acme", domain="acmeoutfitters.com")
        tenant.name = "Acme Outfitters"
        make_user(s, tenant, "admin1@acme.test", Role.ADMIN)
        make_user(s, tenant, "admin2@acme.test", Role.ADMIN)
        seed_demo_channels(s, tenant)
        s.commit()
        return tenant.id


def _record(app, sessions, acme_id: int, text: str = TEXT):  # type: ignore[no-untyped-def]
    settings = app.state.trustdesk.settings
    with sessions() as s:
        tenant = s.get(Tenant, acme_id)
        sent = record_outbound(
            s,
            tenant,
            channel="email",
            text=text,
            recipient="pat@example.org",
            key=fingerprint_key(settings),
            public_base_url=settings.public_base_url,
        )
        s.commit()
    return sent


def test_record_outbound_stores_no_text(app, sessions, acme) -> None:  # type: ignore[no-untyped-def]
    sent = _record(app, sessions, acme)
    assert (
        sent.footer == f"Reference {sent.reference} \u00b7 check it at https://desk.example.net/t/acme/check"
    )
    with sessions() as s:
        row = s.scalar(select(SentMessage).where(SentMessage.reference == sent.reference))
        stored = repr({c.name: getattr(row, c.name) for c in SentMessage.__table__.columns})
    for secret in (
        "DE89",
        "370400440532013000",
        "59.90",
        "acmeoutfitters.com/orders",
        "pat@example.org",
        "5550199",
    ):
        assert secret not in stored
    assert row.token_count > 10 and len(row.critical_digests) >= 4


def test_api_genuine_and_altered(app, sessions, acme) -> None:  # type: ignore[no-untyped-def]
    sent = _record(app, sessions, acme)
    client = TestClient(app)
    genuine = client.post(
        "/api/v1/messages/check", json={"text": TEXT + "\n\n" + sent.footer, "tenant": "acme"}
    )
    assert genuine.status_code == 200, genuine.text
    assert genuine.json()["verdict"] == "genuine"
    altered = client.post(
        "/api/v1/messages/check", json={"text": TEXT.replace("0130 00", "0130 01") + "\n" + sent.footer}
    )
    body = altered.json()
    assert body["verdict"] == "altered" and body["tenant"] == "acme"
    assert body["changes"] == ["The bank account number (IBAN) was changed."]
    assert set(body["auth"]) == {"spf", "dkim", "dmarc"}
    with sessions() as s:  # nothing submitted was stored
        assert s.scalar(select(SentMessage.id).where(SentMessage.reference != sent.reference)) is None


def test_api_rejects_empty_and_bad_input(app, acme) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    assert client.post("/api/v1/messages/check", json={}).status_code == 422
    assert client.post("/api/v1/messages/check", json={"eml_base64": "***"}).status_code == 422
    assert client.post("/api/v1/messages/check", json={"text": "hi", "tenant": "nobody"}).status_code == 404


def test_dkim_key_encrypted_audited_and_signed_mail_checks_genuine(app, sessions, acme) -> None:  # type: ignore[no-untyped-def]
    state = app.state.trustdesk
    with sessions() as s:
        tenant = s.get(Tenant, acme)
        row = create_dkim_key(s, tenant, state.box, actor="test", selector="td1", bits=1024)
        assert "PRIVATE KEY" not in row.private_key_encrypted
        assert b"PRIVATE KEY" in dkim_private_key(state.box, row)
        sent, raw = compose_email(
            s,
            tenant,
            state.box,
            text=TEXT,
            from_address="Acme Outfitters <support@acmeoutfitters.com>",
            to_address="pat@example.org",
            subject="Your refund",
            key=fingerprint_key(state.settings),
            public_base_url=state.settings.public_base_url,
        )
        s.commit()
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.action == "dkim.key_created"))
        assert verify_chain(s).intact
        assert s.scalar(select(DkimKey.selector)) == "td1"
    assert raw.startswith(b"DKIM-Signature:")
    client = TestClient(app)
    result = client.post(
        "/api/v1/messages/check", json={"eml_base64": base64.b64encode(raw).decode(), "tenant": "acme"}
    ).json()
    assert result["verdict"] == "genuine", result
    assert result["reference"] == sent.reference
    assert "our-signature-valid" in [r["code"] for r in result["reasons"]]


def test_public_page_paste_upload_and_reference(app, sessions, acme) -> None:  # type: ignore[no-untyped-def]
    sent = _record(app, sessions, acme)
    client = TestClient(app)
    page = client.get(f"/t/acme/check?ref={sent.reference}")
    assert page.status_code == 200 and "Was this really from Acme Outfitters?" in page.text
    assert sent.reference in page.text
    pasted = client.post("/t/acme/check", data={"text": TEXT + "\n" + sent.footer, "reference": ""})
    assert pasted.status_code == 200 and "Genuine" in pasted.text
    changed = TEXT.replace(
        "https://acmeoutfitters.com/orders/A-10442", "https://acme-outfitters.co/orders/A-10442"
    )
    upload = client.post(
        "/t/acme/check",
        data={"text": "", "reference": sent.reference},
        files={"eml": ("msg.txt", changed.encode(), "text/plain")},
    )
    assert "Changed by someone" in upload.text and "A link was changed." in upload.text
    empty = client.post("/t/acme/check", data={"text": " ", "reference": ""})
    assert empty.status_code == 422
    assert client.get("/t/nobody/check").status_code == 404


def test_check_is_rate_limited(app, acme) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    codes = [
        client.post("/api/v1/messages/check", json={"text": "hello there"}).status_code for _ in range(32)
    ]
    assert codes[0] == 200 and codes[-1] == 429


def test_admin_mail_page_creates_and_shows_the_dkim_record(app, sessions, acme) -> None:  # type: ignore[no-untyped-def]
    from tests.foundation.factory import sign_in_staff

    admin, _ = sign_in_staff(TestClient(app), "acme", "admin1@acme.test")
    page = admin.client.get("/console/mail")
    assert page.status_code == 200 and "No signing key yet" in page.text
    forged = admin.client.post("/console/mail/dkim-keys", data={"csrf_token": "wrong"})
    assert forged.status_code == 403
    created = admin.client.post("/console/mail/dkim-keys", data={"csrf_token": admin.csrf})
    assert created.status_code == 200
    assert (
        "._domainkey.acmeoutfitters.com. 3600 IN TXT" in created.text and "v=DKIM1; k=rsa; p=" in created.text
    )
    assert admin.client.post("/console/mail/dkim-keys", data={"csrf_token": admin.csrf}).status_code == 409
    assert TestClient(app).get("/console/mail", follow_redirects=False).status_code == 303
