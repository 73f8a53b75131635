"""The queue's SLA side: ordering by due time, and each row's tags and SLA state.

The order uses the stored clocks (at most one sweep old); each row's own state is computed afresh
when its clock is older than the conversation, so what an agent reads is never stale.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from trustdesk.conversations.labels import tags_of
from trustdesk.sla.service import clock_view, fill_clock, load_policy
from trustdesk.store.models import Conversation, SlaClock, utcnow


def due_page(session: Session, query: Select[Any], tenant_id: int, limit: int) -> list[Any]:
    """One page of `query` (conversations of one retailer, already narrowed to a view) in SLA order:
    conversations whose running clock is due first, by due time; then those without one (no clock, or
    nothing running), most recently active first. The same order as one outer-joined sort, read in two
    bounded steps: the first walks `ix_sla_clocks_tenant_due` and stops at the page's end, the second
    (only when the running clocks do not fill the page) walks the conversations by activity."""
    running = (
        query.join(SlaClock, SlaClock.conversation_id == Conversation.id)
        .where(SlaClock.tenant_id == tenant_id, SlaClock.due_at.is_not(None))
        .order_by(SlaClock.due_at.asc(), Conversation.last_message_at.desc())
        .limit(limit)
    )
    rows = list(session.execute(running).all())
    if len(rows) < limit:
        without = (
            query.outerjoin(SlaClock, SlaClock.conversation_id == Conversation.id)
            .where(SlaClock.due_at.is_(None))
            .order_by(Conversation.last_message_at.desc())
            .limit(limit - len(rows))
        )
        rows += session.execute(without).all()
    return rows


def annotate(
    session: Session, tenant_id: int, rows: list[dict[str, Any]], *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Add "tags" and "sla" (clock_view: target, due_at, level, business_seconds_left) to staff-view
    conversation dicts of one retailer, in three queries whatever the page size."""
    if not rows:
        return rows
    now = now or utcnow()
    public_ids = [r["id"] for r in rows]
    found = session.execute(
        select(Conversation, SlaClock)
        .outerjoin(SlaClock, SlaClock.conversation_id == Conversation.id)
        # The unique public ids pick the rows; the retailer is checked on them, not through its index
        # ("+ 0"): SQLite otherwise walks all of the retailer's conversations for a page of 50.
        .where(Conversation.public_id.in_(public_ids), Conversation.tenant_id + 0 == tenant_id)
    ).all()
    by_public = {conv.public_id: (conv, clock) for conv, clock in found}
    tags = tags_of(session, [conv.id for conv, _ in found])
    policy = load_policy(session, tenant_id)
    for row in rows:
        conv, clock = by_public.get(row["id"], (None, None))
        if conv is None:
            row["tags"], row["sla"] = [], None
            continue
        if policy is not None and (clock is None or clock.computed_at < conv.updated_at):
            # Not yet swept since the last change: work it out now, without writing.
            fresh = SlaClock(conversation_id=conv.id, tenant_id=tenant_id)
            fill_clock(fresh, session, conv, policy, now)
            if clock is not None:
                fresh.escalated_at = clock.escalated_at
            clock = fresh
        row["tags"] = tags.get(conv.id, [])
        row["sla"] = clock_view(clock, policy, now)
    return rows
