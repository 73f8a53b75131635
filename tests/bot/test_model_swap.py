"""Retraining in the background and swapping models without a gap in service."""

from __future__ import annotations

import threading

import pytest

from trustdesk.bot.classifier import IntentModel, TrainingError
from trustdesk.bot.examples import Example, merge_examples, shipped_examples
from trustdesk.bot.intents import Intent
from trustdesk.bot.registry import ModelHolder, load_or_train


def small_set() -> list[Example]:
    """A few examples per intent: enough to train quickly, which is all these tests need."""
    seen: dict[Intent, int] = {}
    picked = []
    for example in shipped_examples():
        if seen.get(example.intent, 0) < 8:
            seen[example.intent] = seen.get(example.intent, 0) + 1
            picked.append(example)
    return picked


def test_classification_continues_during_retraining_and_new_model_takes_over(model: IntentModel) -> None:
    holder = ModelHolder(model)
    phrase = "quibbleflux the parcel"
    extra = [Example(f"{phrase} {n}", Intent.CHANGE_ADDRESS) for n in ("", "now", "please", "today", "asap")]
    answered: list[tuple[int, Intent]] = []
    stop = threading.Event()

    def keep_classifying() -> None:
        while not stop.is_set():
            generation = holder.generation
            answered.append((generation, holder.classify("where is my parcel").intent))

    worker = threading.Thread(target=keep_classifying)
    worker.start()
    try:
        future = holder.retrain_async(merge_examples(small_set(), extra))
        new_model = future.result(timeout=120)
    finally:
        stop.set()
        worker.join()
        holder.close()
    before_swap = [intent for generation, intent in answered if generation == 0]
    assert before_swap and all(intent is Intent.TRACK_SHIPMENT for intent in before_swap)
    assert holder.current is new_model
    assert holder.generation == 1
    assert holder.classify(phrase).intent is Intent.CHANGE_ADDRESS


def test_failed_retraining_keeps_the_old_model(model: IntentModel) -> None:
    holder = ModelHolder(model)
    outcomes: list[object] = []
    future = holder.retrain_async(
        [Example("hi", Intent.GREETING)], on_done=lambda m, exc: outcomes.append(exc)
    )
    with pytest.raises(TrainingError):
        future.result(timeout=60)
    holder.close()
    assert holder.current is model
    assert holder.generation == 0
    assert isinstance(outcomes[0], TrainingError)


def test_cache_returns_the_same_model_for_the_same_examples(tmp_path) -> None:
    examples = small_set()
    first = load_or_train(examples, cache_dir=tmp_path)
    second = load_or_train(examples, cache_dir=tmp_path)
    assert second.digest == first.digest
    assert second is not first  # loaded from disk, not retrained
    assert second.training_seconds == pytest.approx(first.training_seconds)
