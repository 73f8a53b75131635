"""Audit metadata retention: client IPs leave audit entries (by retention or erasure) while the chain
still verifies, because format-2 entries hash a salted commitment to the IP; format-1 entries written
before migration 0023 keep their IP and still verify; an edited IP is still caught."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import JSON, Integer, String, column, select, table, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.foundation.factory import make_tenant
from tests.mailchannel.conftest import World
from tests.privacy.conftest import EMAIL, Seeded
from tests.privacy.test_erase import run_erase
from tests.support.databases import migrate

from trustdesk.audit.chain import GENESIS_HASH, LEGACY_FORMAT, entry_hash
from trustdesk.audit.log import clear_ips, record, verify_chain
from trustdesk.conversations.pipeline import CustomerRef, start_conversation
from trustdesk.jobs import Worker
from trustdesk.privacy.retention_runs import RETENTION_JOB, run_retention_job, set_rule, start_run
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import AuditEvent, Tenant, utcnow
from trustdesk.store.models.base import UTCDateTime

BEFORE_COMMITMENTS = "0019"  # any schema before 0023_audit_ip_commitment
# audit_events as it was before 0023 (the model has columns that did not exist yet).
_LEGACY_TABLE = table(
    "audit_events",
    *(column(name, Integer) for name in ("id", "tenant_id")),
    column("occurred_at", UTCDateTime),
    *(column(name, String) for name in ("actor", "action", "target", "ip", "prev_hash", "entry_hash")),
    column("details", JSON),
)


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _write_legacy_chain(engine: Engine) -> None:
    """Two entries as the desk wrote them before 0023: the hash covers the IP itself."""
    prev = GENESIS_HASH
    with engine.begin() as conn:
        for n, ip in enumerate(["198.51.100.1", None], start=1):
            at = datetime(2026, 1, n, 12, 0, 0, 123456, tzinfo=UTC)
            digest = entry_hash(
                prev_hash=prev,
                tenant_id=None,
                occurred_at=at,
                actor="cli",
                action="tenant.created",
                target=f"tenant:{n}",
                details={"n": n},
                ip=ip,
            )
            conn.execute(
                _LEGACY_TABLE.insert().values(
                    id=n,
                    tenant_id=None,
                    occurred_at=at,
                    actor="cli",
                    action="tenant.created",
                    target=f"tenant:{n}",
                    details={"n": n},
                    ip=ip,
                    prev_hash=prev,
                    entry_hash=digest,
                )
            )
            prev = digest


def test_a_chain_from_before_the_migration_verifies_with_new_entries_after_it(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, BEFORE_COMMITMENTS)
    _write_legacy_chain(engine)
    upgrade(engine)
    with make_session_factory(engine)() as s:
        if engine.dialect.name == "postgresql":  # the explicit ids above did not advance the sequence
            s.execute(text("SELECT setval('audit_events_id_seq', 2)"))
        record(s, "login.succeeded", actor="agent:a@acme.test", tenant_id=None, ip="203.0.113.9")
        record(s, "login.failed", actor="agent:a@acme.test", tenant_id=None)
        s.commit()
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [r.format_version for r in rows] == [1, 1, 2, 2]
        assert rows[2].ip == "203.0.113.9" and rows[2].ip_salt and rows[2].ip_commitment
        assert rows[3].ip_commitment is None  # no IP, nothing to commit to
        assert verify_chain(s).intact

        # Clearing skips the legacy entry (its hash covers the IP) and keeps the chain whole.
        assert clear_ips(s, [r.id for r in rows]) == 1
        s.commit()
        s.expire_all()
        assert s.scalars(select(AuditEvent.ip).order_by(AuditEvent.id)).all() == [
            "198.51.100.1",
            None,
            None,
            None,
        ]
        report = verify_chain(s)
        assert report.intact and report.entries == 4

        # Editing either kind of IP is still caught.
        s.execute(update(AuditEvent).where(AuditEvent.id == 1).values(ip="198.51.100.66"))
        s.execute(update(AuditEvent).where(AuditEvent.id == 3).values(ip="203.0.113.66", ip_salt="00" * 16))
        s.commit()
        breaks = verify_chain(s).breaks
        assert [(b.entry_id, "edited" in b.problem) for b in breaks] == [(1, True), (3, True)]
        assert "commitment" in breaks[1].problem
    engine.dispose()


def test_a_legacy_entry_hashes_as_before() -> None:
    at = datetime(2026, 1, 1)
    common = {"prev_hash": GENESIS_HASH, "tenant_id": 1, "occurred_at": at, "actor": "a", "action": "b"}
    legacy = entry_hash(**common, target="", details={}, ip="192.0.2.1", format_version=LEGACY_FORMAT)
    assert legacy == entry_hash(**common, target="", details={}, ip="192.0.2.1")
    assert legacy != entry_hash(**common, target="", details={}, ip="192.0.2.2")
    with pytest.raises(ValueError):
        entry_hash(**common, target="", details={}, format_version=9)


def test_retention_clears_old_ips_of_one_tenant_and_audits_the_run(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    old_clock = utcnow() - timedelta(days=90)
    with sessions() as s:
        acme, globex = make_tenant(s, "acme"), make_tenant(s, "globex")
        s.commit()
        acme_id, globex_id = acme.id, globex.id
        monkeypatch.setattr("trustdesk.audit.log.utcnow", lambda: old_clock)
        for i in range(5):
            record(s, "login.succeeded", actor="agent:a@acme.test", tenant_id=acme_id, ip=f"192.0.2.{i}")
        record(s, "login.failed", actor="agent:a@acme.test", tenant_id=acme_id)
        record(s, "login.succeeded", actor="agent:g@globex.test", tenant_id=globex_id, ip="192.0.2.200")
        monkeypatch.undo()
        record(s, "login.succeeded", actor="agent:a@acme.test", tenant_id=acme_id, ip="192.0.2.100")
        set_rule(s, acme, "audit_metadata", 30, actor="admin:boss@acme-shop.com")
        s.commit()

        dry = start_run(s, acme, "audit_metadata", actor="admin:boss@acme-shop.com", dry_run=True)
        assert (dry.expired, dry.job_id) == (5, None)
        run = start_run(s, acme, "audit_metadata", actor="admin:boss@acme-shop.com", batch_size=2)
        s.commit()
        assert run.expired == 5 and run.job_id is not None

    worker = Worker(sessions, {RETENTION_JOB: run_retention_job})
    while worker.run_once():
        pass

    with sessions() as s:
        kept = s.execute(select(AuditEvent.ip).where(AuditEvent.ip.is_not(None))).scalars().all()
        assert sorted(kept) == ["192.0.2.100", "192.0.2.200"]
        cleared = s.scalars(
            select(AuditEvent).where(AuditEvent.tenant_id == acme_id, AuditEvent.occurred_at == old_clock)
        ).all()
        assert len(cleared) == 6
        assert all(e.ip is None and e.ip_salt is None for e in cleared)
        assert sum(e.ip_commitment is not None for e in cleared) == 5  # the commitments stay in the chain
        runs = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run")).all()
        assert len(runs) == 1 and runs[0].target == "retention:audit_metadata"
        assert runs[0].details["deleted"] == 5
        assert verify_chain(s).intact
        tenant = s.get(Tenant, acme_id)
        assert tenant is not None
        assert start_run(s, tenant, "audit_metadata", actor="test", dry_run=True).expired == 0


def test_erasure_clears_the_ips_of_the_persons_own_actions(world: World) -> None:
    acme = world.tenants["acme"]
    start_conversation(world.desk, acme, CustomerRef(name="Dana", email=EMAIL), first_message="where is it?")
    seeded = Seeded(world, acme, world.tenants["globex"], [])
    with seeded.world.sessions() as s:
        record(s, "mail.rejected", actor=f"mail:{EMAIL}", tenant_id=seeded.acme, ip="198.51.100.23")
        record(s, "mail.rejected", actor="mail:someone@else.test", tenant_id=seeded.acme, ip="198.51.100.24")
        s.commit()
    result = run_erase(seeded)
    assert result.counts["audit_ips"] == 1
    with seeded.world.sessions() as s:
        ips = s.scalars(select(AuditEvent.ip).where(AuditEvent.action == "mail.rejected")).all()
        assert sorted(ips, key=str) == ["198.51.100.24", None]
        assert verify_chain(s).intact
