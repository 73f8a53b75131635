"""A national ID number typed in two or more messages of the same customer ("PESEL: 850412" …
"38513", "Meu CPF é 952.055" … "929-90").

Earlier messages are seen only as stored, already redacted, so the part a message begins is
replaced at once by a marker without any digit, "[removed: ID number (first part)]", and the
leading digits of the next message continue it when the message before ends with such a marker
(as `card_parts` does for cards). A message begins an ID when it ends with digits, too few for the
whole number, shortly after a word that names an ID ("PESEL:", "CPF é", "DNI") and with no word
that names another number (order, phone …) in between.
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.cues import fold
from trustdesk.guard.id_cues import CUE_PATTERNS, OTHER_NUMBERS

FIRST_PART = "ID number (first part)"
NEXT_PART = "ID number (next part)"
_MARKERS = (f"[removed: {FIRST_PART}]", f"[removed: {NEXT_PART}]")

# Digits that end a message (in groups, as IDs are printed), then only punctuation or an emoji.
_ENDING_RUN = re.compile(
    r"(?<![\w*•#+/.\-])(?P<run>(?:\d+|(?=[a-z]*\d)[a-z0-9]{4,15})(?:[ .\-/]\d+){0,4})[^\w]{0,4}$",
    re.IGNORECASE,
)
# Digits (maybe a check letter) that open a message: the rest of the number.
_OPENING_RUN = re.compile(
    r"^[^\w]{0,3}(?P<run>(?=[a-z]*\d)[a-z0-9]{1,15}(?:[ .\-/]\d{1,}){0,3}(?:[ \-]?[a-z](?!\w))?)(?![\d/,.]\d|\s?[€$£%])",
    re.IGNORECASE,
)
_AFTER_PART = re.compile(r"[^\w\]]+$")
_NOT_DIGITS = re.compile(r"\D")
_MIN_DIGITS = 3  # "CPF 12" names too little to be a part
_MIN_CHARS = 6  # letters with digits: the start of a codice fiscale or DNI ("RSSMRA85")
_MAX_DIGITS = 8  # more is a whole ID, valid or not (an invalid one after its name is kept)
_MAX_REST_DIGITS = 13  # the rest of the longest ID (a NIR has 15 digits)
_CUE_REACH = 24  # how far before the digits the ID's name may end ("PESEL: ", "CPF é o ")
_SENTENCE_END = re.compile(r"[.?!;\n](?:\s|$)")
_CUE = re.compile("|".join(f"(?:{p.pattern})" for p in CUE_PATTERNS.values())) if CUE_PATTERNS else None


def _part(start: int, end: int, display: str) -> Candidate:
    return Candidate("NATIONAL_ID", start, end, display, PRIORITY["NATIONAL_ID"])


def id_begun(text: str, found: list[Candidate]) -> Candidate | None:
    """The first part of an ID number at the end of ``text`` (normalised), if it begins one."""
    if _CUE is None:
        return None
    m = _ENDING_RUN.search(text, max(0, len(text) - 40))
    if m is None:
        return None
    start, end = m.span("run")
    digits = _NOT_DIGITS.sub("", m.group("run"))
    if (
        not (_MIN_DIGITS <= len(digits) or len(m.group("run")) >= _MIN_CHARS)
        or len(digits) > _MAX_DIGITS
        or any(c.start < end and start < c.end for c in found)
    ):
        return None
    folded = fold(text.lower())
    window_start = max(0, start - _CUE_REACH)
    cue = max(_CUE.finditer(folded, max(0, window_start - 40), start), key=lambda m: m.end(), default=None)
    if cue is None or cue.end() < window_start:
        return None
    between = text[cue.end() : start].split()
    if len(between) > 3 or not all(word.islower() or not any(c.isalnum() for c in word) for word in between):
        return None  # only link words between the name and the digits: "PESEL to", not "XTC"
    if _SENTENCE_END.search(folded, cue.end(), start) is not None:
        return None  # "CPF na nota? Sim, pedido 4471": another sentence, another number
    if OTHER_NUMBERS is not None and OTHER_NUMBERS.search(folded, cue.end(), start) is not None:
        return None
    return _part(start, end, FIRST_PART)


def id_continued(previous: str, text: str) -> list[Candidate]:
    """The next part of an ID number at the start of ``text`` after a message that began one."""
    if not _AFTER_PART.sub("", previous).endswith(_MARKERS):
        return []
    m = _OPENING_RUN.match(text)
    if m is None or not 1 <= len(_NOT_DIGITS.sub("", m.group("run"))) <= _MAX_REST_DIGITS:
        return []
    return [_part(*m.span("run"), NEXT_PART)]
