"""Text normalisation shared by training and classification.

Short support messages vary a lot in wording; mapping equivalent words onto one
form and replacing contact details and numbers with placeholders lets a small
hand-written training set cover much more phrasing. Accents are folded ("Rücksendung" and
"Rucksendung" meet), and each language's lexicon (data/lexicon/*.txt) maps its key support words
onto the English word the shipped examples use, so the large English set teaches the classifier
about "Bestellung", "commande" or "zamówienie" too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"\b(?:https?://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|co|uk|de|fr|shop|store|help|info|io|online|site|support)\b\S*)"
)
_PHONE = re.compile(r"\+?\d[\d ()-]{6,}\d")
_NUMBER = re.compile(r"#?\b[a-z]{0,4}-?\d[\w-]*")
_REPEAT = re.compile(r"(.)\1{2,}")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_TOKEN = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d"})


def fold(text: str) -> str:
    """Lower-cased `text` without accents ("Zamówienie" -> "zamowienie", "Straße" -> "strasse")."""
    lowered = unicodedata.normalize("NFKC", text).lower().translate(_UNDECOMPOSED)
    return "".join(ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch))


EMAIL_TOKEN = " zzemail "
LINK_TOKEN = " zzlink "
PHONE_TOKEN = " zzphone "
NUMBER_TOKEN = " zznumber "
PRODUCT_TOKEN = " zzproduct"


def _data_lines(name: str) -> list[str]:
    text = resources.files("trustdesk.bot").joinpath("data", *name.split("/")).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True)
class Normaliser:
    """Lower-cases, replaces contacts/numbers with placeholders, unifies synonyms, marks product nouns."""

    synonyms: tuple[tuple[str, str], ...]
    product_terms: frozenset[str]

    def __post_init__(self) -> None:
        # Variants by their first word, longest first: replacing is one walk over the words, with a
        # dictionary look-up each, rather than a regular expression of a thousand alternatives
        # (the lexicons made that five times slower than the rest of classification).
        mapping = dict(sorted(self.synonyms, key=lambda pair: -len(pair[0])))
        by_first: dict[str, list[str]] = {}
        for variant in mapping:
            first = _TOKEN.match(variant)
            if first is not None and first.start() == 0:
                by_first.setdefault(first.group(0), []).append(variant)
        object.__setattr__(self, "_synonym_map", mapping)
        object.__setattr__(self, "_synonyms_by_first_word", by_first)
        object.__setattr__(self, "_multiword_products", tuple(t for t in self.product_terms if " " in t))

    def _replace_synonyms(self, s: str) -> str:
        """Each variant (a whole word or words) replaced by its canonical word, longest variant first."""
        mapping: dict[str, str] = self._synonym_map  # type: ignore[attr-defined]
        by_first: dict[str, list[str]] = self._synonyms_by_first_word  # type: ignore[attr-defined]
        parts: list[str] = []
        done = 0
        for token in _TOKEN.finditer(s):
            start = token.start()
            if start < done:
                continue  # inside a variant already replaced
            for variant in by_first.get(token.group(0), ()):
                end = start + len(variant)
                if s.startswith(variant, start) and (end == len(s) or not _WORD_CHAR.match(s, end)):
                    parts.append(s[done:start])
                    parts.append(mapping[variant])
                    done = end
                    break
        parts.append(s[done:])
        return "".join(parts)

    def __call__(self, text: str) -> str:
        """Return the normalised form of `text` that the vectorisers see."""
        s = fold(text)
        s = _EMAIL.sub(EMAIL_TOKEN, s)
        s = _URL.sub(LINK_TOKEN, s)
        s = _PHONE.sub(PHONE_TOKEN, s)
        s = _NUMBER.sub(NUMBER_TOKEN, s)
        s = _REPEAT.sub(r"\1\1", s)
        s = self._replace_synonyms(s)
        if self._mentions_product(s):
            s += PRODUCT_TOKEN
        return " ".join(s.split())

    def _mentions_product(self, s: str) -> bool:
        for word in _WORD.findall(s):
            if word in self.product_terms:
                return True
            if word.endswith("es") and word[:-2] in self.product_terms:
                return True
            if word.endswith("s") and word[:-1] in self.product_terms:
                return True
        return any(term in s for term in self._multiword_products)  # type: ignore[attr-defined]

    def to_json(self) -> dict[str, object]:
        """Return a JSON-ready description, so a saved model normalises exactly as when trained."""
        return {"synonyms": [list(p) for p in self.synonyms], "product_terms": sorted(self.product_terms)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Normaliser:
        """Rebuild a Normaliser from `to_json` output."""
        pairs = data.get("synonyms", [])
        terms = data.get("product_terms", [])
        if not isinstance(pairs, list) or not isinstance(terms, list):
            raise ValueError("normaliser description must hold lists")
        return cls(
            synonyms=tuple((str(a), str(b)) for a, b in pairs),
            product_terms=frozenset(str(t) for t in terms),
        )


def parse_synonyms(lines: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """Parse 'canonical: variant, variant' lines into (variant, canonical) pairs."""
    pairs: list[tuple[str, str]] = []
    for line in lines:
        canonical, sep, variants = line.partition(":")
        if not sep:
            raise ValueError(f"synonym line without ':': {line!r}")
        for variant in variants.split(","):
            variant = variant.strip().lower()
            if variant:
                pairs.append((fold(variant), fold(canonical.strip())))
    return tuple(pairs)


def default_normaliser(extra_product_terms: Iterable[str] = ()) -> Normaliser:
    """The normaliser built from the package's synonym and product-term lists (plus tenant terms)."""
    terms = {t.lower() for t in _data_lines("product_terms.txt")}
    terms.update(t.strip().lower() for t in extra_product_terms if t.strip())
    pairs = list(parse_synonyms(_data_lines("synonyms.txt")))
    known = {variant for variant, _ in pairs}
    lexicons = resources.files("trustdesk.bot").joinpath("data", "lexicon")
    for entry in sorted(lexicons.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".txt"):
            for variant, canonical in parse_synonyms(_data_lines(f"lexicon/{entry.name}")):
                if variant not in known and variant != canonical:  # the first mapping of a word wins
                    known.add(variant)
                    pairs.append((variant, canonical))
    return Normaliser(synonyms=tuple(pairs), product_terms=frozenset(terms))
