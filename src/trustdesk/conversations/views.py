"""Reading conversations: JSON-ready dictionaries for the API, sockets, webhooks and the bus."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from trustdesk.conversations.domain import ConversationNotFound, Status, Visibility
from trustdesk.store.models import AuditEvent, Conversation, Customer, Message, Order, User, utcnow

QUEUE_VIEWS = ("new", "mine", "open", "waiting", "resolved", "unassigned", "all")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds()))


def assignee_dict(user: Any) -> dict[str, Any] | None:
    """{id, name, agent_number} of a User or pipeline Person, or None."""
    if user is None:
        return None
    return {"id": user.id, "name": user.display_name, "agent_number": user.agent_number}


def conversation_dict(conv: Conversation | Any, assignee: Any = None) -> dict[str, Any]:
    """The staff view of a conversation (an ORM row or its columns as attributes), with its timers."""
    now = utcnow()
    return {
        "id": conv.public_id,
        "reference": conv.reference,
        "channel": conv.channel,
        "status": conv.status,
        "subject": conv.subject,
        "customer": {
            "name": conv.customer_name,
            "email": conv.customer_email,
            "customer_id": conv.customer_id,
            # Only a signed-in customer is verified; a typed-in e-mail address proves nothing.
            "verified": conv.customer_id is not None,
        },
        "assignee": assignee_dict(assignee),
        "last_seq": conv.last_seq,
        "bot_active": conv.bot_active,
        "language": getattr(conv, "language", None),
        "priority": getattr(conv, "priority", None) or "normal",
        "created_at": _iso(conv.created_at),
        "updated_at": _iso(conv.updated_at),
        "last_message_at": _iso(conv.last_message_at),
        "first_response_at": _iso(conv.first_response_at),
        "resolved_at": _iso(conv.resolved_at),
        "timers": {
            "first_response_seconds": _seconds(conv.created_at, conv.first_response_at),
            "resolution_seconds": _seconds(conv.created_at, conv.resolved_at),
            "waiting_for_first_response_seconds": (
                _seconds(conv.created_at, now) if conv.first_response_at is None else None
            ),
        },
    }


def customer_conversation_dict(conv: Conversation, assignee: Any = None) -> dict[str, Any]:
    """What the customer sees of their conversation: no internal fields."""
    return {
        "id": conv.public_id,
        "reference": conv.reference,
        "status": conv.status,
        "subject": conv.subject,
        "last_seq": conv.last_seq,
        "language": conv.language,
        "agent": (
            {"name": assignee.display_name, "agent_number": assignee.agent_number}
            if assignee is not None
            else None
        ),
        "created_at": _iso(conv.created_at),
    }


def message_dict(msg: Message, conv_public_id: str, agent_number: str | None = None) -> dict[str, Any]:
    """The staff view of one message (body already guarded)."""
    return {
        "conversation_id": conv_public_id,
        "seq": msg.seq,
        "client_msg_id": msg.client_msg_id,
        "author_kind": msg.author_kind,
        "author_user_id": msg.author_user_id,
        "author_name": msg.author_name,
        "agent_number": agent_number,
        "body": msg.body,
        "guard": list(msg.guard or []),
        "visibility": msg.visibility,
        "created_at": _iso(msg.created_at),
        "reference": getattr(msg, "reference", None),
    }


def customer_message(message: dict[str, Any]) -> dict[str, Any] | None:
    """The customer's view of a staff-view message dict, or None for an internal note."""
    if message.get("visibility") != Visibility.PUBLIC:
        return None
    view = {
        "conversation_id": message["conversation_id"],
        "seq": message["seq"],
        "author_kind": message["author_kind"],
        "author_name": message["author_name"],
        "agent_number": message.get("agent_number"),
        "body": message["body"],
        "created_at": message["created_at"],
        "reference": message.get("reference"),
    }
    if message["author_kind"] == "customer":
        view["client_msg_id"] = message.get("client_msg_id")
    return view


def find_conversation(session: Session, tenant_id: int, public_id: str) -> Conversation:
    """The tenant's conversation with this public id, or ConversationNotFound."""
    conv = session.scalar(
        select(Conversation).where(Conversation.tenant_id == tenant_id, Conversation.public_id == public_id)
    )
    if conv is None:
        raise ConversationNotFound()
    return conv


