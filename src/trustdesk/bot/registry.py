"""Keeping a model in service: atomic swaps, background retraining, and a trained-model cache.

With TRUSTDESK_BOT_EMBEDDINGS=true and the `embeddings` extra installed, the models trained,
cached and served here are blended with sentence embeddings (trustdesk.bot.embeddings); when the
extra is missing, one warning is logged and the plain TF-IDF model is used.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from trustdesk.bot import embeddings as emb
from trustdesk.bot.classifier import IntentModel, ModelFileError, OperatingPoint, Prediction, train
from trustdesk.bot.examples import Example, examples_digest, merge_examples, shipped_examples

CACHE_ENV = "TRUSTDESK_BOT_CACHE"
log = logging.getLogger("trustdesk.bot")

_embeddings_lock = threading.Lock()
_warned_unavailable = False
_encoder: emb.SentenceEncoder | None = None


def embeddings_setting() -> bool:
    """TRUSTDESK_BOT_EMBEDDINGS (settings file included); an unreadable configuration counts as off."""
    from pydantic import ValidationError

    from trustdesk.config import Settings

    try:
        return Settings().bot_embeddings
    except ValidationError:
        log.warning("the configuration is invalid; the bot uses the plain model (no embeddings)")
        return False


def use_embeddings(requested: bool) -> bool:
    """Whether a blended model can be used when `requested`; warns once per process when the
    extra is missing (the plain model is used then)."""
    global _warned_unavailable
    if not requested:
        return False
    reason = emb.available()
    if reason is None:
        return True
    with _embeddings_lock:
        if not _warned_unavailable:
            _warned_unavailable = True
            log.warning(
                "TRUSTDESK_BOT_EMBEDDINGS is on but the embeddings extra cannot be used (%s); "
                "the bot uses the plain TF-IDF model",
                reason,
            )
    return False


def shared_encoder() -> emb.SentenceEncoder:
    """One sentence encoder per process (its weights are read and checked once)."""
    global _encoder
    with _embeddings_lock:
        if _encoder is None:
            _encoder = emb.SentenceEncoder()
        return _encoder


def train_model(
    examples: Iterable[Example], *, embeddings: bool = False, operating_point: OperatingPoint | None = None
) -> IntentModel:
    """Train a plain model, or a blended one when `embeddings` (already checked by use_embeddings)."""
    if embeddings:
        return emb.train_blended(examples, encoder=shared_encoder(), operating_point=operating_point)
    return train(examples, operating_point=operating_point)


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

    def classify(self, text: str, lang: str | None = None) -> Prediction:
        """Classify with the current model (`lang`: the message's language, if known)."""
        return self._model.classify(text, lang)

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
        blended = isinstance(self._model, emb.BlendedModel)  # retrain the kind in service
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bot-retrain")
            executor = self._executor

        def job() -> IntentModel:
            try:
                model = train_model(data, embeddings=blended, operating_point=op)
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


def load_or_train(
    examples: Iterable[Example], *, cache_dir: Path | None = None, embeddings: bool = False
) -> IntentModel:
    """Load the cached model trained on exactly these examples, or train (and cache) one.

    The cache is keyed by the examples' digest (and by kind: blended models live in their own
    directories); a model from another code version or with a digest mismatch is retrained.
    Cache files hold JSON and plain arrays only. `embeddings` must come from use_embeddings.
    """
    data = list(examples)
    digest = examples_digest(data)
    name = digest[:24] + ("-embeddings" if embeddings else "")
    if cache_dir is None:
        return train_model(data, embeddings=embeddings)
    target = cache_dir / name
    # Processes sharing the cache (a server's workers, test workers) train a given model once: the
    # first holds the lock while it trains and saves, the others then load what it saved.
    with _cache_lock(cache_dir / f"{name}.lock"):
        if target.is_dir():
            try:
                cached = (
                    emb.BlendedModel.load(target, shared_encoder())
                    if embeddings
                    else IntentModel.load(target)
                )
                if cached.digest == digest:
                    return cached
            except ModelFileError:
                pass
        model = train_model(data, embeddings=embeddings)
        try:
            model.save(target)
        except OSError:
            pass  # a read-only cache only costs the next start a retrain
        return model


@contextmanager
def _cache_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` across processes and threads; none when it cannot be created."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
    except OSError:
        yield  # a read-only cache: no lock, as without a cache
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_default_lock = threading.Lock()
_default_models: dict[bool, IntentModel] = {}


def default_model(extra_examples: Iterable[Example] = (), *, embeddings: bool | None = None) -> IntentModel:
    """The model trained on the shipped examples (plus `extra_examples`), cached on disk and,
    without extras, in memory for the life of the process.

    `embeddings`: serve the blended model (None: the TRUSTDESK_BOT_EMBEDDINGS setting); without
    the extra this warns once and serves the plain model.
    """
    blended = use_embeddings(embeddings_setting() if embeddings is None else embeddings)
    extra = list(extra_examples)
    if extra:
        return load_or_train(
            merge_examples(shipped_examples(), extra), cache_dir=default_cache_dir(), embeddings=blended
        )
    with _default_lock:
        if blended not in _default_models:
            _default_models[blended] = load_or_train(
                shipped_examples(), cache_dir=default_cache_dir(), embeddings=blended
            )
        return _default_models[blended]
