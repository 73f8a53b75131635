"""Data-subject requests and retention: the tombstone an erasure leaves behind, and how long each
tenant keeps each kind of data.

A tombstone says what was erased (kinds and counts), when and by whom, and holds no personal data:
the person is known only by a keyed hash of their e-mail address (HMAC with the deployment secret),
so a repeated request for the same address can be recognised without keeping the address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class PrivacyErasure(TenantOwned, Base):
    __tablename__ = "privacy_erasures"
    __table_args__ = (Index("ix_privacy_erasures_tenant_subject", "tenant_id", "subject_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # HMAC-SHA256 of the normalised e-mail address (privacy.subject.subject_key); never the address.
    subject_key: Mapped[str] = mapped_column(String(64), nullable=False)
    # {kind: count} of what was erased or anonymised (privacy.inventory.KINDS).
    counts: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    erased_by: Mapped[str] = mapped_column(String(200), nullable=False)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class RetentionRule(TenantOwned, Base):
    """Delete `kind` (privacy.retention.RetentionKind) once older than `keep_days`; no row: kept for ever."""

    __tablename__ = "retention_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    keep_days: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
