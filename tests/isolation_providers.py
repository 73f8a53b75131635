"""How the tenant-isolation test finds, for each path parameter, an object that belongs to the OTHER tenant.

Every new API route with a path parameter must have its parameter listed here; the isolation test
fails for unknown parameters so no route escapes the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.store.models import ChannelChange, Customer, Order, ReportedIndicatorRow, Tenant, User


def _conversation(s: Session, t: Tenant) -> str:
    # The other tenant's conversation carries its customer's e-mail (with the marker) and a message,
    # so a leak of its content would show in a response.
    from trustdesk.store.models import Conversation, Message, utcnow

    found = s.scalar(select(Conversation.public_id).where(Conversation.tenant_id == t.id))
    if found:
        return found
    email = s.scalar(select(Customer.email).where(Customer.tenant_id == t.id)) or "someone@example.test"
    now = utcnow()
    conv = Conversation(
        tenant_id=t.id,
        public_id=f"other-{t.id}-conversation",
        reference=f"TD-OTHR-{t.id:04d}",
        channel="chat",
        status="new",
        customer_name=email,
        customer_email=email,
        subject=f"order for {email}",
        last_seq=1,
        created_at=now,
        updated_at=now,
        last_message_at=now,
    )
    s.add(conv)
    s.flush()
    s.add(
        Message(
            tenant_id=t.id,
            conversation_id=conv.id,
            seq=1,
            author_kind="customer",
            author_name=email,
            body=f"hello from {email}",
            guard=[],
            visibility="public",
            created_at=now,
        )
    )
    s.commit()
    return conv.public_id


def _canned_reply(s: Session, t: Tenant) -> int:
    from trustdesk.store.models import CannedReply

    found = s.scalar(select(CannedReply.id).where(CannedReply.tenant_id == t.id))
    if found:
        return found
    reply = CannedReply(tenant_id=t.id, shortcut="other", title="Other", body=f"reply of {t.primary_domain}")
    s.add(reply)
    s.commit()
    return reply.id


def _webhook(s: Session, t: Tenant) -> int:
    from trustdesk.store.models import WebhookEndpoint

    found = s.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.tenant_id == t.id))
    if found:
        return found
    endpoint = WebhookEndpoint(
        tenant_id=t.id,
        url=f"https://hooks.{t.primary_domain}/in",
        secret_encrypted="sealed",
        events=["message.created"],
    )
    s.add(endpoint)
    s.commit()
    return endpoint.id


def _job(s: Session, t: Tenant) -> int:
    from trustdesk.store.models import Job

    found = s.scalar(select(Job.id).where(Job.tenant_id == t.id))
    if found:
        return found
    job = Job(
        tenant_id=t.id, kind="webhook.deliver", payload={"note": t.primary_domain}, status="dead", attempts=8
    )
    s.add(job)
    s.commit()
    return job.id


def _report(s: Session, t: Tenant) -> tuple[str, int, int]:
    """The other tenant's report (carrying its domain, so a leak would show), its campaign and indicator."""
    from trustdesk.store.models import Campaign, Report, ReportIndicator, utcnow

    found = s.scalar(select(Report).where(Report.tenant_id == t.id))
    if found is None:
        now = utcnow()
        campaign = Campaign(tenant_id=t.id, status="new", first_seen=now, last_seen=now, channels=["sms"])
        s.add(campaign)
        s.flush()
        found = Report(
            tenant_id=t.id,
            reference=f"R-OTHER{t.id:04d}",
            status_token_hash="0" * 64,
            channel="sms",
            summary=f"scam at fake-{t.primary_domain}",
            fingerprint=f"other-{t.id}",
            campaign_id=campaign.id,
            received_at=now,
            last_received_at=now,
        )
        s.add(found)
        s.flush()
        s.add(
            ReportIndicator(
                tenant_id=t.id,
                report_id=found.id,
                kind="domain",
                value=f"fake-{t.primary_domain}",
                key=f"domain:fake-{t.primary_domain}",
                glue_key=f"domain:fake-{t.primary_domain}",
            )
        )
        s.commit()
    indicator = s.scalar(select(ReportIndicator.id).where(ReportIndicator.report_id == found.id))
    return found.reference, found.campaign_id or 0, indicator or 0


