"""The queue's due-time order read in two bounded steps gives exactly the page one outer-joined sort
gives, for every page size and view, on SQLite and PostgreSQL, and only the retailer's own rows."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from tests.foundation.factory import make_tenant

from trustdesk.conversations.views import in_view, list_queue
from trustdesk.sla.queue import annotate
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import Conversation, SlaClock, User

NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)


def _seed(s, tenant, rng: random.Random, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        opened = NOW - timedelta(minutes=rng.randrange(1, 5000))
        conv = Conversation(
            tenant_id=tenant.id,
            public_id=f"q{tenant.id}x{i}",
            reference=f"Q{tenant.id}X{i}",
            channel="chat",
            status=rng.choice(("new", "new", "open", "resolved")),
            customer_name="C",
            bot_active=rng.random() < 0.1,
            created_at=opened,
            updated_at=opened,
            # Some share their activity time, some share a due time: ties must fall the same way.
            last_message_at=opened if i % 7 else NOW - timedelta(minutes=30),
        )
        s.add(conv)
        s.flush()
        kind = rng.random()
        if kind < 0.6:  # a running clock
            due = NOW + timedelta(minutes=rng.randrange(-300, 300) if i % 5 else 10)
            s.add(SlaClock(tenant_id=tenant.id, conversation_id=conv.id, due_at=due, computed_at=opened))
        elif kind < 0.8:  # a clock with nothing running
            s.add(SlaClock(tenant_id=tenant.id, conversation_id=conv.id, computed_at=opened))
        # else: no clock yet


def _reference(s, tenant_id: int, view: str, limit: int) -> list[str]:  # type: ignore[no-untyped-def]
    """The queue's order as one outer-joined sort (what the page read before it was bounded)."""
    query = select(Conversation, User).outerjoin(User, User.id == Conversation.assignee_user_id)
    query = in_view(query.where(Conversation.tenant_id == tenant_id), view, 0)
    query = query.outerjoin(SlaClock, SlaClock.conversation_id == Conversation.id).order_by(
        SlaClock.due_at.asc().nulls_last(), Conversation.last_message_at.desc()
    )
    return [c.public_id for c, _ in s.execute(query.limit(limit)).all()]


def _key(s, public_ids: list[str]) -> list[tuple]:  # type: ignore[no-untyped-def]
    """(due_at, -activity) of each row: the order's key, so ties may come in either order."""
    rows = s.execute(
        select(Conversation.public_id, SlaClock.due_at, Conversation.last_message_at)
        .outerjoin(SlaClock, SlaClock.conversation_id == Conversation.id)
        .where(Conversation.public_id.in_(public_ids))
    ).all()
    by_id = {p: (due is None, due, -active.timestamp()) for p, due, active in rows}
    return [by_id[p] for p in public_ids]


def test_due_page_is_the_outer_joined_sort(migrated_engine) -> None:  # type: ignore[no-untyped-def]
    sessions = make_session_factory(migrated_engine)
    rng = random.Random(18)
    with sessions() as s:
        shop, other = make_tenant(s, "shop"), make_tenant(s, "other")
        _seed(s, shop, rng, 60)
        _seed(s, other, rng, 20)
        s.commit()
        own = set(s.scalars(select(Conversation.public_id).where(Conversation.tenant_id == shop.id)))
        for view in ("all", "new", "open", "unassigned"):
            for limit in (1, 5, 17, 30, 45, 80):
                page = [
                    r["id"] for r in list_queue(s, shop.id, view=view, user_id=0, limit=limit, sort="due")
                ]
                expected = _reference(s, shop.id, view, limit)
                assert len(page) == len(expected)
                assert set(page) <= own
                assert _key(s, page) == _key(s, expected)
                assert _key(s, page) == sorted(_key(s, page))


def test_annotate_leaves_another_retailers_rows_out(migrated_engine) -> None:  # type: ignore[no-untyped-def]
    sessions = make_session_factory(migrated_engine)
    with sessions() as s:
        shop, other = make_tenant(s, "shop"), make_tenant(s, "other")
        _seed(s, shop, random.Random(1), 3)
        _seed(s, other, random.Random(2), 3)
        s.commit()
        theirs = s.scalar(select(Conversation.public_id).where(Conversation.tenant_id == other.id))
        mine = s.scalar(select(Conversation.public_id).where(Conversation.tenant_id == shop.id))
        rows = annotate(s, shop.id, [{"id": theirs}, {"id": mine}], now=NOW)
    assert rows[0]["tags"] == [] and rows[0]["sla"] is None
    assert rows[1]["tags"] == []
