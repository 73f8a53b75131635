"""TF-IDF features over word and character n-grams, and the sparse matrices they live in (NumPy only).

The analysers reproduce scikit-learn's TfidfVectorizer as the bot configured it (a preprocessor that
already lower-cases, word tokens `\\b\\w\\w+\\b` joined into 1-2-grams, `char_wb` 2-5-grams padded with
one space on each side of every word, sublinear tf, smoothed idf, l2-normalised rows), so a model
trained here sees exactly the features the scikit-learn one did; tests/bot/test_features.py checks
that on the shipped training set.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Analyser = Literal["word", "char_wb"]

_WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def word_ngrams(text: str, ngrams: tuple[int, int]) -> list[str]:
    """Word n-grams of an already normalised text: tokens of two or more word characters."""
    tokens = _WORD_TOKEN.findall(text)
    low, high = ngrams
    grams: list[str] = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str, ngrams: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space on both sides.

    A word shorter than an n-gram size yields itself (padded) once, and no longer n-grams.
    """
    low, high = ngrams
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            if n >= length:
                grams.append(padded)
                break
            grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


def analyse(kind: Analyser, text: str, ngrams: tuple[int, int]) -> list[str]:
    """The n-grams `kind` extracts from a normalised text."""
    return word_ngrams(text, ngrams) if kind == "word" else char_wb_ngrams(text, ngrams)


