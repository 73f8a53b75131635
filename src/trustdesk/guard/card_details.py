"""Security codes and expiry dates after the card words of every language pack.

`cards.find_card_details` keeps the English rules it was tuned with; this module adds the packs'
cues (`card_words`), matched in the folded text:

- a security code is 3-4 digits, also read out ("0-4-7", "9 0 6", "5, 0 y 9"), shortly after a
  strong cue ("Prüfziffer … ist 947", "le cryptogramme au dos, c'est 538", "el CVV es 552"), or
  exactly three digits after a weak one that says where or how long it is ("Achterop staat 852",
  "die drei Zahlen hinten sind 8 1 3");
- an expiry date is a month and year ("09/27", "11/2029", "0927", "März 2028", "dez/27") shortly
  after an expiry cue ("gültig bis", "date d'expiration", "scadenza"), or after a verb ("läuft …
  ab", "expire en", "vence en") when a card word is near or the message is short and names
  nothing else that expires (a voucher, a subscription, a passport).
"""

from __future__ import annotations

import re

from trustdesk.guard import card_words
from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.cues import CueGroups, python_pattern
from trustdesk.guard.scantext import ScanText


def _filler(reach: int) -> str:
    """Words between a cue and its value, no digits, no sentence end, at most ``reach`` characters."""
    return r"(?P<filler>[^\d\n!;€$£%]{0," + str(reach) + r"}?)"


_CODE_DIGITS = (
    r"(?<![\d\-/.,])(?P<value>\d,?\s+\d,?\s+(?:y|und|et|e|i|en|and|a|oraz)\s+\d"
    r"|\d(?:(?:\s*[,\-.]\s*|\s+)\d){2,3}|\d{3,4})"
    r"(?!\d|\s*[,\-./]?\s*\d|\s?(?:€|%|\$|£|zl\b|eur|euro|uhr\b|h\b))"
)
_STRONG_CODE = re.compile(_filler(40) + _CODE_DIGITS)
_WEAK_CODE = re.compile(_filler(30) + _CODE_DIGITS)
_NUMERIC_EXPIRY = (
    r"(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20)?\d{2}(?![\d/.\-]\d)|(?:0[1-9]|1[0-2])(?:20)?\d{2}(?!\d)"
)
_EXPIRY = re.compile(
    _filler(30) + r"(?<![\d/.\-])(?P<value>" + card_words.MONTH_YEAR + "|" + _NUMERIC_EXPIRY + ")"
)
# "bis Ende 11/2029 gültig", "tot eind 2027 geldig": the value between "until" and the word for
# valid, read back from that word (found with the other cues).
_UNTIL_BEFORE = re.compile(
    r"(?<!\w)(?:"
    + ("|".join(python_pattern(w) for w in sorted(card_words.UNTIL, key=len, reverse=True)) or "(?!x)x")
    + r")\s+(?:[^\W\d_]+\s+)?(?P<value>"
    + card_words.MONTH_YEAR
    + "|"
    + _NUMERIC_EXPIRY
    + r")\s+(?:[^\W\d_]+\s+)?$"
)
_UNTIL_REACH = 50
# After a verb, a value that can't be a day and month: a four-digit year, or a year past any month.
_UNAMBIGUOUS = re.compile(r".*(?:20\d\d|['’]\d\d|[/\-.\s](?:1[3-9]|[2-9]\d))$")
# Another number named between the cue and the digits: "code for order no. 4471".
_OTHER_NUMBER = re.compile(r"#|\bn[or]?\.|\bnr\b|\bn[°º]|\bnumero\b|\bnummer\b|\bnumber\b|\bnumer\b")
_WEAK_DIGITS = {"back": 3, "front": 4}
_NOT_CARD_REACH = 40
_CARD_REACH = 60
_SHORT_MESSAGE = 60
_SHORT_TEXT = 80  # a text this short with an expiry cue speaks of the card it is about


def _security_code(start: int, end: int) -> Candidate:
    return Candidate("CARD_SECURITY_CODE", start, end, "card security code", PRIORITY["CARD_SECURITY_CODE"])


def _expiry(start: int, end: int) -> Candidate:
    return Candidate("CARD_EXPIRY", start, end, "card expiry date", PRIORITY["CARD_EXPIRY"])


