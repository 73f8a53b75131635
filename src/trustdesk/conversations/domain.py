"""Conversation vocabulary and rules that need neither a database nor a server."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from trustdesk.errors import DeskError

MAX_BODY_CHARS = 5000
"""Longest message body accepted from any channel (characters, after normalisation)."""

MAX_CLIENT_MSG_ID = 64


class Channel(StrEnum):
    CHAT = "chat"
    EMAIL = "email"
    API = "api"


class Status(StrEnum):
    NEW = "new"  # nobody from the retailer has picked it up yet
    OPEN = "open"  # an agent is on it; the customer spoke last
    WAITING = "waiting"  # the retailer answered; waiting for the customer
    RESOLVED = "resolved"


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


class Visibility(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"  # an agents' note: never shown to the customer


@dataclass(frozen=True)
class Author:
    """Who wrote a message. Agents carry their user id; customers may be anonymous."""

    kind: AuthorKind
    user_id: int | None = None
    name: str = ""

    @property
    def direction(self) -> str:
        """The guard's direction: customers write inbound text, the retailer's side outbound."""
        return "inbound" if self.kind == AuthorKind.CUSTOMER else "outbound"


class ConversationError(DeskError):
    """A conversation request cannot be honoured; `code` is stable, the message safe to show."""

    code = "conversation_error"


class InvalidMessage(ConversationError):
    code = "invalid_message"
    status = 422


class MessageTooLong(InvalidMessage):
    code = "message_too_long"
    status = 413


class MessageBlocked(ConversationError):
    """An agent or bot message asked the customer for a secret; nothing was stored or sent."""

    code = "message_blocked"
    status = 422

    def __init__(self, reasons: list[str], types: list[str]) -> None:
        text = " ".join(reasons) or "this message asks the customer for a secret"
        super().__init__(f"not sent: {text}")
        self.reasons = reasons
        self.types = types


class ConversationNotFound(ConversationError):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "conversation not found") -> None:
        super().__init__(message)


class InvalidTransition(ConversationError):
    code = "conflict"
    status = 409


class LanguageNotOffered(ConversationError):
    """A language change names a language that is not supported or that the retailer does not offer."""

    code = "language_not_offered"
    status = 422  # like a canned reply in an unoffered language (invalid_language)


class CannotAssign(ConversationError):
    """The chosen person exists here but may not handle conversations (a customer, a deactivated account)."""

    code = "cannot_assign"
    status = 409


# C0/C1 controls and bidi overrides are never legitimate in a support message; tab and newline are.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_MANY_BLANK_LINES = re.compile(r"\n{4,}")


def normalise_body(text: object, *, max_chars: int = MAX_BODY_CHARS) -> str:
    """The text as stored: NFC, unified newlines, no control characters, trimmed; rejects empty or long."""
    if not isinstance(text, str):
        raise InvalidMessage("the message body must be text")
    if len(text) > max_chars * 4:
        raise MessageTooLong(f"messages are limited to {max_chars} characters")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    text = _MANY_BLANK_LINES.sub("\n\n\n", text).strip()
    if not text:
        raise InvalidMessage("the message is empty")
    if len(text) > max_chars:
        raise MessageTooLong(f"messages are limited to {max_chars} characters")
    return text


_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def check_client_msg_id(value: str | None) -> str | None:
    """A client message id is 1-64 characters of letters, digits and . _ : - (or absent)."""
    if value is None:
        return None
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        raise InvalidMessage("client_msg_id must be 1-64 letters, digits or . _ : -")
    return value


def clean_line(value: str | None, limit: int) -> str:
    """A one-line field (name, subject): normalised, control characters removed, cut to `limit`."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL.sub("", value.replace("\n", " ").replace("\r", " ").replace("\t", " "))
    return " ".join(value.split())[:limit]


def status_after_message(
    status: Status, author: AuthorKind, visibility: Visibility, assigned: bool
) -> Status:
    """The conversation's status once a message is added (notes and system lines change nothing)."""
    if visibility == Visibility.INTERNAL or author == AuthorKind.SYSTEM:
        return status
    if author == AuthorKind.CUSTOMER:
        if status == Status.NEW:
            return Status.NEW
        return Status.OPEN if assigned else Status.NEW
    # An answer from the retailer (agent or bot) leaves the ball with the customer.
    if author == AuthorKind.AGENT:
        return Status.WAITING
    return status


_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_reference() -> str:
    """A short code customers can quote and mail subjects carry, e.g. "TD-7KQ4-M2PX"."""
    raw = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"TD-{raw[:4]}-{raw[4:]}"


def new_public_id() -> str:
    """An unguessable conversation id for URLs and sockets."""
    return secrets.token_urlsafe(18)


def new_access_token() -> str:
    """The bearer token a customer's browser uses for one conversation."""
    return secrets.token_urlsafe(32)
