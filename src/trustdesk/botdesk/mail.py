"""The e-mail the bot's account flow sends: to the account's own address, never to one typed in chat."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from urllib.parse import urlsplit

from trustdesk.audit.log import record
from trustdesk.jobs import JobContext, PermanentJobError
from trustdesk.store.models import Tenant, User


def reset_mail(tenant: Tenant, user: User, base_url: str) -> EmailMessage:
    """The message: where to sign in and reset, and the reminder that nobody will ask for the password."""
    sign_in = f"{base_url.rstrip('/')}/login?tenant={tenant.slug}"
    message = EmailMessage()
    host = urlsplit(base_url).hostname or "localhost"
    message["From"] = f"{tenant.name} <no-reply@{host}>"
    message["To"] = user.email
    message["Subject"] = f"Getting back into your {tenant.name} account"
    message.set_content(
        f"Hello {user.display_name},\n\n"
        f"You asked our assistant for help getting into your {tenant.name} account.\n"
        f"Sign in or reset your password only on our official page:\n\n  {sign_in}\n\n"
        f"{tenant.name} will never ask for your password, card number or one-time codes by chat, "
        "phone or e-mail. If you did not ask for this, you can ignore this message.\n"
    )
    return message


def send_reset_mail(context: JobContext) -> None:
    """Job handler for "bot.password_reset_mail". Without an SMTP relay the job is dead-lettered
    with that reason, audited (the customer was told to check their inbox; an agent can follow up)."""
    bot = context.services.get("bot")
    settings = getattr(getattr(bot, "desk", None), "settings", None)
    if settings is None:
        from trustdesk.config import get_settings

        settings = get_settings()
    with context.sessions() as session:
        user = session.get(User, int(context.payload["user_id"]))
        tenant = session.get(Tenant, user.tenant_id) if user is not None else None
        if user is None or tenant is None or not user.is_active:
            raise PermanentJobError("the account no longer exists")
        host = getattr(settings, "smtp_relay_host", None)
        if not host:
            record(
                session,
                "bot.password_reset_not_sent",
                actor="system:bot",
                tenant_id=tenant.id,
                target=f"user:{user.id}",
                details={"reason": "no SMTP relay is configured"},
            )
            session.commit()
            raise PermanentJobError("no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST)")
        message = reset_mail(tenant, user, str(getattr(settings, "public_base_url", "")))
        session.rollback()
    with smtplib.SMTP(str(host), int(getattr(settings, "smtp_relay_port", 25)), timeout=20) as client:
        if getattr(settings, "smtp_relay_starttls", False):
            client.starttls()
        username = getattr(settings, "smtp_relay_username", None)
        if username:
            client.login(username, getattr(settings, "smtp_relay_password", "") or "")
        client.send_message(message)
