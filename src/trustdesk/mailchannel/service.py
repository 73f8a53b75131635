"""Wiring the e-mail channel into a server process: the intake over the desk, and the listener."""

from __future__ import annotations

import logging
from typing import Any

from trustdesk.conversations.pipeline import Desk
from trustdesk.conversations.runtime import parse_limit
from trustdesk.mail import MailLimits
from trustdesk.mailchannel.attachments import AttachmentStore
from trustdesk.mailchannel.intake import MailIntake, resolver_from_setting
from trustdesk.mailchannel.report_inbox import ReportInbox
from trustdesk.mailchannel.smtp import SmtpListener
from trustdesk.ratelimit import RateLimiter

log = logging.getLogger("trustdesk.mail")


def build_intake(desk: Desk, settings: Any, limiter: RateLimiter | None = None) -> MailIntake:
    """The intake for a deployment: attachments under data_dir, DNS from TRUSTDESK_DNS_NAMESERVERS."""
    size = int(settings.smtp_max_message_bytes)
    resolver = resolver_from_setting(settings.dns_nameservers)
    intake = MailIntake(
        desk,
        attachments=AttachmentStore(settings.attachments_dir),
        resolver=resolver,
        limits=MailLimits(
            max_message_bytes=size,
            max_total_attachment_bytes=min(size, MailLimits().max_total_attachment_bytes),
        ),
    )
    intake.reports = ReportInbox(desk.sessions, resolver=resolver, settings=settings, limiter=limiter)
    return intake


def start_listener(desk: Desk, settings: Any, limiter: RateLimiter | None = None) -> SmtpListener | None:
    """Start the SMTP listener unless TRUSTDESK_SMTP_LISTEN_PORT is 0; raises OSError if it cannot bind."""
    if not settings.smtp_listen_port:
        return None
    listener = SmtpListener(
        build_intake(desk, settings, limiter),
        host=settings.smtp_listen_host,
        port=settings.smtp_listen_port,
        data_size_limit=int(settings.smtp_max_message_bytes),
        limiter=limiter,
        per_ip=parse_limit(settings.smtp_mails_per_ip),
    )
    listener.start()
    log.info("smtp listener started", extra={"host": listener.host, "port": listener.port})
    return listener
