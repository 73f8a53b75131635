"""The intent classifier: predictions, the out-of-scope rule, persistence without pickle, tenant examples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trustdesk.bot.classifier import IntentModel, ModelFileError, OperatingPoint, TrainingError, train
from trustdesk.bot.examples import Example, ExampleFileError, merge_examples, parse_examples, shipped_examples
from trustdesk.bot.intents import Intent
from trustdesk.bot.registry import load_or_train

from .conftest import model_cache_dir
from .fakes import TENANT_EXTRA_ROWS, TENANT_WORD


def test_every_intent_has_shipped_examples() -> None:
    counts: dict[Intent, int] = {}
    for example in shipped_examples():
        counts[example.intent] = counts.get(example.intent, 0) + 1
    assert set(counts) == set(Intent)
    assert min(counts.values()) >= 40


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("where is my parcel", Intent.TRACK_SHIPMENT),
        ("I want to cancel my order", Intent.CANCEL_ORDER),
        ("forgot my password", Intent.ACCOUNT_ACCESS),
        ("is this number really yours? 0800 123 456", Intent.VERIFY_CONTACT),
        ("what's the weather in Paris tomorrow", Intent.OUT_OF_SCOPE),
    ],
)
def test_clear_messages(model: IntentModel, text: str, intent: Intent) -> None:
    prediction = model.classify(text)
    assert prediction.intent is intent
    assert 0.0 <= prediction.confidence <= 1.0


def test_low_confidence_becomes_out_of_scope(model: IntentModel) -> None:
    strict = model.with_operating_point(OperatingPoint(min_confidence=0.999, gated_confidence=0.999))
    prediction = strict.classify("my parcel is late I think")
    assert prediction.intent is Intent.OUT_OF_SCOPE
    assert prediction.low_confidence
    assert prediction.best_intent is not Intent.OUT_OF_SCOPE


def test_batch_and_single_agree(model: IntentModel) -> None:
    texts = ["refund still not here", "hello", "the app crashes", "qwerty"]
    batch = model.classify_many(texts)
    single = [model.classify(t) for t in texts]
    for a, b in zip(batch, single, strict=True):
        assert a.intent is b.intent
        assert a.confidence == pytest.approx(b.confidence, abs=1e-9)
        assert a.similarity == pytest.approx(b.similarity, abs=1e-9)


def test_save_and_load_give_the_same_predictions(model: IntentModel, tmp_path: Path) -> None:
    model.save(tmp_path / "m")
    loaded = IntentModel.load(tmp_path / "m")
    texts = [e.text for e in shipped_examples()[::37]]
    for a, b in zip(model.classify_many(texts), loaded.classify_many(texts), strict=True):
        assert a.intent is b.intent
        assert a.confidence == pytest.approx(b.confidence, abs=1e-4)
    assert loaded.digest == model.digest
    assert loaded.operating_point == model.operating_point


def test_weights_file_with_pickled_objects_is_refused(model: IntentModel, tmp_path: Path) -> None:
    model.save(tmp_path / "m")
    arrays = dict(np.load(tmp_path / "m" / "weights.npz"))
    arrays["coef"] = np.array([object()], dtype=object)
    np.savez(tmp_path / "m" / "weights.npz", **arrays, allow_pickle=True)
    with pytest.raises(ModelFileError):
        IntentModel.load(tmp_path / "m")


def test_inconsistent_or_foreign_model_is_refused(model: IntentModel, tmp_path: Path) -> None:
    model.save(tmp_path / "m")
    meta_path = tmp_path / "m" / "model.json"
    meta = json.loads(meta_path.read_text())
    meta["word"]["vocabulary"] = meta["word"]["vocabulary"][:-5]
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelFileError):
        IntentModel.load(tmp_path / "m")
    meta["schema_version"] = 999
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="schema"):
        IntentModel.load(tmp_path / "m")
    with pytest.raises(ModelFileError):
        IntentModel.load(tmp_path / "missing")


def test_training_needs_every_intent() -> None:
    with pytest.raises(TrainingError, match="no training examples"):
        train([Example("hello", Intent.GREETING), Example("bye", Intent.THANKS_GOODBYE)])


def test_tenant_examples_teach_new_phrasing(
    model: IntentModel, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert model.classify(TENANT_WORD).intent is not Intent.CANCEL_ORDER
    extra = [Example(row["text"], Intent(row["intent"])) for row in TENANT_EXTRA_ROWS]
    tenant_model = load_or_train(
        merge_examples(shipped_examples(), extra), cache_dir=model_cache_dir(tmp_path_factory)
    )
    assert tenant_model.classify(TENANT_WORD).intent is Intent.CANCEL_ORDER


def test_tenant_example_relabels_a_shipped_one() -> None:
    base = [Example("where is my stuff", Intent.TRACK_SHIPMENT), Example("hi", Intent.GREETING)]
    merged = merge_examples(base, [Example("Where is my  stuff", Intent.ORDER_STATUS)])
    assert [(e.text, e.intent) for e in merged] == [
        ("hi", Intent.GREETING),
        ("Where is my  stuff", Intent.ORDER_STATUS),
    ]


def test_examples_file_errors_name_the_line() -> None:
    with pytest.raises(ExampleFileError, match=":2:.*unknown intent"):
        parse_examples(
            ['{"text": "hi", "intent": "greeting"}', '{"text": "x", "intent": "nope"}'], source="f"
        )
    with pytest.raises(ExampleFileError, match=":1: not valid JSON"):
        parse_examples(["{nope"], source="f")
