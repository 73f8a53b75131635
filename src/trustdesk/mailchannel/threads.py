"""Threading rules: which conversation an inbound mail continues, and the subjects we send.

A mail continues a conversation when it answers one of our own messages (its In-Reply-To or
References names a Message-ID we generated: unguessable, only ever sent to that customer), or
when it answers an earlier mail of the same sender, or when its subject carries the
conversation's reference token ("[#TD-7KQ4-M2PX]") and it comes from the conversation's
customer address. Anything else starts a new conversation: knowing a reference alone never
lets a stranger write into somebody else's conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from trustdesk.mail.headers import valid_msg_id

MAX_REFERENCES = 20

# The conversation reference ("TD-XXXX-XXXX", see conversations.domain.new_reference) in a subject.
_TOKEN = re.compile(r"\[\s*#?\s*(TD-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\s*\]", re.IGNORECASE)
_BARE_TOKEN = re.compile(r"\b(TD-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})\b", re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|r)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def clean_message_id(value: str | None) -> str | None:
    """A Message-ID as stored and compared: without angle brackets; None unless it is a valid
    msg-id (mail.headers.valid_msg_id), so nothing else is stored or written into a reply."""
    if not value:
        return None
    text = value.strip()
    match = re.search(r"<([^<>\s]+)>", text)
    if match:
        text = match.group(1)
    else:
        parts = text.strip("<>").split()
        text = parts[0] if parts else ""
    return text if valid_msg_id(text) else None


def subject_reference(subject: str) -> str | None:
    """The conversation reference a subject carries ("[#TD-…]" preferred, else a bare TD-…)."""
    match = _TOKEN.search(subject) or _BARE_TOKEN.search(subject)
    return match.group(1).upper() if match else None


def base_subject(subject: str) -> str:
    """The subject without reply/forward prefixes and without our reference token."""
    text = _TOKEN.sub("", subject)
    text = _REPLY_PREFIX.sub("", text)
    return " ".join(text.split())


def reply_subject(subject: str, reference: str) -> str:
    """What our replies are called: "Re: <subject> [#TD-…]" (the token lets replies find their way back)."""
    base = base_subject(subject) or "Your message"
    return f"Re: {base} [#{reference}]"


def reply_references(parent_id: str | None, parent_references: Sequence[str]) -> tuple[str, ...]:
    """References of a reply: the parent's references then the parent, the most recent MAX_REFERENCES."""
    chain = [r for r in parent_references if r]
    if parent_id:
        chain.append(parent_id)
    deduped: list[str] = []
    for ref in chain:
        if ref not in deduped:
            deduped.append(ref)
    return tuple(deduped[-MAX_REFERENCES:])


@dataclass(frozen=True)
class ThreadKeys:
    """What an inbound mail says about its place in a thread."""

    message_id: str | None
    parents: tuple[str, ...]  # In-Reply-To first, then References newest first
    reference: str | None  # our token from the subject
    sender: str  # normalised From address
    sender_trusted: bool = True  # False when the From domain disowns the mail (DMARC fail)

    @classmethod
    def of(
        cls,
        message_id: str | None,
        in_reply_to: str | None,
        references: Iterable[str],
        subject: str,
        sender: str,
        *,
        sender_trusted: bool = True,
    ) -> ThreadKeys:
        parents: list[str] = []
        for raw in [in_reply_to, *reversed(list(references))]:
            cleaned = clean_message_id(raw)
            if cleaned and cleaned not in parents and cleaned != clean_message_id(message_id):
                parents.append(cleaned)
        return cls(
            clean_message_id(message_id),
            tuple(parents[:MAX_REFERENCES]),
            subject_reference(subject),
            sender,
            sender_trusted,
        )

    @property
    def lookup_ids(self) -> tuple[str, ...]:
        """Every Message-ID worth looking up: the mail's own (a resend) and its parents."""
        return ((self.message_id,) if self.message_id else ()) + self.parents


@dataclass(frozen=True)
class KnownMail:
    """A mail already in some conversation of the tenant."""

    conversation_id: int
    header_message_id: str
    direction: str  # inbound | outbound
    from_address: str  # normalised; for outbound mail the desk's address


@dataclass(frozen=True)
class ThreadChoice:
    conversation_id: int | None  # None: start a new conversation
    rule: str  # resend | our-message | same-sender | subject-token | new
    resend: bool = False  # the very same mail again (an SMTP retry): store nothing new


def choose_thread(
    keys: ThreadKeys, known: Iterable[KnownMail], token_conversation: tuple[int, str | None] | None
) -> ThreadChoice:
    """Apply the threading rules. `token_conversation`: (id, customer address) of the conversation
    whose reference is in the subject, when one exists."""
    by_id = {k.header_message_id: k for k in known}
    if keys.message_id and keys.message_id in by_id:
        same = by_id[keys.message_id]
        if same.direction == "inbound" and same.from_address == keys.sender:
            return ThreadChoice(same.conversation_id, "resend", resend=True)
    for parent in keys.parents:
        hit = by_id.get(parent)
        if hit is None:
            continue
        if hit.direction == "outbound":
            return ThreadChoice(hit.conversation_id, "our-message")
        if hit.from_address == keys.sender and keys.sender_trusted:
            return ThreadChoice(hit.conversation_id, "same-sender")
    if token_conversation is not None and keys.sender_trusted:
        conversation_id, customer = token_conversation
        if customer and customer.lower() == keys.sender:
            return ThreadChoice(conversation_id, "subject-token")
    return ThreadChoice(None, "new")
