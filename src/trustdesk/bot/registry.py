"""Keeping a model in service: atomic swaps, background retraining, and a trained-model cache."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from trustdesk.bot.classifier import IntentModel, ModelFileError, OperatingPoint, Prediction, train
from trustdesk.bot.examples import Example, examples_digest, merge_examples, shipped_examples

CACHE_ENV = "TRUSTDESK_BOT_CACHE"


class ModelHolder:
    """Serves classifications from the current model while a new one trains in the background.

    Swapping is a single reference assignment: a classification in flight finishes on the
    model it started with, and the next one uses the new model. Nothing is ever half-swapped.
    """

    def __init__(self, model: IntentModel) -> None:
        self._model = model
        self._lock = threading.Lock()
        self._generation = 0
        self._executor: ThreadPoolExecutor | None = None

    @property
    def current(self) -> IntentModel:
        """The model answering right now."""
        return self._model

    @property
    def generation(self) -> int:
        """How many times the model has been swapped."""
        return self._generation

    def classify(self, text: str) -> Prediction:
        """Classify with the current model."""
        return self._model.classify(text)

    def swap(self, model: IntentModel) -> None:
        """Put `model` in service."""
        with self._lock:
            self._model = model
            self._generation += 1

    def retrain_async(
        self,
        examples: Iterable[Example],
        *,
        operating_point: OperatingPoint | None = None,
        on_done: Callable[[IntentModel | None, BaseException | None], None] | None = None,
    ) -> Future[IntentModel]:
        """Train on `examples` in a background thread and swap the result in when it succeeds.

        On failure the current model stays in service and the Future carries the exception.
        Requests are handled one at a time in submission order, so the last request wins.
        """
        data = list(examples)
        op = operating_point or self._model.operating_point
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bot-retrain")
            executor = self._executor

        def job() -> IntentModel:
            try:
                model = train(data, operating_point=op)
            except BaseException as exc:
                if on_done is not None:
                    on_done(None, exc)
                raise
            self.swap(model)
            if on_done is not None:
                on_done(model, None)
            return model

        return executor.submit(job)

    def close(self) -> None:
        """Stop the background worker after any retraining in progress."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)


def default_cache_dir() -> Path | None:
    """Where trained models are cached: $TRUSTDESK_BOT_CACHE, else ~/.cache/trustdesk/bot; '' disables."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trustdesk" / "bot"


def load_or_train(examples: Iterable[Example], *, cache_dir: Path | None = None) -> IntentModel:
    """Load the cached model trained on exactly these examples, or train (and cache) one.

    The cache is keyed by the examples' digest; a model from another code version or with a
    digest mismatch is retrained. Cache files hold JSON and plain arrays only.
    """
    data = list(examples)
    digest = examples_digest(data)
    target = cache_dir / digest[:24] if cache_dir is not None else None
    if target is not None and target.is_dir():
        try:
            cached = IntentModel.load(target)
            if cached.digest == digest:
                return cached
        except ModelFileError:
            pass
    model = train(data)
    if target is not None:
        try:
            model.save(target)
        except OSError:
            pass  # a read-only cache only costs the next start a retrain
    return model


_default_lock = threading.Lock()
_default_model: IntentModel | None = None


def default_model(extra_examples: Iterable[Example] = ()) -> IntentModel:
    """The model trained on the shipped examples (plus `extra_examples`), cached on disk and,
    without extras, in memory for the life of the process."""
    global _default_model
    extra = list(extra_examples)
    if extra:
        return load_or_train(merge_examples(shipped_examples(), extra), cache_dir=default_cache_dir())
    with _default_lock:
        if _default_model is None:
            _default_model = load_or_train(shipped_examples(), cache_dir=default_cache_dir())
        return _default_model
