"""The e-mail channel: one row per mail received or sent in a conversation, and inbound attachments.

No raw message and no body is kept here: the body lives (guarded) in `messages`; this keeps the
threading headers, the envelope, the SPF/DKIM/DMARC results and attachment metadata, and a receipt
for each forward a report address took (so a sender's retry is not filed and answered again).
Attachment bytes are files under the data directory, addressed by tenant and SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class MailRecord(TenantOwned, Base):
    """A mail that entered (inbound) or left (outbound) a conversation."""

    __tablename__ = "mail_records"
    __table_args__ = (Index("ix_mail_records_tenant_header_id", "tenant_id", "header_message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    # The conversation message this mail carried (its guarded body).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), unique=True)
    direction: Mapped[str] = mapped_column(String(8), nullable=False)  # inbound | outbound
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # received | sending | sent
    # Message-ID without angle brackets; for outbound mail reserved before the first attempt.
    header_message_id: Mapped[str] = mapped_column(String(255), nullable=False)
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    references: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    from_address: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    to_address: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    # Envelope of inbound mail (who connected, HELO, MAIL FROM) and its authentication results.
    client_ip: Mapped[str | None] = mapped_column(String(45))
    helo: Mapped[str | None] = mapped_column(String(255))
    mail_from: Mapped[str | None] = mapped_column(String(320))
    auth: Mapped[dict | None] = mapped_column(JSON)
    spoofing: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Why the From display name impersonates the retailer or another sender (mail.impersonation).
    impersonation: Mapped[str | None] = mapped_column(String(300))
    # Inbound: the retailer's mailbox it was fetched from (None: the SMTP listener); replies in the
    # conversation are then submitted through that mailbox's SMTP server.
    mailbox_id: Mapped[int | None] = mapped_column(ForeignKey("mailboxes.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailAttachment(TenantOwned, Base):
    """An inbound attachment: metadata here, bytes in a file (never rendered inline; staff download only)."""

    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    mail_id: Mapped[int] = mapped_column(
        ForeignKey("mail_records.id", ondelete="CASCADE"), index=True, nullable=False
    )
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(127), nullable=False)
    detected_type: Mapped[str | None] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # False when refused (blocked type, too large): then `refused` says why and no file exists.
    stored: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    refused: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class MailReportReceipt(TenantOwned, Base):
    """A forward to a retailer's report address that was already handled: checked, reported or not,
    answered or not. A sending server that retries the whole mail (451 for another recipient) gets
    the first outcome again instead of a second report sighting and a second answer."""

    __tablename__ = "mail_report_receipts"
    __table_args__ = (UniqueConstraint("tenant_id", "mail_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 of the forwarder's address and the forward's Message-ID (neither is kept in clear).
    mail_key: Mapped[str] = mapped_column(String(64), nullable=False)
    verdict: Mapped[str] = mapped_column(String(20), nullable=False)
    report_reference: Mapped[str | None] = mapped_column(String(24))
    answered: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