def _names_other_thing(folded: str, start: int, end: int) -> bool:
    search = card_words.NOT_CARD_SEARCH
    return search is not None and search.search(folded, max(0, start), end)


def _card_near(folded: str, start: int, end: int, cards: list[Candidate]) -> bool:
    if any(start - _CARD_REACH < c.end and c.start < end + _CARD_REACH for c in cards):
        return True
    search = card_words.CARD_SEARCH
    return search is not None and search.search(
        folded, max(0, start - _CARD_REACH), min(len(folded), end + _CARD_REACH)
    )


_CUES = CueGroups(
    {
        "security": card_words.SECURITY_CODE,
        "back": card_words.BACK,
        "front": card_words.FRONT,
        "expiry": card_words.EXPIRY,
        "verb": card_words.EXPIRY_VERB,
        "valid": card_words.VALID,
    }
)
"""Every security-code and expiry cue found in one linear pass (the longest cue wins)."""


_TAIL_REACH = 40
_TAIL_GAP = re.compile(r"[^\w€$£%]*")


def pack_cue_after(folded: str, pos: int) -> tuple[int, str] | None:
    """The end and kind of a pack's cue that follows ``pos`` with only signs before it (a card
    number's "…, gültig bis", " — cód. segurança"), or None."""
    window = folded[pos : pos + _TAIL_REACH]
    gap = _TAIL_GAP.match(window)
    if gap is None or gap.end() == len(window):
        return None
    for start, end, kind in _CUES.find(window):
        return (pos + end, kind) if start == gap.end() else None
    return None


def find_pack_card_details(st: ScanText, cards: list[Candidate]) -> list[Candidate]:
    """Security codes and expiry dates after any pack's cue (spans in the normalised text)."""
    found: list[Candidate] = []
    if not st.has_digit or not st.has_any(card_words.DETAIL_WORDS_GATE):
        return found
    folded = st.folded
    for start, end, kind in _CUES.find(folded):
        if kind in ("security", "back", "front"):
            code = _code_after(folded, end, kind)
            if code is not None and (kind != "front" or _card_near(folded, start, code.end, cards)):
                found.append(code)
        elif kind == "valid":
            m = _UNTIL_BEFORE.search(folded, max(0, start - _UNTIL_REACH), start)
            if m is not None and not _names_other_thing(folded, m.start() - _NOT_CARD_REACH, start):
                found.append(_expiry(*m.span("value")))
        else:
            expiry = _expiry_after(folded, start, end, kind == "verb", cards)
            if expiry is not None:
                found.append(expiry)
    return found


def _code_after(folded: str, end: int, kind: str) -> Candidate | None:
    m = (_STRONG_CODE if kind == "security" else _WEAK_CODE).match(folded, end)
    if m is None or _OTHER_NUMBER.search(m.group("filler")):
        return None
    if kind != "security" and sum(c.isdigit() for c in m.group("value")) != _WEAK_DIGITS[kind]:
        return None  # a weak cue names the code by where it is: three digits behind, four in front
    if _names_other_thing(folded, m.start(), m.start("value")):
        return None
    return _security_code(*m.span("value"))


def _expiry_after(folded: str, start: int, end: int, weak: bool, cards: list[Candidate]) -> Candidate | None:
    m = _EXPIRY.match(folded, end)
    if m is None or _OTHER_NUMBER.search(m.group("filler")):
        return None
    if _names_other_thing(folded, start - _NOT_CARD_REACH, start) or _names_other_thing(
        folded, end, m.start("value")
    ):
        return None  # "Gutschein gültig bis 09/27" (but "vale até 06/2030": the cue is no voucher)
    if weak and not _weak_expiry_ok(folded, start, m, cards):
        return None
    if not weak and len(folded) > _SHORT_TEXT and not _card_near(folded, start, m.end(), cards):
        return None  # "Das Zertifikat ist gültig bis 09/27" in a longer text about something else
    return _expiry(*m.span("value"))


def _weak_expiry_ok(folded: str, start: int, m: re.Match[str], cards: list[Candidate]) -> bool:
    """An expiry after a verb ("läuft", "vence"): a date that is no day of a month, about a card."""
    if len(m.group("filler")) > 20 or not _UNAMBIGUOUS.match(m.group("value")):
        return False
    if _card_near(folded, start, m.end(), cards):
        return True
    return len(folded) <= _SHORT_MESSAGE and not _names_other_thing(folded, 0, len(folded))
