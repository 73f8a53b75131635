"""The normalised text plus what every detector needs, computed once per scan.

Detectors are fast because they rarely run: each first checks cheap facts about the text
(does a digit run of the right shape exist, does a cue word occur at all) before any regular
expression is tried, and cue-driven detectors then match only at the cue positions.

Those facts come from one RE2 set (a DFA over the whole text, linear time) of literal cue words
and digit "shapes" (12+ digits in groups, phone layouts, IBAN starts, national ID layouts). One
pass instead of a word pass plus a shape pass halves the per-call cost, which dominates for short
messages; the lazily built DFA stays far below its memory budget on real traffic (and if RE2 ever
gives up, every detector runs: slower, never blind).
"""

from __future__ import annotations

import re
from typing import Any

import re2

from trustdesk.guard.checksums import IBAN_LENGTHS

_SEPARATORS = " \t\r\n-._*/\\|,:•·~'"
"""What may stand between the digit groups of one number ("4242 4242-4242.4242", "4242 • 4242")."""
# Digit groups joined by 1-3 separator characters. Linear: digits and separators are disjoint.
# (It starts with a plain character class so that the search skips to the next digit in C.)
DIGIT_RUN = re.compile(r"[0-9][0-9]*(?:[ \t\r\n\-._*/\\|,:•·~']{1,3}[0-9]+)*")
_NOT_DIGITS = str.maketrans("", "", _SEPARATORS)
_ASCII_SEPARATORS = "".join(c for c in _SEPARATORS if c.isascii()).encode()


def digits_in(run: str) -> str:
    """The digits of a run of digit groups (``text[start:end]`` of a `DigitRun`), separators dropped."""
    if run.isascii():  # bytes.translate deletes in C; str.translate looks up every character in a dict
        return run.encode().translate(None, _ASCII_SEPARATORS).decode()
    return run.translate(_NOT_DIGITS)


# For ASCII text, runs are found in a copy of its bytes where every digit is "0", every separator
# "-" and anything else "x": the search then skips to the next "0" instead of testing a character
# class at every position, and a run's digits are counted by bytes.count.
_DIGIT_CLASSES = (
    bytes(48 if 48 <= b <= 57 else 45 if chr(b) in _SEPARATORS else 120 for b in range(128)) + b"x" * 128
)
_CLASS_STRETCH = re.compile(rb"0[0\-]*")
_CLASS_RUN = re.compile(rb"0+(?:-{1,3}0+)*")

_SET_MEMORY = 32 << 20  # DFA state budget per set; states are built (and memory used) only as needed


class _TriggerSet:
    """Patterns registered by the detectors, compiled lazily into one RE2 set.

    A trigger's id is its index in its set plus the set's ``offset``, so a match result needs no
    translation; the last pattern added at compile time is the always-matching sentinel.
    """

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.patterns: list[str] = []
        self.raw: Any = None  # the compiled RE2 set, called directly (the wrapper adds per-call cost)
        self.sentinel = 0

    def add(self, pattern: str) -> int:
        self.patterns.append(pattern)
        self.raw = None  # recompile on next use
        return self.offset + len(self.patterns) - 1

    def _compile(self) -> Any:
        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        options.max_mem = _SET_MEMORY
        compiled = re2.Set.SearchSet(options)
        for pattern in self.patterns:
            compiled.Add(pattern)
        # The sentinel matches once per text, at its start, so its absence means failure. (An empty
        # pattern would do too, but it matches at every position, and RE2 then records a match for
        # every byte: a third more work per call.)
        compiled.Add(r"\A")
        compiled.Compile()
        self.sentinel = len(self.patterns)
        self.raw = compiled._set
        return self.raw

    def match(self, text: str) -> list[int] | None:
        """Trigger ids present in ``text``, or None when RE2 gave up (its sentinel did not match)."""
        raw = self.raw if self.raw is not None else self._compile()
        try:
            data = text.encode()
        except UnicodeEncodeError:  # lone surrogates (from JSON escapes) still get scanned
            data = text.encode("utf-8", "surrogatepass")
        found: list[int] = raw.Match(data)
        sentinel = self.sentinel
        if sentinel not in found:
            return None
        found.remove(sentinel)
        if self.offset:
            return list(map(self.offset.__add__, found))
        return found


