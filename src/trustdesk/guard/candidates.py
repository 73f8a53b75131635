"""The internal record every detector produces (spans in the normalised text)."""

from __future__ import annotations

from typing import NamedTuple


class Candidate(NamedTuple):
    """A detected span in the normalised text, before policy and span mapping.

    ``priority`` settles overlaps: the higher one wins (a validated IBAN beats a card
    number seen inside it; any secret beats a phone number).
    """

    type: str
    start: int
    end: int
    display: str
    priority: int


# Overlap priorities, highest first wins.
PRIORITY = {
    "SECRET_KEY": 100,
    "IBAN": 90,
    "PAYMENT_CARD": 80,
    "PASSWORD": 70,
    "ONE_TIME_CODE": 60,
    "CARD_SECURITY_CODE": 55,
    "CARD_EXPIRY": 50,
    "BANK_ACCOUNT": 45,
    "NATIONAL_ID": 40,
    "CUSTOM": 35,
    "EMAIL": 20,
    "PHONE": 10,
}


def last_digits(value: str, count: int = 4) -> str:
    """The last ``count`` ASCII digits or letters of ``value`` (for "ending 4242" forms)."""
    kept = [c for c in value if c.isascii() and c.isalnum()]
    return "".join(kept[-count:])
