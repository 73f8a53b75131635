"""What the support bot keeps per retailer: its extra training examples, help articles and the
returns it has authorised. A conversation's bot state lives on the conversation row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class BotExample(TenantOwned, Base):
    """An example phrase a retailer's admin added for one intent (merged with the shipped set)."""

    __tablename__ = "bot_examples"
    __table_args__ = (UniqueConstraint("tenant_id", "intent", "text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intent: Mapped[str] = mapped_column(String(40), nullable=False)
    text: Mapped[str] = mapped_column(String(500), nullable=False)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class KnowledgeArticle(TenantOwned, Base):
    """A help-centre article in Markdown (rendered safely, never as trusted HTML)."""

    __tablename__ = "kb_articles"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body_markdown: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The article's language (a supported code); the bot quotes articles in the conversation's
    # language first, else in the retailer's default language and says so.
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en", server_default="en")
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    updated_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class ReturnAuthorisationRow(TenantOwned, Base):
    """A return the bot (or an agent) accepted for items of a proven order."""

    __tablename__ = "return_authorisations"
    __table_args__ = (UniqueConstraint("tenant_id", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), nullable=False)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), index=True, nullable=False
    )
    skus: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    reason: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="authorised")
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    send_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
