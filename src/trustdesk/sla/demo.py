"""Demo service levels: each demo retailer gets an SLA policy on its business hours (in its own time
zone, with the year's public holidays), tags and priorities on its demo conversations, and clocks
computed for them, so the queue shows breached, near and on-time conversations on first run.
Deterministic per retailer (the clocks run against the present, like the demo history itself).
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.sla.service import load_policy, policy_row, refresh_clock, save_policy, sweep
from trustdesk.store.models import Conversation, ConversationTag, Tag, Tenant, utcnow

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
ZONES = {"acme": "Europe/Berlin", "northwind": "Europe/Amsterdam"}
HOLIDAYS = {
    "Europe/Berlin": ["2026-10-03", "2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"],
    "Europe/Amsterdam": ["2026-12-25", "2026-12-26", "2027-01-01", "2027-04-27"],
}
TAGS = ["delivery", "refund", "returns", "damaged-item", "billing", "account", "vip", "fraud-suspected"]
# Which tags fit which words of the customer's first message (the demo's texts are known).
HINTS = {
    "delivered": "delivery", "parcel": "delivery", "shipped": "delivery", "delivery": "delivery",
    "charged": "billing", "invoice": "billing", "return": "returns", "damaged": "damaged-item",
    "broken": "damaged-item", "log in": "account", "password": "account", "card": "fraud-suspected",
}  # fmt: skip


def demo_policy(zone: str) -> dict[str, object]:
    hours: dict[str, list[list[str]]] = {d: [["08:00", "18:00"]] for d in WEEKDAYS}
    hours |= {"sat": [["10:00", "14:00"]], "sun": []}
    return {
        "timezone": zone,
        "business_hours": hours,
        "holidays": HOLIDAYS.get(zone, []),
        "targets": [
            {"priority": "urgent", "channel": "*", "first_response_minutes": 15, "next_response_minutes": 30,
             "resolution_minutes": 4 * 60},
            {"priority": "high", "channel": "*", "first_response_minutes": 30, "next_response_minutes": 60,
             "resolution_minutes": 8 * 60},
            {"priority": "*", "channel": "chat", "first_response_minutes": 20, "next_response_minutes": 60,
             "resolution_minutes": 16 * 60},
            {"priority": "*", "channel": "*", "first_response_minutes": 4 * 60, "next_response_minutes": 8 * 60,
             "resolution_minutes": 40 * 60},
        ],
        "near_breach_percent": 80,
        "escalation": {"assign_to_user_id": None, "notify": True},
    }  # fmt: skip


def seed_demo_sla(session: Session, tenant: Tenant) -> None:
    """The retailer's SLA policy, labels on its demo conversations and their clocks, once."""
    if policy_row(session, tenant.id) is not None:
        return
    zone = ZONES.get(tenant.slug, "Europe/Berlin")
    save_policy(session, tenant.id, demo_policy(zone), actor="demo")
    rng = random.Random(f"demo-sla:{tenant.slug}")
    tags: dict[str, Tag] = {}
    for name in TAGS:
        tag = Tag(tenant_id=tenant.id, name=name)
        session.add(tag)
        tags[name] = tag
    session.flush()
    conversations = session.scalars(
        select(Conversation).where(Conversation.tenant_id == tenant.id).order_by(Conversation.id)
    ).all()
    first_texts = _first_texts(session, [c.id for c in conversations])
    for conv in conversations:
        text = first_texts.get(conv.id, "").lower()
        chosen = sorted({tag for word, tag in HINTS.items() if word in text})
        if rng.random() < 0.12:
            chosen.append("vip")
        roll = rng.random()
        conv.priority = "urgent" if "fraud-suspected" in chosen else (
            "high" if roll < 0.2 else "low" if roll > 0.9 else "normal"
        )  # fmt: skip
        for name in chosen[:3]:
            session.add(ConversationTag(tenant_id=tenant.id, conversation_id=conv.id, tag_id=tags[name].id))
    session.flush()
    now = utcnow()
    conversations = [*conversations, *_waiting(session, tenant, now)]
    for conv in conversations:
        refresh_clock(session, conv, now=now)
    session.flush()
    # Today's unanswered conversations are past their targets: escalate them as the sweep would.
    sweep(session, tenant.id, now=now)


# Chats waiting for their first answer, placed so much business time ago that the queue shows one
# of each: breached, nearly breached (85 % of the 20-minute chat target) and on time.
WAITING = [
    ("Hello? I have been waiting for an answer about my refund.", 45 * 60, "high", ["refund"]),
    ("Did my parcel get lost? Tracking has not moved for a week.", 17 * 60, "normal", ["delivery"]),
    ("Can I still add a gift note to my order?", 4 * 60, "low", []),
]


def _waiting(session: Session, tenant: Tenant, now: datetime) -> list[Conversation]:
    from trustdesk.conversations.demo import open_demo_chat, say_as_pipeline
    from trustdesk.conversations.domain import AuthorKind
    from trustdesk.store.models import Customer

    policy = load_policy(session, tenant.id)
    customers = session.scalars(
        select(Customer)
        .where(Customer.tenant_id == tenant.id)
        .order_by(Customer.id.desc())
        .limit(len(WAITING))
    ).all()
    if policy is None or len(customers) < len(WAITING):
        return []
    tags = {t.name: t for t in session.scalars(select(Tag).where(Tag.tenant_id == tenant.id))}
    made = []
    for (text, used, priority, tag_names), customer in zip(WAITING, customers, strict=True):
        # "high" answers in 30 minutes: 45 business minutes make it clearly breached.
        opened = policy.calendar.subtract(now, used)
        conv = open_demo_chat(session, tenant, customer, opened, priority=priority, bot_active=False)
        say_as_pipeline(session, conv, AuthorKind.CUSTOMER, customer.name, text, opened, tenant.name)
        for name in tag_names:
            session.add(ConversationTag(tenant_id=tenant.id, conversation_id=conv.id, tag_id=tags[name].id))
        made.append(conv)
    session.flush()
    return made


def _first_texts(session: Session, ids: list[int]) -> dict[int, str]:
    from trustdesk.store.models import Message

    rows = session.execute(
        select(Message.conversation_id, Message.body).where(
            Message.conversation_id.in_(ids), Message.seq == 1
        )
    )
    return {cid: body for cid, body in rows}
