"""The demo retailers' satisfaction answers: a survey for each resolved demo conversation, about
half of them answered, the same every time (a generator seeded by the retailer's slug)."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.conversations.pipeline import guard_summary
from trustdesk.guard import scan
from trustdesk.satisfaction.survey import LINK_LIFETIME
from trustdesk.store.models import Conversation, SatisfactionSurvey, Tenant
from trustdesk.tenancy.language_settings import tenant_languages

ANSWER_SHARE = 0.55
# Scores lean satisfied, as real CSAT does; each agent gets a slightly different lean.
WEIGHTS = (4, 6, 10, 32, 48)
COMMENTS = {
    5: ["Quick and friendly, thank you!", "Sorted in minutes. Great service."],
    4: ["Good help, the refund took a while though.", "Helpful answer."],
    3: ["Fine, but I had to explain twice."],
    2: ["Took too long to get a reply."],
    1: ["Nobody answered my actual question.", "Still waiting for my parcel, not happy."],
}


def seed_demo_satisfaction(session: Session, tenant: Tenant) -> None:
    """Offer and answer surveys for the retailer's resolved demo conversations, once."""
    if session.scalar(
        select(func.count(SatisfactionSurvey.id)).where(SatisfactionSurvey.tenant_id == tenant.id)
    ):
        return
    rng = random.Random(f"demo-csat:{tenant.slug}")
    default = tenant_languages(tenant).default
    convs = session.scalars(
        select(Conversation)
        .where(Conversation.tenant_id == tenant.id, Conversation.status == "resolved")
        .order_by(Conversation.created_at, Conversation.id)
    ).all()
    for conv in convs:
        offered = conv.resolved_at or conv.last_message_at
        survey = SatisfactionSurvey(
            tenant_id=tenant.id,
            conversation_id=conv.id,
            agent_user_id=conv.assignee_user_id,
            channel=conv.channel,
            language=conv.language or default,
            offered_at=offered,
            expires_at=offered + LINK_LIFETIME,
            comment_guard=[],
        )
        if rng.random() < ANSWER_SHARE:
            lean = (conv.assignee_user_id or 0) % 3 - 1  # -1, 0 or +1: agents differ a little
            weights = list(WEIGHTS)
            weights[4] += 8 * lean
            weights[1] -= 2 * lean
            score = rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
            survey.score = score
            survey.answered_at = offered + timedelta(minutes=rng.uniform(2, 600))
            survey.answered_via = "email" if conv.channel == "email" else "chat"
            if rng.random() < 0.35:
                result = scan(rng.choice(COMMENTS[score]), "inbound", brand=tenant.name)
                survey.comment = result.redacted
                survey.comment_guard = guard_summary(result)
        session.add(survey)
    session.flush()