# name -> function(session, other_tenant) -> a value identifying one of the other tenant's objects
def _attachment(s: Session, t: Tenant) -> str:
    """An e-mail attachment in the other tenant's conversation (metadata only; a leak would be a 200)."""
    from trustdesk.store.models import Conversation, MailAttachment, MailRecord

    found = s.scalar(select(MailAttachment.public_id).where(MailAttachment.tenant_id == t.id))
    if found:
        return found
    public_id = _conversation(s, t)
    conv_id = s.scalar(select(Conversation.id).where(Conversation.public_id == public_id))
    mail = MailRecord(
        tenant_id=t.id,
        conversation_id=conv_id,
        direction="inbound",
        status="received",
        header_message_id=f"other-{t.id}@example.test",
        references=[],
    )
    s.add(mail)
    s.flush()
    s.add(
        MailAttachment(
            tenant_id=t.id,
            public_id=f"other-{t.id}-attachment",
            mail_id=mail.id,
            conversation_id=conv_id,
            filename="other.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    )
    s.commit()
    return f"other-{t.id}-attachment"


def _bot_example(s: Session, t: Tenant) -> int:
    from trustdesk.store.models import BotExample

    found = s.scalar(select(BotExample.id).where(BotExample.tenant_id == t.id))
    if found:
        return found
    row = BotExample(tenant_id=t.id, intent="order_status", text=f"where is my {t.primary_domain} parcel")
    s.add(row)
    s.commit()
    return row.id


def _kb_article(s: Session, t: Tenant) -> int:
    from trustdesk.store.models import KnowledgeArticle

    found = s.scalar(select(KnowledgeArticle.id).where(KnowledgeArticle.tenant_id == t.id))
    if found:
        return found
    row = KnowledgeArticle(
        tenant_id=t.id, slug="other", title="Other", body_markdown=f"help of {t.primary_domain}"
    )
    s.add(row)
    s.commit()
    return row.id


def _admin_grant(s: Session, t: Tenant) -> int:
    from trustdesk.store.models import AdminGrant

    found = s.scalar(select(AdminGrant.id).where(AdminGrant.tenant_id == t.id))
    if found:
        return found
    admin = s.scalar(select(User).where(User.tenant_id == t.id, User.role == "admin"))
    other = s.scalar(select(User).where(User.tenant_id == t.id, User.role != "admin"))
    assert admin is not None and other is not None, "the other tenant needs an admin and another staff member"
    row = AdminGrant(
        tenant_id=t.id, user_id=other.id, action="promote", from_role=other.role, requested_by_id=admin.id
    )
    s.add(row)
    s.commit()
    return row.id


def _mailbox(s: Session, t: Tenant) -> str:
    """The other tenant's connected mailbox (its host names the tenant's domain, so a leak would show)."""
    from trustdesk.store.models import MailboxRow

    found = s.scalar(select(MailboxRow.public_id).where(MailboxRow.tenant_id == t.id))
    if found:
        return found
    row = MailboxRow(
        tenant_id=t.id,
        public_id=f"mbx_other{t.id}",
        address=f"help@{t.primary_domain}",
        enabled=False,  # never fetched by a worker during the test
        auth_kind="password",
        username=f"help@{t.primary_domain}",
        secret_sealed="sealed",
        imap_host=f"imap.{t.primary_domain}",
        imap_port=993,
        imap_security="tls",
        folder="INBOX",
        after_intake="seen",
        last_uid=0,
        fetched_total=0,
    )
    s.add(row)
    s.commit()
    return row.public_id


PROVIDERS: dict[str, Callable[[Session, Tenant], Any]] = {
    "order_number": lambda s, t: s.scalar(select(Order.number).where(Order.tenant_id == t.id)),
    "customer_id": lambda s, t: s.scalar(select(Customer.id).where(Customer.tenant_id == t.id)),
    "user_id": lambda s, t: s.scalar(select(User.id).where(User.tenant_id == t.id)),
    "change_id": lambda s, t: s.scalar(select(ChannelChange.id).where(ChannelChange.tenant_id == t.id)),
    "indicator_id": lambda s, t: s.scalar(
        select(ReportedIndicatorRow.id).where(ReportedIndicatorRow.tenant_id == t.id)
    ),
    "conversation_id": _conversation,
    "attachment_id": _attachment,
    "canned_reply_id": _canned_reply,
    "webhook_id": _webhook,
    "job_id": _job,
    "report_reference": lambda s, t: _report(s, t)[0],
    "campaign_id": lambda s, t: _report(s, t)[1],
    "report_indicator_id": lambda s, t: _report(s, t)[2],
    "example_id": _bot_example,
    "article_id": _kb_article,
    "grant_id": _admin_grant,
    "mailbox_id": _mailbox,
}

# Public routes keyed by tenant slug are meant to be readable by anyone (help page, manifest, verify).
PUBLIC_PREFIXES = ("/api/v1/public/",)
