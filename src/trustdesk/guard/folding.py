"""Folding for word matching across languages and disguises.

`fold` lower-cases and removes diacritics ("Prüfziffer" -> "prufziffer", "contraseña" ->
"contrasena", "hasło" -> "haslo"), so one word list serves writers with and without accents.
`undisguise` undoes the tricks people use to slip a word past a filter: letters spaced out
("p a s s w o r d"), separators inside a word ("pass-word", "p*ssword") and look-alike digits
and signs inside a word ("p@ssw0rd", "pa$$word", "c0de").

Neither keeps offsets: they serve judgments on a whole clause (an ask), never spans to redact.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_SPECIAL_LETTERS = str.maketrans(
    {"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i", "ŀ": "l",
     "’": "'", "‘": "'", "´": "'", "`": "'", "ʼ": "'", "′": "'"}
)  # fmt: skip


def fold(text: str) -> str:
    """``text`` lower-cased, without diacritics, with one kind of apostrophe."""
    lowered = text.lower().translate(_SPECIAL_LETTERS)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Three or more single characters, each followed by the same kind of gap: "p a s s", "c.o.d.e".
_SPACED_OUT = re.compile(r"(?<![\w@$])(?:[a-z0-9@$](?:\s*-\s*|[ .\-_*])){2,}[a-z0-9@$](?![\w@$])")
# A separator between two letters of one word: "pass-word", "pass.word", "p*ssword".
_INNER_SEPARATOR = re.compile(r"(?<=[a-z@$0-9])[\-._*·](?=[a-z@$])")
# Look-alike signs inside a word that has a letter before them ("c0de", "pa$$", "h@slo").
_LEET_WORD = re.compile(r"(?<![a-z0-9@$|])[a-z]+[a-z0-9@$|]*[0134578@$|][a-z0-9@$|]*")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "|": "l"}
)


_ARTICLES = frozenset("aoeyiu")  # one-letter words that may stand before a spaced-out word ("a s e n h a")


def _spaced_joiner(known: Callable[[str], bool] | None) -> Callable[[re.Match[str]], str]:
    def join(match: re.Match[str]) -> str:
        joined = "".join(c for c in match.group() if c.isalnum() or c in "@$")
        if sum(c.isalpha() for c in joined) < 3:
            return match.group()
        if known is not None and not known(joined):
            # One or two short words before it: "a s e n h a", "é a s e n h a", "é o c.v.v".
            for lead in (1, 2):
                if set(joined[:lead]) <= _ARTICLES and known(joined[lead:]):
                    return f"{' '.join(joined[:lead])} {joined[lead:]}"
        return joined

    return join


def _unleet(match: re.Match[str]) -> str:
    word = match.group()
    letters = sum(c.isalpha() for c in word)
    return word.translate(_LEET) if letters >= 2 and letters * 2 >= len(word) else word


_BANG_INSIDE = re.compile(r"(?<=[a-z])!(?=[a-z])")  # "p!n": an exclamation mark standing for an "i"


def undisguise(folded: str, known: Callable[[str], bool] | None = None) -> str:
    """A folded text with spaced-out letters joined, inner separators dropped and look-alike
    digits and signs inside words turned back into letters. ``known`` tells secret words, so an
    article typed before a spaced-out word stays apart ("a s e n h a" -> "a senha")."""
    text = _SPACED_OUT.sub(_spaced_joiner(known), _BANG_INSIDE.sub("i", folded))
    text = _INNER_SEPARATOR.sub("", text)
    return _LEET_WORD.sub(_unleet, text)
