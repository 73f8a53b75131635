"""The optional sentence-embedding blend (`pip install -e '.[embeddings]'`): skipped without the extra,
except the fallback test, which always runs."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from trustdesk.bot import embeddings, registry
from trustdesk.bot.classifier import IntentModel, ModelFileError
from trustdesk.bot.evaluation import evaluate
from trustdesk.bot.examples import Example, load_examples, merge_examples, shipped_examples
from trustdesk.bot.intents import Intent
from trustdesk.botdesk.models import TenantModels

from .conftest import DATA, model_cache_dir
from .test_model_swap import small_set

UNAVAILABLE = embeddings.available()
needs_extra = pytest.mark.skipif(
    UNAVAILABLE is not None, reason=f"the embeddings extra is not installed: {UNAVAILABLE}"
)


@pytest.fixture(scope="module")
def encoder() -> embeddings.SentenceEncoder:
    return embeddings.SentenceEncoder()


@pytest.fixture(scope="module")
def blended(encoder: embeddings.SentenceEncoder) -> embeddings.BlendedModel:
    return embeddings.train_blended(shipped_examples(), encoder=encoder)


@needs_extra
def test_encoder_reproduces_the_reference_embedding(encoder: embeddings.SentenceEncoder) -> None:
    # sentence-transformers' all-MiniLM-L6-v2 gives [0.0677, 0.0635, 0.0488, 0.0795, 0.0374, 0.0027, ...]
    # for this sentence (mean pooling, normalised).
    vector = encoder.encode(["This is an example sentence"])[0]
    assert vector.shape == (384,)
    assert np.linalg.norm(vector) == pytest.approx(1.0)
    np.testing.assert_allclose(vector[:6], [0.0677, 0.0635, 0.0488, 0.0795, 0.0374, 0.0027], atol=5e-4)


@needs_extra
def test_padding_does_not_change_an_embedding(encoder: embeddings.SentenceEncoder) -> None:
    texts = ["Where is my order?", "I was charged twice for the same jumper last week, can you refund one?"]
    together = encoder.encode(texts)
    for row, text in zip(together, texts, strict=True):
        np.testing.assert_allclose(row, encoder.encode([text])[0], atol=1e-5)


@needs_extra
def test_paraphrases_are_closer_than_other_requests(encoder: embeddings.SentenceEncoder) -> None:
    order, parcel, password = encoder.encode(
        ["Where is my order?", "Has my parcel shipped yet?", "I forgot my password"]
    )
    assert order @ parcel > order @ password + 0.1


@needs_extra
def test_weights_other_than_the_pinned_file_are_refused(tmp_path: Path) -> None:
    source = embeddings.model_directory()
    shutil.copy(source / "tokenizer.json", tmp_path / "tokenizer.json")
    (tmp_path / "model.safetensors").write_bytes(
        (source / "model.safetensors").read_bytes()[:-4] + b"\0\0\0\0"
    )
    with pytest.raises(embeddings.EmbeddingsUnavailable, match="not the expected"):
        embeddings.SentenceEncoder(tmp_path)


@needs_extra
def test_blend_keeps_dev_accuracy_and_agrees_with_classify_many(
    blended: embeddings.BlendedModel, model: IntentModel
) -> None:
    dev = load_examples(DATA / "dev.jsonl")
    assert evaluate(blended, dev).accuracy >= evaluate(model, dev).accuracy
    texts = [e.text for e in dev[:20]]
    assert [p.intent for p in blended.classify_many(texts)] == [blended.classify(t).intent for t in texts]


@needs_extra
def test_blended_model_is_saved_and_loaded_without_pickle(
    blended: embeddings.BlendedModel, encoder: embeddings.SentenceEncoder, tmp_path: Path
) -> None:
    blended.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "model.json",
        "weights.npz",
        "embedding.json",
        "embedding.npz",
    }
    loaded = embeddings.BlendedModel.load(tmp_path, encoder)
    texts = ["Where is my parcel?", "I want my money back for the broken kettle"]
    np.testing.assert_allclose(loaded.probabilities(texts)[0], blended.probabilities(texts)[0], atol=1e-5)
    (tmp_path / "embedding.npz").unlink()
    with pytest.raises(ModelFileError):
        embeddings.BlendedModel.load(tmp_path, encoder)


@needs_extra
def test_registry_with_the_setting_on_serves_and_retrains_the_blended_model(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A small shipped set keeps training quick; the registry code path is the live one.
    monkeypatch.setattr(registry, "shipped_examples", small_set)
    monkeypatch.setattr(registry, "_default_models", {})
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path))
    models = TenantModels(embeddings=True)
    try:
        base = models.base()
        assert isinstance(base, embeddings.BlendedModel)
        assert models.base() is base
        assert any(p.name.endswith("-embeddings") for p in tmp_path.iterdir())
        holder = registry.ModelHolder(base)
        assert holder.classify("Where is my order?").intent is base.classify("Where is my order?").intent
        extra = [Example(f"quibbleflux the parcel {n}", Intent.CHANGE_ADDRESS) for n in range(5)]
        retrained = holder.retrain_async(merge_examples(small_set(), extra)).result(120)
        assert isinstance(retrained, embeddings.BlendedModel) and holder.current is retrained
        # A new process (an empty memory cache) loads the saved blended model instead of retraining.
        monkeypatch.setattr(registry, "_default_models", {})
        reloaded = models.base()
        assert isinstance(reloaded, embeddings.BlendedModel) and reloaded is not base
        assert reloaded.classify("Where is my order?").intent is base.classify("Where is my order?").intent
    finally:
        models.close()


def test_setting_on_without_the_extra_falls_back_to_the_plain_model_with_one_warning(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path_factory: pytest.TempPathFactory,
    model: IntentModel,
) -> None:
    monkeypatch.setattr(embeddings, "available", lambda: "tokenizers is not installed (simulated)")
    monkeypatch.setattr(registry, "_warned_unavailable", False)
    monkeypatch.setenv("TRUSTDESK_BOT_EMBEDDINGS", "true")
    monkeypatch.setenv(registry.CACHE_ENV, str(model_cache_dir(tmp_path_factory)))  # `model` is cached
    assert registry.embeddings_setting() is True
    models = TenantModels(embeddings=True)
    try:
        with caplog.at_level(logging.WARNING, logger="trustdesk.bot"):
            served = [registry.default_model(), models.base(), models.base()]
    finally:
        models.close()
    for served_model in served:
        assert type(served_model) is IntentModel
        assert served_model.digest == model.digest
    warnings = [r for r in caplog.records if "TRUSTDESK_BOT_EMBEDDINGS" in r.getMessage()]
    assert len(warnings) == 1 and "simulated" in warnings[0].getMessage()
