"""Every admin of a retailer hears about new admins and channel changes, by mail.

`notify_admins` enqueues one "staff.admin_notice" job per active admin in the caller's
transaction (so a notice exists exactly when the change commits, and the admin whose session
was used hears about it too); the handler mails it through the relay. Without a relay the job is
dead-lettered with that reason and audited; the change itself and its audit entry stand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.jobs import JobContext, PermanentJobError, enqueue
from trustdesk.mail.headers import HeaderRefused
from trustdesk.mail.staff_mail import desk_sender, staff_mail
from trustdesk.store.models import Tenant, User

ADMIN_NOTICE_JOB = "staff.admin_notice"


def notify_admins(session: Session, tenant: Tenant, subject: str, lines: list[str], console_path: str) -> int:
    """Queue a notice for every active admin of `tenant`; returns how many were queued.

    `lines` is the body (no secrets: who, what, when); `console_path` is where to act on it.
    """
    admins = session.scalars(
        select(User.id).where(User.tenant_id == tenant.id, User.role == "admin", User.is_active.is_(True))
    ).all()
    for admin_id in admins:
        enqueue(
            session,
            ADMIN_NOTICE_JOB,
            {
                "user_id": int(admin_id),
                "subject": f"[{tenant.name}] {subject}",
                "lines": lines,
                "path": console_path,
            },
            tenant_id=tenant.id,
        )
    return len(admins)


def notice_text(lines: list[str], url: str) -> str:
    """The body of a notice: what happened, where to look, and what to do if it was not you."""
    return (
        "\n".join(lines)
        + f"\n\nSee it at {url}\n\n"
        + "Every admin of your retailer gets this notice. If you do not recognise this change, reject it "
        "(or remove the admin) and tell your security team: someone may be using an admin's account.\n"
    )


def send_admin_notice(context: JobContext) -> None:
    """Job handler for "staff.admin_notice": one mail to one admin's own address."""
    from trustdesk.config import get_settings
    from trustdesk.mail.relay import Relay, RelayRefused, deliver

    settings: Any = context.services.get("settings") or get_settings()
    relay = context.services.get("mail_relay") or Relay.from_settings(settings)
    payload = context.payload
    with context.sessions() as session:
        user = session.get(User, int(payload["user_id"]))
        if (
            user is None
            or not user.is_active
            or user.role != "admin"
            or user.tenant_id != context.job.tenant_id
        ):
            return  # no longer an admin: nothing to tell them
        base_url = str(getattr(settings, "public_base_url", "")).rstrip("/")
        sender = desk_sender(base_url, "trustdesk-notices")
        reason = None
        raw = b""
        if relay is None:
            reason = "no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST); the notice was not e-mailed"
        else:
            try:
                raw = staff_mail(
                    sender=sender,
                    recipient=user.email,
                    subject=str(payload["subject"]),
                    text=notice_text(
                        [str(line) for line in payload["lines"]], base_url + str(payload["path"])
                    ),
                )
            except HeaderRefused as exc:
                reason = f"the notice's headers failed the check before sending: {exc}"
        if reason is not None:
            record(
                session,
                "staff.admin_notice_not_sent",
                actor="system:notices",
                tenant_id=user.tenant_id,
                target=f"user:{user.id}",
                details={"reason": reason, "subject": str(payload["subject"])[:200]},
            )
            session.commit()
            raise PermanentJobError(reason)
        recipient = user.email
        session.rollback()
    try:
        deliver(raw, sender, recipient, relay)  # type: ignore[arg-type]
    except RelayRefused as exc:
        raise PermanentJobError(str(exc)) from None
