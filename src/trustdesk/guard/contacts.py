"""EMAIL and PHONE detection: personal data that is reported but, by default, kept."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.scantext import ScanText

# Candidates are named tuples built with tuple.__new__ (the generated __new__ is an extra Python call).
_new = tuple.__new__
_PHONE_PRIORITY = PRIORITY["PHONE"]

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?P<local>[A-Za-z0-9._%+\-]{1,64})@"
    r"(?P<domain>[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?){0,8}"
    r"\.[A-Za-z]{2,24})(?![A-Za-z0-9\-]|\.[A-Za-z0-9])"
)
# Digit groups with the separators phone numbers are written with; 7-15 digits are checked below.
# Groups each closed by exactly one separator (or a bracketed area code), then a last group; or
# 7-15 bare digits. Every group boundary is fixed by a separator, so matching never backtracks far.
# No look-behind in front, so the regex engine can jump straight to "+", "(" or a digit; what
# precedes a match is checked in Python instead.
_PHONE = re.compile(
    r"(?P<phone>(?:\+ ?|00)?(?:(?:\(\d{1,5}\) ?|\d{1,5}[ \-.]){1,6}\d{2,8}|\d{7,15}))(?![\w]|[\-/.]\d)"
)
_NOT_BEFORE_PHONE = frozenset("+-/.,_")
# Stretches of phone characters. Starting with a character class lets the regex engine jump
# between candidates at C speed; the detailed pattern then runs only inside each stretch.
_PHONE_REGION = re.compile(r"[+(0-9][0-9 ()+.\-]{6,}")
# The same stretches in an ASCII text, found in a copy of its bytes where every character that may
# start one is "s", every other phone character "c" and anything else "x" (the search then jumps
# to the next "s" instead of testing a character class at every position).
_PHONE_CLASSES = (
    bytes(115 if chr(b) in "+(0123456789" else 99 if chr(b) in " ).-" else 120 for b in range(128))
    + b"x" * 128
)
_PHONE_CLASS_REGION = re.compile(rb"s[sc]{6,}")


def _mask_email(local: str, domain: str) -> str:
    return f"{local[0]}***@{domain}"


def find_emails(st: ScanText) -> list[Candidate]:
    """E-mail addresses, displayed masked ("j***@example.com").

    One linear pass: the look-behind lets a local part start only at the start of a token, and
    both parts are bounded, so no input makes the search quadratic.
    """
    return [
        Candidate(
            "EMAIL", m.start(), m.end(), _mask_email(m.group("local"), m.group("domain")), PRIORITY["EMAIL"]
        )
        for m in _EMAIL.finditer(st.text)
    ]


_COUNTRY_CODES = frozenset(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
_NANP_REGIONS = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(1, ()))


def _valid_international(digits: str) -> bool:
    """A number written with "+" or "00": a real country code and a plausible length (E.164)."""
    if not 8 <= len(digits) <= 15:
        return False
    return any(digits[:n] in _COUNTRY_CODES for n in (1, 2, 3))


def _valid_nanp(digits: str) -> bool:
    """A North American number: NXX area code (not N11), NXX exchange, 10 digits (or 1 + 10)."""
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10:
        return False
    area, exchange = digits[:3], digits[3:6]
    return area[0] in "23456789" and area[1:] != "11" and area[1] != "9" and exchange[0] in "23456789"


@lru_cache(maxsize=4096)
def _valid_national(candidate: str, region: str) -> bool:
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _valid_phone(raw: str, digits: str, region: str) -> bool:
    if raw.startswith("+"):
        return _valid_international(digits)
    if raw.startswith("00"):
        return _valid_international(digits[2:])
    if region in _NANP_REGIONS:
        return _valid_nanp(digits)
    return _valid_national(raw, region)


_DATE = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}")
_KEEP_DIGITS = str.maketrans("", "", " ()+.-")


def find_phones(st: ScanText, region: str = "US", claimed: list[Candidate] | None = None) -> list[Candidate]:
    """Phone numbers valid for their country (international form) or for ``region``.

    Digits already ``claimed`` by a stronger finding (a card number, an IBAN) are skipped.
    """
    found: list[Candidate] = []
    if not st.may_hold_phone:
        return found
    text = st.text
    taken = claimed or []
    if text.isascii():
        spans = [r.span() for r in _PHONE_CLASS_REGION.finditer(text.encode().translate(_PHONE_CLASSES))]
    else:
        spans = [r.span() for r in _PHONE_REGION.finditer(text)]
    matches = [m for span in spans for m in _PHONE.finditer(text, *span)]
    for m in matches:
        start, end = m.span()
        if start and (text[start - 1].isalnum() or text[start - 1] in _NOT_BEFORE_PHONE):
            continue
        if taken and any(c.start < end and start < c.end for c in taken):
            continue
        raw = m.group("phone")
        digits = raw.translate(_KEEP_DIGITS)
        if len(digits) < 7 or len(digits) > 15 or _DATE.fullmatch(raw):
            continue
        if _valid_phone(raw, digits, region):
            found.append(
                _new(Candidate, ("PHONE", start, end, f"phone number ending {digits[-4:]}", _PHONE_PRIORITY))
            )
    return found
