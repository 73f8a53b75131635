"""The e-mail the bot's account flow sends: to the account's own address, never to one typed in chat."""

from __future__ import annotations

from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.authenticity.service import compose_email
from trustdesk.i18n import words
from trustdesk.jobs import JobContext, PermanentJobError
from trustdesk.mail.headers import HeaderRefused
from trustdesk.mail.relay import Relay, RelayRefused, deliver
from trustdesk.mailchannel.sender import official_addresses
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import Tenant, User
from trustdesk.tenancy.language_settings import tenant_languages


def reset_text(tenant: Tenant, user: User, base_url: str, lang: str | None = None) -> tuple[str, str]:
    """Subject and text, in ``lang``: where to sign in and reset, and the reminder that nobody will ask
    for the password."""
    w = words(lang)
    sign_in = f"{base_url.rstrip('/')}/login?tenant={tenant.slug}"
    hello = w.gettext("Hello {name},", name=user.display_name)
    asked = w.gettext("You asked our assistant for help getting into your {shop} account.", shop=tenant.name)
    where = w.gettext("Sign in or reset your password only on our official page:")
    never = w.gettext(
        "{shop} will never ask for your password, card number or one-time codes by chat, phone or e-mail. "
        "If you did not ask for this, you can ignore this message.",
        shop=tenant.name,
    )
    subject = w.gettext("Getting back into your {shop} account", shop=tenant.name)
    return subject, f"{hello}\n\n{asked}\n{where}\n\n  {sign_in}\n\n{never}\n"


def _not_sent(session: Session, tenant: Tenant, user: User, reason: str) -> PermanentJobError:
    """Audit why the reset mail was not sent and commit; the error for the caller to raise."""
    record(
        session,
        "bot.password_reset_not_sent",
        actor="system:bot",
        tenant_id=tenant.id,
        target=f"user:{user.id}",
        details={"reason": reason},
    )
    session.commit()
    return PermanentJobError(reason)


def send_reset_mail(context: JobContext) -> None:
    """Job handler for "bot.password_reset_mail": a referenced, DKIM-signed mail from the retailer's
    official address (the customer can check it like any reply). Without an SMTP relay or an official
    address the job is dead-lettered with that reason, audited (an agent can follow up)."""
    bot = context.services.get("bot")
    settings = getattr(getattr(bot, "desk", None), "settings", None) or context.services.get("settings")
    if settings is None:
        from trustdesk.config import get_settings

        settings = get_settings()
    relay = context.services.get("mail_relay") or Relay.from_settings(settings)
    box = context.services.get("box") or SecretBox(settings.encryption_key or "")
    with context.sessions() as session:
        user = session.get(User, int(context.payload["user_id"]))
        tenant = session.get(Tenant, user.tenant_id) if user is not None else None
        if user is None or tenant is None or not user.is_active:
            raise PermanentJobError("the account no longer exists")
        sender = next(iter(official_addresses(session, tenant)), None)
        reason = None
        if relay is None:
            reason = "no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST)"
        elif sender is None:
            reason = "the retailer has no official e-mail address to send from"
        if reason is not None:
            raise _not_sent(session, tenant, user, reason)
        base_url = str(getattr(settings, "public_base_url", ""))
        lang = context.payload.get("lang") or tenant_languages(tenant).default
        subject, text = reset_text(tenant, user, base_url, lang)
        try:
            _, raw = compose_email(
                session,
                tenant,
                box,
                text=text,
                from_address=str(sender),
                to_address=user.email,
                subject=subject,
                public_base_url=base_url,
                lang=lang,
            )
        except HeaderRefused as exc:
            reason = f"the mail's headers failed the check before signing: {exc}"
            raise _not_sent(session, tenant, user, reason) from None
        recipient = user.email
        session.commit()  # the reference is recorded before the mail can arrive
    try:
        deliver(raw, str(sender), recipient, relay)  # type: ignore[arg-type]
    except RelayRefused as exc:
        raise PermanentJobError(str(exc)) from None
