"""Suspicious-activity reports, their indicators and sightings, campaigns, alert thresholds and alerts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class Campaign(TenantOwned, Base):
    """Reports that share indicators. Status: new -> investigating -> takedown_requested -> closed.

    A campaign absorbed by a merge keeps its row (notes, audit trail) with `merged_into_id` set and
    status `merged`; its reports move to the surviving campaign.
    """

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False, default="new", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    report_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sighting_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    channels: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Report(TenantOwned, Base):
    """One suspicious message, call or site reported by a customer; duplicates collapse into one row.

    Only guard-redacted text is stored (`summary`); `redactions` lists the finding types removed.
    The reporter's follow-up link carries a token whose SHA-256 is `status_token_hash`.
    """

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("tenant_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    status_token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="other")
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reporter_contact: Mapped[str | None] = mapped_column(String(320))
    source: Mapped[str] = mapped_column(String(10), nullable=False, default="text")  # text | eml
    subject: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    redactions: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    score: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    verdict: Mapped[str] = mapped_column(String(20), nullable=False, default="benign", index=True)
    reasons: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    notes: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    duplicate_count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(24), nullable=False, default="received", index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ReportIndicator(TenantOwned, Base):
    """One indicator of a report; `glue_key` (None when it must not link reports) drives grouping."""

    __tablename__ = "report_indicators"
    __table_args__ = (
        UniqueConstraint("report_id", "key"),
        Index("ix_report_indicators_tenant_glue", "tenant_id", "glue_key"),
        Index("ix_report_indicators_tenant_key", "tenant_id", "key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True, nullable=False
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    value: Mapped[str] = mapped_column(String(2000), nullable=False)
    network: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    key: Mapped[str] = mapped_column(String(500), nullable=False)  # truncated-safe: hashed when long
    glue_key: Mapped[str | None] = mapped_column(String(500))
    verification: Mapped[str] = mapped_column(String(20), nullable=False, default="unknown")


class ReportSighting(TenantOwned, Base):
    """One arrival of a report (the first and every duplicate): the basis of counts over time."""

    __tablename__ = "report_sightings"
    __table_args__ = (Index("ix_report_sightings_tenant_received", "tenant_id", "received_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True, nullable=False
    )
    channel: Mapped[str] = mapped_column(String(20), nullable=False, default="other")
    source_hash: Mapped[str | None] = mapped_column(String(64))  # keyed hash of the sender's IP
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class AlertThreshold(TenantOwned, Base):
    """Alert when a campaign or one indicator reaches `min_reports` sightings within `window_hours`."""

    __tablename__ = "alert_thresholds"
    __table_args__ = (UniqueConstraint("tenant_id", "scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(12), nullable=False)  # campaign | indicator
    min_reports: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    window_hours: Mapped[int] = mapped_column(Integer, nullable=False, default=24)
    email_to: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ReportAlert(TenantOwned, Base):
    """One alert raised: what crossed which threshold, and the jobs that deliver it."""

    __tablename__ = "report_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(12), nullable=False)
    subject_key: Mapped[str] = mapped_column(String(500), nullable=False, index=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    min_reports: Mapped[int] = mapped_column(Integer, nullable=False)
    window_hours: Mapped[int] = mapped_column(Integer, nullable=False)
    webhook_jobs: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    email_job_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
