"""IBAN and BANK_ACCOUNT detection.

An IBAN is accepted only with its country's exact length and a mod-97 remainder of 1. A bank
account number is accepted only when it follows an account cue and the message also carries
bank context: an ABA-valid routing number, a UK sort code, or banking words (checking,
savings, routing, sort code, wire, direct deposit).
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate, last_digits
from trustdesk.guard.checksums import IBAN_LENGTHS, aba_routing_valid, iban_valid
from trustdesk.guard.scantext import ScanText, triggers, word_start

# Candidates are named tuples built with tuple.__new__ (the generated __new__ is an extra Python call).
_new = tuple.__new__
_IBAN_PRIORITY = PRIORITY["IBAN"]

# Compact ("DE89370400440532013000") or in groups of four ("DE89 3704 0044 0532 0130 00").
_IBAN = re.compile(
    r"(?P<cc>[A-Za-z]{2}) ?(?P<check>\d{2})(?P<rest>[A-Za-z0-9]{10,30}(?![A-Za-z0-9])|"
    r"(?:[ \-][A-Za-z0-9]{4}){2,7}(?:[ \-][A-Za-z0-9]{1,4})?(?![A-Za-z0-9]))"
)
# Countries whose account part (BBAN) is all digits: letters there mean it is not an IBAN.
_NUMERIC_BBAN = frozenset(
    "AT BA BE CZ DE DK EE ES FI FO GL HR HU IL IS LT ME MK NO PL PT RS SE SI SK TN XK".split()
)


def find_ibans(st: ScanText) -> list[Candidate]:
    """IBANs in the normalised text (any case, with or without separators).

    Every IBAN's check digits start a digit run right after two letters ("DE89 ..."), so only
    those runs are examined.
    """
    found: list[Candidate] = []
    if not st.may_hold_iban:
        return found
    text = st.text
    taken_until = -1
    for run_start, _, _ in st.runs:
        for start in (run_start - 2, run_start - 3):
            if start < taken_until or start < 0:
                continue
            letters = text[start : start + 2]
            if not (letters.isascii() and letters.isalpha()):
                continue
            if start == run_start - 3 and text[start + 2] != " ":
                continue
            if start > 0 and text[start - 1].isalnum():
                continue
            m = _IBAN.match(text, start)
            candidate = _iban_at(text, m) if m else None
            if candidate is not None:
                found.append(candidate)
                taken_until = candidate.end
                break
    return found


def _iban_at(text: str, m: re.Match[str]) -> Candidate | None:
    country = m.group("cc").upper()
    length = IBAN_LENGTHS.get(country)
    if length is None:
        return None
    needed = length - 4
    rest = m.group("rest")
    rest_start = m.start("rest")
    if rest[0] in " -":
        # Groups of four, each after one separator: character k sits at (k // 4) * 5 + 1 + k % 4.
        last = needed - 1
        end = rest_start + (last // 4) * 5 + 1 + last % 4 + 1
        if end > m.end("rest"):
            return None
        bban = text[rest_start:end].replace(" ", "").replace("-", "")
    else:
        if len(rest) != needed:
            return None  # compact, so it must end exactly here
        end = rest_start + needed
        bban = rest
    if end < len(text) and text[end].isascii() and text[end].isalnum():
        return None  # glued to more characters: not this IBAN
    iban = country + m.group("check") + bban.upper()
    if country in _NUMERIC_BBAN and not iban[4:].isdigit():
        return None
    if not iban_valid(iban):
        return None
    return _new(Candidate, ("IBAN", m.start(), end, f"IBAN ({country}) ending {iban[-4:]}", _IBAN_PRIORITY))


_FILLER = r"(?:[\s:=#\-.,(]{1,3}|\s+(?:is|was|of|number|no\.?|num|it's|its|it\s+is)\s*[:=#\-]?\s*){0,4}"
_ROUTING_HIT = re.compile(r"routing|aba|rtn|transit")
_ROUTING_AFTER = re.compile(
    r"(?:\s+(?:number|no\.?|num|#|code))?" + _FILLER + r"(?<!\d)(?P<value>\d{9})(?!\d)"
)
_SORT_CODE = re.compile(r"sort\s*code" + _FILLER + r"(?<!\d)(?P<value>\d{2}[ \-]?\d{2}[ \-]?\d{2})(?!\d)")
_ACCOUNT_HIT = re.compile(r"account|acct|acc|a/c")
_ACCOUNT_AFTER = re.compile(
    r"(?:\s+(?:number|no\.?|num|#))?" + _FILLER + r"(?<![\d\-])(?P<value>\d(?:[ \-]?\d){3,16})(?!\d)"
)
_BANK_WORDS = re.compile(
    r"checking|chequing|savings|routing|sort\s*code|\baba\b|\bbank\b|\bwire\b|direct deposit|\bach\b|\bbsb\b"
)
_BANK_TRIGGERS = triggers(
    "checking",
    "chequing",
    "savings",
    "routing",
    "sort",
    "aba",
    "bank",
    "wire",
    "deposit",
    "ach",
    "bsb",
    "transit",
)
_ACCOUNT_TRIGGERS = triggers("account", "acct", "acc ", "acc#", "acc:", "acc.", "a/c")
ACCOUNT_GATE = _ACCOUNT_TRIGGERS


def find_bank_accounts(st: ScanText) -> list[Candidate]:
    """Bank account numbers that appear with a routing number, sort code or other bank context."""
    if not st.has_digit or not st.has_any(_ACCOUNT_TRIGGERS) or not st.has_any(_BANK_TRIGGERS):
        return []
    lower = st.lower
    routing_spans: list[tuple[int, int]] = []
    for hit in _ROUTING_HIT.finditer(lower):
        if not word_start(lower, hit.start()):
            continue
        m = _ROUTING_AFTER.match(lower, hit.end())
        if m and aba_routing_valid(m.group("value")):
            routing_spans.append(m.span("value"))
    has_sort_code = _SORT_CODE.search(lower) is not None
    found: list[Candidate] = []
    for hit in _ACCOUNT_HIT.finditer(lower):
        if not word_start(lower, hit.start()) or (hit.end() < len(lower) and lower[hit.end()].isalpha()):
            continue
        m = _ACCOUNT_AFTER.match(lower, hit.end())
        if m is None:
            continue
        s, e = m.span("value")
        if any(rs == s for rs, _ in routing_spans):
            continue  # this is the routing number itself
        digits = m.group("value").replace(" ", "").replace("-", "")
        if not 4 <= len(digits) <= 17:
            continue
        context = bool(routing_spans) or has_sort_code
        if not context:
            context = _BANK_WORDS.search(lower, max(0, hit.start() - 80), e + 80) is not None
        if context:
            found.append(
                Candidate(
                    "BANK_ACCOUNT",
                    s,
                    e,
                    f"bank account ending {last_digits(digits)}",
                    PRIORITY["BANK_ACCOUNT"],
                )
            )
    return found