@dataclass(frozen=True)
class SparseRows:
    """A compressed-sparse-row matrix in three NumPy arrays (row i: data/indices[indptr[i]:indptr[i+1]])."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    n_cols: int

    @classmethod
    def checked(
        cls, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int]
    ) -> SparseRows:
        """A matrix from arrays read from a file, refused (ValueError) unless they are consistent."""
        data = np.asarray(data, dtype=np.float64)
        indices = np.asarray(indices)
        indptr = np.asarray(indptr)
        n_rows, n_cols = shape
        if data.ndim != 1 or indices.shape != data.shape or indptr.shape != (n_rows + 1,):
            raise ValueError("sparse arrays have inconsistent shapes")
        if indices.dtype.kind not in "iu" or indptr.dtype.kind not in "iu":
            raise ValueError("sparse indices must be integers")
        if indptr[0] != 0 or indptr[-1] != len(data) or np.any(np.diff(indptr) < 0):
            raise ValueError("sparse row pointers are not monotone")
        if len(indices) and (indices.min() < 0 or indices.max() >= n_cols):
            raise ValueError("sparse column index out of range")
        return cls(data, indices.astype(np.int64), indptr.astype(np.int64), int(n_cols))

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])

    def row_ids(self) -> np.ndarray:
        """The row of every stored value."""
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def apply(self, weights: np.ndarray) -> np.ndarray:
        """`weights` (k x n_cols) times every row: a k x n_rows array, i.e. (self @ weights.T).T.

        Each stored value scales the column of `weights` it picks, and `np.add.reduceat` sums
        those products row by row; with k leading, every sum runs over contiguous memory.
        """
        out = np.zeros((weights.shape[0], self.n_rows), dtype=np.float64)
        starts = self.indptr[:-1]
        filled = starts < self.indptr[1:]
        if self.nnz:
            products = np.take(weights, self.indices, axis=1)
            products *= self.data
            # Segments of empty rows hold no values, so the filled rows' starts delimit them exactly.
            out[:, filled] = np.add.reduceat(products, starts[filled], axis=1)
        return out

    def transpose(self) -> SparseRows:
        """The transposed matrix, values sorted by column (a stable sort keeps rows in order)."""
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=self.n_cols)
        indptr = np.zeros(self.n_cols + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return SparseRows(self.data[order], self.row_ids()[order], indptr, self.n_rows)

    def take_rows(self, rows: np.ndarray) -> SparseRows:
        """The sub-matrix of the given rows, in that order."""
        starts, ends = self.indptr[rows], self.indptr[np.asarray(rows) + 1]
        positions = segment_positions(starts, ends - starts)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(ends - starts, out=indptr[1:])
        return SparseRows(self.data[positions], self.indices[positions], indptr, self.n_cols)

    def normalise_rows(self) -> SparseRows:
        """Rows scaled to unit l2 norm (all-zero rows stay zero)."""
        norms = np.sqrt(np.bincount(self.row_ids(), weights=self.data * self.data, minlength=self.n_rows))
        norms[norms == 0.0] = 1.0
        return SparseRows(
            self.data / np.repeat(norms, np.diff(self.indptr)), self.indices, self.indptr, self.n_cols
        )

    def to_dense(self) -> np.ndarray:
        """The full matrix (for tests and small inputs)."""
        out = np.zeros((self.n_rows, self.n_cols))
        out[self.row_ids(), self.indices] = self.data
        return out


def segment_positions(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated arange(start, start + length) for every pair, without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    shift = np.repeat(np.asarray(starts, dtype=np.int64) - (ends - lengths), lengths)
    return np.arange(total, dtype=np.int64) + shift


def hstack(blocks: Sequence[SparseRows]) -> SparseRows:
    """Blocks side by side (same rows), columns of later blocks shifted past earlier ones."""
    n_rows = blocks[0].n_rows
    per_row = np.zeros(n_rows, dtype=np.int64)
    for block in blocks:
        per_row += np.diff(block.indptr)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1:])
    data = np.empty(int(indptr[-1]))
    indices = np.empty(int(indptr[-1]), dtype=np.int64)
    filled = indptr[:-1].copy()
    offset = 0
    for block in blocks:
        lengths = np.diff(block.indptr)
        target = segment_positions(filled, lengths)
        data[target] = block.data
        indices[target] = block.indices + offset
        filled += lengths
        offset += block.n_cols
    return SparseRows(data, indices, indptr, offset)


@dataclass(frozen=True)
class TfidfBlock:
    """A fitted vocabulary with idf weights for one analyser (scikit-learn's TfidfVectorizer
    with sublinear_tf=True, smooth_idf=True, norm="l2")."""

    kind: Analyser
    ngrams: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(
        cls, kind: Analyser, ngrams: tuple[int, int], texts: Sequence[str]
    ) -> tuple[TfidfBlock, SparseRows]:
        """Learn the vocabulary (sorted, every n-gram seen) and idf of normalised `texts`; also
        return their feature rows. Raises ValueError when no text yields an n-gram."""
        counted = [Counter(analyse(kind, text, ngrams)) for text in texts]
        terms = sorted(set().union(*counted))
        if not terms:
            raise ValueError(f"empty {kind} vocabulary: the texts hold no n-grams")
        vocabulary = {term: index for index, term in enumerate(terms)}
        indices = np.fromiter(
            (vocabulary[t] for counts in counted for t in counts),
            dtype=np.int64,
            count=sum(map(len, counted)),
        )
        counts = np.fromiter(
            (c for counts in counted for c in counts.values()), dtype=np.float64, count=len(indices)
        )
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(c) for c in counted], out=indptr[1:])
        document_frequency = np.bincount(indices, minlength=len(terms))
        idf = np.log((1.0 + len(texts)) / (1.0 + document_frequency)) + 1.0
        raw = SparseRows((1.0 + np.log(counts)) * idf[indices], indices, indptr, len(terms))
        return cls(kind, ngrams, vocabulary, idf), raw.normalise_rows()

    def row(self, text: str) -> tuple[list[int], np.ndarray]:
        """Column indices and l2-normalised weights of one normalised text (no unknown n-grams)."""
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for gram in analyse(self.kind, text, self.ngrams):
            index = vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return [], np.zeros(0)
        indices = list(counts)
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[indices]
        values /= math.sqrt(float(values @ values))
        return indices, values

    def terms(self) -> list[str]:
        """The vocabulary in column order."""
        ordered = [""] * len(self.vocabulary)
        for term, index in self.vocabulary.items():
            ordered[index] = term
        return ordered
