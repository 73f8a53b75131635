"""Searching a tenant's conversations: words in their messages or subject, and filters on the conversation.

search_conversations(session, tenant_id, text=parse("Bestellungen", ["de"]), filters=Filters(status="open"), ...)
answers the queue's own dictionaries (views.conversation_dict), the newest hit first, each with
`match`: the newest message that matched (or, when only the subject did, the subject: `field`
"subject", its time the conversation's opening) and a snippet with its hits marked. The words are
looked up in the database's full-text index (store/search_index.py), which holds only stored,
guarded text: a secret the guard removed was never written, so it cannot be found.
Tenant and view are applied exactly as in the queue (views.in_view), so a search shows nothing
the queue would not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, or_, select, table
from sqlalchemy import text as sa_text
from sqlalchemy.orm import Session

from trustdesk.conversations.views import conversation_dict, in_view
from trustdesk.i18n.search_terms import SearchText, snippet
from trustdesk.store.models import Conversation, ConversationTag, Customer, Message, Tag, User
from trustdesk.store.search_index import FTS_TABLE, SUBJECT_FTS_TABLE, postgres_match, sqlite_match

NO_ASSIGNEE = "none"
# PostgreSQL walks the newest message ids in windows (this many first, then 4x larger) while at
# least 1 row in SPARSE matches; a sparser word is left to the GIN index (a walked row costs about
# 4 µs, a GIN match about 20 µs: its heap row is read, at random).
RECENT_WINDOW = 4000
SPARSE = 200


@dataclass(frozen=True)
class Filters:
    """Conversation filters; None means any. `assignee` is a user id or NO_ASSIGNEE; `customer` a
    customer id or an e-mail address; `tag` a tag's stored name (labels.normalise_tag); `since`/`until`
    bound the matching message's time (with words) or the conversation's last message (without)."""

    status: str | None = None
    channel: str | None = None
    language: str | None = None
    assignee: int | str | None = None
    customer: int | str | None = None
    since: datetime | None = None
    until: datetime | None = None
    tag: str | None = None
    priority: str | None = None


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
    if filters.priority is not None:
        conds.append(Conversation.priority == filters.priority)
    if filters.tag is not None:
        tagged = (
            select(ConversationTag.conversation_id)
            .join(Tag, Tag.id == ConversationTag.tag_id)
            .where(Tag.tenant_id == tenant_id, Tag.name == filters.tag)
        )
        conds.append(Conversation.id.in_(tagged))
    if isinstance(filters.customer, int):
        conds.append(Conversation.customer_id == filters.customer)
    elif filters.customer is not None:
        email = filters.customer.lower()
        records = select(Customer.id).where(
            Customer.tenant_id == tenant_id, func.lower(Customer.email) == email
        )
        conds.append(
            or_(func.lower(Conversation.customer_email) == email, Conversation.customer_id.in_(records))
        )
    return conds


def _newest_hits(
    session: Session,
    tenant_id: int,
    text: SearchText,
    conversation_conditions: list[ColumnElement[bool]],
    message_conditions: list[ColumnElement[bool]],
    *,
    view: str,
    user_id: int,
    limit: int,
) -> list[tuple[int, int]]:
    """(conversation id, its newest matching message id) for up to `limit` conversations, newest first.

    Matching messages are read newest first in chunks until `limit` conversations are found.
    SQLite: FTS5 walks its index in rowid order joined to the conversation's filters, so a common
    word costs a page, not every message holding it. PostgreSQL, in steps whose cost is bounded
    whatever the planner estimates: windows of the newest message ids, walked on the primary key
    testing each row's stored vector, growing 4x while the word is common enough (a common word
    fills a page in the first; a rare one costs one window, a few milliseconds); then, only if the
    page is not full, the GIN index gives every older match and the newest chunk is sorted out of those ("+ 0", in the order and the bound, keeps the
    planner off the primary key, where a rare word would be sought through every row: seconds). The conversation's filters are read by
    primary key, with chunks growing when they reject most.
    """
    if session.get_bind().dialect.name != "postgresql":
        fts = table(FTS_TABLE, column("rowid"))
        query = (
            select(Message.id, Message.conversation_id)
            .select_from(fts)
            .join(Message, Message.id == fts.c.rowid)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(sqlite_match(text), Message.tenant_id == tenant_id, *message_conditions)
            .where(Conversation.tenant_id == tenant_id, *conversation_conditions)
        )
        return _collect(session, in_view(query, view, user_id), fts.c.rowid, limit)

    # A search reads a few hundred rows: a parallel worker costs more to start than it saves.
    session.execute(sa_text("SET LOCAL max_parallel_workers_per_gather = 0"))
    matches = select(Message.id, Message.conversation_id).where(
        Message.tenant_id == tenant_id, postgres_match(text), *message_conditions
    )
    allowed = in_view(
        select(Conversation.id).where(Conversation.tenant_id == tenant_id, *conversation_conditions),
        view,
        user_id,
    )
    if view == "all" and not conversation_conditions:
        allowed = None  # the messages are the tenant's already: no round trip to check their conversations
    newest = session.scalar(select(func.max(Message.id))) or 0  # one probe of the primary key
    hits = _Hits(session, limit, allowed)
    upper, window = newest, RECENT_WINDOW
    while upper > 0 and not hits.full:
        lower = upper - window
        read = hits.read(matches.where(Message.id > lower, Message.id <= upper), Message.id)
        upper = lower
        if read * SPARSE < window:
            break  # a rare word: the GIN index finds the rest for less than walking on
        window *= 4
    if upper > 0 and not hits.full:
        hits.read(matches.where(Message.id + 0 <= upper), Message.id + 0)
    return list(hits.found.items())


def _collect(
    session: Session, query: Select[Any], order: ColumnElement[Any], limit: int
) -> list[tuple[int, int]]:
    hits = _Hits(session, limit, None)
    hits.read(query, order)
    return list(hits.found.items())


class _Hits:
    """The newest matching message per conversation, gathered until `limit` conversations."""

    def __init__(self, session: Session, limit: int, allowed: Select[Any] | None) -> None:
        # allowed: the conversation ids a hit's conversation must be among (None: every one).
        self.session, self.limit, self.allowed = session, limit, allowed
        self.chunk = max(200, limit * 8)
        self.found: dict[int, int] = {}

    @property
    def full(self) -> bool:
        return len(self.found) >= self.limit

    def read(self, query: Select[Any], order: ColumnElement[Any]) -> int:
        """Reads (message id, conversation id) rows of `query` newest first in growing chunks until
        the page is full or the query has no more; answers how many rows it read."""
        cursor: int | None = None
        read = 0
        while not self.full:
            page = query if cursor is None else query.where(Message.id < cursor)
            rows = self.session.execute(page.order_by(order.desc()).limit(self.chunk)).all()
            read += len(rows)
            keep: set[int] | None = None
            if self.allowed is not None and rows:
                conversation_ids = {conv_id for _, conv_id in rows}
                keep = set(self.session.scalars(self.allowed.where(Conversation.id.in_(conversation_ids))))
            for hit_id, conv_id in rows:
                if keep is None or conv_id in keep:
                    self.found.setdefault(conv_id, hit_id)
                    if self.full:
                        break
            if len(rows) < self.chunk:
                break
            cursor = rows[-1][0]
            self.chunk *= 4  # the filters rejected most: read further back in larger steps
        return read


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
    """One page of matching conversations (queue dicts + `match`).

    With words: the conversations whose newest matching message is newest come first, and
    `before` (the cursor) is the `match.created_at` of the last row of the previous page;
    since/until bound the matching message. Without words: the queue's order and cursor
    (last_message_at), since/until bound the conversation's last message.
    """
    conditions = _conditions(session, tenant_id, filters)
    if text is None:
        conditions += _within(Conversation.last_message_at, filters, before)
        query = select(Conversation, User).outerjoin(User, User.id == Conversation.assignee_user_id)
        query = in_view(query.where(Conversation.tenant_id == tenant_id, *conditions), view, user_id)
        rows = session.execute(query.order_by(Conversation.last_message_at.desc()).limit(limit)).all()
        return [{**conversation_dict(conv, user), "match": None} for conv, user in rows]

    in_time = _within(Message.created_at, filters, before)
    hits = _newest_hits(
        session, tenant_id, text, conditions, in_time, view=view, user_id=user_id, limit=limit
    )
    opened = _within(Conversation.created_at, filters, before)
    by_subject = _subject_hits(
        session, tenant_id, text, [*conditions, *opened], view=view, user_id=user_id, limit=limit
    )
    if not hits and not by_subject:
        return []
    wanted = {c for c, _ in hits} | set(by_subject)
    conversations = {
        conv.id: (conv, user)
        for conv, user in session.execute(
            select(Conversation, User)
            .outerjoin(User, User.id == Conversation.assignee_user_id)
            .where(Conversation.id.in_(wanted))
        ).all()
    }
    matched = _matched_messages(session, text, [m for _, m in hits])
    found: list[tuple[datetime, int, dict[str, Any]]] = [
        (matched[message_id][1], conv_id, matched[message_id][0])
        for conv_id, message_id in hits
        if conv_id in conversations and message_id in matched
    ]
    seen = {conv_id for _, conv_id, _ in found}
    only_subject = [
        (conv.created_at, conv.id, _subject_match(text, conv))
        for conv_id in by_subject
        if conv_id not in seen and conv_id in conversations
        for conv in [conversations[conv_id][0]]
    ]
    if only_subject:
        # The page keeps the newest matches: a message's time, or for a subject the conversation's opening.
        found = sorted(found + only_subject, key=lambda entry: entry[0], reverse=True)[:limit]
    return [{**conversation_dict(*conversations[conv_id]), "match": match} for _, conv_id, match in found]


def _subject_hits(
    session: Session,
    tenant_id: int,
    text: SearchText,
    conditions: list[ColumnElement[bool]],
    *,
    view: str,
    user_id: int,
    limit: int,
) -> list[int]:
    """Ids of up to `limit` conversations whose subject holds every word, newest first."""
    if session.get_bind().dialect.name != "postgresql":
        fts = table(SUBJECT_FTS_TABLE, column("rowid"))
        query = (
            select(Conversation.id)
            .select_from(fts)
            .join(Conversation, Conversation.id == fts.c.rowid)
            .where(sqlite_match(text, SUBJECT_FTS_TABLE))
        )
        order: ColumnElement[Any] = fts.c.rowid
    else:
        # From the GIN index, the matches sorted ("+ 0" keeps the planner off the primary key, which it
        # would walk to the end for a word in no subject: ~2 µs a conversation).
        query = select(Conversation.id).where(postgres_match(text, "conversations"))
        order = Conversation.id + 0
    query = in_view(query.where(Conversation.tenant_id == tenant_id, *conditions), view, user_id)
    return list(session.scalars(query.order_by(order.desc()).limit(limit)))


def _subject_match(text: SearchText, conv: Conversation) -> dict[str, Any]:
    return {
        "field": "subject",
        "seq": None,
        "author_kind": None,
        "visibility": None,
        "created_at": conv.created_at.isoformat(),
        "snippet": [{"text": s.text, "hit": s.hit} for s in snippet(text, conv.subject)],
    }


def _matched_messages(
    session: Session, text: SearchText | None, ids: list[int]
) -> dict[int, tuple[dict[str, Any], datetime]]:
    if text is None or not ids:
        return {}
    rows = session.execute(
        select(
            Message.id, Message.seq, Message.author_kind, Message.visibility, Message.created_at, Message.body
        ).where(Message.id.in_(ids))
    ).all()
    return {
        row.id: (
            {
                "field": "message",
                "seq": row.seq,
                "author_kind": row.author_kind,
                "visibility": row.visibility,
                "created_at": row.created_at.isoformat(),
                "snippet": [{"text": s.text, "hit": s.hit} for s in snippet(text, row.body)],
            },
            row.created_at,
        )
        for row in rows
    }


def _within(stamp: Any, filters: Filters, before: datetime | None) -> list[ColumnElement[bool]]:
    """The filters' date range (and the page's cursor) on one timestamp column."""
    bounds: list[ColumnElement[bool]] = []
    if filters.since is not None:
        bounds.append(stamp >= filters.since)
    if filters.until is not None:
        bounds.append(stamp < filters.until)
    if before is not None:
        bounds.append(stamp < before)
    return bounds
