"""Deleting conversations and attachments with everything hanging off them (storage), shared by
erasure and retention. The files are only listed here: callers delete them after their commit."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from trustdesk.store.models import (
    Conversation,
    MailAttachment,
    MailRecord,
    Message,
    ReturnAuthorisationRow,
    SentMessage,
)


def orphaned_files(session: Session, tenant_id: int, attachment_ids: list[int], root: Path) -> list[Path]:
    """Files of these attachment rows that no other row of the tenant holds (files are content-addressed)."""
    if not attachment_ids:
        return []
    digests = set(
        session.scalars(
            select(MailAttachment.sha256).where(
                MailAttachment.id.in_(attachment_ids), MailAttachment.stored.is_(True)
            )
        )
    )
    shared = set(
        session.scalars(
            select(MailAttachment.sha256).where(
                MailAttachment.tenant_id == tenant_id,
                MailAttachment.sha256.in_(digests),
                ~MailAttachment.id.in_(attachment_ids),
            )
        )
    )
    folder = Path(root) / str(int(tenant_id))
    return [p for p in (folder / d[:2] / d for d in sorted(digests - shared)) if p.exists()]


def remove_conversations(session: Session, tenant_id: int, conversation_ids: list[int]) -> None:
    """Delete the conversations with their messages, mail records and attachment rows; what only
    points at them (sent-message fingerprints, return authorisations) loses the link and stays."""
    if not conversation_ids:
        return
    ids = conversation_ids
    session.execute(
        update(SentMessage)
        .where(SentMessage.tenant_id == tenant_id, SentMessage.conversation_id.in_(ids))
        .values(conversation_id=None, message_id=None)
    )
    session.execute(
        update(ReturnAuthorisationRow)
        .where(ReturnAuthorisationRow.tenant_id == tenant_id, ReturnAuthorisationRow.conversation_id.in_(ids))
        .values(conversation_id=None)
    )
    session.execute(
        delete(MailAttachment).where(
            MailAttachment.tenant_id == tenant_id, MailAttachment.conversation_id.in_(ids)
        )
    )
    session.execute(
        delete(MailRecord).where(MailRecord.tenant_id == tenant_id, MailRecord.conversation_id.in_(ids))
    )
    session.execute(delete(Message).where(Message.tenant_id == tenant_id, Message.conversation_id.in_(ids)))
    session.execute(delete(Conversation).where(Conversation.tenant_id == tenant_id, Conversation.id.in_(ids)))
