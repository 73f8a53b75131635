"""Demo data for the bot: it is switched on, and the retailer has a few help articles."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.botdesk.profile import BOT_KEY
from trustdesk.store.models import KnowledgeArticle, Tenant, utcnow

DEMO_ARTICLES = [
    (
        "delivery",
        "Delivery times and costs",
        "## Delivery\n\nStandard delivery takes **3 to 5 working days** and is free on orders over $50. "
        "Express delivery arrives the next working day for $9.95 when you order before 2 pm.\n\n"
        "We ship within the US and Canada. You get a tracking link by e-mail as soon as your parcel leaves "
        "our warehouse.",
    ),
    (
        "returns",
        "Returns and exchanges",
        "## Returns\n\nYou can return most items within **{window} days** of delivery, unworn and with their "
        "labels. Gift cards and personalised items cannot be returned.\n\n"
        "Ask our assistant in the chat to start a return: it gives you a return reference and the next steps. "
        "Refunds reach your original payment method within 5 working days of the parcel arriving back.",
    ),
    (
        "sizes",
        "Size guide",
        "## Sizes\n\nOur jackets and sweaters run true to size. If you are between sizes, choose the larger "
        "one. Boots and trail shoes come in US sizes; each product page has a conversion chart to EU and UK "
        "sizes.",
    ),
    (
        "payment-methods",
        "Payment methods",
        "## Paying\n\nWe accept these payment methods: Visa, Mastercard, American Express, PayPal and Apple Pay. If a "
        "payment is declined, check the billing address matches the one your bank has, or try another card.",
    ),
    (
        "scams",
        "Staying safe from support scams",
        "## We will never ask for your password\n\nOur team never asks for your password, full card number or "
        "one-time codes, by chat, phone or e-mail. If someone contacting you claims to be us, check the "
        "phone number, e-mail address or website on our verify page before you reply, and report it to us.",
    ),
]


def seed_demo_bot(session: Session, tenant: Tenant) -> None:
    """Turn the bot on for a demo retailer and add its help articles (idempotent)."""
    branding = dict(tenant.branding or {})
    branding[BOT_KEY] = {"enabled": True, **dict(branding.get(BOT_KEY) or {})}
    tenant.branding = branding
    existing = set(
        session.scalars(select(KnowledgeArticle.slug).where(KnowledgeArticle.tenant_id == tenant.id))
    )
    now = utcnow()
    for slug, title, body in DEMO_ARTICLES:
        if slug in existing:
            continue
        session.add(
            KnowledgeArticle(
                tenant_id=tenant.id,
                slug=slug,
                title=title,
                body_markdown=body.replace("{window}", str(tenant.return_window_days)),
                published=True,
                created_at=now,
                updated_at=now,
            )
        )
    session.flush()
