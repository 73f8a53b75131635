"""A card number typed in several messages of the same customer ("meine Karte ist 5555 5555" …
"5555 4444"), and a security code or expiry date whose cue ended the message before.

The scan sees earlier messages only as they were stored, already redacted, so the digits of a part
taken out before are gone. The part a message begins is therefore replaced by a marker that says
so without any digit, "[removed: card number (first part)]", and the next message's leading digits
continue the card when the message before ends with such a marker. When the earlier part is still
there (a caller that passes raw context), the parts are joined and must form a valid card number.

A message begins a card when it ends with digits that can start one (an issuer prefix, grouped
like a card, not yet a whole card) after a card word ("Karte", "carte", "tarjeta", "Amex"), or
consists of them alone after a message that announced the card ("Visa, die Nummer schick ich in
zwei Teilen"). Digits after words for the last four ("endet auf 4242", "ending 4242") or after a
mask ("•••• 1111") begin nothing.
"""

from __future__ import annotations

import re

from trustdesk.guard import card_words
from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.card_details import find_pack_card_details
from trustdesk.guard.cards import _INTRODUCED_AS_OTHER, MAX_PAN, MIN_PAN, _issuer_prefix, is_card_number
from trustdesk.guard.cues import CueSearch, fold
from trustdesk.guard.id_cues import OTHER_NUMBERS
from trustdesk.guard.scantext import ScanText, hits_of

FIRST_PART = "card number (first part)"
NEXT_PART = "card number (next part)"
_MARKERS = (f"[removed: {FIRST_PART}]", f"[removed: {NEXT_PART}]")

# Digits that end a message: groups of a card's layout, then only punctuation or an emoji.
_ENDING_RUN = re.compile(r"(?<![\w*•·xX#+/])(?P<run>\d{4,6}(?:[ \-.]\d{2,6}){0,3})[^\w]{0,6}$")
# Digits that open a message: what a card's next part looks like.
_OPENING_RUN = re.compile(r"^[^\w]{0,3}(?P<run>\d{1,6}(?:[ \-.]\d{1,6}){0,3})(?![\d/,.]\d|\s?[€$£%])")
_NOT_DIGITS = str.maketrans("", "", " -.")
_MASKS = "*•·xX#…."
_MIN_NEXT_DIGITS = 3  # "2 Stück bitte" after a card begun is no part of it
_CUE_REACH = 40  # how far before the digits a card word may end
_SHORT_CUE_REACH = 16  # the same for four digits alone ("karta 5200", "it's the Amex, 3714")
_ALONE_CHARS = 24  # a message that is the digits alone (give or take a word)
_CONTEXT_TAIL = 80
_AFTER_PART = re.compile(r"[^\w\]]+$")  # what may follow the marker: "…", ",", an emoji


def _part(start: int, end: int, display: str) -> Candidate:
    return Candidate("PAYMENT_CARD", start, end, display, PRIORITY["PAYMENT_CARD"])


def _search(search: CueSearch | None, folded: str, start: int, end: int) -> bool:
    return search is not None and search.search(folded, max(0, start), end)


