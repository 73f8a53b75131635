"""The mail side of messages, as agents see it: authentication badge, addresses, attachments."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.store.models import Conversation, MailAttachment, MailRecord, Message


def attachment_url(conversation_public_id: str, attachment_public_id: str) -> str:
    return f"/api/v1/conversations/{conversation_public_id}/attachments/{attachment_public_id}"


def auth_verdict(auth: dict[str, Any] | None, spoofing: bool, impersonation: str | None = None) -> str:
    """One word for the badge: spoofed, impersonation (a display name borrowing the retailer's or
    another sender's identity: never shown as a pass), pass (DMARC pass), fail, temperror, none,
    or unchecked."""
    if spoofing:
        return "spoofed"
    if impersonation:
        return "impersonation"
    if not auth:
        return "unchecked"
    dmarc = str(auth.get("dmarc", "none"))
    if dmarc == "pass":
        return "pass"
    if dmarc in ("fail", "temperror"):
        return dmarc
    if auth.get("spf") == "pass" or auth.get("dkim") == "pass":
        return "partial"
    return "none"


_HIDDEN_CATEGORIES = frozenset({"Cf", "Cc", "Mn", "Me", "Zl", "Zp", "Co", "Cn", "Cs"})


def visible(text: str) -> str:
    """Text with the characters a reader would not see written out ("[U+200B]"), so an address
    padded with invisible characters never reads as the retailer's own."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        f"[U+{ord(c):04X}]"
        if unicodedata.category(c) in _HIDDEN_CATEGORIES or (c.isspace() and c != " ")
        else c
        for c in text
    )


def mail_info(
    record: MailRecord, attachments: Iterable[MailAttachment], conversation_public_id: str
) -> dict[str, Any]:
    auth = record.auth or None
    return {
        "direction": record.direction,
        "status": record.status,
        "from": visible(record.from_address),
        "to": record.to_address,
        "message_id": record.header_message_id,
        "verdict": (
            auth_verdict(auth, record.spoofing, record.impersonation)
            if record.direction == "inbound"
            else "sent-by-us"
        ),
        "spoofing": record.spoofing,
        "impersonation": record.impersonation,
        "auth": (
            {
                "spf": auth.get("spf"),
                "dkim": auth.get("dkim"),
                "dmarc": auth.get("dmarc"),
                "from_domain": auth.get("from_domain"),
                "reasons": list(auth.get("reasons", [])),
            }
            if auth
            else None
        ),
        "attachments": [
            {
                "id": a.public_id,
                "filename": a.filename,
                "content_type": a.content_type,
                "detected_type": a.detected_type,
                "size": a.size,
                "sha256": a.sha256,
                "stored": a.stored,
                "refused": a.refused,
                "url": attachment_url(conversation_public_id, a.public_id) if a.stored else None,
            }
            for a in attachments
        ],
    }


def add_mail_info(
    session: Session, conv: Conversation, messages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Give each message of an e-mail conversation that came or went as mail its `mail` section (in place)."""
    if conv.channel != "email" or not messages:
        return messages
    rows = session.execute(
        select(Message.seq, MailRecord)
        .join(MailRecord, MailRecord.message_id == Message.id)
        .where(MailRecord.conversation_id == conv.id, MailRecord.tenant_id == conv.tenant_id)
    ).all()
    if not rows:
        return messages
    files: dict[int, list[MailAttachment]] = {}
    for attachment in session.scalars(
        select(MailAttachment)
        .where(MailAttachment.conversation_id == conv.id, MailAttachment.tenant_id == conv.tenant_id)
        .order_by(MailAttachment.id)
    ):
        files.setdefault(attachment.mail_id, []).append(attachment)
    by_seq = {seq: record for seq, record in rows}
    for message in messages:
        record = by_seq.get(message["seq"])
        if record is not None:
            message["mail"] = mail_info(record, files.get(record.id, []), conv.public_id)
    return messages
