"""Search words: what an agent typed, read as terms that each language's stemmer widens (pure).

The query is split at white space into chunks; a chunk of one word ("Bestellungen") keeps its
folded form (lower case, accents removed) and its Snowball stems in the languages searched
("bestell"); a chunk of several words ("pat@example.org", "order-123") is matched as a phrase.
The stores use these terms their own way (conversations/search.py): SQLite's FTS5 index holds
the folded words, so a word matches itself or any word starting with one of its stems;
PostgreSQL's index holds each language's lexemes, so its own dictionaries stem the chunk.
Snippets are cut here, so both databases highlight the same words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# The guard's languages and the Snowball stemmer of each (pt-PT and pt-BR share one).
STEMMERS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "pl": "polish",
}
MAX_CHUNKS = 8
MAX_QUERY_CHARS = 200
# A stem shorter than this would match too many words as a prefix ("is*", "run*"): the word must match whole.
MIN_PREFIX = 4
SNIPPET_WORDS = 24

# Words as FTS5's unicode61 tokenizer sees them: letters and digits; "_" and every sign separate.
_WORD = re.compile(r"[^\W_]+")


class BadQuery(ValueError):
    """The search text cannot be searched for (the message says why)."""


def fold(word: str) -> str:
    """Lower case without accents: how the SQLite index stores a word ("Müller" -> "muller")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def has_control_characters(text: str) -> bool:
    """Control or unassigned characters (NUL, escapes) other than white space: nothing to search for."""
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Cn") and not ch.isspace() for ch in text)


def stem_language(code: str) -> str:
    """The stemmer key of a supported language code ("pt-BR" -> "pt")."""
    return code.split("-", 1)[0].lower()


@lru_cache(maxsize=16)
def _stemmer(name: str) -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer(name)


@dataclass(frozen=True)
class Term:
    """One chunk of the query: its words (folded), and for a single word its stems as prefixes."""

    text: str
    words: tuple[str, ...]
    prefixes: tuple[str, ...] = ()
    # (language key, stem in lower case, accents kept) of a single word, for engines stemming per language.
    stems: tuple[tuple[str, str], ...] = ()

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class SearchText:
    """A parsed query: every term must match (AND); `languages` are the stemmer keys used."""

    terms: tuple[Term, ...]
    languages: tuple[str, ...]


def parse(text: str, languages: list[str] | tuple[str, ...]) -> SearchText:
    """Read the search box: up to MAX_CHUNKS chunks, each stemmed in `languages` (codes like "de")."""
    text = text.strip()
    if not text:
        raise BadQuery("q is empty: type at least one word")
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"q is longer than {MAX_QUERY_CHARS} characters")
    if has_control_characters(text):
        raise BadQuery("q holds control characters")
    keys = tuple(dict.fromkeys(stem_language(c) for c in languages if stem_language(c) in STEMMERS))
    terms: list[Term] = []
    for chunk in text.split():
        words = tuple(fold(w) for w in _WORD.findall(chunk))
        if not words:
            continue  # signs only ("-", "&"): nothing an index holds
        prefixes: tuple[str, ...] = ()
        by_language: tuple[tuple[str, str], ...] = ()
        if len(words) == 1:
            raw = _WORD.findall(chunk)[0].lower()
            by_language = tuple((k, _stemmer(STEMMERS[k]).stemWord(raw)) for k in keys)
            usable = {fold(s) for _, s in by_language if len(s) >= MIN_PREFIX and fold(s) != words[0]}
            # "zamowien" already covers "zamowieni": keep the shortest of nested prefixes.
            prefixes = tuple(sorted(s for s in usable if not any(s != o and s.startswith(o) for o in usable)))
        term = Term(chunk, words, prefixes, by_language)
        if term not in terms:
            terms.append(term)
    if not terms:
        raise BadQuery("q has no letters or digits to search for")
    if len(terms) > MAX_CHUNKS:
        raise BadQuery(f"q has more than {MAX_CHUNKS} words")
    return SearchText(tuple(terms), keys)


def fts5_query(search: SearchText) -> str:
    """The FTS5 MATCH expression: every term, each a word, one of its stem prefixes, or a phrase.

    Every word is quoted, so nothing the agent types is read as FTS5 syntax.
    """
    parts = []
    for term in search.terms:
        if term.is_phrase:
            parts.append('"' + " ".join(term.words) + '"')
        else:
            options = [f'"{term.words[0]}"'] + [f'"{p}"*' for p in term.prefixes]
            parts.append("(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


def matches_word(search: SearchText, token: str) -> bool:
    """Whether a word of a stored text is one the query found (for highlighting)."""
    folded = fold(token)
    for term in search.terms:
        if folded in term.words or any(folded.startswith(p) for p in term.prefixes):
            return True
    return False


@dataclass(frozen=True)
class Segment:
    text: str
    hit: bool


def snippet(search: SearchText, body: str, *, words: int = SNIPPET_WORDS) -> list[Segment]:
    """About `words` words of `body` around its first hit, hits marked; "…" where text is cut."""
    spans = [(m.start(), m.end(), matches_word(search, m.group())) for m in _WORD.finditer(body)]
    if not spans:
        return [Segment(body[:200], False)] if body else []
    first = next((i for i, span in enumerate(spans) if span[2]), 0)
    start = max(0, first - words // 3)
    end = min(len(spans), start + words)
    start = max(0, min(start, end - words))
    begin_at = spans[start][0]
    end_at = spans[end - 1][1] if end < len(spans) else len(body)
    segments: list[Segment] = []
    if start > 0:
        segments.append(Segment("…", False))
    cursor = begin_at
    for s, e, hit in spans[start:end]:
        if hit:
            if s > cursor:
                segments.append(Segment(body[cursor:s], False))
            segments.append(Segment(body[s:e], True))
            cursor = e
    if end_at > cursor:
        segments.append(Segment(body[cursor:end_at], False))
    if end < len(spans):
        segments.append(Segment("…", False))
    return _joined(segments)


def _joined(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    for seg in segments:
        if out and not seg.hit and not out[-1].hit:
            out[-1] = Segment(out[-1].text + seg.text, False)
        else:
            out.append(seg)
    return out
