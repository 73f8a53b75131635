"""Append-only, hash-chained audit log of security-relevant events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        # The dashboard counts one action of one retailer over a period (hand-overs, blocked asks).
        Index("ix_audit_events_tenant_action_time", "tenant_id", "action", "occurred_at"),
        # Audit-metadata retention looks for old entries that still hold an IP; indexing only those keeps
        # each batch from re-reading every entry whose IP is already gone.
        Index(
            "ix_audit_events_ip_held",
            "tenant_id",
            "occurred_at",
            sqlite_where=text("ip IS NOT NULL"),
            postgresql_where=text("ip IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Nullable: platform-level events (e.g. a tenant created from the CLI) belong to no tenant.
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="RESTRICT"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    target: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # Format 2 (audit.chain): the hash covers ip_commitment; ip and ip_salt are outside it, so retention
    # and erasure can clear them. Format 1 entries (before migration 0023) hash ip itself.
    ip: Mapped[str | None] = mapped_column(String(64))
    ip_salt: Mapped[str | None] = mapped_column(String(32))
    ip_commitment: Mapped[str | None] = mapped_column(String(64))
    format_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    # Unique prev_hash forces one linear chain: two writers racing for the same tail collide and retry.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
