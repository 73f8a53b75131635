"""Retention schedules in the store: rules per tenant and kind, and runs as durable jobs.

`start_run` counts what is past its retention (the dry run) or enqueues a `privacy.retention` job.
The job deletes in batches of BATCH_SIZE, each batch its own short transaction, hands over to a
fresh job after BATCHES_PER_JOB batches (for `audit_metadata` a batch clears client IPs from audit
entries instead of deleting rows: the chain holds only their commitments), and the last job of a run writes one audit entry with the
run's totals (`retention.run`). Deleted attachment files are removed after each batch's commit.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from trustdesk.audit.chain import CURRENT_FORMAT
from trustdesk.audit.log import clear_ips, record
from trustdesk.jobs import PENDING, RUNNING, enqueue
from trustdesk.jobs.worker import JobContext
from trustdesk.privacy.removal import orphaned_files, remove_conversations
from trustdesk.privacy.retention import (
    BATCH_PAUSE_SECONDS,
    BATCH_SIZE,
    BATCHES_PER_JOB,
    RetentionError,
    RetentionKind,
    cutoff,
    parse_rule,
)
from trustdesk.store.models import (
    AuditEvent,
    Conversation,
    Job,
    MailAttachment,
    MailRecord,
    Report,
    RetentionRule,
    Tenant,
    utcnow,
)

RETENTION_JOB = "privacy.retention"


def set_rule(
    session: Session, tenant: Tenant, kind: str, days: int | None, *, actor: str, ip: str | None = None
) -> RetentionRule | None:
    """Keep `kind` for `days` days (None: keep it for ever, the rule is removed). Audited."""
    chosen = RetentionKind(kind) if days is None else parse_rule(kind, days)[0]
    row = session.scalar(
        select(RetentionRule).where(RetentionRule.tenant_id == tenant.id, RetentionRule.kind == chosen.value)
    )
    if days is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        row = RetentionRule(tenant_id=tenant.id, kind=chosen.value, keep_days=days, updated_by=actor)
        session.add(row)
    else:
        row.keep_days, row.updated_by, row.updated_at = days, actor, utcnow()
    record(
        session,
        "retention.rule_set",
        actor=actor,
        tenant_id=tenant.id,
        target=f"retention:{chosen.value}",
        details={"keep_days": days},
        ip=ip,
    )
    session.flush()
    return row if days is not None else None


def rules(session: Session, tenant_id: int) -> dict[str, int]:
    """{kind: keep_days} of the tenant's rules."""
    rows = session.scalars(select(RetentionRule).where(RetentionRule.tenant_id == tenant_id))
    return {r.kind: r.keep_days for r in rows}


def _expired(kind: RetentionKind, tenant_id: int, before: datetime) -> Select[Any]:
    if kind is RetentionKind.CONVERSATIONS:
        return select(Conversation.id).where(
            Conversation.tenant_id == tenant_id,
            Conversation.status == "resolved",
            Conversation.last_message_at < before,
        )
    if kind is RetentionKind.MAIL:
        return select(MailRecord.id).where(MailRecord.tenant_id == tenant_id, MailRecord.created_at < before)
    if kind is RetentionKind.ATTACHMENTS:
        return select(MailAttachment.id).where(
            MailAttachment.tenant_id == tenant_id, MailAttachment.created_at < before
        )
    if kind is RetentionKind.AUDIT_METADATA:
        return select(AuditEvent.id).where(
            AuditEvent.tenant_id == tenant_id,
            AuditEvent.occurred_at < before,
            AuditEvent.ip.is_not(None),
            AuditEvent.format_version >= CURRENT_FORMAT,
        )
    return select(Report.id).where(Report.tenant_id == tenant_id, Report.last_received_at < before)


def count_expired(session: Session, tenant_id: int, kind: RetentionKind, before: datetime) -> int:
    """How many rows of `kind` a run would delete now (the dry run)."""
    return int(
        session.scalar(select(func.count()).select_from(_expired(kind, tenant_id, before).subquery())) or 0
    )


def _delete_batch(
    session: Session, tenant_id: int, kind: RetentionKind, ids: list[int], root: Path
) -> list[Path]:
    """Delete these rows of `kind`; returns the attachment files to remove after the commit."""
    if kind is RetentionKind.CONVERSATIONS:
        attachment_ids = list(
            session.scalars(select(MailAttachment.id).where(MailAttachment.conversation_id.in_(ids)))
        )
        files = orphaned_files(session, tenant_id, attachment_ids, root)
        remove_conversations(session, tenant_id, ids)
        return files
    if kind is RetentionKind.AUDIT_METADATA:
        clear_ips(session, ids)
        return []
    if kind is RetentionKind.REPORTS:
        # Indicators and sightings go with them (ON DELETE CASCADE).
        session.execute(delete(Report).where(Report.tenant_id == tenant_id, Report.id.in_(ids)))
        return []
    mail_ids: list[int] = []
    if kind is RetentionKind.MAIL:
        mail_ids = ids
        ids = list(session.scalars(select(MailAttachment.id).where(MailAttachment.mail_id.in_(mail_ids))))
    files = orphaned_files(session, tenant_id, ids, root)
    if ids:
        session.execute(
            delete(MailAttachment).where(MailAttachment.tenant_id == tenant_id, MailAttachment.id.in_(ids))
        )
    if mail_ids:
        session.execute(
            delete(MailRecord).where(MailRecord.tenant_id == tenant_id, MailRecord.id.in_(mail_ids))
        )
    return files


