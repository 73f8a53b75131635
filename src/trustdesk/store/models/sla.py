"""Tags on conversations, the retailer's SLA policy and each conversation's SLA clocks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class Tag(TenantOwned, Base):
    """A free label of one retailer, stored normalised (conversations.labels.normalise_tag)."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ConversationTag(TenantOwned, Base):
    __tablename__ = "conversation_tags"
    __table_args__ = (Index("ix_conversation_tags_tag", "tenant_id", "tag_id"),)

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    added_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SlaPolicyRow(TenantOwned, Base):
    """One policy per retailer: sla.policy.SlaPolicy.to_dict() as JSON (checked before it is stored)."""

    __tablename__ = "sla_policies"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy: Mapped[dict] = mapped_column(JSON, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SlaClock(TenantOwned, Base):
    """A conversation's SLA state as last computed (sla.clock.evaluate), kept for sorting, escalation
    and reporting. `computed_at` older than the conversation's `updated_at` means it is due a refresh."""

    __tablename__ = "sla_clocks"
    __table_args__ = (
        Index("ix_sla_clocks_tenant_due", "tenant_id", "due_at"),
        Index("ix_sla_clocks_tenant_breached", "tenant_id", "breached_at"),
    )

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    # The running clock due first: its target, when it started, when 'near' begins and when it is due.
    target: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    warn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Per target for reporting: the due time and whether it was met (None while undecided).
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_met: Mapped[bool | None] = mapped_column(Boolean)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_met: Mapped[bool | None] = mapped_column(Boolean)
    next_response_turns: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_response_breaches: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # When a target was first missed; the breach escalated last ("target@due", so each escalates once).
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_key: Mapped[str | None] = mapped_column(String(64))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
