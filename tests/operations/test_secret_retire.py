"""Retiring an old secret key (`trustdesk keys retire --secret [KEY_ID ...]`): the named older keys
leave the ring, what they alone signed stops verifying, the current key and unknown ids are refused
clearly (JSON with --json), and each retirement is audited by public key ids only."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user, sign_in_staff
from tests.support.databases import migrate
from typer.testing import CliRunner

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import verify_chain
from trustdesk.authenticity.service import record_outbound
from trustdesk.cli.main import build_app
from trustdesk.config import get_settings
from trustdesk.signing_keys import secret_key_id
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent, Tenant
from trustdesk.web.app import create_app
from trustdesk.web.deps import SESSION_COOKIE

runner = CliRunner()


@pytest.fixture
def desk(sqlite_url, tmp_path, monkeypatch, request):  # type: ignore[no-untyped-def]
    data = tmp_path / "var"
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(data))
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("TRUSTDESK_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    first = get_settings().secret_key or ""
    engine = make_engine(sqlite_url)
    migrate(engine)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme")
        make_user(s, tenant, "agent@acme.test", Role.AGENT)
        s.commit()
    yield engine, data / "secret_key", first
    engine.dispose()


def _keys(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    done = runner.invoke(build_app("keys"), ["keys", *args, "--json"])
    get_settings.cache_clear()  # each command is a new process
    return done.exit_code, json.loads(done.stdout)


def test_an_older_key_is_retired_and_what_it_signed_stops_verifying(desk) -> None:  # type: ignore[no-untyped-def]
    engine, key_file, first = desk
    client = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    sign_in_staff(client, "acme", "agent@acme.test")
    cookie = client.cookies[SESSION_COOKIE]
    with make_session_factory(engine)() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        record_outbound(s, tenant, channel="email", text="Your parcel left today.", settings=get_settings())
        s.commit()
    assert _keys("rotate", "--secret")[0] == 0
    code, second = _keys("rotate", "--secret")
    assert code == 0
    ring = key_file.read_text().strip().split(",")
    assert len(ring) == 3 and ring[2] == first

    code, retired = _keys("retire", "--secret", secret_key_id(first))
    assert code == 0, retired
    assert retired == {
        "kind": "secret_key",
        "retired": [secret_key_id(first)],
        "current": second["key_id"],
        "key_file": str(key_file),
        "references_signed": 1,
    }
    assert key_file.read_text().strip().split(",") == ring[:2]
    assert key_file.stat().st_mode & 0o777 == 0o600
    # A restarted desk no longer accepts the cookie the retired key signed.
    restarted = TestClient(create_app(get_settings(), engine=engine), base_url="http://testserver")
    restarted.cookies.set(SESSION_COOKIE, cookie)
    assert restarted.get("/api/v1/me").status_code == 401

    with make_session_factory(engine)() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "keys.secret_retired"))
        assert event is not None and event.actor == "cli"
        assert event.details == {"retired": [secret_key_id(first)], "references_signed": 1}
        assert not any(key in json.dumps(event.details) for key in ring)
        assert verify_chain(s).intact


def test_without_an_id_every_older_key_goes(desk) -> None:  # type: ignore[no-untyped-def]
    _, key_file, first = desk
    _keys("rotate", "--secret")
    _keys("rotate", "--secret")
    ring = key_file.read_text().strip().split(",")
    code, retired = _keys("retire", "--secret")
    assert code == 0 and retired["retired"] == [secret_key_id(ring[1]), secret_key_id(first)]
    assert key_file.read_text().strip() == ring[0]


def test_the_current_key_and_unknown_ids_are_refused_and_nothing_changes(desk) -> None:  # type: ignore[no-untyped-def]
    engine, key_file, first = desk
    code, refused = _keys("retire", "--secret")
    assert code == 1 and refused["error"]["code"] == "not_retirable"
    assert "only the current secret key" in refused["error"]["message"]

    _keys("rotate", "--secret")
    before = key_file.read_text()
    current = secret_key_id(before.split(",")[0])
    code, refused = _keys("retire", "--secret", current)
    assert code == 1 and refused["error"]["code"] == "not_retirable"
    assert "current key" in refused["error"]["message"] and "rotate" in refused["error"]["message"]
    code, refused = _keys("retire", "--secret", "0123456789ab")
    assert code == 1 and "no secret key 0123456789ab" in refused["error"]["message"]
    # One bad id among good ones retires nothing.
    code, _ = _keys("retire", "--secret", secret_key_id(first), "0123456789ab")
    assert code == 1
    assert key_file.read_text() == before
    # Ids belong to --secret: the encryption ring retires all its older keys at once.
    assert _keys("retire", secret_key_id(first))[0] == 2
    with make_session_factory(engine)() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "keys.secret_retired")) is None


def test_a_key_from_the_environment_is_not_retired_behind_its_back(desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _, key_file, first = desk
    monkeypatch.setenv("TRUSTDESK_SECRET_KEY", f"newer-key,{first}")
    get_settings.cache_clear()
    code, refused = _keys("retire", "--secret", secret_key_id(first))
    assert code == 2 and refused["error"]["code"] == "configured_elsewhere"
    assert "TRUSTDESK_SECRET_KEY" in refused["error"]["message"]
    assert key_file.read_text().strip() == first
