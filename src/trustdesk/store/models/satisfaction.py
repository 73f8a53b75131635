"""Customer satisfaction (CSAT): one survey per resolved conversation, and its one answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class SatisfactionSurvey(TenantOwned, Base):
    __tablename__ = "csat_surveys"
    __table_args__ = (
        UniqueConstraint("conversation_id"),
        Index("ix_csat_surveys_tenant_answered", "tenant_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    # Whose work is rated: the conversation's assignee when it was (last) resolved; None for the bot alone.
    agent_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en")
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # The signed e-mail link stops working then (the chat offer ends with the chat's token).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # The public reference of the survey mail (customers check it on /t/{slug}/check); None for chat.
    mail_reference: Mapped[str | None] = mapped_column(String(16))
    # The survey mail's Message-ID (without brackets), reserved before the first attempt to send it.
    mail_message_id: Mapped[str | None] = mapped_column(String(255))
    score: Mapped[int | None] = mapped_column(Integer)  # 1 (very dissatisfied) .. 5 (very satisfied)
    # Guarded like any customer text: secrets were redacted before it was stored.
    comment: Mapped[str | None] = mapped_column(Text)
    comment_guard: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_via: Mapped[str | None] = mapped_column(String(10))  # chat | email
