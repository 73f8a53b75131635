"""A hand-over from the bot to people: the note an agent reads, and the write that lets go of the
conversation and audits why (the live bot and the demo both hand over through `record_handoff`)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.bot.state import ConversationState, Handoff
from trustdesk.conversations.domain import Status
from trustdesk.store.models import Conversation, utcnow

STATE_KEY = "engine"  # the bot's state under Conversation.bot_state
SEQ_KEY = "seq"  # the last customer message it answered

NOTE_TRANSCRIPT_ENTRIES = 12
NOTE_LINE_CHARS = 300


def _wait(wait: timedelta | None) -> str:
    if wait is None:
        return "no agent on duty; customer told the team replies within the day"
    return f"about {max(1, round(wait.total_seconds() / 60))} min"


def handoff_note(handoff: Handoff) -> str:
    """Summary, reason, priority, intent, slots and the latest transcript, as an internal note.

    Everything in it was already guarded: slots and transcript come from stored messages.
    """
    lines = [
        f"Bot handoff ({handoff.priority} priority): {handoff.summary}",
        f"Reason: {handoff.reason.value}. Intent: {handoff.intent.value if handoff.intent else 'unknown'}.",
        f"Wait told to the customer: {_wait(handoff.wait_estimate)}.",
    ]
    if handoff.language:
        lines.append(f"Customer's language: {handoff.language}.")
    if handoff.slots:
        lines.append(
            "Details: " + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in sorted(handoff.slots.items()))
        )
    entries = handoff.transcript[-NOTE_TRANSCRIPT_ENTRIES:]
    if entries:
        lines.append("Transcript (latest):")
        for entry in entries:
            text = " ".join(entry.text.split())
            if len(text) > NOTE_LINE_CHARS:
                text = text[: NOTE_LINE_CHARS - 1] + "…"
            lines.append(f"- {entry.speaker} {entry.at.strftime('%H:%M')}: {text}")
    return "\n".join(lines)


def record_handoff(
    session: Session, conv: Conversation, handoff: Handoff, state: ConversationState, seq: int
) -> None:
    """The bot lets go of `conv`: off, its state kept, back in the agents' queue (a resolved one
    reopens), and the reason audited as bot.handoff (what the dashboard's "why handed over" counts).
    The caller holds the row and commits."""
    conv.bot_active = False
    conv.bot_state = {STATE_KEY: state.to_json(), SEQ_KEY: seq}
    conv.language = state.language or conv.language
    conv.updated_at = utcnow()
    if conv.status == Status.RESOLVED:
        conv.status = Status.NEW.value
        conv.resolved_at = None
    record(
        session,
        "bot.handoff",
        actor="bot",
        tenant_id=conv.tenant_id,
        target=f"conversation:{conv.public_id}",
        details={
            "reason": handoff.reason.value,
            "priority": handoff.priority,
            "intent": handoff.intent.value if handoff.intent else None,
        },
    )
