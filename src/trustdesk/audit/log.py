"""Appending to and reading the stored audit chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustdesk.audit.chain import (
    CURRENT_FORMAT,
    GENESIS_HASH,
    ChainBreak,
    entry_hash,
    find_breaks,
    ip_commitment,
    new_ip_salt,
)
from trustdesk.store.models import AuditEvent, utcnow

_APPEND_ATTEMPTS = 20
_AUDIT_LOCK_KEY = 0x7D_A0D1


def record(
    session: Session,
    action: str,
    *,
    actor: str,
    tenant_id: int | None,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction, so the action and its audit commit together.

    Details must never hold secrets: callers pass identifiers and outcomes only.
    """
    details = dict(details or {})
    ip_salt = new_ip_salt() if ip is not None else None
    commitment = ip_commitment(ip, ip_salt) if ip is not None and ip_salt is not None else None
    if session.get_bind().dialect.name == "postgresql":
        # One chain means one writer at a time: hold a transaction-scoped lock until commit, so
        # concurrent appends queue instead of racing for the tail (SQLite's BEGIN IMMEDIATE does the same).
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})
    for _ in range(_APPEND_ATTEMPTS):
        tail = session.execute(select(AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
        prev_hash = tail or GENESIS_HASH
        occurred_at = utcnow()
        event = AuditEvent(
            tenant_id=tenant_id,
            occurred_at=occurred_at,
            actor=actor,
            action=action,
            target=target,
            details=details,
            ip=ip,
            ip_salt=ip_salt,
            ip_commitment=commitment,
            format_version=CURRENT_FORMAT,
            prev_hash=prev_hash,
            entry_hash=entry_hash(
                prev_hash=prev_hash,
                tenant_id=tenant_id,
                occurred_at=occurred_at,
                actor=actor,
                action=action,
                target=target,
                details=details,
                ip_commitment=commitment,
                format_version=CURRENT_FORMAT,
            ),
        )
        savepoint = session.begin_nested()
        try:
            session.add(event)
            session.flush()
        except IntegrityError:
            # Another writer appended to the same tail first; re-read the tail and try again.
            savepoint.rollback()
            continue
        savepoint.commit()
        return event
    raise RuntimeError("could not append to the audit chain: persistent contention")


def clear_ips(session: Session, event_ids: list[int]) -> int:
    """Remove the client IP (and its salt) from these entries; their chain stays intact because it holds
    only the IP's commitment. Format 1 entries are left alone: their hash covers the IP itself."""
    if not event_ids:
        return 0
    result = session.execute(
        update(AuditEvent)
        .where(
            AuditEvent.id.in_(event_ids),
            AuditEvent.format_version >= CURRENT_FORMAT,
            AuditEvent.ip.is_not(None),
        )
        .values(ip=None, ip_salt=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_hash: str
    breaks: list[ChainBreak]

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify_chain(session: Session) -> ChainReport:
    """Check every stored entry against its hash and its predecessor."""
    entries = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000)
    collected = list(entries)
    breaks = find_breaks(collected)
    head = collected[-1].entry_hash if collected else GENESIS_HASH
    return ChainReport(entries=len(collected), head_hash=head, breaks=breaks)


def count_events(session: Session, tenant_id: int | None = None) -> int:
    query = select(func.count(AuditEvent.id))
    if tenant_id is not None:
        query = query.where(AuditEvent.tenant_id == tenant_id)
    return int(session.execute(query).scalar_one())
