"""Numbers spelled out in words, read as digits so that the digit detectors find them.

"der code ist drei acht null fünf eins sechs", "PIN: zwei acht vier eins", "four one one one, one
one one one, …", "Karte: 6 null eins eins 1111 …": each pack's ``numbers.toml`` names its digit
words. A *run* is three or more tokens (digit words and digit groups) joined only by spaces, a comma
or a hyphen, or by a joiner such as "und" or "et", with at least two digit words among them. The
*digit view* of a text writes each run as its digits, without separators ("der code ist 380516");
the detectors run on the view, and `DigitView.to_text` maps what they find back onto the words.
Prose with a digit word or two ("one or two items", "un article", "eins nach dem anderen") forms no
run, and a run is still only a secret where the detectors' own cues say so.

Cost: one pattern in the shared RE2 trigger pass (two adjacent digit tokens, one of them a word);
only a message with such a pair is read further.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from trustdesk.guard.cues import fold
from trustdesk.guard.packs import PackError, load_section
from trustdesk.guard.scantext import pattern_triggers

_FILE = "numbers.toml"


class _Spelling(NamedTuple):
    digits: str
    packs: frozenset[str]
    after_only: bool  # a digit only right after another digit word of its pack ("four oh two")


def _strings(path: str, node: object) -> list[str]:
    if not isinstance(node, list) or not all(isinstance(w, str) and w.strip() for w in node):
        raise PackError(f"{path} must be a list of non-empty strings")
    return [w.strip().lower() for w in node]


def _load() -> tuple[dict[str, _Spelling], list[str], dict[str, int], list[str]]:
    """Every pack's digit words: their meaning (keyed by the folded spelling) and the spellings as
    written; its repeat words and its joiners."""
    spellings: dict[str, _Spelling] = {}
    written: list[str] = []
    repeats: dict[str, int] = {}
    joiners: list[str] = []
    for pack, table in load_section(_FILE).items():
        for key, after_only in (("digits", False), ("after_digit", True)):
            for digit, words in table.get(key, {}).items():
                if len(digit) != 1 or not digit.isdigit():
                    raise PackError(f'{pack}/{_FILE}: [{key}] keys are the digits "0" to "9"')
                for word in _strings(f"{pack}/{_FILE}: [{key}] {digit}", words):
                    key_form = fold(word)
                    known = spellings.get(key_form)
                    if known is not None and known.digits != digit:
                        raise PackError(f"{pack}/{_FILE}: {word!r} is {known.digits} in another pack")
                    packs = frozenset({pack}) | (known.packs if known else frozenset())
                    spellings[key_form] = _Spelling(
                        digit, packs, after_only and (known is None or known.after_only)
                    )
                    if word not in written:
                        written.append(word)
        for count, words in table.get("repeat", {}).items():
            for word in _strings(f"{pack}/{_FILE}: [repeat] {count}", words):
                repeats[word] = int(count)
        joiners.extend(
            w for w in _strings(f"{pack}/{_FILE}: joiners", table.get("joiners", [])) if w not in joiners
        )
    return spellings, written, repeats, joiners


_SPELLINGS, _WRITTEN, _REPEATS, _JOINERS = _load()


def _letters(word: str) -> str:
    """A pattern for ``word``: a letter the pack accents matches with or without its accent, one it
    writes bare only bare ("tres" is not "très")."""
    out: list[str] = []
    for char in word:
        bare = fold(char)
        out.append(re.escape(char) if bare == char else f"[{re.escape(bare)}{char}]")
    return "".join(out)


def _alternation(words: list[str]) -> str:
    return "|".join(_letters(w) for w in sorted(words, key=len, reverse=True)) or r"(?!x)x"


_DIGIT_WORDS = [w for w in _WRITTEN if not _SPELLINGS[fold(w)].after_only]

_TOKEN = re.compile(
    r"(?<!\w)(?:(?:(?P<repeat>"
    + _alternation(list(_REPEATS))
    + r")[ \t]+)?(?P<word>"
    + _alternation(_WRITTEN)
    + r")|(?P<digits>\d+))(?![\w'’])"
)
# What may stand between two tokens of a run: spaces (one line break at most), a comma or a hyphen,
# or a joiner ("acht, vier und zwei").
_GAP = re.compile(
    r"[ \t]*[,\-][ \t]*|[ \t]{0,3}\n?[ \t]{0,3}|[ \t]*,?[ \t]+(?:" + _alternation(_JOINERS) + r")[ \t]+"
)
_MIN_TOKENS = 3
_MIN_WORDS = 2


def _re2_word(word: str) -> str:
    """`_letters` with RE2 word boundaries where the word starts or ends with an ASCII letter (RE2's
    boundaries are ASCII-only: a trigger may fire needlessly, never miss)."""
    body = _letters(word)
    start = r"\b" if word[0].isascii() and word[0].isalnum() else ""
    end = r"\b" if word[-1].isascii() and word[-1].isalnum() else ""
    return start + body + end


def _trigger() -> str:
    # Every run holds a digit word right after another digit token (two words side by side, or a
    # word after a digit: "3 sete 1 nove"). What costs is looking for the words at every word start
    # (callgrind, bench corpus: about 4,000 instructions a message, a third of them for the second
    # word); a digit followed by a word alone costs next to nothing.
    first = "|".join(_re2_word(w) for w in _DIGIT_WORDS)
    second = "|".join(_re2_word(w) for w in _WRITTEN)
    return f"(?:{first}|[0-9])[ \\t\\n,\\-]{{1,3}}(?:{second})"


NUMBER_WORDS_GATE = pattern_triggers(_trigger()) if _DIGIT_WORDS else frozenset()
"""Trigger ids that fire where two digit tokens stand together, one of them a word."""


class _Token(NamedTuple):
    start: int
    end: int
    digits: str
    spelling: _Spelling | None  # None for a group of digits


def _tokens_in_runs(lower: str) -> list[list[_Token]]:
    """The runs of ``lower`` (the text in lower case): each its tokens, left to right."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for m in _TOKEN.finditer(lower):
        joined = bool(current) and _GAP.fullmatch(lower, current[-1].end, m.start()) is not None
        if m.group("digits") is not None:
            token = _Token(m.start(), m.end(), m.group("digits"), None)
        else:
            spelling = _SPELLINGS[fold(m.group("word"))]
            if spelling.after_only:
                previous = current[-1].spelling if joined else None
                if previous is None or previous.packs.isdisjoint(spelling.packs):
                    # "o" and "oh" alone are words, not digits: they end a run
                    _close(current, runs)
                    current = []
                    continue
            digits = spelling.digits * (_REPEATS[m.group("repeat")] if m.group("repeat") else 1)
            token = _Token(m.start(), m.end(), digits, spelling)
        if not joined:
            _close(current, runs)
            current = []
        current.append(token)
    _close(current, runs)
    return runs


