"""Erasure (GDPR art. 17) of one person in one tenant (storage).

`erase_subject` changes the database inside the caller's transaction and leaves a tombstone and an
audit entry; files and Redis keys are removed by `purge_outside_database` only after the commit, so
a rolled-back erasure never loses an attachment the database still lists. With `dry_run` nothing
changes and the same counts say what would go.

Kept on purpose (bookkeeping and security, anonymised): orders with their number, status, amounts,
dates and items; return authorisations; reports (their analysis and campaign); the keyed
fingerprints of messages the desk sent (`sent_messages`), so "was this really from us?" still works.

Audit entries stay (the chain must verify), but the client IPs of the person's own actions (entries
whose actor is one of their accounts or their mail address) are cleared (`audit_ips`): the chain
holds only commitments to them. Entries written before migration 0023 keep theirs (audit.chain).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from trustdesk.audit.chain import CURRENT_FORMAT
from trustdesk.audit.log import clear_ips, record
from trustdesk.privacy.caches import cache_key_patterns, delete_keys, existing_keys
from trustdesk.privacy.finder import Subject
from trustdesk.privacy.inventory import empty_counts
from trustdesk.privacy.removal import orphaned_files, remove_conversations
from trustdesk.privacy.subject import scrub
from trustdesk.store.models import (
    AgentContact,
    AuditEvent,
    Conversation,
    Customer,
    Job,
    Message,
    Order,
    PrivacyErasure,
    RecoveryCode,
    Report,
    ReturnAuthorisationRow,
    SentMessage,
    Tenant,
    User,
    UserSession,
    utcnow,
)
from trustdesk.store.search_index import SQLITE_MERGE_ALL

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: can never be a real address


@dataclass
class ErasureResult:
    counts: dict[str, int]
    dry_run: bool
    tombstone_id: int | None = None
    # Removed after the commit: attachment files no remaining row holds, and Redis keys.
    files: list[Path] = field(default_factory=list)
    cache_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "tombstone": self.tombstone_id, "counts": dict(self.counts)}


def _audit_ip_event_ids(session: Session, tenant_id: int, subject: Subject) -> list[int]:
    """Audit entries of the person's own actions that still hold a removable client IP: their accounts
    (`accounts.service.audit_actor`, and "<role>:<email>" as older entries name them) and their address
    in mail intake ("mail:<address>")."""
    actors = {f"mail:{subject.email}"}
    actors.update(f"customer:user:{account_id}" for account_id in subject.account_ids)
    if subject.account_ids:
        accounts = session.execute(select(User.role, User.email).where(User.id.in_(subject.account_ids)))
        actors.update(f"{role}:{email}" for role, email in accounts)
    return list(
        session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.tenant_id == tenant_id,
                AuditEvent.actor.in_(sorted(actors)),
                AuditEvent.ip.is_not(None),
                AuditEvent.format_version >= CURRENT_FORMAT,
            )
        )
    )


def plan_erasure(
    session: Session, tenant: Tenant, subject: Subject, *, attachments_root: Path, redis: Any | None = None
) -> ErasureResult:
    """What an erasure would remove, counted without changing anything (the dry run)."""
    counts = empty_counts()
    counts.update(subject.counts())
    files = orphaned_files(session, tenant.id, subject.attachment_ids, attachments_root)
    counts["attachment_files"] = len(files)
    keys: list[str] = []
    if redis is not None:
        public_ids = session.execute(
            select(Conversation.id, Conversation.public_id).where(
                Conversation.id.in_(subject.conversation_ids)
            )
        ).all()
        keys = existing_keys(
            redis, cache_key_patterns(tenant.id, tenant.slug, subject.email, [(i, p) for i, p in public_ids])
        )
    counts["cache_keys"] = len(keys)
    counts["audit_ips"] = len(_audit_ip_event_ids(session, tenant.id, subject))
    return ErasureResult(counts=counts, dry_run=True, files=files, cache_keys=keys)


def erase_subject(
    session: Session,
    tenant: Tenant,
    subject: Subject,
    *,
    subject_key: str,
    actor: str,
    attachments_root: Path,
    redis: Any | None = None,
    ip: str | None = None,
) -> ErasureResult:
    """Erase the person inside the caller's transaction; audit it and leave a tombstone. Call
    `purge_outside_database` after the commit."""
    plan = plan_erasure(session, tenant, subject, attachments_root=attachments_root, redis=redis)
    if session.get_bind().dialect.name == "sqlite":
        # Zero the freed pages, so the deleted rows do not linger in the database file.
        session.execute(text("PRAGMA secure_delete = ON"))
    tid = tenant.id
    conv_ids = subject.conversation_ids
    # Before the accounts go: their role and e-mail name the person's audit entries.
    clear_ips(session, _audit_ip_event_ids(session, tid, subject))
    needles = subject.needles()

    if subject.job_ids:
        session.execute(delete(Job).where(Job.tenant_id == tid, Job.id.in_(subject.job_ids)))
    if subject.sent_message_ids:
        session.execute(
            update(SentMessage)
            .where(SentMessage.tenant_id == tid, SentMessage.id.in_(subject.sent_message_ids))
            .values(recipient_hash=None, conversation_id=None, message_id=None)
        )
    for message in session.scalars(select(Message).where(Message.id.in_(subject.mention_message_ids))):
        message.body = scrub(message.body, needles)
    for report in session.scalars(select(Report).where(Report.id.in_(subject.report_ids))):
        report.reporter_contact = None
        report.subject = scrub(report.subject, needles)
        report.summary = scrub(report.summary, needles)
    if subject.return_ids:
        session.execute(
            update(ReturnAuthorisationRow)
            .where(ReturnAuthorisationRow.id.in_(subject.return_ids))
            .values(reason=None)
        )
    if subject.order_ids:
        session.execute(
            update(Order)
            .where(Order.tenant_id == tid, Order.id.in_(subject.order_ids))
            .values(shipping_address={}, tracking_number=None)
        )
    if subject.agent_contact_ids:
        session.execute(delete(AgentContact).where(AgentContact.id.in_(subject.agent_contact_ids)))
    remove_conversations(session, tid, conv_ids)
    if subject.customer_ids:
        owners = set(session.scalars(select(Order.customer_id).where(Order.id.in_(subject.order_ids))))
        for customer in session.scalars(select(Customer).where(Customer.id.in_(subject.customer_ids))):
            if customer.id in owners:
                # The orders stay for the books; their owner becomes a placeholder that names nobody.
                customer.email = f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"
                customer.name = ""
                customer.phone = None
                customer.external_id = None
                customer.user_id = None
            else:
                session.delete(customer)
    if subject.account_ids:
        session.execute(delete(UserSession).where(UserSession.user_id.in_(subject.account_ids)))
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id.in_(subject.account_ids)))
        session.execute(
            update(Customer).where(Customer.user_id.in_(subject.account_ids)).values(user_id=None)
        )
        session.execute(delete(User).where(User.tenant_id == tid, User.id.in_(subject.account_ids)))
    session.flush()

    tombstone = PrivacyErasure(
        tenant_id=tid, subject_key=subject_key, counts=dict(plan.counts), erased_by=actor, erased_at=utcnow()
    )
    session.add(tombstone)
    session.flush()
    record(
        session,
        "privacy.erased",
        actor=actor,
        tenant_id=tid,
        target=f"privacy_erasure:{tombstone.id}",
        details={"counts": dict(plan.counts)},
        ip=ip,
    )
    return ErasureResult(
        counts=plan.counts,
        dry_run=False,
        tombstone_id=tombstone.id,
        files=plan.files,
        cache_keys=plan.cache_keys,
    )


def purge_outside_database(
    result: ErasureResult, redis: Any | None = None, engine: Engine | None = None
) -> None:
    """After the commit: remove the attachment files and the Redis keys the erasure listed, and on
    SQLite merge the search index and fold the write-ahead log into the database and truncate it (it
    still holds the old pages)."""
    if result.dry_run:
        return
    for path in result.files:
        path.unlink(missing_ok=True)
    if redis is not None:
        delete_keys(redis, result.cache_keys)
    if engine is not None and engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            # Outside any transaction; best effort: a reader holding an old snapshot leaves the log for
            # the next checkpoint.
            cursor = raw.cursor()
            # The search index (FTS5) keeps a deleted message's words in older segments until they
            # merge: merge them now, with freed pages zeroed, so erased words leave the file too.
            cursor.execute("PRAGMA secure_delete = ON")
            cursor.execute(SQLITE_MERGE_ALL)
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()


def earlier_erasures(session: Session, tenant_id: int, subject_key: str) -> list[PrivacyErasure]:
    """Tombstones of earlier erasures of the same address in this tenant (a repeated request)."""
    return list(
        session.scalars(
            select(PrivacyErasure)
            .where(PrivacyErasure.tenant_id == tenant_id, PrivacyErasure.subject_key == subject_key)
            .order_by(PrivacyErasure.id)
        )
    )
