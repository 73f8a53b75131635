"""Searching a tenant's conversations: words in their messages, and filters on the conversation.

search_conversations(session, tenant_id, text=parse("Bestellungen", ["de"]), filters=Filters(status="open"), ...)
answers the queue's own dictionaries (views.conversation_dict), most recently active first, each
with `match`: the newest message that matched and a snippet with its hits marked. The words are
looked up in the database's full-text index (store/search_index.py), which holds only stored,
guarded text: a secret the guard removed was never written, so it cannot be found.
Tenant and view are applied exactly as in the queue (views.in_view), so a search shows nothing
the queue would not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from trustdesk.conversations.search_terms import SearchText, snippet
from trustdesk.conversations.views import conversation_dict, in_view
from trustdesk.store.models import Conversation, Customer, Message, User
from trustdesk.store.search_index import postgres_match, sqlite_match

NO_ASSIGNEE = "none"


@dataclass(frozen=True)
class Filters:
    """Conversation filters; None means any. `assignee` is a user id or NO_ASSIGNEE; `customer` a
    customer id or an e-mail address; `since`/`until` bound the matching message's time (with
    words) or the conversation's last message (without)."""

    status: str | None = None
    channel: str | None = None
    language: str | None = None
    assignee: int | str | None = None
    customer: int | str | None = None
    since: datetime | None = None
    until: datetime | None = None
    # Tags and priorities (another branch) add a field here and one condition in _conditions.


def _conditions(session: Session, tenant_id: int, filters: Filters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if filters.status is not None:
        conds.append(Conversation.status == filters.status)
    if filters.channel is not None:
        conds.append(Conversation.channel == filters.channel)
    if filters.language is not None:
        conds.append(Conversation.language == filters.language)
    if filters.assignee == NO_ASSIGNEE:
        conds.append(Conversation.assignee_user_id.is_(None))
    elif filters.assignee is not None:
        conds.append(Conversation.assignee_user_id == filters.assignee)
    if isinstance(filters.customer, int):
        conds.append(Conversation.customer_id == filters.customer)
    elif filters.customer is not None:
        email = filters.customer.lower()
        records = select(Customer.id).where(Customer.tenant_id == tenant_id, func.lower(Customer.email) == email)
        conds.append(or_(func.lower(Conversation.customer_email) == email, Conversation.customer_id.in_(records)))
    return conds


def _text_match(session: Session, text: SearchText) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return postgres_match(text)
    return sqlite_match(text)  # type: ignore[return-value]


def search_conversations(
    session: Session,
    tenant_id: int,
    *,
    text: SearchText | None,
    filters: Filters,
    view: str = "all",
    user_id: int,
    limit: int = 50,
    before: datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of matching conversations (queue dicts + `match`), most recently active first.

    `before` is the cursor: the last_message_at of the last row of the previous page.
    """
    query = select(Conversation, User).outerjoin(User, User.id == Conversation.assignee_user_id)
    query = in_view(query.where(Conversation.tenant_id == tenant_id), view, user_id)
    query = query.where(*_conditions(session, tenant_id, filters))
    if text is not None:
        hit_filter = [Message.tenant_id == tenant_id, _text_match(session, text)]
        if filters.since is not None:
            hit_filter.append(Message.created_at >= filters.since)
        if filters.until is not None:
            hit_filter.append(Message.created_at < filters.until)
        hits = (
            select(Message.conversation_id, func.max(Message.id).label("message_id"))
            .where(*hit_filter)
            .group_by(Message.conversation_id)
            .subquery("hits")
        )
        query = query.join(hits, hits.c.conversation_id == Conversation.id).add_columns(hits.c.message_id)
    else:
        if filters.since is not None:
            query = query.where(Conversation.last_message_at >= filters.since)
        if filters.until is not None:
            query = query.where(Conversation.last_message_at < filters.until)
    if before is not None:
        query = query.where(Conversation.last_message_at < before)
    rows = session.execute(query.order_by(Conversation.last_message_at.desc()).limit(limit)).all()
    matched = _matched_messages(session, text, [row[2] for row in rows] if text is not None else [])
    results = []
    for row in rows:
        item = conversation_dict(row[0], row[1])
        item["match"] = matched.get(row[2]) if text is not None else None
        results.append(item)
    return results


def _matched_messages(session: Session, text: SearchText | None, ids: list[int]) -> dict[int, dict[str, Any]]:
    if text is None or not ids:
        return {}
    rows = session.execute(
        select(Message.id, Message.seq, Message.author_kind, Message.visibility, Message.created_at, Message.body)
        .where(Message.id.in_(ids))
    ).all()
    return {
        row.id: {
            "seq": row.seq,
            "author_kind": row.author_kind,
            "visibility": row.visibility,
            "created_at": row.created_at.isoformat(),
            "snippet": [{"text": s.text, "hit": s.hit} for s in snippet(text, row.body)],
        }
        for row in rows
    }
