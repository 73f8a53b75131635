"""Confusable "skeletons" (Unicode TS #39) tuned for domain labels and handles.

Data source: Unicode's confusables.txt as shipped (MIT-licensed JSON packaging) in the
PyPI package ``confusable-homoglyphs`` (pin 3.3.1). That file stores every line
``source -> prototype`` of confusables.txt in both directions; we recover the
one-way skeleton map from its star shape (a prototype never maps onward, so a
character with a single neighbour that has other neighbours is a source).

On top of the UTS #39 skeleton we (1) drop combining marks, so "í" folds like "i";
(2) lower-case between two mapping passes, so "0" -> "O" -> "o" meets "o"; and
(3) fold the classic ASCII multi-letter look-alikes "rn" -> "m" and "vv" -> "w"
(curated here, since confusables.txt maps m to rn but has no "vv").
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from importlib import resources

_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f")

# Single-letter ASCII look-alikes that typosquatters use (dnstwist's ASCII glyph idea,
# written out here). A substitution of one of these counts as a homoglyph, not a typo.
ASCII_LOOKALIKES: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("0", "o"),
        ("1", "l"),
        ("1", "i"),
        ("i", "l"),
        ("i", "j"),
        ("l", "|"),
        ("5", "s"),
        ("2", "z"),
        ("8", "b"),
        ("6", "b"),
        ("9", "g"),
        ("9", "q"),
        ("g", "q"),
        ("b", "d"),
        ("p", "q"),
        ("c", "e"),
        ("u", "v"),
        ("n", "m"),
        ("n", "r"),
        ("e", "3"),
        ("a", "4"),
        ("t", "7"),
        ("y", "v"),
    )
)

# Multi-letter ASCII sequences that read as one letter; applied after the Unicode map.
MULTI_GLYPHS: tuple[tuple[str, str], ...] = (("rn", "m"), ("vv", "w"))
# Sequences only reported by the classifier (too common in real words to fold): "cl" ~ "d".
EXTRA_MULTI_GLYPHS: tuple[tuple[str, str], ...] = (
    ("cl", "d"),
    ("nn", "m"),
    ("lb", "b"),
    ("lh", "h"),
    ("lc", "k"),
)


def _load_map() -> dict[str, str]:
    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    graph: dict[str, list[str]] = {}
    for key, entries in json.loads(raw).items():
        clean_key = key.translate(_BIDI_MARKS)
        graph.setdefault(clean_key, []).extend(entry["c"].translate(_BIDI_MARKS) for entry in entries)
    mapping: dict[str, str] = {}
    for key, neighbours in graph.items():
        if len(key) != 1 or len(neighbours) != 1:
            continue  # multi-character keys and hubs are prototypes
        target = neighbours[0]
        if target == key:
            continue
        back = graph.get(target, [])
        if len(target) == 1 and len(back) == 1:
            # An isolated pair: either end may be the prototype; pick one deterministically.
            if key < target:
                continue
        mapping[key] = target
    return mapping


SKELETON_MAP: dict[str, str] = _load_map()


def _map_chars(text: str) -> str:
    return "".join(SKELETON_MAP.get(char, char) for char in text)


_ASCII_TABLE = str.maketrans(
    {chr(code): SKELETON_MAP[chr(code)] for code in range(128) if chr(code) in SKELETON_MAP}
)


@lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """Return the look-alike skeleton of `text`: two strings that look the same fold equal.

    Example: ``fold("аcme0utfitters") == fold("acmeoutfitters")`` (Cyrillic а, digit 0).
    """
    if text.isascii():
        # Same steps as below; NFD and mark stripping do nothing to ASCII, so use str.translate.
        once = text.translate(_ASCII_TABLE).lower()
        if once.isascii():
            twice = once.translate(_ASCII_TABLE).lower()
            for sequence, letter in MULTI_GLYPHS:
                twice = twice.replace(sequence, letter)
            return twice
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    once = unicodedata.normalize("NFD", _map_chars(stripped)).lower()
    twice = _map_chars(once).lower()
    for sequence, letter in MULTI_GLYPHS:
        twice = twice.replace(sequence, letter)
    return twice


def script_of(char: str) -> str:
    """A coarse script name for one character ("LATIN", "CYRILLIC", "DIGIT", ...)."""
    if char.isascii():
        if char.isdigit():
            return "DIGIT"
        return "LATIN" if char.isalpha() else "COMMON"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def scripts_in(text: str) -> set[str]:
    """The set of letter scripts used in `text` (digits and punctuation ignored)."""
    return {script_of(char) for char in text if char.isalpha()} - {"COMMON"}


def is_mixed_script(text: str) -> bool:
    """True when letters of more than one script are mixed (e.g. Latin with Cyrillic)."""
    if text.isascii():
        return False
    return len(scripts_in(text)) > 1


def describe_char(char: str) -> str:
    """A readable description of a character that may not render: "'а' (CYRILLIC SMALL LETTER A)"."""
    if char.isascii():
        return f"'{char}'"
    return f"'{char}' ({unicodedata.name(char, f'U+{ord(char):04X}')})"
