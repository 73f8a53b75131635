"""Cue words from the language packs, compiled for the detectors that take secrets out of a text.

Each cue becomes two patterns: an RE2 one for the trigger pass (`scantext`: a message with no cue
costs nothing) and a Python one that finds it in the message's lower-cased, accent-folded twin
(`fold`: one character for one, so spans stay exact). Both ignore case, accents ("numero" =
"número") and the separators inside a phrase ("Steuer-ID" = "Steuer ID" = "SteuerID"); a cue of up
to four letters must be a whole word ("NIE" is not in "niemand"), a longer one the start of a word
("Identifikationsnummern").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from trustdesk.guard.normalize import normalize
from trustdesk.guard.packs import PackError
from trustdesk.guard.scantext import pattern_triggers


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> the bare letter, one character for one (offsets stay)."""
    table = {ord(c): b for c, b in zip("łŁøØđĐħĦ", "lLoOdDhH", strict=True)}
    for code in range(0xC0, 0x250):
        bare = unicodedata.normalize("NFD", chr(code))[0]
        if bare != chr(code) and bare.isascii() and bare.isalpha():
            table[code] = bare
    return table


_FOLD = _fold_table()
# The lower-case forms of each bare letter, for the RE2 patterns (which see the unfolded text).
_VARIANTS: dict[str, str] = {}
for _code, _bare in _FOLD.items():
    if chr(_code).islower():
        _VARIANTS[_bare] = _VARIANTS.get(_bare, _bare) + chr(_code)


def fold(lower: str) -> str:
    """``lower`` (lower-cased text) with accents removed, same length: the text cues are matched in."""
    return lower if lower.isascii() else lower.translate(_FOLD)


_SHORT = 4  # letters and digits in a cue up to which it must be a whole word


def clean(cue: str, keep_case: bool = False) -> str:
    """A cue normalised like message text, lower-cased, without trailing dots (accents kept)."""
    text = normalize(cue).text
    return (text if keep_case else text.lower()).strip().rstrip(".").strip()


def _pieces(cue: str, letter: Callable[[str], str]) -> str:
    """The pattern body of a cleaned cue; ``letter`` renders one letter or digit."""
    out: list[str] = []
    for char in cue:
        if char in " -":
            if not out or out[-1] != r"[\s\-]{0,3}":
                out.append(r"[\s\-]{0,3}")  # "Steuer-ID", "Steuer ID", "SteuerID"
        elif char == ".":
            out.append(r"\.?\s?")  # "C.F.", "C. F.", "CF"
        elif char in "'’":
            out.append(r"['’\s]?")  # "d'assurance", "d’assurance"
        else:
            out.append(letter(char))
    return "".join(out)


def _is_short(cue: str) -> bool:
    return sum(c.isalnum() for c in cue) <= _SHORT


def python_pattern(cue: str) -> str:
    """Matches the cue in folded lower-case text."""
    bare = fold(cue)
    left = r"(?<!\w)" if bare[0].isalnum() else ""
    right = r"(?!\w)" if _is_short(bare) and bare[-1].isalnum() else ""
    return left + _pieces(bare, re.escape) + right


def _re2_letter(char: str) -> str:
    variants = _VARIANTS.get(char)
    return f"[{variants}]" if variants else re.escape(char)


def re2_pattern(cue: str) -> str:
    """Matches the cue, accented or not, in the normalised text (the set ignores case). It may
    fire where the Python pattern then finds nothing, and misses nothing it finds, except a cue
    whose first (or, for a short cue, last) letter the text accents and the pack does not. (For
    ASCII neighbours both see the same word edges: letters, digits and "_" are word characters.)

    ``cue`` is cleaned but not folded: its accents say which edge letters may be accented.
    Word boundaries are RE2's zero-width ``\\b`` (ASCII only). Both a consumed "non-letter" class
    and an accented alternative at the edge of each of ~150 cues made the trigger DFA build its
    states several times slower on unseen text; an accented letter inside a cue costs nothing.
    """
    bare = fold(cue)
    first, body, last = cue[0], _pieces(bare[1:-1], _re2_letter), cue[-1]  # cues have 2+ characters
    head, tail = _re2_letter(bare[0]), _re2_letter(bare[-1])
    if first.isalnum():
        head = rf"\b{re.escape(bare[0])}" if first.isascii() else rf"(?:\b{re.escape(bare[0])}|{first})"
    if _is_short(cue) and last.isalnum():
        tail = rf"{re.escape(bare[-1])}\b" if last.isascii() else rf"(?:{re.escape(bare[-1])}\b|{last})"
    return head + body + tail


def word_list(path: str, node: object, capitals: bool = False) -> list[str]:
    if not isinstance(node, list) or not all(isinstance(w, str) and w.strip() for w in node):
        raise PackError(f"{path} must be a list of non-empty strings")
    cleaned = [clean(w, keep_case=capitals) for w in node]
    if capitals and not all(w == w.upper() for w in cleaned):
        raise PackError(f"{path}: capital cues must be written in capitals")
    if not all(sum(c.isalnum() for c in w) >= 2 for w in cleaned):
        raise PackError(f"{path}: every word needs at least two letters or digits")
    return cleaned


def triggers_for(words: list[str], capitals: list[str] | None = None) -> frozenset[int]:
    """Trigger ids for cue words (and capital cues, which the case-blind set sees lower-cased)."""
    return pattern_triggers(
        *(re2_pattern(w) for w in gate_words(words)), *(re2_pattern(w.lower()) for w in capitals or [])
    )


def alternation(words: list[str]) -> re.Pattern[str]:
    # Longest first, so "social security number" wins over "social security" at the same place.
    # Case-sensitive: capital cues are matched in the folded text as written, the others in its
    # lower-case twin.
    return re.compile("|".join(python_pattern(w) for w in sorted(words, key=len, reverse=True)))


def gate_words(words: list[str]) -> list[str]:
    """``words`` without those that start with another, longer-than-short word of the list: that
    one fires wherever they do ("Steuer-ID" for "Steuer-IdNr"), and fewer patterns keep the
    trigger DFA small."""
    bare = [fold(w) for w in words]
    return [
        w
        for w, b in zip(words, bare, strict=True)
        if not any(o != b and not _is_short(o) and b.startswith(o) for o in bare)
    ]