def _close(tokens: list[_Token], runs: list[list[_Token]]) -> None:
    words = sum(t.spelling is not None for t in tokens)
    if len(tokens) >= _MIN_TOKENS and words >= _MIN_WORDS:
        runs.append(tokens)


class DigitView:
    """A text with every run of digit words written as digits, and the map back to the text."""

    __slots__ = ("text", "_view_starts", "_view_ends", "_starts", "_ends", "_exact", "_runs")

    def __init__(self, text: str, runs: list[list[_Token]]) -> None:
        parts: list[str] = []
        self._view_starts: list[int] = []  # one piece per token: its span in the view ...
        self._view_ends: list[int] = []
        self._starts: list[int] = []  # ... and in the text
        self._ends: list[int] = []
        self._exact: list[bool] = []  # a digit group maps character for character, a word as a whole
        self._runs: list[tuple[int, int]] = []  # each run's span in the view
        last = 0
        position = 0
        for tokens in runs:
            parts.append(text[last : tokens[0].start])
            position += tokens[0].start - last
            run_start = position
            for token in tokens:
                self._view_starts.append(position)
                parts.append(token.digits)
                position += len(token.digits)
                self._view_ends.append(position)
                self._starts.append(token.start)
                self._ends.append(token.end)
                self._exact.append(token.spelling is None)
            self._runs.append((run_start, position))
            last = tokens[-1].end
        parts.append(text[last:])
        self.text = "".join(parts)

    def touches(self, start: int, end: int) -> bool:
        """True when the view span [start, end) overlaps a run (a number written in words)."""
        k = bisect_right(self._runs, (start, len(self.text) + 1)) - 1
        if k >= 0 and self._runs[k][1] > start:
            return True
        return k + 1 < len(self._runs) and self._runs[k + 1][0] < end

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """The span of the text that the view span [start, end) was read from."""
        return self._map(start, False), self._map(end - 1, True)

    def _map(self, position: int, after: bool) -> int:
        k = bisect_right(self._view_starts, position) - 1
        if k >= 0 and position < self._view_ends[k]:
            if self._exact[k]:
                return self._starts[k] + position - self._view_starts[k] + after
            return self._ends[k] if after else self._starts[k]
        shift = self._ends[k] - self._view_ends[k] if k >= 0 else 0
        return position + shift + after


def _lower(text: str) -> str:
    lower = text.lower()
    if len(lower) != len(text):  # "İ" lower-cases to two characters: keep such ones as they are
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lower


def digit_view(text: str) -> DigitView | None:
    """The digit view of ``text`` (normalised), or None when it holds no run of digit words."""
    runs = _tokens_in_runs(_lower(text))
    return DigitView(text, runs) if runs else None
