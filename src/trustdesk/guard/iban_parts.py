"""An IBAN typed in parts: "IBAN für die Erstattung: DE27 1002 0030" … "0012 3456 78".

A *first part* is a country code, its check digits and some groups of the account part, fewer
characters than that country's IBAN has. It is taken after an IBAN word of a pack (`[disclosures]
iban` and `account`: "IBAN", "RIB", "numer konta") or at the start of a message after one that
named an IBAN ("IBAN :" … "FR76 1027 8060 3900"), and removed at once. Its marker
says how far it got ("[removed: IBAN (DE), first 12 of 22 characters]"), which is all the next
message needs: groups at its start that hold the characters still missing finish the IBAN; fewer
are a further part. When the earlier part is at hand as typed (a caller passing unguarded context),
the whole IBAN must also pass mod 97.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from trustdesk.guard.banking import _NUMERIC_BBAN as _NUMERIC  # countries whose account part is digits
from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.checksums import IBAN_LENGTHS, iban_valid
from trustdesk.guard.cues import cue_search, disclosure_words, fold, gate_triggers
from trustdesk.guard.scantext import ScanText

_words = disclosure_words


_IBAN_WORDS = cue_search(_words("iban") + _words("account"))
IBAN_WORDS_GATE = gate_triggers(_words("iban") + _words("account"))


class _Part(NamedTuple):
    start: int
    end: int
    country: str
    chars: str  # as far as typed, without separators ("DE2710020030")
    length: int  # the country's IBAN length


_HEAD = re.compile(r"(?<![A-Za-z0-9])(?P<cc>[A-Za-z]{2}) ?(?P<check>\d{2})")
# One group of the account part: after a single space or hyphen (or none, for the first).
_CHUNK = re.compile(r"[ \-]?(?P<chunk>[A-Za-z0-9]+)")
_MIN_ACCOUNT_CHARS = 4  # "GB73 HBUK": one group at least after the check digits
_AFTER_WORD = re.compile(r"[^\d\n]{0,30}?(?<![A-Za-z0-9])(?=[A-Za-z]{2} ?\d{2})")
_LEAD = re.compile(r"\W{0,3}")
# Up to two words before the rest ("then 4011 6231 …", "und 0012 …").
_REST_LEAD = re.compile(r"\W*(?:[^\W\d]+\W+){0,2}?(?=\w*\d)")
_MARKER = re.compile(
    r"\[removed: IBAN \((?P<cc>[A-Z]{2})\), first (?P<typed>\d+) of (?P<length>\d+) characters\]"
)
_TAIL = 200


def _chunks(text: str, pos: int, numeric: bool, limit: int) -> tuple[str, int]:
    """Account characters in groups from ``pos`` (at most ``limit``), and where they end: digits,
    or capitals and digits where the country's account part may hold letters ("BARC")."""
    chars = ""
    end = pos
    while len(chars) < limit and (m := _CHUNK.match(text, end)) is not None:
        chunk = m.group("chunk")
        if not (chunk.isdigit() or (not numeric and chunk.isupper())) or len(chars) + len(chunk) > limit:
            break
        chars += chunk
        end = m.end()
    return chars, end


def _read_part(text: str, pos: int) -> _Part | None:
    """The IBAN part starting at ``pos`` (its country code), complete or not."""
    head = _HEAD.match(text, pos)
    if head is None:
        return None
    country = head.group("cc").upper()
    length = IBAN_LENGTHS.get(country)
    if length is None:
        return None
    account, end = _chunks(text, head.end(), country in _NUMERIC, length - 4)
    if len(account) < _MIN_ACCOUNT_CHARS:
        return None
    return _Part(pos, end, country, country + head.group("check") + account.upper(), length)


def _start(part: _Part) -> Candidate:
    display = f"IBAN ({part.country}), first {len(part.chars)} of {part.length} characters"
    return Candidate("IBAN", part.start, part.end, display, PRIORITY["IBAN"])


def _first_part(text: str, pos: int) -> _Part | None:
    part = _read_part(text, pos)
    if part is None or len(part.chars) >= part.length:
        return None  # a whole IBAN is `banking.find_ibans`' (valid) or no IBAN (invalid)
    return part


def find_iban_starts(st: ScanText, claimed: list[Candidate]) -> list[Candidate]:
    """First parts of IBANs after an IBAN word. (Typed alone, without one in the message before,
    a country code and digits too short for an IBAN are left alone.)"""
    heads = [h for h in _heads(st) if not any(c.start <= h < c.end for c in claimed)]
    if not heads or _IBAN_WORDS is None:
        return []  # most messages with an IBAN word: the whole IBAN, or none
    text = st.text
    found: list[Candidate] = []
    for _, end in _IBAN_WORDS.spans(st.folded):
        lead = _AFTER_WORD.match(text, end)
        part = _first_part(text, lead.end()) if lead is not None and lead.end() in heads else None
        if part is not None and not any(c.start < part.end and part.start < c.end for c in found):
            found.append(_start(part))
    return found


def _heads(st: ScanText) -> list[int]:
    """Where two letters stand right before a digit run ("DE27 …", "de 27 …"): every IBAN part
    starts so, and the digit runs are known already (cheaper than a search)."""
    text = st.text
    heads: list[int] = []
    for run_start, _, _ in st.runs:
        for start in (run_start - 2, run_start - 3):
            if start < 0 or (start == run_start - 3 and text[start + 2] != " "):
                continue
            letters = text[start : start + 2]
            if letters.isascii() and letters.isalpha() and (start == 0 or not text[start - 1].isalnum()):
                heads.append(start)
    return heads


def continued_iban(previous: str, text: str) -> list[Candidate]:
    """The part of an IBAN that ``text`` goes on with after the author's previous message (both
    normalised, spans in ``text``): the rest after a first part, or a first part after an IBAN word."""
    if not any(c.isdigit() for c in text):
        return []
    tail = previous[-_TAIL:]
    before = _earlier_part(tail)
    if before is None:
        if _IBAN_WORDS is None or not _IBAN_WORDS.search(fold(tail.lower())):
            return []
        lead = _LEAD.match(text)
        part = _first_part(text, lead.end()) if lead is not None else None
        return [_start(part)] if part is not None else []
    country, typed, length, chars = before
    lead = _REST_LEAD.match(text)
    if lead is None:
        return []
    missing = length - typed
    rest, end = _chunks(text, lead.end(), country in _NUMERIC, missing)
    if len(rest) < 2 or not any(c.isdigit() for c in rest) or (end < len(text) and text[end].isalnum()):
        return []
    start = lead.end()
    if len(rest) < missing:
        display = f"IBAN ({country}), first {typed + len(rest)} of {length} characters"
    elif chars is not None and not iban_valid(chars + rest.upper()):
        return []
    else:
        display = f"IBAN ({country}), last {missing} characters"
    return [Candidate("IBAN", start, end, display, PRIORITY["IBAN"])]


def _earlier_part(tail: str) -> tuple[str, int, int, str | None] | None:
    """(country, characters typed, IBAN length, the characters if typed here) of the IBAN part
    that ``tail`` (the end of the previous message) left unfinished: its marker, or the part."""
    markers = list(_MARKER.finditer(tail))
    if markers:
        m = markers[-1]
        return m.group("cc"), int(m.group("typed")), int(m.group("length")), None
    parts = [p for m in _HEAD.finditer(tail) if (p := _first_part(tail, m.start())) is not None]
    if not parts:
        return None
    part = parts[-1]
    return part.country, len(part.chars), part.length, part.chars