@dataclass(frozen=True)
class RunStart:
    kind: str
    keep_days: int
    expired: int
    job_id: int | None  # None for a dry run


def start_run(
    session: Session,
    tenant: Tenant,
    kind: str,
    *,
    actor: str,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> RunStart:
    """Count what `kind`'s rule puts past retention; unless `dry_run`, enqueue the run's first job."""
    try:
        chosen = RetentionKind(kind)
    except ValueError:
        raise RetentionError(f"unknown kind {kind!r}") from None
    days = rules(session, tenant.id).get(chosen.value)
    if days is None:
        raise RetentionError(f"{tenant.slug} has no retention rule for {chosen.value}")
    before = cutoff(now or utcnow(), days)
    expired = count_expired(session, tenant.id, chosen, before)
    if dry_run:
        return RunStart(chosen.value, days, expired, None)
    job = enqueue(
        session,
        RETENTION_JOB,
        {
            "kind": chosen.value,
            "before": before.isoformat(),
            "run": secrets.token_hex(6),
            "actor": actor,
            "deleted": 0,
            "files": 0,
            "batch_size": batch_size,
        },
        tenant_id=tenant.id,
    )
    session.flush()
    return RunStart(chosen.value, days, expired, job.id)


@dataclass(frozen=True)
class ScheduledRun:
    tenant: str
    kind: str
    keep_days: int
    expired: int
    job_id: int | None  # None: the previous run of this tenant and kind is still going, so none was started


def start_scheduled_runs(session: Session, *, actor: str, now: datetime | None = None) -> list[ScheduledRun]:
    """Start a run for every tenant's every rule (what an operator's daily timer calls), skipping a tenant
    and kind whose previous run has not finished, so slow runs never pile up."""
    going = {
        (job.tenant_id, str((job.payload or {}).get("kind")))
        for job in session.scalars(
            select(Job).where(Job.kind == RETENTION_JOB, Job.status.in_((PENDING, RUNNING)))
        )
    }
    started: list[ScheduledRun] = []
    for tenant in session.scalars(select(Tenant).order_by(Tenant.id)):
        for kind, days in sorted(rules(session, tenant.id).items()):
            if (tenant.id, kind) in going:
                started.append(ScheduledRun(tenant.slug, kind, days, 0, None))
                continue
            run = start_run(session, tenant, kind, actor=actor, now=now)
            started.append(ScheduledRun(tenant.slug, kind, days, run.expired, run.job_id))
    return started


def run_retention_job(context: JobContext) -> None:
    """Job handler: delete the next batches of one run; hand over or finish with one audit entry."""
    payload = dict(context.payload)
    tenant_id = int(context.job.tenant_id or 0)
    kind = RetentionKind(payload["kind"])
    before = datetime.fromisoformat(payload["before"])
    size = int(payload.get("batch_size") or BATCH_SIZE)
    settings = context.services.get("settings")
    root = Path(settings.attachments_dir) if settings is not None else Path("var/attachments")
    for _ in range(BATCHES_PER_JOB):
        with context.sessions() as session:
            ids = list(session.scalars(_expired(kind, tenant_id, before).limit(size)))
            files = _delete_batch(session, tenant_id, kind, ids, root) if ids else []
            payload["deleted"] += len(ids)
            payload["files"] += len(files)
            finished = len(ids) < size
            if finished:
                record(
                    session,
                    "retention.run",
                    actor=str(payload.get("actor") or "system:retention"),
                    tenant_id=tenant_id,
                    target=f"retention:{kind.value}",
                    details={
                        "run": payload["run"],
                        "before": payload["before"],
                        "deleted": payload["deleted"],
                        "files": payload["files"],
                    },
                )
            session.commit()
            # SQLite has one write lock for the whole file; PostgreSQL locks only the deleted rows, so a
            # chat write never waits behind a batch there and needs no pause.
            pause = session.get_bind().dialect.name == "sqlite"
        for path in files:
            path.unlink(missing_ok=True)
        if finished:
            return
        if pause:
            time.sleep(BATCH_PAUSE_SECONDS)
    with context.sessions() as session:
        enqueue(session, RETENTION_JOB, payload, tenant_id=tenant_id)
        session.commit()
