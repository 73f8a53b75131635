"""A small BM25 search over the retailer's help articles, with short excerpts.

The store may use SQLite FTS5 or PostgreSQL full-text search instead; this one needs no
database and serves tests, the embedded default and the `RetailerData` fake.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt

from trustdesk.bot.context import KnowledgeHit
from trustdesk.bot.normalise import fold
from trustdesk.i18n.languages import DEFAULT_LANGUAGE

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
_STOP = frozenset(
    "a an and are as at be but by can do does for from had has have how i if in into is it its me my no not of on "
    "or our so that the their them then there these they this to up was we what when where which who why will "
    "with you your yours am been being did get got i'm im just please hi hello".split()
)
EXCERPT_CHARS = 240
TITLE_WEIGHT = 2


def _stem(word: str) -> str:
    # Light suffix stripping: enough for 'returns'/'returning'/'returned' to meet.
    for suffix in ("ingly", "ing", "edly", "ed", "ies", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def terms(text: str) -> list[str]:
    """Search terms of `text`: lower-cased, stop words dropped, lightly stemmed."""
    return [_stem(w) for w in _WORD.findall(fold(text)) if w not in _STOP]


@dataclass(frozen=True)
class Article:
    """A help article (Markdown body), its public address and its language."""

    slug: str
    title: str
    body_markdown: str
    url: str
    language: str = DEFAULT_LANGUAGE


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown document (no HTML is ever produced or trusted)."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            parts.append(
                "".join(child.content for child in token.children if child.type in {"text", "code_inline"})
            )
        elif token.type in {"code_block", "fence"}:
            parts.append(token.content)
    return "\n".join(p.strip() for p in parts if p.strip())


class KnowledgeBase:
    """BM25 (k1=1.2, b=0.75) over title (counted twice) and body of each article."""

    def __init__(self, articles: Sequence[Article], *, k1: float = 1.2, b: float = 0.75) -> None:
        self._articles = tuple(articles)
        self._texts = tuple(markdown_to_text(a.body_markdown) for a in self._articles)
        self._k1 = k1
        self._b = b
        self._docs: list[Counter[str]] = []
        for article, text in zip(self._articles, self._texts, strict=True):
            counts = Counter(terms(text))
            for term in terms(article.title):
                counts[term] += TITLE_WEIGHT
            self._docs.append(counts)
        self._lengths = [sum(d.values()) for d in self._docs]
        self._average = (sum(self._lengths) / len(self._lengths)) if self._lengths else 0.0
        frequency: Counter[str] = Counter()
        for doc in self._docs:
            frequency.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def __len__(self) -> int:
        return len(self._articles)

    def search(self, query: str, limit: int = 3) -> list[KnowledgeHit]:
        """The best articles for `query`, with relevance = share of the query's weight they match."""
        query_terms = list(dict.fromkeys(terms(query)))
        if not query_terms or not self._docs:
            return []
        # An unseen term still counts towards what the query asks, so a query that is mostly
        # about something the articles never mention gets a low relevance.
        unseen_idf = math.log(1 + (len(self._docs) + 0.5) / 0.5)
        total_weight = sum(self._idf.get(t, unseen_idf) for t in query_terms)
        scored: list[tuple[float, float, int]] = []
        for index, doc in enumerate(self._docs):
            score = 0.0
            matched = 0.0
            norm = self._k1 * (1 - self._b + self._b * self._lengths[index] / (self._average or 1.0))
            for term in query_terms:
                tf = doc.get(term, 0)
                if tf:
                    idf = self._idf[term]
                    score += idf * tf * (self._k1 + 1) / (tf + norm)
                    matched += idf
            if score > 0:
                scored.append((score, matched / total_weight, index))
        scored.sort(key=lambda item: (-item[0], item[2]))
        return [
            KnowledgeHit(
                title=self._articles[i].title,
                url=self._articles[i].url,
                excerpt=self._excerpt(i, query_terms),
                relevance=round(min(1.0, relevance), 4),
                language=self._articles[i].language,
            )
            for _, relevance, i in scored[:limit]
        ]

    def _excerpt(self, index: int, query_terms: Sequence[str]) -> str:
        text = self._texts[index]
        sentences = [" ".join(s.split()) for s in _SENTENCE.split(text) if s.strip()] or [
            " ".join(text.split())
        ]
        wanted = set(query_terms)
        best = max(range(len(sentences)), key=lambda i: (len(wanted & set(terms(sentences[i]))), -i))
        excerpt = sentences[best]
        if len(excerpt) < EXCERPT_CHARS // 2 and best + 1 < len(sentences):
            excerpt = f"{excerpt} {sentences[best + 1]}"
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[: EXCERPT_CHARS - 1].rsplit(" ", 1)[0] + "…"
        return excerpt
