"""Intent classifier: a linear model over word and character n-grams, with an out-of-scope rule.

Languages: one model learns from the examples of every language (each language's lexicon maps its
key words onto the English ones, bot/normalise.py); English messages are answered by a companion
model trained on the English examples only, so the other languages never cost English accuracy.
Which one answers follows the message's language (given, or identified as the guard does).

NumPy only: the n-gram analysers and TF-IDF weights are in features.py, the L-BFGS training of the
multinomial logistic regression in logistic.py. Training takes a few seconds on one core and
classification about a millisecond per message. A model is saved as JSON (vocabularies, settings)
plus a NumPy .npz of plain arrays loaded with allow_pickle=False, so a model file can never execute
code.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from trustdesk.bot.examples import Example, examples_digest
from trustdesk.bot.features import Analyser, SparseRows, TfidfBlock, hstack, segment_positions
from trustdesk.bot.intents import Intent
from trustdesk.bot.logistic import fit_multinomial
from trustdesk.bot.normalise import Normaliser, default_normaliser
from trustdesk.guard.language import identify
from trustdesk.i18n.languages import DEFAULT_LANGUAGE, supported

SCHEMA_VERSION = 1
MODEL_JSON = "model.json"
ENGLISH_DIR = "english"
WEIGHTS_NPZ = "weights.npz"


class ModelFileError(ValueError):
    """A saved model is missing, from another schema version, or inconsistent."""


class TrainingError(ValueError):
    """The examples cannot train a model (too few, or an intent without examples)."""


@dataclass(frozen=True)
class OperatingPoint:
    """When a prediction is replaced by out_of_scope.

    A message is out of scope when the model says so, when the best in-scope probability is
    below `min_confidence`, or when it is below `gated_confidence` and the message is also far
    from every in-scope training example (cosine similarity below `min_similarity`).
    The defaults were chosen on development data (tests/bot/data/dev.jsonl and the CLINC150
    validation split), never on the held-out set: see docs/performance.md, "## Bot".
    """

    min_confidence: float = 0.25
    gated_confidence: float = 0.5
    min_similarity: float = 0.3


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters of the linear model and its features."""

    c: float = 30.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    max_iter: int = 3000


@dataclass(frozen=True)
class Prediction:
    """The classifier's answer for one message.

    `confidence` is the model's probability of `intent`, except when the out-of-scope rule
    overrode an in-scope best guess: then it is 1 - that guess's probability and
    `low_confidence` is True. `similarity` is the cosine similarity to the nearest in-scope
    training example; `alternatives` are the three most probable intents before the rule.
    """

    intent: Intent
    confidence: float
    best_intent: Intent
    best_probability: float
    similarity: float
    low_confidence: bool = False
    alternatives: tuple[tuple[Intent, float], ...] = field(default=())


