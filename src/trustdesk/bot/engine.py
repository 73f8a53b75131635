"""The bot's turn-taking: `BotEngine.respond(state, message, ctx) -> BotTurn`.

Pure apart from the calls it makes through `ctx.retailer`: no clock (ctx.now), no storage,
no network. The conversations pipeline stores the returned state and sends the replies
(through the guard, like every other message).
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Protocol

from trustdesk.bot.account import continue_account, handle_account
from trustdesk.bot.classifier import Prediction
from trustdesk.bot.contacts import continue_contacts, handle_contacts
from trustdesk.bot.context import BotContext
from trustdesk.bot.intents import ORDER_INTENTS, Intent
from trustdesk.bot.knowledge_answers import answer_from_help
from trustdesk.bot.language import decide_language
from trustdesk.bot.orders import access_order, answer_order, confirm_cancellation, take_order_slots
from trustdesk.bot.replies import say
from trustdesk.bot.returns import choose_return_items, confirm_return, say_policy, start_return
from trustdesk.bot.screening import (
    asks_if_human,
    guess_language,
    is_no,
    is_strongly_negative,
    is_wall_of_text,
    is_yes,
    looks_like_injection,
    mentions_payment_dispute,
    offers_secret,
    wants_human,
)
from trustdesk.bot.state import Awaiting, BotEvent, BotTurn, ConversationState, HandoffReason
from trustdesk.bot.turn import TurnBuilder, language_name, language_names
from trustdesk.i18n.languages import supported

MAX_INPUT_CHARS = 20_000
RAPID_FIRE_WINDOW = timedelta(seconds=10)
RAPID_FIRE_LIMIT = 5
LOW_CONFIDENCE_HANDOFF = 2
MAX_REPROMPTS = 2
# A message that does not fill the awaited slot switches flow only if the classifier is this sure.
SWITCH_CONFIDENCE = 0.5
# Intents that hand the conversation to a person act only when the classifier is this sure
# (an explicit "agent" or a clearly angry message hands off through the screening rules instead).
HANDOFF_CONFIDENCE = 0.5
_HANDOFF_INTENTS = frozenset({Intent.TALK_TO_HUMAN, Intent.COMPLAINT})

_SLOT_WAITS = {
    Awaiting.ORDER_NUMBER,
    Awaiting.ORDER_EMAIL,
    Awaiting.ORDER_CHOICE,
    Awaiting.RETURN_ITEMS,
    Awaiting.ACCOUNT_EMAIL,
    Awaiting.CONTACT,
}
_REPROMPT = {
    Awaiting.ORDER_NUMBER: "ask_order_number",
    Awaiting.ORDER_CHOICE: "ask_order_number",
    Awaiting.ORDER_EMAIL: "ask_order_email",
    Awaiting.RETURN_ITEMS: "return_unclear",
    Awaiting.ACCOUNT_EMAIL: "account_needs_email",
    Awaiting.CONTACT: "contact_none_found",
}


class IntentClassifier(Protocol):
    """Anything that classifies a message: an IntentModel or a ModelHolder."""

    def classify(self, text: str, lang: str | None = None) -> Prediction:
        """Classify one message written in `lang` (identified from the text when None)."""
        ...


def clean_message(message: str) -> str:
    """Drop control characters, collapse whitespace and cap the length the bot looks at."""
    kept = "".join(
        ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in message[:MAX_INPUT_CHARS]
    )
    return " ".join(kept.split())


class BotEngine:
    """Decides the bot's replies for one tenant's conversations."""

    def __init__(self, classifier: IntentClassifier) -> None:
        self._classifier = classifier

    def respond(self, state: ConversationState, message: str, ctx: BotContext) -> BotTurn:
        """Answer one customer message; returns the replies, the new state and any handoff."""
        text = clean_message(message)
        t = TurnBuilder(state.heard("customer", text, ctx.now), ctx)
        if state.handed_off:
            return t.finish()  # a person owns the conversation now
        declined = self._language(t, text)
        if not t.state.disclosed:
            t.say("disclosure")
            t.update(disclosed=True)
        if declined is not None:
            self._not_offered(t, declined)
        if self._rapid_fire(t):
            return t.finish()
        self._turn(t, text)
        return t.finish()

    # -- the conversation's language -----------------------------------------------------------

    def _language(self, t: TurnBuilder, text: str) -> str | None:
        """Set the conversation's language from `text`; returns a language the customer wrote in
        that the retailer does not offer, the first time they do."""
        tenant = t.ctx.tenant
        decision = decide_language(
            text,
            current=t.state.language,
            current_source=t.state.language_source,
            offered=tenant.languages,
            default=tenant.default_language,
            hint=t.ctx.language_hint,
        )
        if t.state.language is not None and decision.code != t.state.language:
            t.event(BotEvent.LANGUAGE_CHANGED)
        t.update(
            language=decision.code,
            language_source=decision.source,
            language_confidence=round(decision.confidence, 4),
        )
        refused = decision.not_offered
        if refused is None or refused in t.state.languages_declined:
            return None
        t.event(BotEvent.LANGUAGE_NOT_OFFERED)
        t.update(languages_declined=(*t.state.languages_declined, refused))
        return refused

    def _not_offered(self, t: TurnBuilder, refused: str) -> None:
        """Say, in the customer's language and then in the one the chat continues in, that their
        language is not offered here."""
        default = t.lang
        sentences = [
            say(
                "language_not_offered",
                lang,
                language=language_name(refused, lang),
                default_language=language_name(default, lang),
            )
            for lang in (refused, default)
        ]
        t.replies.append("\n\n".join(sentences))

    # -- the decision ladder ------------------------------------------------------------------

    def _turn(self, t: TurnBuilder, text: str) -> None:
        if not text:
            t.say("empty")
            return
        if is_wall_of_text(text):
            t.hand_off(HandoffReason.LONG_MESSAGE)
            return
        if looks_like_injection(text):
            t.event(BotEvent.INJECTION_SUSPECTED)
            t.say("injection")
            return
        if offers_secret(text):
            t.event(BotEvent.SECRET_OFFERED)
            t.say("secret_offered")
            return
        if self._other_language(t, text):
            return
        if asks_if_human(text):
            t.say("is_bot")
            return
        if self._confirmation(t, text):
            return
        if wants_human(text):
            t.intent = Intent.TALK_TO_HUMAN
            t.hand_off(HandoffReason.CUSTOMER_REQUEST)
            return
        if is_strongly_negative(text):
            t.intent = Intent.COMPLAINT
            t.hand_off(HandoffReason.NEGATIVE_SENTIMENT)
            return
        if t.state.awaiting in _SLOT_WAITS and self._fill_slot(t, text):
            return
        prediction = self._classifier.classify(text, t.lang)
        t.intent = prediction.intent
        t.confidence = prediction.confidence
        if t.state.awaiting in _SLOT_WAITS and not self._switches(t, prediction):
            self._reprompt(t)
            return
        unsure = prediction.low_confidence or (
            prediction.intent in _HANDOFF_INTENTS and prediction.confidence < HANDOFF_CONFIDENCE
        )
        if unsure:
            streak = t.state.low_confidence_streak + 1
            t.update(low_confidence_streak=streak)
            if streak >= LOW_CONFIDENCE_HANDOFF:
                t.hand_off(HandoffReason.LOW_CONFIDENCE)
            else:
                t.say("not_understood")
            return
        t.update(
            low_confidence_streak=0, last_intent=prediction.intent, awaiting=Awaiting.NOTHING, reprompts=0
        )
        self._start(t, prediction.intent, text)

    def _rapid_fire(self, t: TurnBuilder) -> bool:
        now = t.ctx.now
        recent = tuple(x for x in t.state.recent_messages if now - x <= RAPID_FIRE_WINDOW) + (now,)
        t.update(recent_messages=recent[-(RAPID_FIRE_LIMIT + 1) :])
        if len(recent) <= RAPID_FIRE_LIMIT:
            t.update(throttled=False)
            return False
        t.event(BotEvent.RAPID_FIRE)
        if not t.state.throttled:
            t.say("rapid_fire")
            t.update(throttled=True)
        return True

    def _other_language(self, t: TurnBuilder, text: str) -> bool:
        """A language the bot does not speak at all (another script, Turkish...): offer a person."""
        guess = guess_language(text)
        if guess.code is None or supported(guess.code) is not None:
            if guess.code is not None:
                t.update(non_english_streak=0)
            return False
        t.event(BotEvent.NON_ENGLISH)
        streak = t.state.non_english_streak + 1
        t.update(non_english_streak=streak)
        if streak >= 2:
            t.hand_off(HandoffReason.LANGUAGE, language=guess.code)
            return True
        t.say(
            "language",
            bot_languages=language_names(t.ctx.tenant.languages, t.lang),
            agent_languages=language_names(t.ctx.tenant.agent_languages, t.lang),
        )
        t.state = t.state.with_slots(_pending_handoff=HandoffReason.LANGUAGE.value, _language=guess.code)
        t.wait_for(Awaiting.CONFIRM_HANDOFF)
        return True

    def _confirmation(self, t: TurnBuilder, text: str) -> bool:
        awaiting = t.state.awaiting
        if awaiting not in (Awaiting.CONFIRM_HANDOFF, Awaiting.CONFIRM_CANCEL, Awaiting.CONFIRM_RETURN):
            return False
        yes, no = is_yes(text), is_no(text)
        if not (yes or no):
            t.update(awaiting=Awaiting.NOTHING)  # they moved on; treat as a new request
            return False
        if awaiting is Awaiting.CONFIRM_CANCEL:
            confirm_cancellation(t, yes)
        elif awaiting is Awaiting.CONFIRM_RETURN:
            confirm_return(t, yes)
        elif yes:
            reason = HandoffReason(t.state.slot("_pending_handoff") or HandoffReason.CUSTOMER_REQUEST.value)
            t.hand_off(reason, language=t.state.slot("_language"))
        else:
            t.update(awaiting=Awaiting.NOTHING)
            t.state = t.state.with_slots(_pending_handoff=None)
            t.say("handoff_declined")
        return True

    def _fill_slot(self, t: TurnBuilder, text: str) -> bool:
        awaiting = t.state.awaiting
        flow = t.state.flow
        if (
            awaiting in (Awaiting.ORDER_NUMBER, Awaiting.ORDER_EMAIL, Awaiting.ORDER_CHOICE)
            and flow is not None
        ):
            if not take_order_slots(t, text):
                return False
            self._order_flow(t, flow, text, taken=True)
            return True
        if awaiting is Awaiting.RETURN_ITEMS:
            return choose_return_items(t, text)
        if awaiting is Awaiting.ACCOUNT_EMAIL:
            return continue_account(t, text)
        if awaiting is Awaiting.CONTACT:
            return continue_contacts(t, text)
        return False

    def _switches(self, t: TurnBuilder, prediction: Prediction) -> bool:
        if prediction.low_confidence or prediction.intent is Intent.OUT_OF_SCOPE:
            return False
        if prediction.intent == t.state.flow:
            return False
        return prediction.confidence >= SWITCH_CONFIDENCE

    def _reprompt(self, t: TurnBuilder) -> None:
        reprompts = t.state.reprompts + 1
        if reprompts > MAX_REPROMPTS:
            t.say("slot_give_up")
            t.state = t.state.with_slots(_pending_handoff=HandoffReason.UNANSWERED.value)
            t.wait_for(Awaiting.CONFIRM_HANDOFF)
            return
        t.say(_REPROMPT[t.state.awaiting])
        t.update(reprompts=reprompts)

    # -- flows --------------------------------------------------------------------------------

    def _start(self, t: TurnBuilder, intent: Intent, text: str) -> None:
        if intent in ORDER_INTENTS:
            self._order_flow(t, intent, text, taken=False)
        elif intent is Intent.PAYMENT_ISSUE:
            self._payment(t, text)
        elif intent is Intent.ACCOUNT_ACCESS:
            handle_account(t, text)
        elif intent in (Intent.REPORT_SUSPICIOUS, Intent.VERIFY_CONTACT):
            handle_contacts(t, text, intent)
        elif intent in (Intent.PRODUCT_QUESTION, Intent.TECHNICAL_ISSUE):
            answer_from_help(t, text, intent)
        elif intent is Intent.COMPLAINT:
            t.hand_off(HandoffReason.COMPLAINT)
        elif intent is Intent.TALK_TO_HUMAN:
            t.hand_off(HandoffReason.CUSTOMER_REQUEST)
        elif intent is Intent.GREETING:
            t.say("greeting")
        elif intent is Intent.THANKS_GOODBYE:
            t.update(flow=None, awaiting=Awaiting.NOTHING)
            t.say("goodbye")
        else:
            t.say("out_of_scope", tenant=t.ctx.tenant.name)

    def _order_flow(self, t: TurnBuilder, intent: Intent, text: str, *, taken: bool) -> None:
        if not taken:
            take_order_slots(t, text)
        t.update(flow=intent)
        if intent is Intent.RETURN_ITEM and not t.state.verified_order and not t.state.slot("order_number"):
            say_policy(t)
        order = access_order(t, intent)
        if intent is Intent.RETURN_ITEM:
            start_return(t, text, order)
        elif order is not None:
            answer_order(t, intent, order)

    def _payment(self, t: TurnBuilder, text: str) -> None:
        if mentions_payment_dispute(text):
            take_order_slots(t, text)
            t.hand_off(HandoffReason.PAYMENT_DISPUTE)
            return
        if take_order_slots(t, text) or t.state.verified_order:
            self._order_flow(t, Intent.PAYMENT_ISSUE, text, taken=True)
            return
        answer_from_help(t, text, Intent.PAYMENT_ISSUE)
