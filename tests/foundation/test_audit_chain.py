"""The audit chain detects edited and deleted entries."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import delete, select, update
from tests.foundation.factory import make_tenant

from trustdesk.audit.log import record, verify_chain
from trustdesk.store.models import AuditEvent


def _fill(session, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    tenant = make_tenant(session, "acme")
    for i in range(n):
        record(
            session,
            "policy.changed",
            actor="admin:a@acme.test",
            tenant_id=tenant.id,
            target=f"policy:{i}",
            details={"n": i},
        )
    session.commit()


def test_intact_chain_verifies(db_session) -> None:  # type: ignore[no-untyped-def]
    _fill(db_session)
    report = verify_chain(db_session)
    assert report.intact and report.entries == 6


def test_edited_entry_is_detected(db_session) -> None:  # type: ignore[no-untyped-def]
    _fill(db_session)
    target = db_session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[3]
    db_session.execute(
        update(AuditEvent).where(AuditEvent.id == target.id).values(actor="admin:someone-else")
    )
    db_session.commit()
    db_session.expire_all()
    report = verify_chain(db_session)
    assert not report.intact
    assert [b.entry_id for b in report.breaks] == [target.id]
    assert "edited" in report.breaks[0].problem


def test_deleted_entry_is_detected(db_session) -> None:  # type: ignore[no-untyped-def]
    _fill(db_session)
    ids = db_session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    db_session.execute(delete(AuditEvent).where(AuditEvent.id == ids[2]))
    db_session.commit()
    report = verify_chain(db_session)
    assert not report.intact
    assert report.breaks[0].entry_id == ids[3]
    assert "deleted" in report.breaks[0].problem


def test_concurrent_appends_stay_linear(migrated_engine) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    from trustdesk.store.db import make_session_factory, transaction

    factory = make_session_factory(migrated_engine)
    with transaction(factory) as s:
        make_tenant(s, "acme")

    def append(i: int) -> None:
        with transaction(factory) as s:
            record(s, "test.concurrent", actor="t", tenant_id=None, details={"i": i})

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(append, range(40)))
    with factory() as s:
        report = verify_chain(s)
    assert report.intact and report.entries == 41


def test_cli_audit_verify_exits_nonzero_on_tampering(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"TRUSTDESK_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "trustdesk.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("db", "upgrade").returncode == 0
    assert run("tenants", "create", "acme", "--name", "Acme", "--domain", "acme.com").returncode == 0
    ok = run("audit", "verify", "--json")
    assert ok.returncode == 0 and '"intact": true' in ok.stdout
    import sqlite3

    conn = sqlite3.connect(tmp_path / "trustdesk.db")
    conn.execute("UPDATE audit_events SET target = 'tenant:evil'")
    conn.commit()
    conn.close()
    bad = run("audit", "verify")
    assert bad.returncode == 1 and "BROKEN" in bad.stdout
