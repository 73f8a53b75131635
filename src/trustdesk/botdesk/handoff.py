"""The note an agent reads when the bot hands a conversation over."""

from __future__ import annotations

from datetime import timedelta

from trustdesk.bot.state import Handoff

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
