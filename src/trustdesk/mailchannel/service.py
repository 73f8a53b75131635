"""Wiring the e-mail channel into a server process: the intake over the desk, and the listener."""

from __future__ import annotations

import logging
import ssl
from typing import Any

from trustdesk.conversations.pipeline import Desk
from trustdesk.mail import MailLimits
from trustdesk.mailchannel.intake import MailIntake, resolver_from_setting
from trustdesk.mailchannel.report_inbox import ReportInbox
from trustdesk.mailchannel.smtp import ListenerAuth, SmtpListener
from trustdesk.ratelimit import RateLimiter, parse_limit
from trustdesk.store.attachments import AttachmentStore

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


def listener_security(settings: Any) -> tuple[ssl.SSLContext | None, ListenerAuth | None]:
    """STARTTLS from TRUSTDESK_SMTP_LISTEN_TLS_CERT/_KEY, AUTH from _AUTH_USERNAME/_PASSWORD.

    ValueError with what to fix when the two halves of a setting do not go together."""
    from trustdesk.config import ConfigurationError

    cert, key = settings.smtp_listen_tls_cert, settings.smtp_listen_tls_key
    context = None
    if bool(cert) != bool(key):
        raise ConfigurationError(
            "set both TRUSTDESK_SMTP_LISTEN_TLS_CERT and TRUSTDESK_SMTP_LISTEN_TLS_KEY, or neither"
        )
    if cert and key:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(str(cert), str(key))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"the SMTP listener's certificate or key cannot be loaded: {exc}"
            ) from None
    username = settings.smtp_listen_auth_username
    password = (
        settings.smtp_listen_auth_password.get_secret_value() if settings.smtp_listen_auth_password else None
    )
    auth = None
    if bool(username) != bool(password):
        raise ConfigurationError(
            "set both TRUSTDESK_SMTP_LISTEN_AUTH_USERNAME and TRUSTDESK_SMTP_LISTEN_AUTH_PASSWORD, or neither"
        )
    if username and password:
        if context is None:
            raise ConfigurationError(
                "SMTP AUTH needs STARTTLS: set TRUSTDESK_SMTP_LISTEN_TLS_CERT and _KEY too"
            )
        auth = ListenerAuth(username, password, required=bool(settings.smtp_listen_auth_required))
    elif settings.smtp_listen_auth_required:
        raise ConfigurationError("TRUSTDESK_SMTP_LISTEN_AUTH_REQUIRED needs the AUTH user name and password")
    return context, auth


def start_listener(desk: Desk, settings: Any, limiter: RateLimiter | None = None) -> SmtpListener | None:
    """Start the SMTP listener unless TRUSTDESK_SMTP_LISTEN_PORT is 0; raises OSError if it cannot bind,
    ConfigurationError when its TLS or AUTH settings cannot be used."""
    if not settings.smtp_listen_port:
        return None
    tls_context, auth = listener_security(settings)
    listener = SmtpListener(
        build_intake(desk, settings, limiter),
        host=settings.smtp_listen_host,
        port=settings.smtp_listen_port,
        data_size_limit=int(settings.smtp_max_message_bytes),
        limiter=limiter,
        per_ip=parse_limit(settings.smtp_mails_per_ip),
        tls_context=tls_context,
        auth=auth,
    )
    listener.start()
    log.info(
        "smtp listener started",
        extra={
            "host": listener.host,
            "port": listener.port,
            "starttls": tls_context is not None,
            "auth": auth is not None,
        },
    )
    return listener
