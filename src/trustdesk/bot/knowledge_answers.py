"""Answering from the retailer's help articles, or offering a person when they have no answer.

Articles in the conversation's language come first; without one, an article in the retailer's
default language answers, and the bot says which language it is in.
"""

from __future__ import annotations

from functools import lru_cache

from trustdesk.bot.intents import Intent
from trustdesk.bot.normalise import Normaliser, default_normaliser
from trustdesk.bot.state import Awaiting, HandoffReason
from trustdesk.bot.turn import TurnBuilder, language_name
from trustdesk.i18n.languages import DEFAULT_LANGUAGE

MIN_RELEVANCE = 0.35


@lru_cache(maxsize=1)
def _normaliser() -> Normaliser:
    return default_normaliser()


def _english_words(text: str) -> str:
    """The words of `text` that the bot's lexicons map onto English ones ("Rücksendung" -> "return")."""
    return " ".join(w for w in _normaliser()(text).split() if not w.startswith("zz"))


def answer_from_help(t: TurnBuilder, text: str, intent: Intent) -> bool:
    """Reply with the best help article's excerpt and link; else offer a person. True if answered."""
    query = text
    if t.lang != DEFAULT_LANGUAGE:
        # The lexicon's English words let an English article answer a question asked in another language.
        query = f"{text} {_english_words(text)}"
    found = [h for h in t.ctx.retailer.search_knowledge_base(query, 10) if h.relevance >= MIN_RELEVANCE]
    default = t.ctx.tenant.default_language
    best = next((h for h in found if h.language == t.lang), None) or next(
        (h for h in found if h.language == default), None
    )
    if best is not None:
        t.say("kb_answer", title=best.title, excerpt=best.excerpt, url=best.url)
        if best.language != t.lang:
            t.say("kb_other_language", language=language_name(best.language, t.lang))
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
