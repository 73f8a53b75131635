"""Backups: a whole desk (database, attachments, keys) out and back, checked; damaged or unsafe
archives and occupied targets are refused with a clear error and nothing is placed."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from tests.conftest import POSTGRES_ADMIN_URL, _postgres_admin_engine
from tests.foundation.factory import make_tenant
from typer.testing import CliRunner

from trustdesk.backup import BackupError, create_backup, restore_backup, verify_backup
from trustdesk.cli.main import build_app
from trustdesk.secretbox import SecretBox
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import current_revision
from trustdesk.store.models import AuditEvent, Tenant, WebhookEndpoint

runner = CliRunner()
PASSPHRASE = "correct horse battery staple"


def _desk(settings_factory, database_url, migrated_engine):  # type: ignore[no-untyped-def]
    """A desk with a tenant, a sealed webhook secret and an attachment on disk."""
    settings = settings_factory(database_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    box = SecretBox(settings.encryption_key)
    with make_session_factory(migrated_engine)() as s:
        tenant = make_tenant(s, "acme")
        s.add(
            WebhookEndpoint(
                tenant_id=tenant.id, url="https://hooks.example/x", secret_encrypted=box.seal("whsec-1")
            )
        )
        s.commit()
    folder = settings.attachments_dir / "1" / "ab"
    folder.mkdir(parents=True)
    (folder / "invoice.pdf").write_bytes(b"%PDF-1.7 demo\x00\xff")
    return settings


def test_a_sqlite_desk_comes_back_whole(settings_factory, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    from tests.support.databases import migrate

    migrate(engine)
    settings = _desk(settings_factory, sqlite_url, engine)
    archive = tmp_path / "out" / "desk.tar.gz"
    manifest = create_backup(settings, engine, archive, passphrase=PASSPHRASE)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert set(manifest.files) == {
        "database/trustdesk.db",
        "attachments/1/ab/invoice.pdf",
        "keys/secret_key",
        "keys/encryption_key",
    }
    assert verify_backup(archive).revision == current_revision(engine)

    target = tmp_path / "restored"
    restored = restore_backup(archive, data_dir=target, passphrase=PASSPHRASE)
    assert restored.manifest.database == "sqlite"
    assert (target / "attachments/1/ab/invoice.pdf").read_bytes() == b"%PDF-1.7 demo\x00\xff"
    key = (target / "encryption_key").read_text().strip()
    assert key == settings.encryption_key and (target / "encryption_key").stat().st_mode & 0o777 == 0o600
    copy = make_engine(f"sqlite:///{target / 'trustdesk.db'}")
    with make_session_factory(copy)() as s:
        assert s.scalar(select(Tenant.slug)) == "acme"
        sealed = s.scalar(select(WebhookEndpoint.secret_encrypted))
        assert SecretBox(key).open(sealed) == "whsec-1"  # the restored key opens the restored secrets
    copy.dispose()
    engine.dispose()


def test_without_keys_the_archive_holds_none(settings_factory, sqlite_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    from tests.support.databases import migrate

    migrate(engine)
    settings = _desk(settings_factory, sqlite_url, engine)
    manifest = create_backup(settings, engine, tmp_path / "k.tar.gz", include_keys=False)
    assert not manifest.keys_included and not any(name.startswith("keys/") for name in manifest.files)
    with tarfile.open(tmp_path / "k.tar.gz") as tar:
        raw = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())  # type: ignore[union-attr]
    assert settings.encryption_key.encode() not in raw and settings.secret_key.encode() not in raw
    engine.dispose()


def _rewrite(archive: Path, out: Path, change) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            member, data = change(member, data)
            if member is not None:
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))


@pytest.fixture
def archive(settings_factory, sqlite_url, tmp_path):  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    from tests.support.databases import migrate

    migrate(engine)
    settings = _desk(settings_factory, sqlite_url, engine)
    path = tmp_path / "desk.tar.gz"
    create_backup(settings, engine, path, passphrase=PASSPHRASE)
    engine.dispose()
    return path


def _flip_attachment(member, data):  # type: ignore[no-untyped-def]
    return member, (data[:-1] + b"!" if member.name.startswith("attachments/") else data)


def _traversal(member, data):  # type: ignore[no-untyped-def]
    if member.name.startswith("attachments/"):
        member.name = "attachments/../../evil"
    return member, data


def _drop_key(member, data):  # type: ignore[no-untyped-def]
    return (None, data) if member.name == "keys/secret_key" else (member, data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_flip_attachment, "does not match its checksum"),
        (_traversal, "path that is not allowed"),
        (_drop_key, "missing from the archive"),
    ],
)
def test_a_damaged_or_unsafe_archive_is_refused_and_nothing_is_placed(
    archive, tmp_path, change, message
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.tar.gz"
    _rewrite(archive, bad, change)
    with pytest.raises(BackupError, match=message):
        verify_backup(bad)
    target = tmp_path / "target"
    with pytest.raises(BackupError, match=message):
        restore_backup(bad, data_dir=target, passphrase=PASSPHRASE)
    assert not target.exists() or not any(target.iterdir())
    assert not (tmp_path / "evil").exists()
    assert not [p for p in tmp_path.iterdir() if ".restoring-" in p.name]  # the staging folder is gone


def test_a_foreign_file_and_an_occupied_target_are_refused(archive, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(BackupError, match="not a readable backup"):
        verify_backup(tmp_path / "notes.txt")
    with pytest.raises(BackupError, match="no backup at"):
        verify_backup(tmp_path / "absent.tar.gz")
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "trustdesk.db").write_text("live data")
    with pytest.raises(BackupError, match="not an empty folder"):
        restore_backup(archive, data_dir=occupied, passphrase=PASSPHRASE)
    assert (occupied / "trustdesk.db").read_text() == "live data"


def test_the_cli_backs_up_verifies_restores_and_audits_both_ends(
    settings_factory, sqlite_url, tmp_path, monkeypatch, request
) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url)
    from tests.support.databases import migrate

    migrate(engine)
    settings = _desk(settings_factory, sqlite_url, engine)
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TRUSTDESK_BACKUP_PASSPHRASE", PASSPHRASE)
    from trustdesk.config import get_settings

    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    app = build_app("backup")
    out = tmp_path / "cli.tar.gz"
    done = runner.invoke(app, ["backup", "create", str(out), "--json"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output)
    assert summary["database"] == "sqlite" and summary["folders"]["attachments"] == {"files": 1, "bytes": 15}
    assert runner.invoke(app, ["backup", "verify", str(out)]).exit_code == 0
    done = runner.invoke(app, ["backup", "restore", str(out), "--data-dir", str(tmp_path / "new"), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["database_url"].endswith("/new/trustdesk.db")
    with make_session_factory(engine)() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action == "backup.created")) == 1
    copy = make_engine(f"sqlite:///{tmp_path / 'new' / 'trustdesk.db'}")
    with make_session_factory(copy)() as s:
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-1] == "backup.restored"
    copy.dispose()
    again = runner.invoke(app, ["backup", "restore", str(out), "--data-dir", str(tmp_path / "new")])
    assert again.exit_code == 1 and "not an empty folder" in " ".join(again.output.split())
    engine.dispose()


@pytest.mark.postgres
def test_a_postgresql_desk_comes_back_whole(settings_factory, postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.support.databases import migrate

    engine = make_engine(postgres_url)
    migrate(engine)
    settings = _desk(settings_factory, postgres_url, engine)
    archive = tmp_path / "pg.tar.gz"
    manifest = create_backup(settings, engine, archive, passphrase=PASSPHRASE)
    assert "database/trustdesk.pgdump" in manifest.files and manifest.database == "postgresql"
    with pytest.raises(BackupError, match="name an empty one"):
        restore_backup(archive, data_dir=tmp_path / "nope", passphrase=PASSPHRASE)
    with pytest.raises(BackupError, match="already has tables"):
        restore_backup(archive, data_dir=tmp_path / "nope2", database_url=postgres_url, passphrase=PASSPHRASE)

    admin = _postgres_admin_engine()
    name = f"td_restore_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target_url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        restore_backup(archive, data_dir=tmp_path / "pgdata", database_url=target_url, passphrase=PASSPHRASE)
        copy = make_engine(target_url)
        with make_session_factory(copy)() as s:
            assert s.scalar(select(Tenant.slug)) == "acme"
            sealed = s.scalar(select(WebhookEndpoint.secret_encrypted))
            key = (tmp_path / "pgdata" / "encryption_key").read_text().strip()
            assert SecretBox(key).open(sealed) == "whsec-1"
        assert current_revision(copy) == current_revision(engine)
        copy.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        engine.dispose()


def test_the_keys_are_sealed_with_the_passphrase_and_a_wrong_one_fails_clearly(  # type: ignore[no-untyped-def]
    settings_factory, sqlite_url, tmp_path
) -> None:
    from tests.support.databases import migrate

    engine = make_engine(sqlite_url)
    migrate(engine)
    settings = _desk(settings_factory, sqlite_url, engine)
    with pytest.raises(BackupError, match="TRUSTDESK_BACKUP_PASSPHRASE"):
        create_backup(settings, engine, tmp_path / "none.tar.gz")
    with pytest.raises(BackupError, match="at least 12"):
        create_backup(settings, engine, tmp_path / "short.tar.gz", passphrase="short")
    archive = tmp_path / "sealed.tar.gz"
    create_backup(settings, engine, archive, passphrase=PASSPHRASE)
    with tarfile.open(archive) as tar:
        raw = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())  # type: ignore[union-attr]
    assert settings.encryption_key.encode() not in raw and settings.secret_key.encode() not in raw
    with pytest.raises(BackupError, match="passphrase does not open"):
        restore_backup(archive, data_dir=tmp_path / "wrong", passphrase="not the right passphrase")
    assert not (tmp_path / "wrong").exists() or not any((tmp_path / "wrong").iterdir())
    with pytest.raises(BackupError, match="keys are sealed"):
        restore_backup(archive, data_dir=tmp_path / "none")
    engine.dispose()
