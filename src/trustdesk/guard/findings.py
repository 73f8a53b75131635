"""Value types the guard returns: finding types, actions, findings and scan results.

Nothing here holds a raw secret. A `Finding` carries only the type, the span in the
caller's text, the action and a safe display form such as "Visa ending 4242".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, NamedTuple, Protocol, get_args

Direction = Literal["inbound", "outbound"]
"""Who wrote the text: "inbound" = a customer, "outbound" = an agent or the bot."""

Action = Literal["redact", "block", "warn", "keep"]
"""What the guard does with a finding.

- ``redact``: the span is replaced in ``ScanResult.redacted``; the raw value is never stored.
- ``block``: an agent or bot message asks the customer for a secret; the message must not be sent.
- ``warn``: the span is kept, but the finding is flagged (to the agent, and to the customer in the notice).
- ``keep``: detected and reported, left in place, no alert (default for EMAIL and PHONE).
"""

DIRECTIONS: tuple[str, ...] = get_args(Direction)
ACTIONS: tuple[str, ...] = get_args(Action)


class FindingType(StrEnum):
    """Built-in finding types (names shared across the product, see DESIGN.md)."""

    PAYMENT_CARD = "PAYMENT_CARD"
    CARD_SECURITY_CODE = "CARD_SECURITY_CODE"
    CARD_EXPIRY = "CARD_EXPIRY"
    IBAN = "IBAN"
    BANK_ACCOUNT = "BANK_ACCOUNT"
    NATIONAL_ID = "NATIONAL_ID"
    PASSWORD = "PASSWORD"
    ONE_TIME_CODE = "ONE_TIME_CODE"
    SECRET_KEY = "SECRET_KEY"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    # Only ever an outbound ask: "install AnyDesk so I can fix it for you".
    REMOTE_ACCESS = "REMOTE_ACCESS"


SECRET_TYPES: frozenset[str] = frozenset(
    {
        FindingType.PAYMENT_CARD,
        FindingType.CARD_SECURITY_CODE,
        FindingType.CARD_EXPIRY,
        FindingType.IBAN,
        FindingType.BANK_ACCOUNT,
        FindingType.NATIONAL_ID,
        FindingType.PASSWORD,
        FindingType.ONE_TIME_CODE,
        FindingType.SECRET_KEY,
    }
)
PERSONAL_TYPES: frozenset[str] = frozenset({FindingType.EMAIL, FindingType.PHONE})
ASK_TYPES: frozenset[str] = frozenset(
    {
        FindingType.PASSWORD,
        FindingType.PAYMENT_CARD,
        FindingType.CARD_SECURITY_CODE,
        FindingType.CARD_EXPIRY,
        FindingType.ONE_TIME_CODE,
        FindingType.REMOTE_ACCESS,
    }
)


class Finding(NamedTuple):
    """One detected item: ``text[start:end]`` of the text the caller passed in.

    ``type`` is a `FindingType` value or the name of a tenant's custom detector.
    ``display`` is safe to show and store ("Visa ending 4242", "password").
    ``reason`` explains a ``block``/``warn`` of an outbound ask in words an agent understands.
    Immutable (a named tuple: a scan makes many of these, and tuples are the cheapest to build).
    """

    type: str
    start: int
    end: int
    action: Action
    display: str
    reason: str | None = None

    @property
    def is_ask(self) -> bool:
        """True when the finding is an outbound request for a secret, not a secret itself."""
        return self.reason is not None

    def to_dict(self) -> dict[str, Any]:
        """The CLI/API contract form: type, start, end, action."""
        return {"type": str(self.type), "start": self.start, "end": self.end, "action": self.action}

    def to_detail_dict(self) -> dict[str, Any]:
        """The contract form plus the safe display form and, for asks, the reason."""
        detail = self.to_dict()
        detail["display"] = self.display
        if self.reason is not None:
            detail["reason"] = self.reason
        return detail


class Wording(Protocol):
    """The words a scan writes for people: the customer notice (None when there is none) and the
    language they are in. An implementation may write them only when first read."""

    @property
    def notice(self) -> str | None: ...

    @property
    def language(self) -> str: ...


class ScanResult(NamedTuple):
    """The guard's verdict on one text (immutable).

    ``redacted`` is safe to store: every finding whose action is ``redact`` is replaced by
    "[removed: <display>]". ``blocked`` is True when an outbound message asks for a secret;
    ``block_reasons`` then says why in words an agent understands. ``customer_notice`` is the
    plain-words message for the customer when something they sent was removed (inbound only),
    written when first read: choosing its language may mean identifying the text's, which costs
    more than the scan, and most callers of a redaction never show the notice. ``lang`` is the
    language of the notice and reasons (the hint given, or the language identified from the text
    when words are written; without words the hint as given, or None).
    A named tuple rather than a dataclass: every message makes one, and tuples are the cheapest.
    """

    findings: tuple[Finding, ...]
    redacted: str
    blocked: bool
    block_reasons: tuple[str, ...]
    wording: Wording | None  # the notice and the words' language; None when nothing was written
    direction: Direction = "inbound"
    hint: str | None = None  # the language hint the scan was given

    @property
    def customer_notice(self) -> str | None:
        """The notice for the customer (see the class docstring), or None."""
        wording = self.wording
        return None if wording is None else wording.notice

    @property
    def lang(self) -> str | None:
        """The language of the words written, else the hint as given (None without one)."""
        wording = self.wording
        return self.hint if wording is None else wording.language

    @property
    def changed(self) -> bool:
        """True when at least one span was redacted."""
        return any(f.action == "redact" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary with every field (findings in detail form)."""
        return {
            "direction": self.direction,
            "findings": [f.to_detail_dict() for f in self.findings],
            "redacted": self.redacted,
            "blocked": self.blocked,
            "block_reasons": list(self.block_reasons),
            "customer_notice": self.customer_notice,
            "lang": self.lang,
        }


class GuardInputError(ValueError):
    """The text cannot be scanned as given (wrong type, too large, bad direction)."""


class TextTooLarge(GuardInputError):
    """The text is longer than the guard scans; nothing of it may be stored unscanned."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"text is {length} characters long; the guard scans at most {limit} characters per message "
            "(split it or reject it; it must not be stored unscanned)"
        )
        self.length = length
        self.limit = limit
