"""Evasion-resistant normalisation with exact span mapping back to the original text.

Detectors run on the normalised text; every span they find is mapped back so that
findings always point into the caller's own string. Normalisation:

- invisible and formatting characters (zero-width space/joiner, word joiner, BOM, soft
  hyphen, bidi controls, variation selectors, combining marks, control characters,
  Hangul fillers, private-use and unassigned code points) are dropped;
- every Unicode space becomes " ", line and paragraph separators become "\\n";
- every decimal digit of any script (full-width, Arabic-Indic, Devanagari, ...) becomes 0-9;
- every dash (hyphen, en/em dash, minus sign, ...) becomes "-";
- everything else is NFKC-normalised (full-width letters, ligatures, circled digits ...), and
  Cyrillic/Greek letters that look like Latin ones are folded to Latin.

Digits split by stray separators or line breaks are the card detector's concern: it accepts
separator runs between digit groups.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

# Characters that make a text need the slow path (everything but printable ASCII, TAB, LF, CR).
_NEEDS_WORK = re.compile(r"[^\t\n\r\x20-\x7e]")

_DROP_CATEGORIES = frozenset({"Cf", "Cc", "Mn", "Me", "Cs", "Co", "Cn"})
# Letters that render as blank space: used to hide text between characters.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
_LINE_BREAKS = frozenset("\x85\u2028\u2029\x0b\x0c")
_DASHES = frozenset("\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe58\ufe63\uff0d\u2043\u02d7")

# Cyrillic and Greek letters that are visually identical to Latin ones ("pаssword" with a
# Cyrillic "а"). Folding them only affects matching, never the stored text.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "ү": "y", "һ": "h", "ɑ": "a", "ı": "i",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
        "Т": "T", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ү": "Y",
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "ι": "i", "κ": "k", "υ": "u",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
        "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip

_CHAR_CACHE: dict[str, str] = {}
_NO_CHUNKS: list[int] = []
_CHAR_CACHE_LIMIT = 20_000


def normalize_char(char: str) -> str:
    """The normalised form of one character (possibly empty, possibly several characters)."""
    cached = _CHAR_CACHE.get(char)
    if cached is not None:
        return cached
    result = _normalize_char_uncached(char)
    if len(_CHAR_CACHE) >= _CHAR_CACHE_LIMIT:
        _CHAR_CACHE.clear()
    _CHAR_CACHE[char] = result
    return result


def _normalize_char_uncached(char: str) -> str:
    if char in _LINE_BREAKS:
        return "\n"
    if char in _INVISIBLE_LETTERS:
        return ""
    if char in _DASHES:
        return "-"
    category = unicodedata.category(char)
    if category in _DROP_CATEGORIES:
        return ""
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if category == "Pd":
        return "-"
    folded = unicodedata.normalize("NFKC", char).translate(_CONFUSABLES)
    # NFKC can itself yield characters we drop or fold (e.g. a compatibility space).
    if folded != char and any(not (" " <= c <= "~") for c in folded):
        folded = "".join(_normalize_char_uncached(c) if c != char else c for c in folded)
    return folded


class NormalizedText:
    """A normalised copy of a text plus the bookkeeping to map spans back.

    Only the characters that changed are recorded (as "chunks": parallel lists, one entry
    per changed original character, in order), so the common case of plain ASCII costs nothing.
    """

    __slots__ = ("text", "original", "_norm_starts", "_norm_ends", "_orig_starts")

    def __init__(
        self,
        text: str,
        original: str,
        norm_starts: list[int] | None = None,
        norm_ends: list[int] | None = None,
        orig_starts: list[int] | None = None,
    ) -> None:
        self.text = text
        self.original = original
        self._norm_starts = norm_starts or _NO_CHUNKS
        self._norm_ends = norm_ends or _NO_CHUNKS
        self._orig_starts = orig_starts or _NO_CHUNKS

    @property
    def is_identity(self) -> bool:
        """True when the normalised text is the original text."""
        return not self._norm_starts

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty span of the normalised text to the span of the original text."""
        if not self._norm_starts:
            return start, end
        return self._map_start(start), self._map_end(end)

    def _map_start(self, pos: int) -> int:
        k = bisect_right(self._norm_starts, pos) - 1
        if k < 0:
            return pos
        if pos < self._norm_ends[k]:
            return self._orig_starts[k]
        return self._orig_starts[k] + 1 + (pos - self._norm_ends[k])

    def _map_end(self, end: int) -> int:
        last = end - 1
        k = bisect_right(self._norm_starts, last) - 1
        if k < 0:
            return end
        if last < self._norm_ends[k]:
            return self._orig_starts[k] + 1
        return self._orig_starts[k] + 1 + (last - self._norm_ends[k]) + 1


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` for matching (see the module docstring); spans map back exactly."""
    if text.isascii() and (text.isprintable() or not _NEEDS_WORK.search(text)):
        return NormalizedText(text, text)
    parts: list[str] = []
    norm_starts: list[int] = []
    norm_ends: list[int] = []
    orig_starts: list[int] = []
    last = 0
    norm_pos = 0
    for match in _NEEDS_WORK.finditer(text):
        i = match.start()
        char = text[i]
        replacement = normalize_char(char)
        if replacement == char:
            continue
        if i > last:
            parts.append(text[last:i])
            norm_pos += i - last
        norm_starts.append(norm_pos)
        orig_starts.append(i)
        parts.append(replacement)
        norm_pos += len(replacement)
        norm_ends.append(norm_pos)
        last = i + 1
    if not norm_starts:
        return NormalizedText(text, text)
    parts.append(text[last:])
    return NormalizedText("".join(parts), text, norm_starts, norm_ends, orig_starts)
