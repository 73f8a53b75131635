"""Wiring the mailbox worker into a server process (composition root for this package)."""

from __future__ import annotations

from typing import Any

from trustdesk.conversations.pipeline import Desk
from trustdesk.mailboxes.fetcher import FetchTiming, MailboxFetcher
from trustdesk.mailchannel.service import build_intake
from trustdesk.ratelimit import RateLimiter
from trustdesk.secretbox import SecretBox


def build_fetcher(desk: Desk, settings: Any, limiter: RateLimiter | None = None) -> MailboxFetcher:
    """A fetcher over the same intake as the SMTP listener, timed by TRUSTDESK_MAILBOX_* settings."""
    return MailboxFetcher(
        desk.sessions,
        build_intake(desk, settings, limiter),
        SecretBox(settings.encryption_key or ""),
        ca_file=settings.mailbox_ca_file,
        timing=FetchTiming(
            idle_seconds=float(settings.mailbox_idle_seconds),
            poll_seconds=float(settings.mailbox_poll_seconds),
        ),
        max_sessions=int(settings.mailbox_sessions),
    )
