"""The working record of one turn while the engine and flows decide what to say."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency

from trustdesk.bot.context import BotContext, Money
from trustdesk.bot.intents import Intent
from trustdesk.bot.replies import say
from trustdesk.bot.state import Awaiting, BotEvent, BotTurn, ConversationState, Handoff, HandoffReason
from trustdesk.i18n import words
from trustdesk.i18n.languages import DEFAULT_LANGUAGE, cldr_locale, supported

HIGH_PRIORITY = frozenset(
    {HandoffReason.SECURITY, HandoffReason.PAYMENT_DISPUTE, HandoffReason.NEGATIVE_SENTIMENT}
)

_WHY: dict[HandoffReason, str] = {
    HandoffReason.COMPLAINT: "why_complaint",
    HandoffReason.NEGATIVE_SENTIMENT: "why_complaint",
    HandoffReason.SECURITY: "why_security",
    HandoffReason.PAYMENT_DISPUTE: "why_payment",
    HandoffReason.ADDRESS_CHANGE: "why_address",
    HandoffReason.LANGUAGE: "why_language",
    HandoffReason.LONG_MESSAGE: "why_long",
}

_REASON_TEXT: dict[HandoffReason, str] = {
    HandoffReason.CUSTOMER_REQUEST: "Customer asked for a person",
    HandoffReason.LOW_CONFIDENCE: "Bot did not understand two messages in a row",
    HandoffReason.COMPLAINT: "Complaint",
    HandoffReason.NEGATIVE_SENTIMENT: "Customer is upset",
    HandoffReason.SECURITY: "Security concern (fraud, impersonation or account takeover)",
    HandoffReason.PAYMENT_DISPUTE: "Payment dispute or unrecognised charge",
    HandoffReason.LANGUAGE: "Customer writes in a language the bot does not speak",
    HandoffReason.LONG_MESSAGE: "Long message",
    HandoffReason.ADDRESS_CHANGE: "Delivery address change request",
    HandoffReason.ORDER_ACTION_FAILED: "The bot could not complete an order action",
    HandoffReason.VERIFICATION_LIMIT: "Too many failed order look-ups",
    HandoffReason.UNANSWERED: "Bot had no answer",
}


def reason_text(reason: HandoffReason) -> str:
    """The one-line reason an agent reads at the top of a hand-over's summary."""
    return _REASON_TEXT[reason]


def why_key(reason: HandoffReason) -> str:
    """The reply that completes "I'm passing you to a member of the team" for this reason."""
    return _WHY.get(reason, "why_default")


def language_names(codes: Sequence[str], lang: str | None) -> str:
    """Language codes as names in `lang`, joined with its "and" (("de", "fr"), "en" -> "German and French")."""
    return words(lang).join_and([language_name(code, lang) for code in codes] or [language_name("en", lang)])


def language_name(code: str, lang: str | None) -> str:
    """The name of a language in `lang` ("pl" in German: "Polnisch"), from CLDR."""
    found = supported(code)
    target = Locale.parse((found or code).replace("-", "_"))
    where = Locale.parse(cldr_locale(supported(lang) or DEFAULT_LANGUAGE))
    name = target.get_display_name(where) or code
    return name[:1].upper() + name[1:] if where.language in ("en", "de") else name


def money(value: Money, lang: str | None) -> str:
    """An amount the way customers of `lang` read it ("€20.00", "20,00 €")."""
    return format_currency(
        value.amount, value.currency, locale=cldr_locale(supported(lang) or DEFAULT_LANGUAGE)
    )


def format_day(value: date, lang: str | None) -> str:
    """A date the way customers of `lang` read it ("3 March 2025", "3. März 2025", "3 de marzo de 2025")."""
    return format_date(value, format="long", locale=cldr_locale(supported(lang) or DEFAULT_LANGUAGE))


