"""Cue words from the language packs, compiled for the detectors that take secrets out of a text.

Each cue becomes two patterns: an RE2 one for the trigger pass (`scantext`: a message with no cue
costs nothing) and a Python one that finds it in the message's lower-cased, accent-folded twin
(`fold`: one character for one, so spans stay exact). The Python one ignores case, accents
("numero" = "número") and the separators inside a phrase ("Steuer-ID" = "Steuer ID" = "SteuerID");
a cue of up to four letters must be a whole word ("NIE" is not in "niemand"), a longer one the start
of a word ("Identifikationsnummern"). The RE2 one is looser and cheaper (see `re2_pattern`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import re2

from trustdesk.guard.normalize import normalize
from trustdesk.guard.packs import PackError, load_section
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


def re2_pattern(cue: str, capitals: bool = False) -> str:
    """The trigger for a cue in the normalised text: it fires wherever `python_pattern` finds the
    cue, except where the text accents a letter the pack writes without one (a letter the pack
    accents matches with or without it). The set ignores case; a capital cue does not.

    Costs, counted with callgrind on the bench protocol (bench/guard_instructions.py): a cue starts
    at a word start (RE2's ``\\b``, which the set already pays for elsewhere) rather than at every
    character; accent classes only where the pack writes an accent (a class of every accented form
    of every letter cost about as much as all the cues together).
    """
    out: list[str] = []
    for char, bare in zip(cue, fold(cue), strict=True):
        if char in " -":
            if not out or out[-1] != r"[\s\-]{0,3}":
                out.append(r"[\s\-]{0,3}")
        elif char == ".":
            out.append(r"\.?\s?")
        elif char in "'’":
            out.append(r"['’\s]?")
        else:
            out.append(re.escape(bare) if char == bare else f"[{re.escape(bare)}{char}]")
    body = "".join(out)
    bare = fold(cue)
    if bare[0].isalnum() and bare[0] == cue[0]:
        body = r"\b" + body  # a cue starts a word: fewer threads than a match at every character
    if _is_short(bare) and bare[-1].isalnum() and bare[-1] == cue[-1]:
        body += r"\b"
    return f"(?-i:{body})" if capitals else body


def disclosure_words(key: str) -> list[str]:
    """Every pack's ``[disclosures] key`` words (pack.toml), cleaned, each once, in pack order."""
    found: list[str] = []
    for table in load_section("pack.toml").values():
        for word in table.get("disclosures", {}).get(key, []):
            cleaned = clean(word)
            if cleaned and cleaned not in found:
                found.append(cleaned)
    return found


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
    """Trigger ids for cue words and capital cues (see `re2_pattern`)."""
    return pattern_triggers(
        *(re2_pattern(w) for w in gate_words(words)), *(re2_pattern(w, capitals=True) for w in capitals or [])
    )


def alternation(words: list[str]) -> re.Pattern[str]:
    # Longest first, so "social security number" wins over "social security" at the same place.
    # Case-sensitive: capital cues are matched in the folded text as written, the others in its
    # lower-case twin.
    return re.compile("|".join(python_pattern(w) for w in sorted(words, key=len, reverse=True)))


_GAPS = re.compile(r"[\s\-.'’]")


def _covers(trigger: re.Pattern[str], word: str) -> bool:
    """True when ``trigger`` (another cue's `re2_pattern`, compiled) fires wherever ``word`` is
    found: in ``word`` as written and with its gaps and dots left out ("numerPESEL"), and also where
    more letters follow it (a cue of five or more letters is found at the start of a longer word:
    "n° de sécu" in "n° de sécurité", where the whole word "sécu" is not)."""
    return all(trigger.search(form + "x") for form in (word, _GAPS.sub("", word)))


def gate_words(words: list[str]) -> list[str]:
    """``words`` without those another word of the list covers (see `_covers`: "Steuer-ID" covers
    "Steuer-IdNr", "D.N.I" covers "DNI", "Bürgerservicenummer" covers "Burgerservicenummer"):
    fewer patterns keep the trigger DFA small."""
    kept = sorted(words, key=len, reverse=True)
    # Each pattern built once: the pairs are many (a few hundred cues take a second otherwise).
    compiled = {word: re.compile(re2_pattern(word)) for word in kept}
    for word in list(kept):
        if any(_covers(compiled[other], word) for other in kept if other != word):
            kept.remove(word)
    return kept


# The compiled program inside a `re2` pattern (`_regexp`) and its search mode: an ASCII text is
# searched through it directly, where byte offsets are character offsets. The package's own
# `finditer` decodes offsets and builds a match object per match in Python, several microseconds a
# call (google-re2 is pinned in pyproject.toml). Other texts still go through the package.
_UNANCHORED: Any = re2._Anchor.UNANCHORED


def _ascii_spans(raw: Any, data: bytes, start: int, end: int, first_only: bool) -> list[Any]:
    """The span lists of RE2's ``Match`` over ``data[start:end]``, left to right, as `finditer`
    walks them (an empty match moves on by one byte); with ``first_only`` the first one only."""
    size = len(data)
    pos = max(0, min(start, size))
    stop = max(0, min(end, size))
    found: list[Any] = []
    if pos > stop:
        return found
    while True:
        spans = raw.Match(_UNANCHORED, data, pos, stop)
        match_end = spans[0][1]
        if match_end < 0:
            break
        found.append(spans)
        if first_only or pos == stop:
            break
        pos = pos + 1 if pos == match_end else match_end
    return found


class CueSearch:
    """Finds any of many cue words in folded text in one linear pass (RE2), where Python's engine
    would try every alternative at every position (a few hundred microseconds per message)."""

    __slots__ = ("_compiled", "_raw")

    def __init__(self, words: list[str]) -> None:
        options = re2.Options()
        options.max_mem = 64 << 20
        options.log_errors = False
        body = "|".join(
            python_pattern(w).replace(r"(?<!\w)", r"\b").replace(r"(?!\w)", r"\b")
            for w in sorted(words, key=len, reverse=True)
        )
        self._compiled: Any = re2.compile(body, options)
        self._raw: Any = self._compiled._regexp

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """(start, end) of every non-overlapping cue in ``text[start:end]``, left to right."""
        stop = len(text) if end is None else end
        if text.isascii():
            return [spans[0] for spans in _ascii_spans(self._raw, text.encode(), start, stop, False)]
        return [(m.start(), m.end()) for m in self._compiled.finditer(text, start, stop)]

    def search(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """True when a cue occurs in ``text[start:end]``."""
        stop = len(text) if end is None else end
        if text.isascii():
            return bool(_ascii_spans(self._raw, text.encode(), start, stop, True))
        return self._compiled.search(text, start, stop) is not None


def cue_search(words: list[str]) -> CueSearch | None:
    """A `CueSearch` over ``words``, or None for no words."""
    return CueSearch(words) if words else None


_STEM = 8  # letters of a word's start that wake its detector ("ident" alone wakes on "identity")
_SHORTEST_STEM = 5  # a shorter word is matched whole
_TELLING = 8  # a word of a phrase this long tells the phrase apart on its own ("expiration")


def gate_triggers(words: list[str], stem: int = _STEM) -> frozenset[int]:
    """Trigger ids that wake a detector on any of ``words``: the first ``stem`` letters of a word (up
    to an accented letter; five at least), or the word alone when shorter and unaccented ("cvv");
    for a phrase, the same of its longest word when that has eight letters or more, else the whole
    phrase (see `re2_pattern`). A gate may wake the detector needlessly, never miss. Literals keep
    the trigger pass (one RE2 set over every message) fast; a common first word would wake the
    detector on most messages ("the" for "the new one is", "can" for "can't log in")."""
    literals: set[str] = set()
    words_alone: set[str] = set()
    phrases: list[str] = []
    for word in words:
        tokens = [t for t in re.split(r"[\s\-'’./]+", word) if t]
        longest = max(tokens, key=len)
        if len(tokens) > 1 and len(longest) < _TELLING:
            phrases.append(word)  # "drei zahlen": "zahle" alone would wake on every "bezahlen"
            continue
        prefix = ""
        for char in longest:
            if not (char.isascii() and char.isalnum()):
                break
            prefix += char
        if len(prefix) >= _SHORTEST_STEM:
            literals.add(prefix[:stem])
        elif prefix == longest and len(prefix) >= 3:
            words_alone.add(prefix)
        else:
            phrases.append(word)
    kept = sorted(literals, key=len)
    minimal = [w for i, w in enumerate(kept) if not any(o in w for o in kept[:i])]
    # A phrase another one's pattern already finds ("gültig" finds "gültig bis") needs none.
    patterns = sorted({re2_pattern(w) for w in gate_words(phrases)})
    alone = (r"\b" + re.escape(w) + r"\b" for w in sorted(words_alone))
    return pattern_triggers(*(re.escape(w) for w in minimal), *alone, *patterns)


class CueGroups:
    """Several named lists of cue words found in one linear pass: (start, end, name) per cue."""

    __slots__ = ("_compiled", "_names", "_raw")

    def __init__(self, groups: dict[str, list[str]]) -> None:
        options = re2.Options()
        options.max_mem = 64 << 20
        options.log_errors = False
        # The longest cue wins, whatever its list: "senha de 4 dígitos" (a PIN) over "senha".
        options.longest_match = True
        self._names = [name for name, words in groups.items() if words]
        body = "|".join(
            "("
            + "|".join(
                python_pattern(w).replace(r"(?<!\w)", r"\b").replace(r"(?!\w)", r"\b")
                for w in sorted(groups[name], key=len, reverse=True)
            )
            + ")"
            for name in self._names
        )
        self._compiled: Any = re2.compile(body or r"(?!x)x", options)
        self._raw: Any = self._compiled._regexp

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Every non-overlapping cue in ``text``: its span and the name of its list."""
        found: list[tuple[int, int, str]] = []
        if text.isascii():
            for spans in _ascii_spans(self._raw, text.encode(), 0, len(text), False):
                for index, name in enumerate(self._names, 1):
                    if spans[index][0] >= 0:
                        found.append((spans[0][0], spans[0][1], name))
                        break
            return found
        for m in self._compiled.finditer(text):
            for index, name in enumerate(self._names, 1):
                if m.start(index) >= 0:
                    found.append((m.start(), m.end(), name))
                    break
        return found