class IntentModel:
    """A trained, immutable intent classifier. Safe to share between threads."""

    def __init__(
        self,
        *,
        normaliser: Normaliser,
        word: TfidfBlock,
        char: TfidfBlock,
        classes: Sequence[Intent],
        coef: np.ndarray,
        intercept: np.ndarray,
        reference: SparseRows,
        operating_point: OperatingPoint,
        config: TrainingConfig,
        digest: str,
        example_count: int,
        training_seconds: float,
    ) -> None:
        self._normaliser = normaliser
        self._word = word
        self._char = char
        self._classes = tuple(classes)
        self._coef = np.ascontiguousarray(coef, dtype=np.float64)
        # One row per feature, so the rows a message touches can be gathered cheaply.
        self._coef_t = np.ascontiguousarray(self._coef.T)
        self._intercept = np.asarray(intercept, dtype=np.float64)
        # The in-scope training examples (unit rows), stored by feature: for each feature, the
        # examples that have it and their weights.
        self._reference_t = reference.transpose()
        self._char_offset = len(word.vocabulary)
        self._operating_point = operating_point
        self._config = config
        self._digest = digest
        self._example_count = example_count
        self._training_seconds = training_seconds
        self._oos_index = self._classes.index(Intent.OUT_OF_SCOPE)
        # The English-only companion (None when the examples were all in one language).
        self._english: IntentModel | None = None

    @property
    def english(self) -> IntentModel | None:
        """The companion model that answers English messages, if any."""
        return self._english

    def with_english(self, english: IntentModel | None) -> IntentModel:
        """This model answering English messages with `english` (no retraining)."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._english = english
        return clone

    def _answers(self, text: str, lang: str | None) -> IntentModel:
        """The model for a message: the English companion for English, else this one."""
        if self._english is None:
            return self
        code = supported(lang) if lang is not None else None
        if code is None:
            code = identify(text).code
        return self._english if code == DEFAULT_LANGUAGE else self

    @property
    def intents(self) -> tuple[Intent, ...]:
        """The intents this model can return."""
        return self._classes

    @property
    def operating_point(self) -> OperatingPoint:
        """The out-of-scope rule in force."""
        return self._operating_point

    @property
    def digest(self) -> str:
        """Fingerprint of the examples the model was trained on."""
        return self._digest

    @property
    def example_count(self) -> int:
        """How many examples trained the model."""
        return self._example_count

    @property
    def training_seconds(self) -> float:
        """Wall time the training took."""
        return self._training_seconds

    def with_operating_point(self, operating_point: OperatingPoint) -> IntentModel:
        """A copy of this model with another out-of-scope rule (no retraining)."""
        clone = object.__new__(IntentModel)
        clone.__dict__.update(self.__dict__)
        clone._operating_point = operating_point
        if self._english is not None:
            clone._english = self._english.with_operating_point(operating_point)
        return clone

    def _featurise(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and weights of one message's feature vector."""
        normalised = self._normaliser(text)
        w_idx, w_val = self._word.row(normalised)
        c_idx, c_val = self._char.row(normalised)
        indices = np.asarray(w_idx + [i + self._char_offset for i in c_idx], dtype=np.int64)
        return indices, np.concatenate([w_val, c_val])

    def _similarity(self, indices: np.ndarray, values: np.ndarray) -> float:
        """Cosine similarity of a feature vector to its nearest in-scope training example."""
        if not len(indices):
            return 0.0
        reference = self._reference_t
        starts = reference.indptr[indices]
        lengths = reference.indptr[indices + 1] - starts
        positions = segment_positions(starts, lengths)
        if not len(positions):
            return 0.0
        unit = values / math.sqrt(float(values @ values))
        sums = np.bincount(
            reference.indices[positions],
            weights=reference.data[positions] * np.repeat(unit, lengths),
            minlength=reference.n_cols,
        )
        return max(float(sums.max()), 0.0)

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities (rows follow `texts`, columns follow `intents`) and the cosine
        similarity of each text to its nearest in-scope training example."""
        rows = [self._featurise(t) for t in texts]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(idx) for idx, _ in rows], out=indptr[1:])
        indices = np.concatenate([idx for idx, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        data = np.concatenate([val for _, val in rows]) if rows else np.zeros(0)
        features = SparseRows(data, indices, indptr, self._coef.shape[1])
        scores = features.apply(self._coef).T + self._intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        similarity = np.array([self._similarity(idx, val) for idx, val in rows], dtype=np.float64)
        return scores, similarity

    def classify_many(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[Prediction]:
        """Classify several messages at once (`langs`: each one's language, if known)."""
        if not texts:
            return []
        if self._english is not None:
            chosen = [
                self._answers(t, lang) for t, lang in zip(texts, langs or [None] * len(texts), strict=True)
            ]
            results: list[Prediction | None] = [None] * len(texts)
            for model in (self, self._english):
                picked = [i for i, m in enumerate(chosen) if m is model]
                for i, prediction in zip(
                    picked, model._classify_own([texts[i] for i in picked]), strict=True
                ):
                    results[i] = prediction
            return [r for r in results if r is not None]
        return self._classify_own(texts)

    def _classify_own(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        probabilities, similarity = self.probabilities(list(texts))
        return [self._decide(row, float(sim)) for row, sim in zip(probabilities, similarity, strict=True)]

    def classify(self, text: str, lang: str | None = None) -> Prediction:
        """Classify one message (`lang`: its language, if known; else it is identified)."""
        model = self._answers(text, lang)
        return model._classify_one(text) if model is not self else self._classify_one(text)

    def _classify_one(self, text: str) -> Prediction:
        indices, values = self._featurise(text)
        scores = values @ self._coef_t[indices] + self._intercept
        scores -= scores.max()
        probabilities = np.exp(scores)
        probabilities /= probabilities.sum()
        return self._decide(probabilities, self._similarity(indices, values))

    def _decide(self, row: np.ndarray, similarity: float) -> Prediction:
        order = np.argsort(-row)
        best = int(order[0])
        best_p = float(row[best])
        alternatives = tuple((self._classes[int(i)], round(float(row[int(i)]), 4)) for i in order[:3])
        best_intent = self._classes[best]
        op = self._operating_point
        if best == self._oos_index:
            return Prediction(
                Intent.OUT_OF_SCOPE, best_p, best_intent, best_p, similarity, False, alternatives
            )
        rejected = best_p < op.min_confidence or (
            best_p < op.gated_confidence and similarity < op.min_similarity
        )
        if rejected:
            return Prediction(
                Intent.OUT_OF_SCOPE, 1.0 - best_p, best_intent, best_p, similarity, True, alternatives
            )
        return Prediction(best_intent, best_p, best_intent, best_p, similarity, False, alternatives)

    # -- persistence -----------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write model.json and weights.npz into `directory` (created if needed)."""
        directory.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "classes": [c.value for c in self._classes],
            "operating_point": asdict(self._operating_point),
            "config": asdict(self._config),
            "digest": self._digest,
            "example_count": self._example_count,
            "training_seconds": self._training_seconds,
            "normaliser": self._normaliser.to_json(),
            "word": {"vocabulary": self._word.terms()},
            "char": {"vocabulary": self._char.terms()},
            "english_companion": self._english is not None,
        }
        reference = self._reference_t.transpose()
        tmp_json = directory / (MODEL_JSON + ".tmp")
        tmp_npz = directory / (WEIGHTS_NPZ + ".tmp.npz")
        tmp_json.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(
            tmp_npz,
            coef=self._coef.astype(np.float32),
            intercept=self._intercept,
            word_idf=self._word.idf,
            char_idf=self._char.idf,
            ref_data=reference.data.astype(np.float32),
            ref_indices=reference.indices.astype(np.int32),
            ref_indptr=reference.indptr.astype(np.int32),
            ref_shape=np.asarray([reference.n_rows, reference.n_cols], dtype=np.int64),
        )
        if self._english is not None:
            self._english.save(directory / ENGLISH_DIR)
        # Replace both files only when both are complete, so a reader never sees half a model.
        tmp_npz.replace(directory / WEIGHTS_NPZ)
        tmp_json.replace(directory / MODEL_JSON)

    @classmethod
    def load(cls, directory: Path) -> IntentModel:
        """Read a model written by `save`; raises ModelFileError when it is unusable."""
        try:
            meta = json.loads((directory / MODEL_JSON).read_text(encoding="utf-8"))
            arrays = np.load(directory / WEIGHTS_NPZ, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"cannot read model in {directory}: {exc}") from None
        if not isinstance(meta, dict) or meta.get("schema_version") != SCHEMA_VERSION:
            raise ModelFileError(f"model in {directory} has another schema version; retrain it")
        try:
            classes = [Intent(c) for c in meta["classes"]]
            normaliser = Normaliser.from_json(meta["normaliser"])
            config = TrainingConfig(
                c=float(meta["config"]["c"]),
                word_ngrams=_pair(meta["config"]["word_ngrams"]),
                char_ngrams=_pair(meta["config"]["char_ngrams"]),
                max_iter=int(meta["config"]["max_iter"]),
            )
            op = OperatingPoint(**{k: float(v) for k, v in meta["operating_point"].items()})
            word = _restore("word", config.word_ngrams, meta["word"]["vocabulary"], arrays["word_idf"])
            char = _restore("char_wb", config.char_ngrams, meta["char"]["vocabulary"], arrays["char_idf"])
            coef = arrays["coef"].astype(np.float64)
            intercept = arrays["intercept"].astype(np.float64)
            n_rows, n_cols = (int(x) for x in arrays["ref_shape"])
            reference = SparseRows.checked(
                arrays["ref_data"], arrays["ref_indices"], arrays["ref_indptr"], (n_rows, n_cols)
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"model in {directory} is inconsistent: {exc}") from None
        n_features = len(word.vocabulary) + len(char.vocabulary)
        if coef.shape != (len(classes), n_features) or intercept.shape != (len(classes),):
            raise ModelFileError(f"model in {directory} has weights that do not match its vocabulary")
        if n_cols != n_features or Intent.OUT_OF_SCOPE not in classes:
            raise ModelFileError(f"model in {directory} has an inconsistent reference matrix")
        model = cls(
            normaliser=normaliser,
            word=word,
            char=char,
            classes=classes,
            coef=coef,
            intercept=intercept,
            reference=reference,
            operating_point=op,
            config=config,
            digest=str(meta["digest"]),
            example_count=int(meta["example_count"]),
            training_seconds=float(meta["training_seconds"]),
        )
        if meta.get("english_companion"):
            model._english = IntentModel.load(directory / ENGLISH_DIR)
        return model


def _pair(value: Any) -> tuple[int, int]:
    low, high = value
    return (int(low), int(high))


def _restore(kind: Analyser, ngrams: tuple[int, int], terms: list[str], idf: np.ndarray) -> TfidfBlock:
    if len(terms) != len(idf) or np.asarray(idf).ndim != 1:
        raise ValueError(f"{kind} vocabulary and idf lengths differ")
    vocabulary = {str(term): index for index, term in enumerate(terms)}
    if len(vocabulary) != len(terms):
        raise ValueError(f"{kind} vocabulary repeats a term")
    return TfidfBlock(kind, ngrams, vocabulary, np.asarray(idf, dtype=np.float64))


def training_matrix(
    examples: Sequence[Example], normaliser: Normaliser, config: TrainingConfig
) -> tuple[TfidfBlock, TfidfBlock, SparseRows, list[str], np.ndarray]:
    """The fitted word and char blocks, the examples' feature rows, the sorted class names and each
    example's class index: what the optimiser is trained on (ValueError for an empty vocabulary)."""
    texts = [normaliser(e.text) for e in examples]
    labels = np.array([e.intent.value for e in examples])
    classes = sorted(set(labels.tolist()))
    word, word_rows = TfidfBlock.fit("word", config.word_ngrams, texts)
    char, char_rows = TfidfBlock.fit("char_wb", config.char_ngrams, texts)
    return word, char, hstack([word_rows, char_rows]), classes, np.searchsorted(np.array(classes), labels)


def train(
    examples: Iterable[Example],
    *,
    normaliser: Normaliser | None = None,
    config: TrainingConfig | None = None,
    operating_point: OperatingPoint | None = None,
) -> IntentModel:
    """Train an IntentModel from labelled examples (every intent, out_of_scope included, needs some).

    With examples in English and in other languages, an English-only companion is trained too and
    answers English messages. Pure and thread-safe: it touches no shared state, so it can run in a
    background thread while the previous model keeps answering.
    """
    data = list(examples)
    english = [e for e in data if e.lang == DEFAULT_LANGUAGE]
    if english and len(english) < len(data) and not {i for i in Intent} - {e.intent for e in english}:
        model = _train_one(data, normaliser, config, operating_point)
        return model.with_english(_train_one(english, normaliser, config, operating_point))
    return _train_one(data, normaliser, config, operating_point)


def _train_one(
    data: list[Example],
    normaliser: Normaliser | None,
    config: TrainingConfig | None,
    operating_point: OperatingPoint | None,
) -> IntentModel:
    config = config or TrainingConfig()
    normaliser = normaliser or default_normaliser()
    missing = sorted(i.value for i in set(Intent) - {e.intent for e in data})
    if missing:
        raise TrainingError(f"no training examples for: {', '.join(missing)}")
    started = time.perf_counter()
    try:
        matrix = training_matrix(data, normaliser, config)
    except ValueError as exc:
        raise TrainingError(str(exc)) from None
    word, char, features, classes, targets = matrix
    fitted = fit_multinomial(features, targets, len(classes), c=config.c, max_iter=config.max_iter)
    in_scope = np.flatnonzero(np.array([e.intent.value for e in data]) != Intent.OUT_OF_SCOPE.value)
    reference = features.take_rows(in_scope).normalise_rows()
    elapsed = time.perf_counter() - started
    return IntentModel(
        normaliser=normaliser,
        word=word,
        char=char,
        classes=[Intent(c) for c in classes],
        coef=fitted.coef,
        intercept=fitted.intercept,
        reference=reference,
        operating_point=operating_point or OperatingPoint(),
        config=config,
        digest=examples_digest(data),
        example_count=len(data),
        training_seconds=elapsed,
    )
