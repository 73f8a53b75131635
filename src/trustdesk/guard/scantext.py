"""The normalised text plus what every detector needs, computed once per scan.

Detectors are fast because they rarely run: each first checks cheap facts about the text
(does a digit run of the right length exist, does a cue word occur at all) before any
regular expression is tried, and cue-driven detectors then match only at the cue positions.
All cue words are looked up in one pass with an RE2 set (a DFA over the whole text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import re2

from trustdesk.guard.checksums import IBAN_LENGTHS

# Digit groups joined by 1-3 separator characters. Linear: digits and separators are disjoint.
DIGIT_RUN = re.compile(r"[0-9]+(?:[ \t\r\n\-._*/\\|,:•·~']{1,3}[0-9]+)*")
_NOT_DIGITS = str.maketrans("", "", " \t\r\n-._*/\\|,:•·~'")

_TRIGGER_PATTERNS: list[str] = []
_TRIGGER_INDEX: dict[str, int] = {}
_trigger_set: re2.Set | None = None
_compiled_count = 0


def triggers(*words: str) -> frozenset[int]:
    """Register cue words (case-insensitive substrings) and return their ids for `ScanText.has_any`."""
    ids = set()
    for word in words:
        pattern = re2.escape(word.lower())
        if pattern not in _TRIGGER_INDEX:
            _TRIGGER_INDEX[pattern] = len(_TRIGGER_PATTERNS)
            _TRIGGER_PATTERNS.append(pattern)
        ids.add(_TRIGGER_INDEX[pattern])
    return frozenset(ids)


def pattern_triggers(*patterns: str) -> frozenset[int]:
    """Register cue patterns (RE2 syntax, matched case-insensitively) and return their ids."""
    return frozenset(_pattern_trigger(p) for p in patterns)


def word_triggers(*words: str) -> frozenset[int]:
    """Register whole-word cues ("sin" but not "since") and return their ids."""
    return pattern_triggers(*(rf"(?:^|[^a-z0-9]){re2.escape(w.lower())}(?:[^a-z0-9]|$)" for w in words))


def _pattern_trigger(pattern: str) -> int:
    if pattern not in _TRIGGER_INDEX:
        _TRIGGER_INDEX[pattern] = len(_TRIGGER_PATTERNS)
        _TRIGGER_PATTERNS.append(pattern)
    return _TRIGGER_INDEX[pattern]


AT_SIGN = _pattern_trigger("@")
# Always matches: if it is missing from a result, RE2 gave up (its DFA ran out of memory on a
# hostile input) and every detector must run. Failing open to "look everywhere" keeps the guard safe.
_SENTINEL = _pattern_trigger("")
DIGIT = _pattern_trigger(r"\d")
# Shapes that must be present for a detector to have anything to find; checked in the same pass.
# 12+ digits joined by separators, starting (at a group boundary) with a digit card networks use.
CARD_SHAPE = _pattern_trigger(r"(?:^|[^0-9])[2-6](?:[ \t\r\n\-._*/\\|,:•·~']{0,3}[0-9]){11}")
# Phone numbers as people write them: "+44 ...", "0044 ...", "(415) ...", "415-555-0132", "020 7946 0958",
# or ten/eleven bare digits. Longer digit runs (cards, tracking, IMEI) do not wake the phone detector.
PHONE_SHAPE = _pattern_trigger(
    r"\+ ?[0-9]|(?:^|[^0-9])00[1-9]|\([0-9]{2,5}\)|[0-9]{3}[ .\-][0-9]{3}[ .\-][0-9]{4}|(?:^|[^0-9])0[1-9][0-9]{1,4}[ .\-][0-9]{3}|"
    r"(?:^|[^0-9 .\-])[0-9]{10,11}(?:[^0-9]|$)"
)
IBAN_SHAPE = _pattern_trigger(
    r"(?:^|[^a-z0-9])(?:"
    + "|".join(sorted(c.lower() for c in IBAN_LENGTHS))
    + r") ?[0-9]{2}(?:[ \-]?[a-z0-9]{4}){2}"
)
# 123-45-6789, or nine digits near an SSN cue (the cue words are triggers of their own).
SSN_SHAPE = _pattern_trigger(r"(?:^|[^0-9\-])[0-9]{3}-[0-9]{2}-[0-9]{4}(?:[^0-9\-]|$)")
SSN_CUES = frozenset(
    _pattern_trigger(p)
    for p in (r"ssn", r"social\s+security", r"soc\.?\s*sec", r"ss\s*#", r"ss\s+(?:no|number)")
)
NINO_SHAPE = _pattern_trigger(r"[a-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[a-d]")


def trigger_hits(matches: list[int] | None) -> frozenset[int]:
    """The trigger ids RE2 reported, or every id when its answer lacks the always-matching sentinel."""
    hits = frozenset(matches or ())
    if _SENTINEL not in hits:
        return frozenset(range(len(_TRIGGER_PATTERNS)))
    return hits


def _matcher() -> re2.Set:
    global _trigger_set, _compiled_count
    if _trigger_set is None or _compiled_count != len(_TRIGGER_PATTERNS):
        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        compiled = re2.Set.SearchSet(options)
        for pattern in _TRIGGER_PATTERNS:
            compiled.Add(pattern)
        compiled.Compile()
        _trigger_set, _compiled_count = compiled, len(_TRIGGER_PATTERNS)
    return _trigger_set


DigitRun = tuple[int, int, int]
"""A run of digit groups as (start, end, digit count): ``text[start:end]`` holds that many digits.

