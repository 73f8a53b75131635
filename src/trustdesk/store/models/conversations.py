"""Conversations and their messages, the durable job outbox, canned replies and webhook endpoints.

Message bodies are stored only after the guard has redacted them; the guard summary keeps
finding types, actions and safe display forms, never raw values.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class Conversation(TenantOwned, Base):
    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("public_id"),
        UniqueConstraint("tenant_id", "reference"),
        Index("ix_conversations_tenant_status", "tenant_id", "status", "last_message_at"),
        Index("ix_conversations_tenant_assignee", "tenant_id", "assignee_user_id", "status"),
        Index("ix_conversations_tenant_created", "tenant_id", "created_at"),  # the dashboard's periods
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Unguessable id used in URLs and sockets; `reference` is the short code people quote.
    public_id: Mapped[str] = mapped_column(String(32), nullable=False)
    reference: Mapped[str] = mapped_column(String(16), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="new")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    visitor_id: Mapped[str | None] = mapped_column(String(64))
    customer_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    customer_email: Mapped[str | None] = mapped_column(String(320))
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    bot_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # The bot's slots, pending question and transcript summary (bot.state.ConversationState JSON);
    # only already-guarded text, never a secret.
    bot_state: Mapped[dict | None] = mapped_column(JSON)
    # The conversation's language (a supported BCP 47 code: "de", "pt-BR"): detected from the
    # customer's messages by the bot, or set by the customer or an agent; None until known.
    language: Mapped[str | None] = mapped_column(String(8))
    # low | normal | high | urgent (sla.policy.Priority): chooses the SLA targets; set by agents.
    priority: Mapped[str] = mapped_column(
        String(8), nullable=False, default="normal", server_default="normal"
    )
    # SHA-256 of the bearer token handed to the customer when the chat started.
    access_token_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Customer messages the guard redacted something in: a small share, counted by the dashboard per period.
# The query repeats this condition with literal values, so SQLite and PostgreSQL can use the index.
GUARDED_CUSTOMER_MESSAGE = "author_kind = 'customer' AND CAST(guard AS VARCHAR) != '[]'"


class Message(TenantOwned, Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq"),
        UniqueConstraint("conversation_id", "client_msg_id"),
        Index(
            "ix_messages_tenant_guarded",
            "tenant_id",
            "created_at",
            sqlite_where=text(GUARDED_CUSTOMER_MESSAGE),
            postgresql_where=text(GUARDED_CUSTOMER_MESSAGE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    client_msg_id: Mapped[str | None] = mapped_column(String(64))
    author_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # Already redacted by the guard: never the customer's raw text when it held a secret.
    body: Mapped[str] = mapped_column(Text, nullable=False)
    guard: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    visibility: Mapped[str] = mapped_column(String(10), nullable=False, default="public")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Public reference of what the retailer sent (agents, bot): customers check it on /t/{slug}/check.
    reference: Mapped[str | None] = mapped_column(String(16))


class Job(Base):
    """The transactional outbox: written with the change that caused it, run at least once by a worker."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    # Never secrets: identifiers and already-guarded text only.
    payload: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=8)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    locked_by: Mapped[str | None] = mapped_column(String(80))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CannedReply(TenantOwned, Base):
    """One language version of a saved answer. Versions of the same answer share a `group_key` and
    its shortcut; an agent inserting it gets the conversation's language (conversations.canned)."""

    __tablename__ = "canned_replies"
    __table_args__ = (
        UniqueConstraint("tenant_id", "shortcut", "language"),
        UniqueConstraint("tenant_id", "group_key", "language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shortcut: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    # A supported code (trustdesk.i18n.LANGUAGES) the retailer offered when the version was saved.
    language: Mapped[str] = mapped_column(String(8), nullable=False, default="en", server_default="en")
    # Links the translations of one answer; opaque and never changed once given.
    group_key: Mapped[str] = mapped_column(String(40), nullable=False, default=lambda: secrets.token_hex(8))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookEndpoint(TenantOwned, Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    # Signing secret sealed with the deployment SecretBox; shown to the admin once at creation.
    secret_encrypted: Mapped[str] = mapped_column(String(500), nullable=False)
    events: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    description: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
