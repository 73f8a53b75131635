"""The NumPy n-gram analysers and TF-IDF give exactly scikit-learn's features (scikit-learn is in the
test extra only: this is the check that the bot lost nothing by dropping it)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from trustdesk.bot.classifier import TrainingConfig
from trustdesk.bot.examples import load_examples, shipped_examples
from trustdesk.bot.features import SparseRows, TfidfBlock, char_wb_ngrams, hstack, word_ngrams
from trustdesk.bot.normalise import default_normaliser

from .conftest import DATA

AWKWARD = [
    "",
    "a",
    "I  need\thelp\n\nnow",
    "ok ok ok ok",
    "où est ma commande ? naïve café",
    "x y z",
    "zznumber zzemail can't won't e-mail",
    "日本語のテキスト 123",
    "longwordwithoutanyspacesatallforcharacterngrams",
]


def sklearn_vectoriser(analyzer: str, ngrams: tuple[int, int]) -> TfidfVectorizer:
    # The configuration the bot used with scikit-learn: the normaliser as preprocessor.
    return TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, preprocessor=default_normaliser()
    )


@pytest.mark.parametrize(("kind", "ngrams"), [("word", (1, 2)), ("char_wb", (2, 5)), ("word", (1, 3))])
def test_analysers_yield_scikit_learns_ngrams(kind: str, ngrams: tuple[int, int]) -> None:
    normaliser = default_normaliser()
    texts = [e.text for e in shipped_examples()[::7]] + AWKWARD
    reference = TfidfVectorizer(analyzer=kind, ngram_range=ngrams, preprocessor=normaliser).build_analyzer()
    ours = word_ngrams if kind == "word" else char_wb_ngrams
    for text in texts:
        assert ours(normaliser(text), ngrams) == reference(text), text


@pytest.mark.parametrize(
    ("kind", "ngrams"), [("word", TrainingConfig().word_ngrams), ("char_wb", TrainingConfig().char_ngrams)]
)
def test_tfidf_on_the_training_set_matches_scikit_learn(kind: str, ngrams: tuple[int, int]) -> None:
    normaliser = default_normaliser()
    texts = [e.text for e in shipped_examples()]
    vectoriser = sklearn_vectoriser(kind, ngrams)
    expected = vectoriser.fit_transform(texts)
    block, rows = TfidfBlock.fit(kind, ngrams, [normaliser(t) for t in texts])  # type: ignore[arg-type]
    assert block.vocabulary == vectoriser.vocabulary_
    np.testing.assert_allclose(block.idf, vectoriser.idf_, rtol=1e-12)
    assert rows.nnz == expected.nnz
    assert abs(as_scipy(rows) - expected).max() < 1e-12
    # Unseen messages (the dev set and awkward input) get the same row as transform() gives.
    unseen = [e.text for e in load_examples(DATA / "dev.jsonl")[::5]] + AWKWARD
    transformed = vectoriser.transform(unseen)
    for i, text in enumerate(unseen):
        indices, values = block.row(normaliser(text))
        got = np.zeros(len(block.vocabulary))
        got[indices] = values
        np.testing.assert_allclose(got, transformed[i].toarray().ravel(), rtol=0, atol=1e-12)


def random_sparse(rng: np.random.Generator, shape: tuple[int, int], density: float) -> sp.csr_matrix:
    keep = np.ones(shape[0])
    keep[[3, shape[0] - 1]] = 0  # an empty row in the middle and one at the end
    matrix = sp.diags(keep) @ sp.random(*shape, density=density, format="csr", random_state=rng)
    matrix = sp.csr_matrix(matrix)
    matrix.eliminate_zeros()
    return matrix


def as_scipy(rows: SparseRows) -> sp.csr_matrix:
    return sp.csr_matrix((rows.data, rows.indices, rows.indptr), shape=(rows.n_rows, rows.n_cols))


def ours(matrix: sp.csr_matrix) -> SparseRows:
    return SparseRows(
        matrix.data, matrix.indices.astype(np.int64), matrix.indptr.astype(np.int64), matrix.shape[1]
    )


def test_sparse_products_match_dense_arithmetic() -> None:
    rng = np.random.default_rng(7)
    matrix = random_sparse(rng, (40, 30), 0.15)
    rows = ours(matrix)
    weights = rng.normal(size=(5, 30))
    np.testing.assert_allclose(rows.apply(weights), weights @ matrix.toarray().T, atol=1e-12)
    residual = rng.normal(size=(5, 40))
    np.testing.assert_allclose(rows.transpose().apply(residual), residual @ matrix.toarray(), atol=1e-12)
    np.testing.assert_allclose(rows.transpose().to_dense(), matrix.toarray().T)
    picked = np.array([5, 3, 0])
    np.testing.assert_allclose(rows.take_rows(picked).to_dense(), matrix.toarray()[picked])
    unit = rows.normalise_rows().to_dense()
    norms = np.linalg.norm(matrix.toarray(), axis=1)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), (norms > 0).astype(float), atol=1e-12)
    other = random_sparse(rng, (40, 12), 0.2)
    np.testing.assert_allclose(hstack([rows, ours(other)]).to_dense(), sp.hstack([matrix, other]).toarray())


def test_inconsistent_arrays_are_refused() -> None:
    data = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="out of range"):
        SparseRows.checked(data, np.array([0, 9]), np.array([0, 1, 2]), (2, 3))
    with pytest.raises(ValueError, match="monotone"):
        SparseRows.checked(data, np.array([0, 1]), np.array([0, 2, 1]), (2, 3))
    with pytest.raises(ValueError, match="integers"):
        SparseRows.checked(data, np.array([0.0, 1.0]), np.array([0, 1, 2]), (2, 3))
    with pytest.raises(ValueError, match="shapes"):
        SparseRows.checked(data, np.array([0, 1]), np.array([0, 2]), (2, 3))
