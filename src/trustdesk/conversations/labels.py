"""Priorities and tags on conversations: set by agents, audited, read by the queue and the SLA clocks.

`normalise_tag` is pure (one spelling per label: "Refund  Request" and "refund-request" are one tag);
the rest writes in one transaction with its audit entry and announces the change to the queue.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.conversations.domain import ConversationError
from trustdesk.conversations.operations import locked_conversation
from trustdesk.conversations.pipeline import Desk
from trustdesk.sla.policy import PRIORITIES
from trustdesk.store.models import Conversation, ConversationTag, Tag, User, utcnow

MAX_TAG_CHARS = 40
MAX_TAGS_PER_CONVERSATION = 20
_TAG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")


class InvalidLabel(ConversationError):
    code = "invalid_label"
    status = 422


def normalise_tag(raw: str) -> str:
    """The stored form of a tag: NFKC, lower case, words joined by "-"; InvalidLabel when unusable."""
    text = unicodedata.normalize("NFKC", str(raw)).casefold().strip()
    text = re.sub(r"[\s_]+", "-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    if not text:
        raise InvalidLabel("a tag needs at least one letter or digit")
    if len(text) > MAX_TAG_CHARS:
        raise InvalidLabel(f"a tag is at most {MAX_TAG_CHARS} characters")
    if not _TAG.match(text):
        raise InvalidLabel(f"tag {raw[:MAX_TAG_CHARS]!r}: use letters, digits and dashes only")
    return text


def normalise_tags(raw: Iterable[str]) -> list[str]:
    """Each tag normalised, duplicates dropped, order kept; at most MAX_TAGS_PER_CONVERSATION."""
    out: list[str] = []
    for item in raw:
        tag = normalise_tag(item)
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS_PER_CONVERSATION:
        raise InvalidLabel(f"at most {MAX_TAGS_PER_CONVERSATION} tags on a conversation")
    return out


def check_priority(raw: str) -> str:
    if raw not in PRIORITIES:
        raise InvalidLabel(f"priority must be one of {', '.join(PRIORITIES)}")
    return raw


def tags_of(session: Session, conversation_ids: Sequence[int]) -> dict[int, list[str]]:
    """Tag names per conversation id (sorted), for a page of conversations in one query."""
    found: dict[int, list[str]] = {cid: [] for cid in conversation_ids}
    if not conversation_ids:
        return found
    rows = session.execute(
        select(ConversationTag.conversation_id, Tag.name)
        .join(Tag, Tag.id == ConversationTag.tag_id)
        .where(ConversationTag.conversation_id.in_(list(conversation_ids)))
        .order_by(Tag.name)
    )
    for cid, name in rows:
        found.setdefault(cid, []).append(name)
    return found


def tenant_tags(session: Session, tenant_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """The retailer's tags with how many conversations carry each (for suggestions and filters)."""
    from sqlalchemy import func

    rows = session.execute(
        select(Tag.name, func.count(ConversationTag.conversation_id))
        .outerjoin(ConversationTag, ConversationTag.tag_id == Tag.id)
        .where(Tag.tenant_id == tenant_id)
        .group_by(Tag.id, Tag.name)
        .order_by(Tag.name)
        .limit(limit)
    )
    return [{"name": name, "conversations": count} for name, count in rows]


def _write_tags(session: Session, conv: Conversation, names: list[str], by: User) -> None:
    existing = {
        t.name: t
        for t in session.scalars(select(Tag).where(Tag.tenant_id == conv.tenant_id, Tag.name.in_(names)))
    }
    for name in names:
        if name not in existing:
            tag = Tag(tenant_id=conv.tenant_id, name=name)
            session.add(tag)
            existing[name] = tag
    session.flush()
    session.execute(delete(ConversationTag).where(ConversationTag.conversation_id == conv.id))
    for name in names:
        session.add(
            ConversationTag(
                tenant_id=conv.tenant_id,
                conversation_id=conv.id,
                tag_id=existing[name].id,
                added_by_user_id=by.id,
            )
        )


def set_labels(
    desk: Desk,
    tenant_id: int,
    public_id: str,
    *,
    by: User,
    priority: str | None = None,
    tags: Sequence[str] | None = None,
    ip: str | None = None,
) -> dict[str, Any]:
    """Change a conversation's priority and/or replace its tags. Each change is audited
    (`conversation.priority` from/to, `conversation.tags` added/removed); the SLA clocks follow."""
    from trustdesk.conversations.operations import _announce
    from trustdesk.conversations.views import conversation_dict
    from trustdesk.sla.service import refresh_clock

    wanted_priority = check_priority(priority) if priority is not None else None
    wanted_tags = normalise_tags(tags) if tags is not None else None
    actor = f"{by.role}:{by.email}"
    with desk.writing(), desk.sessions() as session:
        conv = locked_conversation(session, tenant_id, public_id)
        changed = False
        if wanted_priority is not None and wanted_priority != conv.priority:
            record(
                session,
                "conversation.priority",
                actor=actor,
                tenant_id=tenant_id,
                target=f"conversation:{public_id}",
                details={"from": conv.priority, "to": wanted_priority},
                ip=ip,
            )
            conv.priority = wanted_priority
            changed = True
        if wanted_tags is not None:
            before = tags_of(session, [conv.id])[conv.id]
            added = [t for t in wanted_tags if t not in before]
            removed = [t for t in before if t not in wanted_tags]
            if added or removed:
                _write_tags(session, conv, wanted_tags, by)
                record(
                    session,
                    "conversation.tags",
                    actor=actor,
                    tenant_id=tenant_id,
                    target=f"conversation:{public_id}",
                    details={"added": added, "removed": removed},
                    ip=ip,
                )
                changed = True
        if changed:
            conv.updated_at = utcnow()
            session.flush()
            refresh_clock(session, conv)
        assignee = session.get(User, conv.assignee_user_id) if conv.assignee_user_id else None
        summary = conversation_dict(conv, assignee)
        summary["tags"] = tags_of(session, [conv.id])[conv.id]
        session.commit()
        conv_pk, assignee_id = conv.id, conv.assignee_user_id
    if changed:
        _announce(desk, conv_pk, tenant_id, summary, {assignee_id})
    return summary
