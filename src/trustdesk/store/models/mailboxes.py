"""A retailer's own mailbox connected to the desk: IMAP for intake, SMTP submission for replies.

Credentials are sealed with the deployment key (secretbox) and never stored or shown in clear.
The fetch state (UIDVALIDITY, highest UID taken in, lease) lives on the row: a restart resumes
where the last committed mail left off, and only one server process fetches a mailbox at a time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from trustdesk.store.models.base import Base, TenantOwned, UTCDateTime, utcnow


class MailboxRow(TenantOwned, Base):
    __tablename__ = "mailboxes"
    __table_args__ = (UniqueConstraint("tenant_id", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    # The official support address whose mail this mailbox holds (replies are sent from it).
    address: Mapped[str] = mapped_column(String(320), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    auth_kind: Mapped[str] = mapped_column(String(10), nullable=False)  # password | oauth2
    username: Mapped[str] = mapped_column(String(320), nullable=False)
    # SecretBox-sealed JSON {"imap": ..., "smtp": ..., "oauth": ...}: passwords or OAuth2 access tokens,
    # and for a renewed token its client (token endpoint, client id and secret, refresh token).
    secret_sealed: Mapped[str] = mapped_column(Text, nullable=False)
    # OAuth2 with a refresh token: the access token is renewed before it expires (mailboxes.oauth).
    oauth_refresh: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imap_host: Mapped[str] = mapped_column(String(253), nullable=False)
    imap_port: Mapped[int] = mapped_column(Integer, nullable=False)
    imap_security: Mapped[str] = mapped_column(String(10), nullable=False)  # tls | starttls
    folder: Mapped[str] = mapped_column(String(200), nullable=False, default="INBOX")
    # After a mail is committed: mark it \Seen, or move it to `move_to`.
    after_intake: Mapped[str] = mapped_column(String(10), nullable=False, default="seen")
    move_to: Mapped[str | None] = mapped_column(String(200))
    smtp_host: Mapped[str | None] = mapped_column(String(253))
    smtp_port: Mapped[int | None] = mapped_column(Integer)
    smtp_security: Mapped[str | None] = mapped_column(String(10))  # tls | starttls
    smtp_username: Mapped[str | None] = mapped_column(String(320))
    # Fetch state: the folder's UIDVALIDITY and the highest UID whose mail is committed.
    uid_validity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    fetched_total: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Which server process holds the mailbox's IMAP session, and until when (renewed while it runs).
    locked_by: Mapped[str | None] = mapped_column(String(120))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
