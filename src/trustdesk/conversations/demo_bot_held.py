"""Two chats the demo retailer's bot is handling right now, so the supervisor's view shows something."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.conversations.demo import open_demo_chat, say_as_pipeline
from trustdesk.conversations.domain import AuthorKind
from trustdesk.store.models import Conversation, Customer, Tenant
from trustdesk.store.models.base import utcnow

LIVE_CHATS = [
    (
        "en",
        "Hi, can I still change the delivery address on my order?",
        "I can help with that. Which order is it? You can find its number in your confirmation e-mail.",
    ),
    (
        "de",
        "Hallo, wie lange dauert eine Rücksendung?",
        "Rücksendungen werden innerhalb von 5 bis 7 Werktagen nach Eingang erstattet.",
    ),
]


def seed_demo_bot_held(session: Session, tenant: Tenant) -> None:
    """Open the live bot chats once (skipped when the retailer already has one)."""
    held = select(func.count(Conversation.id)).where(
        Conversation.tenant_id == tenant.id, Conversation.bot_active.is_(True)
    )
    if session.scalar(held):
        return
    customers = session.scalars(
        select(Customer).where(Customer.tenant_id == tenant.id).order_by(Customer.id).limit(2)
    ).all()
    now = utcnow()
    for index, (language, question, answer) in enumerate(LIVE_CHATS):
        customer = customers[index] if index < len(customers) else None
        at = now - timedelta(minutes=4 + 7 * index)
        conv = open_demo_chat(
            session,
            tenant,
            customer,
            at,
            bot_active=True,
            bot_state={"engine": {"disclosed": True, "language": language}, "seq": 1},
            language=language,
        )
        for kind, name, text in (
            (AuthorKind.CUSTOMER, conv.customer_name, question),
            (AuthorKind.BOT, "Assistant", answer),
        ):
            said_at = at + timedelta(seconds=(conv.last_seq + 1) * 3)
            say_as_pipeline(session, conv, kind, name, text, said_at, tenant.name)
    session.flush()
