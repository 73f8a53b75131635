"""Demo history: a fortnight of a retailer's conversations, so a fresh demo's overview, queue and
charts show a working desk rather than zeros.

Every customer text goes through the guard exactly as the pipeline stores it (redacted body and
finding summary), so the demo never holds a secret either. Deterministic per retailer.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.conversations.domain import AuthorKind, Channel, Status, new_public_id, new_reference
from trustdesk.conversations.pipeline import guard_summary
from trustdesk.guard import scan
from trustdesk.store.models import Conversation, Customer, Message, Tenant, User
from trustdesk.store.models.base import utcnow

DAYS = 14
BOT_STATE_KEY = "engine"  # botdesk.service.STATE_KEY

# What customers write, by the way it usually goes. {order} is one of their order numbers.
BOT_ANSWERED = [
    "Where is my order {order}?",
    "Hi, has {order} shipped yet?",
    "What is your returns policy for shoes?",
    "How long does delivery to Canada take?",
    "Can I change the size on {order} before it ships?",
]
HANDED_OVER = [
    "My parcel {order} says delivered but it is not here.",
    "I was charged twice for {order}, can someone look at this?",
    "I want to speak to a person about a damaged item in {order}.",
    "The jacket from {order} has a broken zip, what can I do?",
]
WITH_SECRET = [
    "Please just take the payment again, my card is 4111 1111 1111 1111 exp 09/28",
    "I can't log in. My password is Sunflower#2024 if that helps",
    "The code you texted me is 482913, can you check {order}?",
]
BY_MAIL = [
    "Subject: Return for {order}\n\nHello, I would like to return the boots from {order}. Thanks.",
    "Invoice needed for {order} for my company, please.",
    "Question about gift wrapping for {order}.",
]
AGENT_REPLIES = [
    "Thanks for waiting. I have checked {order} and arranged a replacement; you will get a tracking e-mail today.",
    "Sorry about this. I have refunded the duplicate charge on {order}; it shows within 3-5 working days.",
    "I have opened a return for {order}. The prepaid label is in your account under Orders.",
]
BOT_REPLY = "Here is what I found for {order}: it is on its way and should arrive within two working days."


def seed_demo_conversations(session: Session, tenant: Tenant) -> None:
    """Create the demo retailer's last fortnight of conversations, once."""
    if session.scalar(select(func.count(Conversation.id)).where(Conversation.tenant_id == tenant.id)):
        return
    agents = session.scalars(
        select(User).where(User.tenant_id == tenant.id, User.role == "agent").order_by(User.id)
    ).all()
    customers = session.scalars(
        select(Customer).where(Customer.tenant_id == tenant.id).order_by(Customer.id).limit(40)
    ).all()
    if not agents or not customers:
        return
    rng = random.Random(f"demo-conversations:{tenant.slug}")
    now = utcnow()
    for days_ago in range(DAYS - 1, -1, -1):
        for _ in range(rng.randint(3, 8) if days_ago else 2):
            opened = now - timedelta(days=days_ago, hours=rng.uniform(0.5, 9))
            customer = rng.choice(customers)
            order = customer.orders[0].number if customer.orders else "your order"
            _one(session, tenant, rng, opened, customer, order, agents, recent=days_ago == 0)
    session.flush()


def _one(session, tenant, rng, opened, customer, order, agents, *, recent):  # type: ignore[no-untyped-def]
    roll = rng.random()
    if roll < 0.25:
        kind, text = "email", rng.choice(BY_MAIL)
    elif roll < 0.55:
        kind, text = "bot", rng.choice(BOT_ANSWERED)
    elif roll < 0.85:
        kind, text = "handover", rng.choice(HANDED_OVER)
    else:
        kind, text = "handover", rng.choice(WITH_SECRET)
    conv = Conversation(
        tenant_id=tenant.id,
        public_id=new_public_id(),
        reference=new_reference(),
        channel=Channel.EMAIL.value if kind == "email" else Channel.CHAT.value,
        status=Status.RESOLVED.value,
        customer_id=customer.id,
        customer_name=customer.name,
        customer_email=customer.email,
        subject=f"About {order}" if kind == "email" else "",
        last_seq=0,
        bot_active=False,
        bot_state=None if kind == "email" else {BOT_STATE_KEY: {"handed_off": kind == "handover"}},
        created_at=opened,
        updated_at=opened,
        last_message_at=opened,
    )
    session.add(conv)
    session.flush()
    at = opened
    say_as_pipeline(
        session, conv, AuthorKind.CUSTOMER, customer.name, text.format(order=order), at, tenant.name
    )
    if kind == "bot":
        at += timedelta(seconds=2)
        say_as_pipeline(
            session, conv, AuthorKind.BOT, "Assistant", BOT_REPLY.format(order=order), at, tenant.name
        )
        conv.resolved_at = at + timedelta(minutes=3)
        return
    if recent and rng.random() < 0.6:
        conv.status = Status.NEW.value  # today's: some still wait in the queue
        return
    agent = rng.choice(agents)
    at += timedelta(minutes=rng.lognormvariate(2.3, 0.8))  # a median of about ten minutes, a long tail
    say_as_pipeline(
        session,
        conv,
        AuthorKind.AGENT,
        agent.display_name,
        rng.choice(AGENT_REPLIES).format(order=order),
        at,
        tenant.name,
        user_id=agent.id,
    )
    conv.first_response_at = at
    conv.assignee_user_id = agent.id
    conv.resolved_at = at + timedelta(hours=rng.uniform(0.2, 20))
    conv.updated_at = conv.last_message_at = at


def say_as_pipeline(  # type: ignore[no-untyped-def]
    session,
    conv,
    kind,
    name: str,
    text: str,
    at,
    brand: str,
    *,
    internal: bool = False,
    user_id: int | None = None,
) -> str:
    """Store one demo message as the pipeline would (guarded; notes only redacted); returns the stored text."""
    inbound = kind == AuthorKind.CUSTOMER or internal
    result = scan(text, "inbound" if inbound else "outbound", brand=brand)
    conv.last_seq += 1
    session.add(
        Message(
            tenant_id=conv.tenant_id,
            conversation_id=conv.id,
            seq=conv.last_seq,
            author_kind=kind.value,
            author_user_id=user_id,
            author_name=name or kind.value,
            body=result.redacted,
            guard=guard_summary(result),
            visibility="internal" if internal else "public",
            created_at=at,
        )
    )
    conv.last_message_at = at
    return result.redacted


def open_demo_chat(
    session: Session, tenant: Tenant, customer: Customer | None, at: datetime, **fields: Any
) -> Conversation:
    """A new chat of ``customer`` (or of nobody known) opened at ``at``, nothing said yet: added and
    flushed. ``fields`` set what differs (bot_active, language, priority, bot_state)."""
    conv = Conversation(
        tenant_id=tenant.id,
        public_id=new_public_id(),
        reference=new_reference(),
        channel=Channel.CHAT.value,
        status=Status.NEW.value,
        customer_id=customer.id if customer else None,
        customer_name=customer.name if customer else "",
        customer_email=customer.email if customer else None,
        last_seq=0,
        created_at=at,
        updated_at=at,
        last_message_at=at,
        **fields,
    )
    session.add(conv)
    session.flush()
    return conv