def messages_after(
    session: Session,
    conv: Conversation,
    after_seq: int = 0,
    *,
    limit: int = 200,
    include_internal: bool = True,
) -> list[dict[str, Any]]:
    """Messages with seq > after_seq in order (staff view dicts): the catch-up read."""
    query = select(Message).where(Message.conversation_id == conv.id, Message.seq > after_seq)
    if not include_internal:
        query = query.where(Message.visibility == Visibility.PUBLIC)
    rows = session.scalars(query.order_by(Message.seq).limit(limit)).all()
    agent_ids = {m.author_user_id for m in rows if m.author_user_id is not None}
    numbers: dict[int, str | None] = {}
    if agent_ids:
        numbers = dict(
            session.execute(select(User.id, User.agent_number).where(User.id.in_(agent_ids))).all()
        )
    return [
        message_dict(m, conv.public_id, numbers.get(m.author_user_id) if m.author_user_id else None)
        for m in rows
    ]


def in_view(query: Select[Any], view: str, user_id: int) -> Select[Any]:
    """`query` narrowed to the conversations of one queue view (the search uses the same views)."""
    if view not in QUEUE_VIEWS:
        raise ValueError(f"view must be one of {', '.join(QUEUE_VIEWS)}")
    if view == "mine":
        return query.where(Conversation.assignee_user_id == user_id, Conversation.status != Status.RESOLVED)
    if view == "unassigned":
        # Conversations the bot is still handling join the queue when it hands them over.
        return query.where(
            Conversation.assignee_user_id.is_(None),
            Conversation.status != Status.RESOLVED,
            Conversation.bot_active.is_(False),
        )
    if view != "all":
        return query.where(Conversation.status == view, Conversation.bot_active.is_(False))
    return query


def list_queue(
    session: Session,
    tenant_id: int,
    *,
    view: str,
    user_id: int,
    limit: int = 50,
    before: datetime | None = None,
    sort: str = "activity",
) -> list[dict[str, Any]]:
    """One page of the agents' queue, most recently active first (sort="due": SLA due time first)."""
    query = select(Conversation, User).outerjoin(User, User.id == Conversation.assignee_user_id)
    query = in_view(query.where(Conversation.tenant_id == tenant_id), view, user_id)
    if before is not None:
        query = query.where(Conversation.last_message_at < before)
    if sort == "due":
        from trustdesk.sla.queue import due_page

        rows = due_page(session, query, tenant_id, limit)
    else:
        rows = list(session.execute(query.order_by(Conversation.last_message_at.desc()).limit(limit)).all())
    return [conversation_dict(conv, user) for conv, user in rows]


def customer_profile(
    session: Session, conv: Conversation, *, orders_limit: int = 20
) -> dict[str, Any] | None:
    """The signed-in customer's record and recent orders, for the agent's side panel."""
    if conv.customer_id is None:
        return None
    customer = session.get(Customer, conv.customer_id)
    if customer is None or customer.tenant_id != conv.tenant_id:
        return None
    orders = session.scalars(
        select(Order)
        .where(Order.tenant_id == conv.tenant_id, Order.customer_id == customer.id)
        .order_by(Order.placed_at.desc())
        .limit(orders_limit)
    ).all()
    return {
        "id": customer.id,
        "email": customer.email,
        "name": customer.name,
        "phone": customer.phone,
        "orders": [
            {
                "number": o.number,
                "status": o.status,
                "placed_at": _iso(o.placed_at),
                "currency": o.currency,
                "total_cents": o.total_cents,
                "carrier": o.carrier,
                "tracking_number": o.tracking_number,
                "refund_status": o.refund_status,
            }
            for o in orders
        ],
    }


def guard_notices(session: Session, conv: Conversation) -> dict[str, Any]:
    """What the guard did in this conversation: redactions in stored messages and blocked sends."""
    redactions = [
        {"seq": seq, "author_kind": kind, "findings": guard}
        for seq, kind, guard in session.execute(
            select(Message.seq, Message.author_kind, Message.guard)
            .where(Message.conversation_id == conv.id)
            .order_by(Message.seq)
        )
        if guard
    ]
    blocked = [
        {
            "at": _iso(event.occurred_at),
            "actor": event.actor,
            "reasons": event.details.get("reasons", []),
            "types": event.details.get("types", []),
        }
        for event in session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.tenant_id == conv.tenant_id,
                AuditEvent.action == "message.blocked",
                AuditEvent.target == f"conversation:{conv.public_id}",
            )
            .order_by(AuditEvent.id)
        )
    ]
    return {"redactions": redactions, "blocked": blocked}
