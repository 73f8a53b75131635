"""The "reports.alert_email" job: the alert e-mail to the retailer's security team, through the SMTP relay."""

from __future__ import annotations

from typing import Any, NoReturn

from trustdesk.audit.log import record
from trustdesk.jobs import JobContext, PermanentJobError
from trustdesk.mail.headers import HeaderRefused, Mailbox
from trustdesk.mail.staff_mail import desk_sender, staff_mail


def alert_email_text(data: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of the alert e-mail to the security team."""
    subject = (
        f"[Trustdesk] {data['scope']} alert: {data['count']} reports in {data['threshold']['window_hours']}h"
    )
    body = (
        f"Retailer: {data['tenant']}\n"
        f"What: {data['scope']} {data['subject']}\n"
        f"Reports: {data['count']} within {data['threshold']['window_hours']} hours "
        f"(threshold {data['threshold']['min_reports']})\n"
        f"Campaign: {data.get('campaign_id')}\nLatest report: {data['report']}\n"
    )
    return subject, body


def _not_sent(context: JobContext, reason: str) -> NoReturn:
    """Audit that the alert was not e-mailed and why, then dead-letter the job with that reason."""
    with context.sessions() as session:
        record(
            session,
            "report.alert_email_not_sent",
            actor="system:alerts",
            tenant_id=context.job.tenant_id,
            target=f"alert:{context.payload.get('alert_id')}",
            details={"reason": reason},
        )
        session.commit()
    raise PermanentJobError(reason) from None


def send_alert_email(context: JobContext) -> None:
    """Job handler for `reports.alert_email`: send through the configured SMTP relay. Without a relay
    or a recipient the job is dead-lettered with that reason (the alert row itself is kept), audited."""
    payload = context.payload
    settings = context.services.get("settings")
    if settings is None:
        from trustdesk.config import get_settings

        settings = get_settings()
    host = getattr(settings, "smtp_relay_host", None)
    to = str(payload.get("to") or "")
    reason = None
    if not to:
        reason = "no security-team address is set on the alert threshold"
    elif not host:
        reason = "no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST); the alert was not e-mailed"
    if reason is not None:
        _not_sent(context, reason)
    subject, body = alert_email_text(payload["data"])
    sender = desk_sender(str(getattr(settings, "public_base_url", "")), "trustdesk-alerts")
    try:
        raw = staff_mail(sender=sender, recipient=to, subject=subject, text=body)
    except HeaderRefused as exc:
        _not_sent(context, f"the alert's headers failed the check before sending: {exc}")
    from trustdesk.mail.relay import Relay, RelayRefused, deliver

    relay = context.services.get("mail_relay") or Relay.from_settings(settings)
    try:
        deliver(raw, sender, Mailbox.from_text(to).address, relay)  # type: ignore[arg-type]
    except RelayRefused as exc:
        raise PermanentJobError(str(exc)) from None
