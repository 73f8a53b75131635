"""Helpers shared by the guard tests: card numbers and IBANs built the way issuers build them."""

from __future__ import annotations

import random
import re
import string

from trustdesk.guard.checksums import IBAN_LENGTHS, iban_mod97

# (brand display, prefixes, lengths)
CARD_RANGES: list[tuple[str, list[str], list[int]]] = [
    ("Visa", ["4"], [13, 16, 19]),
    ("Mastercard", ["51", "52", "53", "54", "55", "2221", "2300", "2720"], [16]),
    ("American Express", ["34", "37"], [15]),
    ("Discover", ["6011", "644", "649", "65", "622126", "622925"], [16, 19]),
    ("JCB", ["3528", "3589"], [16, 19]),
    ("Diners Club", ["300", "305", "3095", "36", "38", "39"], [14, 16]),
    ("UnionPay", ["620", "621", "623", "625", "628"], [16, 19]),
    ("Maestro", ["5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763"], [12, 16, 19]),
]


def luhn_check_digit(partial: str) -> str:
    total = 0
    for i, char in enumerate(reversed(partial)):
        d = int(char)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def make_pan(prefix: str, length: int, body: str) -> str:
    """A Luhn-valid PAN: prefix, then ``body`` digits (padded/truncated), then the check digit."""
    fill = (body + "0" * length)[: length - len(prefix) - 1]
    partial = prefix + fill
    return partial + luhn_check_digit(partial)


def make_iban(country: str, rng: random.Random, letters: int = 0) -> str:
    length = IBAN_LENGTHS[country]
    bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(letters))
    bban += "".join(rng.choice(string.digits) for _ in range(length - 4 - letters))
    check = 98 - iban_mod97(country + "00" + bban)
    return f"{country}{check:02d}{bban}"


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text)
