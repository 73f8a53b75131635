"""Rotating the secret key: a new key signs from now on, the older keys keep verifying what they
signed (staff sessions, message references), `--end-sessions` signs everyone out, and the rotation
is audited by public key ids only."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from itsdangerous import BadSignature, Signer
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user, sign_in_staff
from tests.support.databases import migrate
from typer.testing import CliRunner

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import verify_chain
from trustdesk.authenticity import MessageVerdict
from trustdesk.authenticity.service import record_outbound, run_check
from trustdesk.cli.main import build_app
from trustdesk.config import get_settings
from trustdesk.privacy.service import PrivacyDeps, locate
from trustdesk.signing_keys import SESSION_SALT, fingerprint_ring, secret_key_id, session_signer
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent, Customer, Tenant, UserSession
from trustdesk.verify import Registry
from trustdesk.web.app import create_app
from trustdesk.web.deps import SESSION_COOKIE

runner = CliRunner()
TEXT = "Your refund for order A-10442 is approved: EUR 59.90 to the account ending 3000. Sam, support"


def test_the_signer_signs_with_the_newest_key_and_accepts_the_older_ones() -> None:
    old_cookie = Signer("old-secret", salt=SESSION_SALT).sign(b"token").decode()
    ring = session_signer("new-secret,old-secret")
    assert ring.unsign(old_cookie) == b"token"
    new_cookie = ring.sign(b"token")
    assert Signer("new-secret", salt=SESSION_SALT).unsign(new_cookie) == b"token"
    with pytest.raises(BadSignature):
        Signer("old-secret", salt=SESSION_SALT).unsign(new_cookie)
    with pytest.raises(BadSignature):
        session_signer("new-secret").unsign(old_cookie)


def test_the_fingerprint_ring_finds_an_older_key_by_its_id() -> None:
    ring = fingerprint_ring("new-secret,old-secret")
    assert ring.key_id == secret_key_id("new-secret")
    older = ring.for_id(secret_key_id("old-secret"))
    assert older is not None and older.key_id == secret_key_id("old-secret")
    assert ring.for_id("000000000000") is None
    assert fingerprint_ring("new-secret").for_id(secret_key_id("old-secret")) is None


@pytest.fixture
def desk(sqlite_url, tmp_path, monkeypatch, request):  # type: ignore[no-untyped-def]
    data = tmp_path / "var"
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(data))
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("TRUSTDESK_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    old = get_settings().secret_key  # generated into var/secret_key
    engine = make_engine(sqlite_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme")
        make_user(s, tenant, "agent@acme.test", Role.AGENT)
        make_user(s, tenant, "second@acme.test", Role.AGENT)
        s.add(Customer(tenant_id=tenant.id, email="pat@example.org", name="Pat Example"))
        s.commit()
    yield engine, data / "secret_key", old
    engine.dispose()


def _rotate(*args: str) -> dict:  # type: ignore[type-arg]
    done = runner.invoke(build_app("keys"), ["keys", "rotate", "--secret", "--json", *args])
    assert done.exit_code == 0, done.output
    get_settings.cache_clear()
    return json.loads(done.output)


def test_sessions_continue_across_a_rotation_and_new_cookies_use_the_new_key(desk) -> None:  # type: ignore[no-untyped-def]
    engine, key_file, old = desk
    before = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    sign_in_staff(before, "acme", "agent@acme.test")
    cookie = before.cookies[SESSION_COOKIE]

    result = _rotate()
    new = key_file.read_text().strip().split(",")
    assert len(new) == 2 and new[1] == old and key_file.stat().st_mode & 0o777 == 0o600
    assert result["key_id"] == secret_key_id(new[0]) and result["sessions_ended"] == 0

    # A restarted desk reads the ring: the cookie signed with the old key still opens the session.
    after = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    after.cookies.set(SESSION_COOKIE, cookie)
    assert after.get("/api/v1/me").json()["email"] == "agent@acme.test"
    fresh = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    sign_in_staff(fresh, "acme", "second@acme.test")
    with pytest.raises(BadSignature):
        Signer(old, salt=SESSION_SALT).unsign(fresh.cookies[SESSION_COOKIE])

    with make_session_factory(engine)() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "keys.secret_rotated"))
        assert event is not None and event.details["previous_key_ids"] == [secret_key_id(old)]
        assert old not in json.dumps(event.details) and new[0] not in json.dumps(event.details)
        assert verify_chain(s).intact


def test_end_sessions_signs_everyone_out(desk) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = desk
    client = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    sign_in_staff(client, "acme", "agent@acme.test")
    assert _rotate("--end-sessions")["sessions_ended"] >= 1
    restarted = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    restarted.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    assert restarted.get("/api/v1/me").status_code == 401
    with make_session_factory(engine)() as s:
        assert s.scalar(select(UserSession).where(UserSession.revoked_at.is_(None))) is None


def test_a_reference_sent_before_the_rotation_still_verifies(desk) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = desk
    sessions = make_session_factory(engine)
    with sessions() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        sent = record_outbound(
            s, tenant, channel="email", text=TEXT, recipient="pat@example.org", settings=get_settings()
        )
        s.commit()
    _rotate()
    settings = get_settings()
    with sessions() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        as_sent = f"{TEXT}\n\n{sent.footer}\n"
        check = run_check(s, as_sent, tenant=tenant, registry=Registry([]), resolver=None, settings=settings)
        assert check.verdict is MessageVerdict.GENUINE, check
        altered = as_sent.replace("3000", "9999")
        check = run_check(s, altered, tenant=tenant, registry=Registry([]), resolver=None, settings=settings)
        assert check.verdict is MessageVerdict.ALTERED
        # The privacy search still finds the person through the hash the old key made of the address.
        subject = locate(s, tenant, "pat@example.org", PrivacyDeps.from_settings(settings))
        assert subject.sent_message_ids


def test_a_secret_key_from_the_environment_is_not_rotated_behind_its_back(desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, key_file, old = desk
    monkeypatch.setenv("TRUSTDESK_SECRET_KEY", old)
    get_settings.cache_clear()
    done = runner.invoke(build_app("keys"), ["keys", "rotate", "--secret"])
    assert done.exit_code == 2 and "TRUSTDESK_SECRET_KEY" in " ".join(done.output.split())
    assert key_file.read_text().strip() == old
    done = runner.invoke(build_app("keys"), ["keys", "rotate", "--end-sessions"])
    assert done.exit_code == 2
