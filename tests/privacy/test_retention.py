"""Retention schedules: a run deletes what is past the tenant's rule in batches of durable jobs,
counts it first on request (changing nothing), leaves everything else, and audits each run once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from tests.mailchannel.conftest import World

from trustdesk.audit.log import verify_chain
from trustdesk.conversations.pipeline import CustomerRef, start_conversation
from trustdesk.jobs import Worker
from trustdesk.privacy.retention import RetentionError
from trustdesk.privacy.retention_runs import RETENTION_JOB, run_retention_job, set_rule, start_run
from trustdesk.store.models import AuditEvent, Conversation, Job, MailAttachment, Message, Tenant, utcnow

OLD = utcnow() - timedelta(days=400)


def conversations(world: World, slug: str, count: int, *, status: str, old: bool) -> list[int]:
    tenant_id = world.tenants[slug]
    ids = []
    for i in range(count):
        started = start_conversation(
            world.desk, tenant_id, CustomerRef(name=f"C{i}"), first_message=f"question number {i}"
        )
        ids.append(started.conversation_pk)
    with world.sessions() as s:
        values: dict[str, object] = {"status": status}
        if old:
            values["last_message_at"] = OLD
        s.execute(update(Conversation).where(Conversation.id.in_(ids)).values(**values))
        s.commit()
    return ids


def drain(world: World) -> int:
    worker = Worker(world.sessions, {RETENTION_JOB: run_retention_job}, {"settings": world.settings})
    runs = 0
    while worker.run_once():
        runs += 1
    return runs


def start(world: World, slug: str, kind: str, **kwargs: object):  # type: ignore[no-untyped-def]
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants[slug])
        assert tenant is not None
        result = start_run(s, tenant, kind, actor="admin:boss@acme-shop.com", **kwargs)  # type: ignore[arg-type]
        s.commit()
    return result


def test_old_resolved_conversations_go_in_batches_and_nothing_else(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("trustdesk.privacy.retention_runs.BATCHES_PER_JOB", 1)  # a fresh job per batch
    old = conversations(world, "acme", 7, status="resolved", old=True)
    recent = conversations(world, "acme", 2, status="resolved", old=False)
    still_open = conversations(world, "acme", 1, status="open", old=True)
    elsewhere = conversations(world, "globex", 2, status="resolved", old=True)
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        assert tenant is not None
        set_rule(s, tenant, "conversations", 365, actor="admin:boss@acme-shop.com")
        s.commit()
    dry = start(world, "acme", "conversations", dry_run=True)
    assert (dry.expired, dry.job_id) == (7, None)
    with world.sessions() as s:
        assert s.scalar(select(func.count(Job.id)).where(Job.kind == RETENTION_JOB)) == 0
    run = start(world, "acme", "conversations", batch_size=3)
    assert run.expired == 7 and run.job_id is not None
    assert drain(world) == 3  # 3 + 3 + 1, one job each
    with world.sessions() as s:
        left = set(s.scalars(select(Conversation.id)))
        assert not left & set(old)
        assert set(recent + still_open + elsewhere) <= left
        assert s.scalar(select(func.count(Message.id)).where(Message.conversation_id.in_(old))) == 0
        runs = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run")).all()
        assert len(runs) == 1 and runs[0].details["deleted"] == 7
        assert verify_chain(s).intact
    assert start(world, "acme", "conversations", dry_run=True).expired == 0


def test_old_attachments_and_their_files_go(world: World) -> None:
    world.send(body="photo attached", attachments=[("p.png", "image/png", b"\x89PNG\r\n\x1a\nold photo")])
    with world.sessions() as s:
        s.execute(update(MailAttachment).values(created_at=OLD))
        tenant = s.get(Tenant, world.tenants["acme"])
        assert tenant is not None
        set_rule(s, tenant, "attachments", 30, actor="test")
        s.commit()
    files = [p for p in world.settings.attachments_dir.rglob("*") if p.is_file()]
    assert len(files) == 1
    assert start(world, "acme", "attachments").expired == 1
    drain(world)
    assert not files[0].exists()
    with world.sessions() as s:
        assert s.scalar(select(func.count(MailAttachment.id))) == 0
        assert s.scalar(select(func.count(Message.id))) >= 1  # the mail's text stays


def test_rules_are_checked(world: World) -> None:
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        assert tenant is not None
        with pytest.raises(RetentionError):
            set_rule(s, tenant, "conversations", 0, actor="test")
        with pytest.raises(RetentionError):
            set_rule(s, tenant, "everything", 30, actor="test")
        with pytest.raises(RetentionError):
            start_run(s, tenant, "reports", actor="test")  # no rule for reports