def card_begun(text: str, earlier: tuple[str, ...], cards: list[Candidate]) -> Candidate | None:
    """The first part of a card number at the end of ``text`` (normalised), if it begins one."""
    m = _ENDING_RUN.search(text, max(0, len(text) - 40))
    if m is None:
        return None
    start, end = m.span("run")
    digits = m.group("run").translate(_NOT_DIGITS)
    if len(digits) >= MAX_PAN or not _issuer_prefix(digits[:6]):
        return None
    if any(c.start < end and start < c.end for c in cards) or (
        len(digits) >= MIN_PAN and is_card_number(digits)
    ):
        return None  # a whole card: found already
    if text[:start].rstrip(" -.")[-1:].isdigit():
        return None  # the end of a longer number ("gift card 6006 4912 3456 7890 123")
    before = text[:start].rstrip(" -").split()
    if before and not before[-1].strip(_MASKS):
        return None  # "**** 5556": the visible end of a masked number
    reach = _SHORT_CUE_REACH if len(digits) < 6 else _CUE_REACH
    window = fold(text[max(0, start - reach) : start].lower())
    cues = card_words.CARD_SEARCH.spans(window) if card_words.CARD_SEARCH is not None else []
    if cues and _labelled_otherwise(window, cues[-1][1]):
        return None  # "… this card FedEx 4386 4699 3382": the number has a label of its own
    cued = bool(cues)
    if not cued and len(text) <= _ALONE_CHARS + len(m.group()) and earlier:
        previous = fold(earlier[-1][-_CONTEXT_TAIL:].lower())
        cued = _search(card_words.CARD_SEARCH, previous, 0, len(previous)) or _search(
            card_words.IN_PARTS_SEARCH, previous, 0, len(previous)
        )
    if not cued:
        return None
    folded = fold(text.lower())
    if _search(card_words.LAST_FOUR_SEARCH, folded, 0, start):
        return None  # "my card ending 4242"
    if len(digits) < 6 and _search(card_words.PAID_SEARCH, folded, 0, len(folded)):
        return None  # "bezahlt mit der Visa 4242": the digits that tell the card apart
    if _introduced_as_other(folded, start):
        return None  # "order 4111 1111"
    return _part(start, end, FIRST_PART)


def _labelled_otherwise(window: str, after: int) -> bool:
    """True when a label of another number (a carrier, an order, a phone) stands after ``after``."""
    return _search(card_words.OTHER_NUMBERS_SEARCH, window, after, len(window)) or (
        OTHER_NUMBERS is not None and OTHER_NUMBERS.search(window, after) is not None
    )


def _introduced_as_other(folded: str, start: int) -> bool:
    before = folded[max(0, start - 40) : start]
    return any(
        m.start() == 0 or not before[m.start() - 1].isalpha() for m in _INTRODUCED_AS_OTHER.finditer(before)
    )


def card_continued(previous: str, text: str) -> list[Candidate]:
    """The next part of a card number at the start of ``text`` after a message that began one (or
    went on with one), and a security code or expiry date whose cue ended that message; both
    normalised, spans in ``text``."""
    found: list[Candidate] = []
    m = _OPENING_RUN.match(text)
    tail = _AFTER_PART.sub("", previous)
    if m is not None:
        digits = m.group("run").translate(_NOT_DIGITS)
        if tail.endswith(_MARKERS) and _MIN_NEXT_DIGITS <= len(digits) <= MAX_PAN - 4:
            found.append(_part(*m.span("run"), NEXT_PART))
        else:
            before = _ENDING_RUN.search(tail, max(0, len(tail) - 40))
            joined = (before.group("run").translate(_NOT_DIGITS) if before else "") + digits
            if (
                before is not None
                and MIN_PAN <= len(joined) <= MAX_PAN
                and is_card_number(joined)
                and _search(
                    card_words.CARD_SEARCH, fold(tail.lower()), before.start() - _CUE_REACH, before.start()
                )
            ):
                found.append(_part(*m.span("run"), NEXT_PART))
    found.extend(_details_continued(tail, text))
    return found


def _details_continued(previous: str, text: str) -> list[Candidate]:
    """A security code or expiry date after a cue that ended the message before ("kod z tyłu" …
    "to 6 1 9")."""
    tail = previous[-_CONTEXT_TAIL:]
    if not any(c.isdigit() for c in text[:40]) or hits_of(tail).isdisjoint(card_words.DETAIL_WORDS_GATE):
        return []
    shift = len(tail) + 1
    st = ScanText.of(f"{tail} {text}")
    return [
        c._replace(start=c.start - shift, end=c.end - shift)
        for c in find_pack_card_details(st, [])
        if c.start >= shift
    ]