_TRIGGERS = _TriggerSet(0)
_TRIGGER_INDEX: dict[tuple[str, bool], int] = {}


def _register(pattern: str, shape: bool = False) -> int:
    """Add a pattern to the trigger set; ``shape`` marks digit layouts (kept apart from cue words)."""
    key = (pattern, shape)
    if key not in _TRIGGER_INDEX:
        _TRIGGER_INDEX[key] = _TRIGGERS.add(pattern)
    return _TRIGGER_INDEX[key]


def all_trigger_patterns() -> dict[int, str]:
    """Every registered trigger id and its RE2 pattern (for diagnostics and tests)."""
    return {trigger_id: pattern for (pattern, _), trigger_id in _TRIGGER_INDEX.items()}


def triggers(*words: str) -> frozenset[int]:
    """Register cue words (case-insensitive substrings) and return their ids for `ScanText.has_any`."""
    return frozenset(_register(re2.escape(word.lower())) for word in words)


def pattern_triggers(*patterns: str, shape: bool = False) -> frozenset[int]:
    """Register RE2 patterns (matched case-insensitively) and return their ids for `ScanText.has_any`:
    cue words that need more than a literal (word boundaries, letters with or without accents),
    or with ``shape`` the digit layouts a detector looks for."""
    return frozenset(_register(pattern, shape) for pattern in patterns)


