"""Payment-card words of every language pack (`<pack>/cards.toml`), compiled once.

Each list becomes an RE2 `CueSearch` over the folded text (no case, no accents, same length as the
message) and a cheap trigger gate, so a message without any card word costs the card-detail
detectors nothing. The lists (see de/cards.toml): ``card`` (words naming a card), ``security_code``
and ``back`` (security-code cues, strong and weak), ``expiry`` and ``expiry_verb`` (expiry cues,
strong and weak), ``not_card`` (other things that expire), ``months``, ``last_four``, ``paid``
(the card was used: four digits after its name are its last four), ``in_parts`` (a card number
announced in several messages), ``other_numbers`` (carriers, orders), ``until`` and ``valid`` (an expiry written "bis Ende 11/2029 gültig").
"""

from __future__ import annotations

import re

from trustdesk.guard.cues import CueSearch, clean, cue_search, fold, gate_triggers
from trustdesk.guard.packs import PackError, load_section

_FILE = "cards.toml"


def _words(key: str) -> list[str]:
    found: list[str] = []
    for name, table in load_section(_FILE).items():
        node = table.get(key, [])
        if not isinstance(node, list) or not all(isinstance(w, str) and w.strip() for w in node):
            raise PackError(f"{name}/{_FILE}: {key} must be a list of non-empty strings")
        for word in node:
            cleaned = clean(word)
            if cleaned and cleaned not in found:
                found.append(cleaned)
    return found


# Card gates keep five-letter stems: OWN_DETAIL_GATE below is a difference of gates, so what it
# holds (and when the packs' detail rules run) rests on which cues share a stem.
_STEM = 5
CARD = _words("card")
SECURITY_CODE = _words("security_code")
BACK = _words("back")
FRONT = _words("front")
EXPIRY = _words("expiry")
EXPIRY_VERB = _words("expiry_verb")

CARD_SEARCH: CueSearch | None = cue_search(CARD)
SECURITY_SEARCH: CueSearch | None = cue_search(SECURITY_CODE)
BACK_SEARCH: CueSearch | None = cue_search(BACK)
EXPIRY_SEARCH: CueSearch | None = cue_search(EXPIRY)
EXPIRY_VERB_SEARCH: CueSearch | None = cue_search(EXPIRY_VERB)
NOT_CARD_SEARCH: CueSearch | None = cue_search(_words("not_card"))
LAST_FOUR_SEARCH: CueSearch | None = cue_search(_words("last_four"))
IN_PARTS_SEARCH: CueSearch | None = cue_search(_words("in_parts"))
PAID_SEARCH: CueSearch | None = cue_search(_words("paid"))
OTHER_NUMBERS_SEARCH: CueSearch | None = cue_search(_words("other_numbers"))

CARD_GATE = gate_triggers(CARD, _STEM)
"""Trigger ids of the card words: a message that begins a card names one (or follows one that does)."""
UNTIL = _words("until")
VALID = _words("valid")
_DETAIL_WORDS = SECURITY_CODE + BACK + FRONT + EXPIRY + EXPIRY_VERB + VALID
DETAIL_WORDS_GATE = gate_triggers(_DETAIL_WORDS, _STEM)
"""Trigger ids of every security-code and expiry cue: the card-detail detector wakes on them."""
_ENGLISH_STEMS = ("cvv", "cvc", "exp", "secur", "valid")
OWN_DETAIL_GATE = DETAIL_WORDS_GATE - gate_triggers(
    [w for w in _DETAIL_WORDS if w.startswith(_ENGLISH_STEMS)], _STEM
)
"""The same without the cues `cards.find_card_details` reads in English ("cvv", "exp", "security")."""

GLUE_WORDS = frozenset(fold(w) for w in CARD if w.isalpha())
"""Single card words a card number may be glued to ("Karte4111…", "cb4360…")."""

_MONTHS = "|".join(re.escape(fold(m)) for m in sorted(_words("months"), key=len, reverse=True))
MONTH_YEAR = (
    r"(?<![a-z])(?:" + (_MONTHS or r"(?!x)x") + r")\.?"
    r"(?:\s*[/\-]\s*|\s+(?:(?:de|del|di|of|do|d')\s*)?|\s*['’]\s*|\s+['’])(?:20)?\d{2}(?!\d)"
)
"""A month named in any pack's language and a year: "März 2028", "marzo de 2028", "dez/27", "maart '28"."""
