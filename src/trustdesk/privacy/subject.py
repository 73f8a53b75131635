"""Who a data-subject request is about: how a person is looked up and how they are named afterwards.

Pure: no database. A person is found by e-mail address, phone number or order number; everything
found is then collected by e-mail address (the one identifier every channel records). After an
erasure only `subject_key` remains: a keyed hash that recognises a repeated request for the same
address without keeping the address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

_PHONE_CHARS = re.compile(r"^\+?[0-9 ()./-]{6,32}$")


class SubjectError(ValueError):
    """The request cannot be read: the user must correct the address, number or kind."""


class LookupKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    ORDER = "order"


@dataclass(frozen=True)
class Lookup:
    """What an admin typed to find a person, normalised for matching."""

    kind: LookupKind
    value: str


def normalise_email(value: str) -> str:
    """The address as matched everywhere: trimmed and lower-cased (stores keep the case as typed).

    As lenient as the API's e-mail field (web.fields.EmailAddress): a local part, an @ and a domain
    with a dot; an address the desk never stored is simply not found."""
    email = value.strip().lower()
    local, _, domain = email.rpartition("@")
    if not local or "." not in domain or len(email) > 320 or any(c.isspace() for c in email):
        raise SubjectError("enter a valid e-mail address")
    return email


def phone_digits(value: str) -> str:
    """The digits of a phone number (a leading 00 counts as +), the form numbers are compared in."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if value.strip().startswith("00") else digits


def normalise_phone(value: str) -> str:
    value = value.strip()
    if not _PHONE_CHARS.match(value) or len(phone_digits(value)) < 6:
        raise SubjectError("enter a phone number (digits, optionally with + and spaces)")
    return phone_digits(value)


def same_phone(stored: str | None, digits: str) -> bool:
    """True when a stored number is the looked-up one (national and international forms alike)."""
    if not stored:
        return False
    have = phone_digits(stored)
    if len(have) < 6:
        return False
    # "+49 170 1234567" and "0170 1234567" name the same line: compare the national part.
    shorter, longer = sorted((have.lstrip("0"), digits.lstrip("0")), key=len)
    return len(shorter) >= 6 and longer.endswith(shorter)


def parse_lookup(kind: str, value: str) -> Lookup:
    """Read an admin's search: an e-mail address, a phone number or an order number."""
    try:
        chosen = LookupKind(kind)
    except ValueError:
        raise SubjectError("search by email, phone or order") from None
    if chosen is LookupKind.EMAIL:
        return Lookup(chosen, normalise_email(value))
    if chosen is LookupKind.PHONE:
        return Lookup(chosen, normalise_phone(value))
    number = value.strip()
    if not number or len(number) > 64:
        raise SubjectError("enter an order number")
    return Lookup(chosen, number)


def subject_key(secret: str, tenant_slug: str, email: str) -> str:
    """Keyed hash naming a person in a tombstone: HMAC-SHA256 (deployment secret) of tenant and address.

    Without the secret the hash cannot be tested against a list of addresses; with it, the desk
    recognises a request for an address it already erased.
    """
    key = hmac.new(secret.encode(), b"trustdesk/privacy-subject/v1", hashlib.sha256).digest()
    message = f"{tenant_slug}\x00{normalise_email(email)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def scrub(text: str, needles: list[str], replacement: str = "[erased]") -> str:
    """`text` with every occurrence of the needles (case-insensitive) replaced."""
    for needle in sorted({n for n in needles if n}, key=len, reverse=True):
        text = re.sub(re.escape(needle), replacement, text, flags=re.IGNORECASE)
    return text
