"""A one-time code typed in halves ("ok die SMS ist da, vorne steht 731" … "und hinten 590"), or
after a message that named it ("Mein PIN ist" … "4321").

The first half is 2-4 digits right after words that say a code begins (`[disclosures] code_start`:
"vorne steht", "ça commence par", "first bit is") in a message about a code: one that names it or
where it came from (`code`, `code_strong`, `code_qualifiers`: "SMS") or says it has come
(`code_arrived`: "it's come through", "ya me llegó"). It is removed at once, as the start of a
one-time code. The second half is 2-4 digits after words that go on (`code_rest`: "und hinten",
"et ça finit par", "and then", "poi"), or alone, in the author's next message, when the one before
it held such a start (as stored: its marker; or as typed) or, with words that go on, a code
(a first half of four digits is a code to the code detector). Another number named before the words
("my phone number starts with 0176") is not a code.
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.credentials import find_one_time_codes, find_passwords
from trustdesk.guard.cues import cue_search, disclosure_words, fold, gate_triggers
from trustdesk.guard.disclosures import find_disclosed_codes, find_disclosed_passwords
from trustdesk.guard.scantext import ScanText

_words = disclosure_words


_START = cue_search(_words("code_start"))
_REST = cue_search(_words("code_rest"))
_ABOUT_A_CODE = cue_search(
    _words("code") + _words("code_strong") + _words("code_qualifiers") + _words("code_arrived")
)
_NOT_CODE = cue_search(_words("not_code"))
CODE_START_GATE = gate_triggers(_words("code_start"))  # each phrase from its telling word: cheap literals

START_DISPLAY = "start of a one-time code"
REST_DISPLAY = "rest of a one-time code"
_MARKERS = (f"[removed: {START_DISPLAY}]", f"[removed: {REST_DISPLAY}]")
# A start of four digits may have been taken for a whole code: words that go on still finish it.
_CODE_MARKER = "[removed: one-time code]"

# A half ends its clause, maybe with one short word ("fängt mit 36 an"): "beginnt mit 20 Prozent
# Rabatt" counts something else.
_ENDS_CLAUSE = r"(?=[ \t]*(?:[,.;:!?)\n]|$)|[ \t]+\w{1,3}[ \t]*(?:[,.;:!?)\n]|$))"
# Right after the words: a colon or an article at most, then the half standing alone.
_HALF = re.compile(
    r"[ \t]*:?[ \t]*(?:(?:the|la|el|il|o|a|de|het|die|der|le)[ \t]+)?"
    r"(?<![\d\-])(?P<value>\d{2,4})(?![\d\w]|[\-/.,:]\d)" + _ENDS_CLAUSE
)
_REST_HALF = re.compile(r"[^\d\n]{0,16}?(?<![\d\-])(?P<value>\d{2,4})(?![\d\w]|[\-/.,:]\d)" + _ENDS_CLAUSE)
_ALONE = re.compile(r"\W*(?P<value>\d{2,4})\W*")
# Another number named before the words: a phone number, a postcode, an account.
_OTHER_NUMBER = re.compile(
    r"numer|number|nummer|\bnr\b|\bno\.|telef|phone|\btel\b|iban|konto|cuenta|compte|conta"
)
_BEFORE = 40
_SHORT_REPLY = 120  # the rest of a code comes in a short message


def _code(start: int, end: int, display: str) -> Candidate:
    return Candidate("ONE_TIME_CODE", start, end, display, PRIORITY["ONE_TIME_CODE"])


def find_code_starts(st: ScanText) -> list[Candidate]:
    """First halves of one-time codes ("ça commence par 294" in a message about an SMS)."""
    if _START is None or _ABOUT_A_CODE is None or not st.has_digit:
        return []
    folded = st.folded
    found: list[Candidate] = []
    for start, end in _START.spans(folded):
        half = _HALF.match(folded, end)
        if half is None:
            continue
        before = folded[max(0, start - _BEFORE) : start]
        if _OTHER_NUMBER.search(before) or (_NOT_CODE is not None and _NOT_CODE.search(before)):
            continue
        if not _ABOUT_A_CODE.search(folded):
            continue
        found.append(_code(*half.span("value"), START_DISPLAY))
    return found


def _starts_a_code(text: str) -> bool:
    """True when ``text`` (as typed, not stored) ends with the start of a code."""
    st = ScanText.of(text)
    return st.has_any(CODE_START_GATE) and bool(find_code_starts(st))


def continued_code(previous: str, text: str) -> list[Candidate]:
    """The rest of a one-time code whose start ended the author's previous message (both
    normalised; spans in ``text``): "und hinten 590" after "… vorne steht 731"."""
    if len(text) > _SHORT_REPLY or not any(c.isdigit() for c in text):
        return []
    started = any(marker in previous for marker in _MARKERS) or _starts_a_code(previous)
    if not started and _CODE_MARKER not in previous:
        return []
    folded = fold(text.lower())
    alone = _ALONE.fullmatch(folded)
    if alone is not None:
        return [_code(*alone.span("value"), REST_DISPLAY)] if started else []
    for _, end in _REST.spans(folded) if _REST is not None else ():
        half = _REST_HALF.match(folded, end)
        if half is not None and not _OTHER_NUMBER.search(folded, end, half.start("value")):
            return [_code(*half.span("value"), REST_DISPLAY)]
    return []


_NAMES = cue_search(_words("pin") + _words("code") + _words("code_strong"))
_LINKS = "|".join(
    re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(_words("links"), key=len, reverse=True)
)
# After the name, only a few words of complement ("do SMS") with a link word or a colon: the message
# stops where the value would follow ("meine PIN ist gesperrt" does not).
_STOPS_BEFORE_VALUE = re.compile(
    r"(?:(?:\s+[^\W\d_][\w'’\-]*){0,4}?(?:\s*[:=]|\s+(?:" + (_LINKS or r"(?!x)x") + r")))?\s*[:=\-–…]*\s*"
)
_NAME_TAIL = 60


def continued_after_name(previous: str, text: str) -> list[Candidate]:
    """A PIN or code typed at the start of ``text`` after a message that stopped right after its
    name ("Mein PIN ist" … "4321", "code SMS :" … "952803"); spans in ``text``. The two are read
    as one by the usual detectors."""
    if _NAMES is None or len(text) > _SHORT_REPLY or not any(c.isdigit() for c in text):
        return []
    tail = previous[-_NAME_TAIL:]
    folded = fold(tail.lower())
    spans = _NAMES.spans(folded)
    if not spans or _STOPS_BEFORE_VALUE.fullmatch(folded, spans[-1][1]) is None:
        return []
    shift = len(tail) + 1
    st = ScanText.of(f"{tail} {text}")
    found = [
        *find_disclosed_passwords(st),
        *find_passwords(st),
        *find_disclosed_codes(st),
        *find_one_time_codes(st),
    ]
    return [c._replace(start=c.start - shift, end=c.end - shift) for c in found if c.start >= shift]
