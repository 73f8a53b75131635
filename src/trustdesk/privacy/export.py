"""Export (GDPR art. 15): everything found about one person, as rows ready for the archive (storage)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.i18n import supported
from trustdesk.privacy.archive import ExportContent, attachment_name
from trustdesk.privacy.finder import Subject
from trustdesk.store.models import (
    AgentContact,
    Conversation,
    Customer,
    MailAttachment,
    MailRecord,
    Message,
    Order,
    Report,
    ReturnAuthorisationRow,
    Tenant,
    User,
    utcnow,
)

# (tenant_id, sha256) -> the file's bytes, or None when it is missing or altered on disk.
ReadAttachment = Callable[[int, str], bytes | None]


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _rows(session: Session, model: Any, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    return list(session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))


def subject_language(session: Session, tenant: Tenant, subject: Subject) -> str:
    """The language to write to the person in: their latest conversation's, else the retailer's first."""
    for conv in reversed(_rows(session, Conversation, subject.conversation_ids)):
        state = conv.bot_state or {}
        for candidate in (state.get("language"), (state.get("engine") or {}).get("language")):
            code = supported(candidate) if isinstance(candidate, str) else None
            if code:
                return code
    offered = (tenant.branding or {}).get("languages") or []
    first = offered[0] if offered and isinstance(offered[0], str) else None
    return supported(first) or "en"


def collect_export(
    session: Session, tenant: Tenant, subject: Subject, read_attachment: ReadAttachment
) -> ExportContent:
    """The person's records per kind (only what is stored: guarded text, never a secret) and files."""
    content = ExportContent(
        tenant_slug=tenant.slug,
        tenant_name=tenant.name,
        language=subject_language(session, tenant, subject),
        generated_at=utcnow(),
    )
    r = content.records
    r["customers"] = [
        {
            "email": c.email,
            "name": c.name,
            "phone": c.phone,
            "external_id": c.external_id,
            "created_at": _when(c.created_at),
        }
        for c in _rows(session, Customer, subject.customer_ids)
    ]
    r["accounts"] = [
        {
            "email": u.email,
            "display_name": u.display_name,
            "created_at": _when(u.created_at),
            "last_login_at": _when(u.last_login_at),
        }
        for u in _rows(session, User, subject.account_ids)
    ]
    conversations = _rows(session, Conversation, subject.conversation_ids)
    refs = {c.id: c.reference for c in conversations}
    r["conversations"] = [
        {
            "reference": c.reference,
            "channel": c.channel,
            "status": c.status,
            "subject": c.subject,
            "customer_name": c.customer_name,
            "customer_email": c.customer_email,
            "created_at": _when(c.created_at),
            "last_message_at": _when(c.last_message_at),
            "resolved_at": _when(c.resolved_at),
        }
        for c in conversations
    ]
    r["bot"] = [
        {"conversation": c.reference, "state": c.bot_state} for c in conversations if c.bot_state is not None
    ]
    r["messages"] = [
        {
            "conversation": refs.get(m.conversation_id),
            "seq": m.seq,
            "author": m.author_kind,
            "author_name": m.author_name,
            "visibility": m.visibility,
            "text": m.body,
            "reference": m.reference,
            "created_at": _when(m.created_at),
        }
        for m in sorted(
            _rows(session, Message, subject.message_ids), key=lambda m: (m.conversation_id, m.seq)
        )
    ]
    r["mail"] = [
        {
            "conversation": refs.get(m.conversation_id),
            "direction": m.direction,
            "message_id": m.header_message_id,
            "from": m.from_address,
            "to": m.to_address,
            "created_at": _when(m.created_at),
            "sent_at": _when(m.sent_at),
        }
        for m in _rows(session, MailRecord, subject.mail_ids)
    ]
    attachments = []
    for a in _rows(session, MailAttachment, subject.attachment_ids):
        entry: dict[str, Any] = {
            "conversation": refs.get(a.conversation_id),
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
            "stored": a.stored,
            "refused": a.refused,
            "file": None,
        }
        data = read_attachment(tenant.id, a.sha256) if a.stored else None
        if data is not None:
            entry["file"] = "attachments/" + attachment_name(a.public_id, a.filename)
            content.files[attachment_name(a.public_id, a.filename)] = data
        attachments.append(entry)
    r["attachments"] = attachments
    orders = _rows(session, Order, subject.order_ids)
    numbers = {o.id: o.number for o in orders}
    r["orders"] = [
        {
            "number": o.number,
            "status": o.status,
            "placed_at": _when(o.placed_at),
            "currency": o.currency,
            "total_cents": o.total_cents,
            "shipping_address": o.shipping_address,
            "carrier": o.carrier,
            "tracking_number": o.tracking_number,
            "shipped_at": _when(o.shipped_at),
            "delivered_at": _when(o.delivered_at),
            "refund_status": o.refund_status,
            "items": [
                {"sku": i.sku, "name": i.name, "quantity": i.quantity, "unit_price_cents": i.unit_price_cents}
                for i in o.items
            ],
        }
        for o in orders
    ]
    r["returns"] = [
        {
            "reference": ra.reference,
            "order": numbers.get(ra.order_id),
            "skus": ra.skus,
            "reason": ra.reason,
            "status": ra.status,
            "created_at": _when(ra.created_at),
        }
        for ra in _rows(session, ReturnAuthorisationRow, subject.return_ids)
    ]
    r["reports"] = [
        {
            "reference": rep.reference,
            "channel": rep.channel,
            "reporter_contact": rep.reporter_contact,
            "subject": rep.subject,
            "summary": rep.summary,
            "verdict": rep.verdict,
            "status": rep.status,
            "received_at": _when(rep.received_at),
        }
        for rep in _rows(session, Report, subject.report_ids)
    ]
    r["agent_contacts"] = [
        {
            "channel": ac.channel,
            "official_contact": ac.official_contact,
            "order": ac.order_number,
            "created_at": _when(ac.created_at),
            "expires_at": _when(ac.expires_at),
        }
        for ac in _rows(session, AgentContact, subject.agent_contact_ids)
    ]
    return content