@dataclass
class TurnBuilder:
    """Collects replies, events and state changes; `finish` freezes them into a BotTurn."""

    state: ConversationState
    ctx: BotContext
    replies: list[str] = field(default_factory=list)
    events: list[BotEvent] = field(default_factory=list)
    intent: Intent | None = None
    confidence: float = 0.0
    handoff: Handoff | None = None

    @property
    def lang(self) -> str:
        """The language the bot answers in: the conversation's, else the retailer's default."""
        return self.state.language or self.ctx.tenant.default_language

    def text(self, key: str, **values: Any) -> str:
        """A template rendered in the conversation's language (tenant and bot name filled in)."""
        values.setdefault("tenant", self.ctx.tenant.name)
        values.setdefault("bot_name", self.ctx.tenant.bot_name)
        return say(key, self.lang, **values)

    def say(self, key: str, **values: Any) -> None:
        """Add a reply from the templates, in the conversation's language."""
        self.replies.append(self.text(key, **values))

    def date(self, value: date) -> str:
        """A date in the conversation's language."""
        return format_day(value, self.lang)

    def event(self, event: BotEvent) -> None:
        """Record something the caller should know about."""
        self.events.append(event)

    def update(self, **changes: Any) -> None:
        """Replace fields of the conversation state."""
        self.state = replace(self.state, **changes)

    def wait_for(self, awaiting: Awaiting, flow: Intent | None = None) -> None:
        """Remember what the bot just asked for (and in which flow)."""
        self.update(awaiting=awaiting, flow=flow if flow is not None else self.state.flow, reprompts=0)

    def hand_off(self, reason: HandoffReason, *, language: str | None = None) -> None:
        """Pass the conversation to a person: build the handoff and tell the customer."""
        wait = self.ctx.retailer.human_wait_estimate()
        why_key = _WHY.get(reason, "why_default")
        why = self.text(why_key, agent_languages=language_names(self.ctx.tenant.agent_languages, self.lang))
        if wait is None:
            eta = self.text("handoff_eta_offline", hours=self.ctx.tenant.offline_reply_hours)
        elif wait <= timedelta(minutes=2):
            eta = self.text("handoff_eta_soon")
        else:
            eta = self.text("handoff_eta_minutes", minutes=max(1, round(wait.total_seconds() / 60)))
        self.say("handoff", why=why, eta=eta)
        intent = self.intent if self.intent is not None else self.state.flow
        self.update(handed_off=True, awaiting=Awaiting.NOTHING)
        self.event(BotEvent.HANDOFF)
        self.handoff = Handoff(
            reason=reason,
            priority="high" if reason in HIGH_PRIORITY else "normal",
            intent=intent,
            summary=self._summary(reason, intent),
            slots={k: v for k, v in self.state.slots.items() if not k.startswith("_")},
            transcript=self.state.transcript,
            wait_estimate=wait,
            language=language or self.lang,
        )

    def _summary(self, reason: HandoffReason, intent: Intent | None) -> str:
        parts = [_REASON_TEXT[reason] + "."]
        if intent is not None:
            parts.append(f"Topic: {intent.value}.")
        if self.state.verified_order:
            how = "signed-in owner" if self.state.slot("_proof") == "account" else "order number and e-mail"
            parts.append(f"Order {self.state.verified_order} (verified by {how}).")
        elif self.state.slot("order_number"):
            parts.append(f"Order number given but not verified: {self.state.slot('order_number')}.")
        if self.ctx.customer is not None:
            parts.append("Customer is signed in.")
        if self.state.order_lookup_failures:
            parts.append(f"Failed order look-ups: {self.state.order_lookup_failures}.")
        last = next((e.text for e in reversed(self.state.transcript) if e.speaker == "customer"), "")
        if last:
            parts.append(f'Last message: "{last[:200]}{"…" if len(last) > 200 else ""}"')
        return " ".join(parts)

    def finish(self) -> BotTurn:
        """Freeze the turn, adding the bot's replies to the transcript."""
        state = self.state
        for reply in self.replies:
            state = state.heard("bot", reply, self.ctx.now)
        return BotTurn(
            state=state,
            replies=tuple(self.replies),
            intent=self.intent,
            confidence=round(self.confidence, 4),
            handoff=self.handoff,
            events=tuple(self.events),
        )