A plain tuple on purpose: runs are made for every number in every message."""


@dataclass(slots=True)
class ScanText:
    """Normalised text, its lower-case twin (same length), the cue words and shapes present, and
    (computed on first use) its digit runs."""

    text: str
    lower: str
    hits: frozenset[int]
    _runs: list[DigitRun] | None = None

    @classmethod
    def of(cls, text: str) -> ScanText:
        """Prepare ``text`` (already normalised) for the detectors."""
        lower = text.lower()
        if len(lower) != len(text):
            # A few characters lower-case to two ("İ"); keep those as they are so offsets stay exact.
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        matcher = _trigger_set if _compiled_count == len(_TRIGGER_PATTERNS) else _matcher()
        return cls(text, lower, trigger_hits(matcher.Match(text)))  # type: ignore[union-attr]

    @property
    def runs(self) -> list[DigitRun]:
        """Runs of digit groups joined by 1-3 separators ("4242 4242-4242.4242")."""
        if self._runs is None:
            if DIGIT in self.hits:
                self._runs = [
                    (m.start(), m.end(), len(m.group().translate(_NOT_DIGITS)))
                    for m in DIGIT_RUN.finditer(self.text)
                ]
            else:
                self._runs = []
        return self._runs

    def has_any(self, ids: frozenset[int]) -> bool:
        """True when any of the cue words registered as ``ids`` (see `triggers`) occurs in the text."""
        return not self.hits.isdisjoint(ids)

    @property
    def has_digit(self) -> bool:
        """True when the text holds at least one digit."""
        return DIGIT in self.hits

    @property
    def may_hold_card(self) -> bool:
        """True when 12+ digits occur joined only by separators."""
        return CARD_SHAPE in self.hits

    @property
    def may_hold_phone(self) -> bool:
        """True when 7+ digits occur joined only by phone punctuation."""
        return PHONE_SHAPE in self.hits

    @property
    def may_hold_iban(self) -> bool:
        """True when something IBAN-shaped occurs (two letters, two digits, eight more characters)."""
        return IBAN_SHAPE in self.hits

    @property
    def may_hold_ssn(self) -> bool:
        """True when a dashed 3-2-4 number or an SSN cue occurs."""
        return SSN_SHAPE in self.hits or not self.hits.isdisjoint(SSN_CUES)

    @property
    def may_hold_nino(self) -> bool:
        """True when a UK National Insurance number shape occurs."""
        return NINO_SHAPE in self.hits


def word_start(lower: str, pos: int) -> bool:
    """True when ``pos`` is not preceded by a letter or digit (a cue starts a word here)."""
    return pos == 0 or not lower[pos - 1].isalnum()
