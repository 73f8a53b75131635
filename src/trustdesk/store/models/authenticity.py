"""Sent-message records (reference + keyed fingerprint) and per-tenant DKIM signing keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class SentMessage(TenantOwned, Base):
    """One outbound message's public reference and keyed fingerprint; never its text."""

    __tablename__ = "sent_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    key_id: Mapped[str] = mapped_column(String(16), nullable=False)
    token_count: Mapped[int] = mapped_column(Integer, nullable=False)
    # [[kind, keyed digest], ...] of the links, contacts, amounts and numbers in the message.
    critical_digests: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    recipient_hash: Mapped[str | None] = mapped_column(String(64))
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class DkimKey(TenantOwned, Base):
    """A tenant's DKIM signing key for one domain and selector; the private half encrypted at rest."""

    __tablename__ = "dkim_keys"
    __table_args__ = (UniqueConstraint("tenant_id", "domain", "selector"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), nullable=False)
    selector: Mapped[str] = mapped_column(String(63), nullable=False)
    private_key_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    public_key: Mapped[str] = mapped_column(
        Text, nullable=False
    )  # base64 SubjectPublicKeyInfo (the p= value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AgentContact(TenantOwned, Base):
    """An agent's announced contact outside the chat: who, how, from which official channel, until when.

    The customer sees it on their account page with a short one-time code the agent will say;
    only the code's keyed hash is stored. Checks are counted and lock the contact after too many misses.
    """

    __tablename__ = "agent_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    agent_user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True, nullable=False
    )
    order_number: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20), nullable=False)  # phone | email | sms
    official_contact: Mapped[str] = mapped_column(String(500), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_checks: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