AT_SIGN = _register("@")
DIGIT = _register("[0-9]")
# Shapes that must be present for a detector to have anything to find.
# 12+ digits joined by separators, starting (at a group boundary) with a digit card networks use.
CARD_SHAPE = _register(r"(?:^|[^0-9])[2-6](?:[ \t\r\n\-._*/\\|,:•·~']{0,3}[0-9]){11}", shape=True)
# Phone numbers as people write them: "+44 ...", "0044 ...", "(415) ...", "415-555-0132", "020 7946 0958",
# or ten/eleven bare digits. Longer digit runs (cards, tracking, IMEI) do not wake the phone detector.
PHONE_SHAPE = _register(
    r"\+ ?[0-9]|(?:^|[^0-9])00[1-9]|\([0-9]{2,5}\)|[0-9]{3}[ .\-][0-9]{3}[ .\-][0-9]{4}|(?:^|[^0-9])0[1-9][0-9]{1,4}[ .\-][0-9]{3}|"
    r"(?:^|[^0-9 .\-])[0-9]{10,11}(?:[^0-9]|$)",
    shape=True,
)
IBAN_SHAPE = _register(
    r"(?:^|[^a-z0-9])(?:"
    + "|".join(sorted(c.lower() for c in IBAN_LENGTHS))
    + r") ?[0-9]{2}(?:[ \-]?[a-z0-9]{4}){2}",
    shape=True,
)
# ASCII control characters other than TAB, LF and CR: an ASCII text without them is already in
# normal form (see `normalize`), so the pass over the caller's text serves the detectors directly.
ASCII_CONTROL = _register(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", shape=True)
_EVERYTHING: frozenset[int] | None = None


def trigger_hits(words: list[int] | None, shapes: list[int] | None = ()) -> frozenset[int]:  # type: ignore[assignment]
    """Union of the ids both sets reported; every id when either set gave up (None)."""
    global _EVERYTHING
    if words is None or shapes is None:
        if _EVERYTHING is None or len(_EVERYTHING) != len(_TRIGGER_INDEX):
            _EVERYTHING = frozenset(_TRIGGER_INDEX.values())
        return _EVERYTHING
    return frozenset(words + shapes) if shapes else frozenset(words)


class GateMask:
    """Bits for a fixed list of gates (sets of trigger ids): ``of(hits)`` has bit ``i`` set when
    ``hits`` meets gate ``i``. One pass over a message's few hits replaces a set test per gate."""

    __slots__ = ("_bits",)

    def __init__(self, gates: list[frozenset[int]]) -> None:
        size = max((max(gate) for gate in gates if gate), default=-1) + 1
        bits = [0] * size
        for index, gate in enumerate(gates):
            for trigger_id in gate:
                bits[trigger_id] |= 1 << index
        self._bits = bits

    def of(self, hits: frozenset[int]) -> int:
        """The bits of the gates ``hits`` meets (ids registered after the gates belong to none)."""
        bits = self._bits
        size = len(bits)
        mask = 0
        for trigger_id in hits:
            if trigger_id < size:
                mask |= bits[trigger_id]
        return mask


DigitRun = tuple[int, int, int]
"""A run of digit groups as (start, end, digit count): ``text[start:end]`` holds that many digits.

A plain tuple on purpose: runs are made for every number in every message."""


def hits_of(text: str) -> frozenset[int]:
    """The ids of the cue words and shapes present in ``text`` (every id if RE2 gave up)."""
    found = _TRIGGERS.match(text)
    return frozenset(found) if found is not None else trigger_hits(None)


class ScanText:
    """Normalised text, its lower-case twin (same length), the cue words and shapes present, and
    (computed on first use) its digit runs."""

    __slots__ = ("text", "lower", "hits", "_runs", "_folded")

    def __init__(self, text: str, hits: frozenset[int]) -> None:
        self.text = text
        lower = text.lower()
        if len(lower) != len(text):
            # A few characters lower-case to two ("İ"); keep those as they are so offsets stay exact.
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        self.lower = lower
        self.hits = hits
        self._runs: list[DigitRun] | None = None
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        """The lower-case twin without accents, letter for letter (pack cue words are matched in it)."""
        if self._folded is None:
            from trustdesk.guard.cues import fold  # cues imports this module

            self._folded = fold(self.lower)
        return self._folded

    @classmethod
    def of(cls, text: str) -> ScanText:
        """Prepare ``text`` (already normalised) for the detectors."""
        return cls(text, hits_of(text))

    @property
    def runs(self) -> list[DigitRun]:
        """Runs of digit groups joined by 1-3 separators ("4242 4242-4242.4242")."""
        if self._runs is None:
            text = self.text
            if DIGIT not in self.hits:
                self._runs = []
            elif text.isascii():
                self._runs = _ascii_runs(text.encode().translate(_DIGIT_CLASSES))
            else:
                self._runs = [
                    (m.start(), m.end(), len(m.group().translate(_NOT_DIGITS)))
                    for m in DIGIT_RUN.finditer(text)
                ]
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


def _ascii_runs(classes: bytes) -> list[DigitRun]:
    """`ScanText.runs` of an ASCII text from its digit classes (see `_DIGIT_CLASSES`)."""
    runs: list[DigitRun] = []
    for m in _CLASS_STRETCH.finditer(classes):
        start = m.start()
        stretch = m.group().rstrip(b"-")
        # Four separators in a row end a run. (find, not `in`: bytes.__contains__ first tries the
        # needle as an int, raising and clearing a TypeError, about 2,000 instructions a call.)
        if stretch.find(b"----") >= 0:
            for r in _CLASS_RUN.finditer(stretch):
                runs.append((start + r.start(), start + r.end(), r.group().count(48)))
        else:
            runs.append((start, start + len(stretch), stretch.count(48)))
    return runs


def word_start(lower: str, pos: int) -> bool:
    """True when ``pos`` is not preceded by a letter or digit (a cue starts a word here)."""
    return pos == 0 or not lower[pos - 1].isalnum()
