"""Conversation state and the result of one bot turn: immutable values the pipeline stores."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from trustdesk.bot.intents import Intent

MAX_TRANSCRIPT_ENTRIES = 60
MAX_TRANSCRIPT_TEXT = 2000


class Awaiting(StrEnum):
    """What the bot asked for and is waiting to hear."""

    NOTHING = "nothing"
    ORDER_NUMBER = "order_number"
    ORDER_EMAIL = "order_email"
    ORDER_CHOICE = "order_choice"
    CONFIRM_CANCEL = "confirm_cancel"
    RETURN_ITEMS = "return_items"
    CONFIRM_RETURN = "confirm_return"
    ACCOUNT_EMAIL = "account_email"
    CONTACT = "contact"
    CONFIRM_HANDOFF = "confirm_handoff"


class HandoffReason(StrEnum):
    """Why a conversation goes to a person."""

    CUSTOMER_REQUEST = "customer_request"
    LOW_CONFIDENCE = "low_confidence"
    COMPLAINT = "complaint"
    NEGATIVE_SENTIMENT = "negative_sentiment"
    SECURITY = "security"
    PAYMENT_DISPUTE = "payment_dispute"
    LANGUAGE = "language"
    LONG_MESSAGE = "long_message"
    ADDRESS_CHANGE = "address_change"
    ORDER_ACTION_FAILED = "order_action_failed"
    VERIFICATION_LIMIT = "verification_limit"
    UNANSWERED = "unanswered"


class BotEvent(StrEnum):
    """Things the caller may want to count, rate-limit or audit."""

    ORDER_LOOKUP_SUCCEEDED = "order_lookup_succeeded"
    ORDER_LOOKUP_FAILED = "order_lookup_failed"
    ORDER_LOOKUP_REFUSED = "order_lookup_refused"
    ORDER_CANCELLED = "order_cancelled"
    RETURN_CREATED = "return_created"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    CONTACTS_VERIFIED = "contacts_verified"
    INJECTION_SUSPECTED = "injection_suspected"
    RAPID_FIRE = "rapid_fire"
    NON_ENGLISH = "non_english"  # a language the bot does not speak at all
    LANGUAGE_CHANGED = "language_changed"
    LANGUAGE_NOT_OFFERED = "language_not_offered"
    SECRET_OFFERED = "secret_offered"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class TranscriptEntry:
    """One message in the conversation as the bot saw it (already guarded by the pipeline)."""

    speaker: str  # "customer" or "bot"
    text: str
    at: datetime


@dataclass(frozen=True)
class ConversationState:
    """Everything the bot remembers between turns. Never mutated: each turn returns a new one."""

    disclosed: bool = False
    flow: Intent | None = None
    awaiting: Awaiting = Awaiting.NOTHING
    slots: dict[str, str] = field(default_factory=dict)
    verified_order: str | None = None
    order_lookup_failures: int = 0
    low_confidence_streak: int = 0
    reprompts: int = 0
    non_english_streak: int = 0
    password_resets: int = 0
    recent_messages: tuple[datetime, ...] = ()
    throttled: bool = False
    handed_off: bool = False
    last_intent: Intent | None = None
    transcript: tuple[TranscriptEntry, ...] = ()
    # The conversation's language (a supported code) and how it was chosen: "detected" from the
    # customer's words, "hint" (the page's or account's), "default" (the retailer's), or set by
    # the "customer" or an "agent" (then detection no longer changes it). None until the first turn.
    language: str | None = None
    language_source: str = "default"
    language_confidence: float = 0.0
    # Languages the customer was told the retailer does not offer (told once each).
    languages_declined: tuple[str, ...] = ()

    def slot(self, name: str) -> str | None:
        """The value of a slot, or None."""
        return self.slots.get(name)

    def with_slots(self, **values: str | None) -> ConversationState:
        """A copy with slots set (a None value removes the slot)."""
        slots = dict(self.slots)
        for key, value in values.items():
            if value is None:
                slots.pop(key, None)
            else:
                slots[key] = value
        return replace(self, slots=slots)

    def heard(self, speaker: str, text: str, at: datetime) -> ConversationState:
        """A copy with a message appended to the (bounded) transcript."""
        entry = TranscriptEntry(speaker, text[:MAX_TRANSCRIPT_TEXT], at)
        return replace(self, transcript=(*self.transcript, entry)[-MAX_TRANSCRIPT_ENTRIES:])

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form for storage between turns."""
        return {
            "disclosed": self.disclosed,
            "flow": self.flow.value if self.flow else None,
            "awaiting": self.awaiting.value,
            "slots": dict(self.slots),
            "verified_order": self.verified_order,
            "order_lookup_failures": self.order_lookup_failures,
            "low_confidence_streak": self.low_confidence_streak,
            "reprompts": self.reprompts,
            "non_english_streak": self.non_english_streak,
            "password_resets": self.password_resets,
            "recent_messages": [t.isoformat() for t in self.recent_messages],
            "throttled": self.throttled,
            "handed_off": self.handed_off,
            "last_intent": self.last_intent.value if self.last_intent else None,
            "transcript": [
                {"speaker": e.speaker, "text": e.text, "at": e.at.isoformat()} for e in self.transcript
            ],
            "language": self.language,
            "language_source": self.language_source,
            "language_confidence": self.language_confidence,
            "languages_declined": list(self.languages_declined),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConversationState:
        """Rebuild a state stored with `to_json`."""
        return cls(
            disclosed=bool(data.get("disclosed", False)),
            flow=Intent(data["flow"]) if data.get("flow") else None,
            awaiting=Awaiting(data.get("awaiting", Awaiting.NOTHING.value)),
            slots={str(k): str(v) for k, v in dict(data.get("slots", {})).items()},
            verified_order=data.get("verified_order"),
            order_lookup_failures=int(data.get("order_lookup_failures", 0)),
            low_confidence_streak=int(data.get("low_confidence_streak", 0)),
            reprompts=int(data.get("reprompts", 0)),
            non_english_streak=int(data.get("non_english_streak", 0)),
            password_resets=int(data.get("password_resets", 0)),
            recent_messages=tuple(datetime.fromisoformat(t) for t in data.get("recent_messages", [])),
            throttled=bool(data.get("throttled", False)),
            handed_off=bool(data.get("handed_off", False)),
            last_intent=Intent(data["last_intent"]) if data.get("last_intent") else None,
            transcript=tuple(
                TranscriptEntry(str(e["speaker"]), str(e["text"]), datetime.fromisoformat(e["at"]))
                for e in data.get("transcript", [])
            ),
            language=str(data["language"]) if data.get("language") else None,
            language_source=str(data.get("language_source", "default")),
            language_confidence=float(data.get("language_confidence", 0.0)),
            languages_declined=tuple(str(c) for c in data.get("languages_declined", [])),
        )


@dataclass(frozen=True)
class Handoff:
    """A conversation passed to a person, with what the bot gathered."""

    reason: HandoffReason
    priority: str  # "normal" or "high"
    intent: Intent | None
    summary: str
    slots: dict[str, str]
    transcript: tuple[TranscriptEntry, ...]
    wait_estimate: timedelta | None
    language: str | None = None


@dataclass(frozen=True)
class BotTurn:
    """What one customer message produced."""

    state: ConversationState
    replies: tuple[str, ...]
    intent: Intent | None = None
    confidence: float = 0.0
    handoff: Handoff | None = None
    events: tuple[BotEvent, ...] = ()

    @property
    def order_lookup_attempted(self) -> bool:
        """True when this turn checked an order number and e-mail (count it for rate limiting)."""
        return BotEvent.ORDER_LOOKUP_SUCCEEDED in self.events or BotEvent.ORDER_LOOKUP_FAILED in self.events
