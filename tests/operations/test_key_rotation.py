"""Rotating the encryption key: every sealed secret is re-sealed under a new key in one transaction,
the old key is retired only afterwards, and a secret no key can open stops the rotation safely."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user
from tests.support.databases import migrate
from typer.testing import CliRunner

from trustdesk.accounts.permissions import Role
from trustdesk.cli.main import build_app
from trustdesk.config import ConfigurationError, get_settings, load_settings
from trustdesk.secretbox import SecretBox
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent, Base, DkimKey, ManifestSigningKey, User, WebhookEndpoint
from trustdesk.store.sealed import SEALED

runner = CliRunner()
PLAIN = {
    "totp": "JBSWY3DPEHPK3PXP",
    "dkim": "-----BEGIN PRIVATE KEY-----x",
    "manifest": "ed25519-private",
    "hook": "whsec-9",
}


def test_every_sealed_column_is_known_to_the_rotation() -> None:
    sealed = {(model.__tablename__, name) for model, name in SEALED}
    found = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name.endswith(("_encrypted", "_sealed"))
    }
    assert found == sealed


def test_several_keys_newest_first_seal_with_the_first_and_open_with_any() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = SecretBox(old).seal("s3cret")
    both = SecretBox(f"{new}, {old}")
    assert both.open(token) == "s3cret"
    resealed = both.reseal(token)
    assert SecretBox(new).open(resealed) == "s3cret"
    with pytest.raises(ValueError):
        SecretBox(old).open(resealed)
    with pytest.raises(ConfigurationError):
        load_settings(encryption_key=f"{new},not-a-key")


@pytest.fixture
def desk(sqlite_url, tmp_path, monkeypatch, request):  # type: ignore[no-untyped-def]
    data = tmp_path / "var"
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(data))
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("TRUSTDESK_ENCRYPTION_KEY", raising=False)
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    key = get_settings().encryption_key  # generated into var/encryption_key
    engine = make_engine(sqlite_url)
    migrate(engine)
    box = SecretBox(key)
    with make_session_factory(engine)() as s:
        tenant = make_tenant(s, "acme")
        user = make_user(s, tenant, "agent@acme.test", Role.AGENT)
        user.totp_secret_encrypted = box.seal(PLAIN["totp"])
        s.add(
            DkimKey(
                tenant_id=tenant.id,
                domain="acme.test",
                selector="td1",
                private_key_encrypted=box.seal(PLAIN["dkim"]),
                public_key="p",
            )
        )
        s.add(ManifestSigningKey(kid="k1", private_key_encrypted=box.seal(PLAIN["manifest"])))
        s.add(
            WebhookEndpoint(
                tenant_id=tenant.id, url="https://h.example/x", secret_encrypted=box.seal(PLAIN["hook"])
            )
        )
        s.commit()
    yield engine, data / "encryption_key", key
    engine.dispose()


def _opened(engine, box: SecretBox) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with make_session_factory(engine)() as s:
        return {
            "totp": box.open(s.scalar(select(User.totp_secret_encrypted))),
            "dkim": box.open(s.scalar(select(DkimKey.private_key_encrypted))),
            "manifest": box.open(s.scalar(select(ManifestSigningKey.private_key_encrypted))),
            "hook": box.open(s.scalar(select(WebhookEndpoint.secret_encrypted))),
        }


def test_rotate_reseals_everything_and_retires_the_old_key(desk) -> None:  # type: ignore[no-untyped-def]
    engine, key_file, old = desk
    done = runner.invoke(build_app("keys"), ["keys", "rotate", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert result["resealed"] == {
        "users.totp_secret_encrypted": 1,
        "dkim_keys.private_key_encrypted": 1,
        "manifest_signing_keys.private_key_encrypted": 1,
        "webhook_endpoints.secret_encrypted": 1,
        "mailboxes.secret_sealed": 0,
    }
    new = key_file.read_text().strip()
    assert "," not in new and new != old and key_file.stat().st_mode & 0o777 == 0o600
    assert _opened(engine, SecretBox(new)) == PLAIN
    with pytest.raises(ValueError):
        _opened(engine, SecretBox(old))
    with make_session_factory(engine)() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "keys.encryption_resealed"))
        assert event is not None and event.details["resealed"]["users.totp_secret_encrypted"] == 1
        assert old not in json.dumps(event.details) and new not in json.dumps(event.details)


def test_a_secret_no_key_opens_stops_the_rotation_and_keeps_both_keys(desk) -> None:  # type: ignore[no-untyped-def]
    engine, key_file, old = desk
    stranger = SecretBox(Fernet.generate_key().decode())
    with make_session_factory(engine)() as s:
        s.add(WebhookEndpoint(tenant_id=1, url="https://h.example/y", secret_encrypted=stranger.seal("lost")))
        s.commit()
    done = runner.invoke(build_app("keys"), ["keys", "rotate"])
    assert done.exit_code == 1 and "cannot be decrypted" in " ".join(done.output.split())
    keys = key_file.read_text().strip().split(",")
    assert len(keys) == 2 and keys[1] == old
    assert _opened(engine, SecretBox(old)) == PLAIN  # rolled back: nothing was re-sealed


def test_a_key_from_the_environment_is_not_rotated_behind_its_back(desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine, key_file, old = desk
    monkeypatch.setenv("TRUSTDESK_ENCRYPTION_KEY", old)
    get_settings.cache_clear()
    done = runner.invoke(build_app("keys"), ["keys", "rotate"])
    assert done.exit_code == 2 and "keys reseal" in " ".join(done.output.split())
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("TRUSTDESK_ENCRYPTION_KEY", f"{new},{old}")
    get_settings.cache_clear()
    done = runner.invoke(build_app("keys"), ["keys", "reseal", "--json"])
    assert done.exit_code == 0, done.output
    assert _opened(engine, SecretBox(new)) == PLAIN
