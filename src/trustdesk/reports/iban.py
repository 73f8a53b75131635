"""IBANs in report text: the accounts criminals ask victims to pay into.

Validation (country length from the SWIFT registry, ISO 13616 mod-97) is the guard's, so order numbers
and other digit runs are not reported as accounts. This module only finds candidates in prose, where
IBANs are often grouped by spaces and run on into the next word.
"""

from __future__ import annotations

import re

from trustdesk.guard.checksums import IBAN_LENGTHS, iban_valid

# Country code, check digits, then 11..30 alphanumerics optionally grouped by single spaces or hyphens.
_CANDIDATE_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]){11,30}")


def is_valid_iban(value: str) -> bool:
    """True when `value` (spaces and hyphens allowed) is a valid IBAN."""
    return iban_valid(value.replace(" ", "").replace("-", "").upper())


def find_ibans(text: str) -> list[str]:
    """Return valid IBANs in `text` in compact upper-case form, in order, without duplicates."""
    out: list[str] = []
    pos = 0
    while (match := _CANDIDATE_RE.search(text, pos)) is not None:
        raw = match.group()
        expected = IBAN_LENGTHS.get(raw[:2])
        pos = match.start() + 1
        if expected is None:
            continue
        # The pattern may run on into a following IBAN or code; the registry length says where this one ends.
        kept = 0
        for offset, ch in enumerate(raw):
            if ch.isalnum():
                kept += 1
                if kept == expected:
                    candidate = raw[: offset + 1].replace(" ", "").replace("-", "")
                    if iban_valid(candidate):
                        if candidate not in out:
                            out.append(candidate)
                        pos = match.start() + offset + 1
                    break
    return out
