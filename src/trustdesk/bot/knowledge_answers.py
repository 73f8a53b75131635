"""Answering from the retailer's help articles, or offering a person when they have no answer."""

from __future__ import annotations

from trustdesk.bot.intents import Intent
from trustdesk.bot.state import Awaiting, HandoffReason
from trustdesk.bot.turn import TurnBuilder

MIN_RELEVANCE = 0.35


def answer_from_help(t: TurnBuilder, text: str, intent: Intent) -> bool:
    """Reply with the best help article's excerpt and link; else offer a person. True if answered."""
    hits = [h for h in t.ctx.retailer.search_knowledge_base(text, 3) if h.relevance >= MIN_RELEVANCE]
    if hits:
        best = hits[0]
        t.say("kb_answer", title=best.title, excerpt=best.excerpt, url=best.url)
        t.update(awaiting=Awaiting.NOTHING, flow=intent)
        return True
    if intent is Intent.TECHNICAL_ISSUE:
        t.say("tech_tips")
    if intent is Intent.PAYMENT_ISSUE:
        t.say("payment_general")
    t.say("kb_none")
    t.state = t.state.with_slots(_pending_handoff=HandoffReason.UNANSWERED.value)
    t.wait_for(Awaiting.CONFIRM_HANDOFF, intent)
    return False
