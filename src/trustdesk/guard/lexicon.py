"""The words of every language pack, compiled once into the patterns the judges use.

Pack entries are phrases or regular expressions (see languages/en/pack.toml for the syntax);
each category of every pack becomes one alternation, so a clause is matched against all
languages at once. Misspelled secret words are recognised through a deletion index over the
packs' `fuzzy` words (one typo allowed, two from ten letters on).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from trustdesk.guard.folding import fold
from trustdesk.guard.packs import PackError, load_section

_WORD = r"[\w']"


_UMLAUTS = {"ä": "(?:a|ae)", "ö": "(?:o|oe)", "ü": "(?:u|ue)"}


def _umlauts_either_way(pattern: str) -> str:
    """German words match with the umlaut, without it and transliterated: "prüfen", "prufen",
    "pruefen" (entries keep their umlauts; this runs before folding would drop them)."""
    for letter, either in _UMLAUTS.items():
        pattern = pattern.replace(letter, either).replace(letter.upper(), either)
    return pattern


_ESCAPE = re.compile(r"\\.")


def _fold_pattern(pattern: str) -> str:
    """A regular expression folded like the text it will read, its escapes kept ("\\W" stays)."""
    parts: list[str] = []
    last = 0
    for m in _ESCAPE.finditer(pattern):
        parts.append(fold(pattern[last : m.start()]))
        parts.append(m.group())
        last = m.end()
    parts.append(fold(pattern[last:]))
    return "".join(parts)


def phrase_pattern(entry: str) -> str:
    """The regular expression for one pack entry (a phrase, or "re:" and a regular expression)."""
    if entry.startswith("re:"):
        return _fold_pattern(_umlauts_either_way(entry[3:]))
    words = [w for w in re.split(r"[\s\-]+", entry.strip().lower()) if w]
    if not words:
        raise PackError(f"empty phrase in a language pack: {entry!r}")
    parts = []
    for word in words:
        head = "\\w*" if word.startswith("*") else ""
        tail = "\\w*" if word.endswith("*") else ""
        parts.append(head + fold(_umlauts_either_way(re.escape(word.strip("*")))) + tail)
    # Words of a phrase may be written apart, hyphenated or joined ("sms code", "SMS-Code", "smscode").
    return r"(?<![\w])" + r"[\s\-]*".join(parts) + r"(?![\w])"


def compile_entries(entries: Iterable[str], what: str) -> re.Pattern[str] | None:
    """One pattern matching any of ``entries``; None when there are none."""
    alternatives = [phrase_pattern(e) for e in entries if e.strip()]
    if not alternatives:
        return None
    try:
        return re.compile("|".join(f"(?:{a})" for a in alternatives))
    except re.error as exc:
        raise PackError(f"language packs: bad pattern in {what}: {exc}") from exc


def entries(section: str, *keys: str, pack: str | None = None) -> list[str]:
    """The raw entries at ``keys`` of ``section`` in every pack (pack order, duplicates dropped),
    or in one ``pack`` only."""
    seen: dict[str, None] = {}
    for name, table in load_section("pack.toml").items():
        if pack is not None and name != pack:
            continue
        node: object = table.get(section)
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            continue
        if not isinstance(node, list) or not all(isinstance(e, str) for e in node):
            raise PackError(f"{name}/pack.toml: {section}.{'.'.join(keys)} must be a list of strings")
        for entry in node:
            seen.setdefault(entry, None)
    return list(seen)


@lru_cache(maxsize=128)
def category(section: str, *keys: str) -> re.Pattern[str] | None:
    """The compiled alternation of one category over every pack (cached)."""
    return compile_entries(entries(section, *keys), f"{section}.{'.'.join(keys)}")


@lru_cache(maxsize=512)
def pack_category(pack: str, section: str, *keys: str) -> re.Pattern[str] | None:
    """The compiled alternation of one category of one pack (cached)."""
    return compile_entries(entries(section, *keys, pack=pack), f"{pack}: {section}.{'.'.join(keys)}")


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _distance_at_most(a: str, b: str, limit: int) -> bool:
    """Optimal-string-alignment distance (typos incl. swapped neighbours) of a and b <= limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


MIN_FUZZY_LETTERS = 7


def _allowed_typos(word: str) -> int:
    return 2 if len(word) >= 10 else 1


class FuzzyWords:
    """Corrects a misspelled word to the secret word it was meant to be ("pasword" -> "password")."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(fold(w) for w in words if len(w) >= MIN_FUZZY_LETTERS)
        self._index: dict[str, set[str]] = {}
        for word in self.words:
            for key in _deletions(word, _allowed_typos(word)):
                self._index.setdefault(key, set()).add(word)

    def correct(self, token: str) -> str | None:
        """The secret word ``token`` misspells, or None (also None when it is spelled right)."""
        if len(token) < MIN_FUZZY_LETTERS - 1 or len(token) > 24 or token in self.words:
            return None
        candidates: set[str] = set()
        for key in _deletions(token, 2 if len(token) >= 9 else 1):
            candidates |= self._index.get(key, set())
        # Typos rarely hit the first letter; two typos must leave the first three letters alone
        # ("wachtwort" -> "wachtwoord", but never "klantnummer" -> "kaartnummer").
        best = [
            w
            for w in candidates
            if w[0] == token[0]
            and _distance_at_most(token, w, 1 if w[:3] != token[:3] else _allowed_typos(w))
        ]
        # The nearest word wins ("verfication" is one typo from "verification", two from "verificacion").
        return (
            min(best, key=lambda w: (not _distance_at_most(token, w, 1), abs(len(w) - len(token)), w))
            if best
            else None
        )


@lru_cache(maxsize=1)
def fuzzy_words() -> FuzzyWords:
    """The packs' `asks.fuzzy` words as one corrector."""
    return FuzzyWords(entries("asks", "fuzzy"))


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Secret words of every pack (`asks.fuzzy` and `asks.short`), folded: they tell a spaced-out
    word from the article before it."""
    return frozenset(fold(w) for w in entries("asks", "fuzzy") + entries("asks", "short"))


def is_known_word(word: str) -> bool:
    """True for a secret word of some pack, or its plural."""
    words = known_words()
    return word in words or word.rstrip("s") in words
