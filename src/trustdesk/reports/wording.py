"""The learned wording model: how much a message's words read like phishing and spam.

A linear model (logistic regression over sublinear TF-IDF of words and word pairs) trained by
`trustdesk.reports.training` on the tune half of the benchmark corpus and shipped as a small JSON file
(`wording_model.json`, rebuilt by `.venv/bin/python bench/reports.py --train`). Inference is plain Python
(no scikit-learn, no numpy) and the same `terms` function feeds training and inference, so the two cannot
drift apart. The model also says which of the message's words pushed it most, so its reason can quote
them.

The file also holds the combiner that merges the rule signals' noisy-OR score with the wording evidence
into the final score, and the verdict thresholds chosen by a rule fixed in advance (see
docs/performance.md, Reports).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

MODEL_FILE = "wording_model.json"
# Only the start of a long message is read: phishing makes its point early, and it bounds the work.
MAX_CHARS = 20_000
# Letters only: digits (dates, amounts, order numbers) say more about when a corpus was collected than
# about fraud.
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# Words too common to explain anything when quoted back to a user (they still count in the model).
_UNQUOTABLE = frozenset(
    "the and to of in is it on at by as or an be are was for this that with from your you our we us my"
    " me he she they them his her its not but so if do all any can has have had will would de la le el"
    " da do em um uma en het een der die das und ist sie se na no os as com por que para não nao mais"
    " du des les et est pour dans une van voor op te zu von mit den dem für ein eine".split()
)


def _quotable(term: str) -> bool:
    words = term.split()
    if len(words) == 1:
        return len(term) >= 3 and term not in _UNQUOTABLE
    return not set(words) <= _UNQUOTABLE


def terms(text: str) -> list[str]:
    """Lower-cased words of two or more letters, followed by every pair of adjacent words."""
    words = _WORD_RE.findall(text[:MAX_CHARS].lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True, slots=True)
class Wording:
    """The model's reading of one text: log-odds that it is phishing or spam, and the words that pushed
    hardest towards that (strongest first)."""

    logit: float
    top_terms: tuple[str, ...] = ()

    @property
    def probability(self) -> float:
        return 1.0 / (1.0 + math.exp(-self.logit))


@dataclass(frozen=True, slots=True)
class Combiner:
    """score = sigmoid(bias + rules * logit(noisy-OR of the rule signals) + wording * max(0, wording logit)).

    The wording only ever adds evidence, like every other reason: mail that reads like phishing needs
    fewer red flags, but ordinary-sounding wording never hides a red flag (spam and phishing written in
    plain English read like ordinary mail to a model trained on this corpus)."""

    bias: float
    rules: float
    wording: float
    # The rule score is clipped to [floor, 1 - floor] before taking its logit (a message with no signal
    # still has some chance of being phishing).
    floor: float = 0.02

    def score(self, rule_score: float, wording_logit: float) -> float:
        r = min(max(rule_score, self.floor), 1.0 - self.floor)
        z = self.bias + self.rules * math.log(r / (1.0 - r)) + self.wording * max(0.0, wording_logit)
        if z < -700:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


class WordingModel:
    """A trained linear text model: vocabulary -> (idf, coefficient), plus an intercept."""

    def __init__(self, vocabulary: dict[str, tuple[float, float]], intercept: float) -> None:
        self.vocabulary = vocabulary
        self.intercept = intercept

    def read(self, text: str, top: int = 4) -> Wording:
        """Log-odds for `text` and its `top` most phishing-like terms (those with a positive push)."""
        counts = Counter(t for t in terms(text) if t in self.vocabulary)
        if not counts:
            return Wording(self.intercept)
        weighted = {t: (1.0 + math.log(n)) * self.vocabulary[t][0] for t, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weighted.values()))
        pushes = {t: w / norm * self.vocabulary[t][1] for t, w in weighted.items()}
        logit = self.intercept + sum(pushes.values())
        strongest = sorted(((p, t) for t, p in pushes.items() if p > 0 and _quotable(t)), reverse=True)
        return Wording(logit, tuple(t for _, t in strongest[:top]))

    def to_json(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "vocabulary": {t: [round(i, 5), round(c, 5)] for t, (i, c) in sorted(self.vocabulary.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WordingModel:
        vocabulary = {str(t): (float(v[0]), float(v[1])) for t, v in data["vocabulary"].items()}
        return cls(vocabulary, float(data["intercept"]))


@dataclass(frozen=True, slots=True)
class ShippedModel:
    """Everything learned that the analysis uses: the wording model, the combiner and the thresholds."""

    wording: WordingModel
    combiner: Combiner
    suspicious: float
    phishing: float
    # When the wording model alone puts a message at or above this probability, it becomes a reason.
    reason_probability: float


@cache
def shipped_model() -> ShippedModel:
    """The model shipped with the package (loaded once)."""
    text = resources.files("trustdesk.reports").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return model_from_json(json.loads(text))


def model_from_json(data: dict[str, Any]) -> ShippedModel:
    combiner = data["combiner"]
    return ShippedModel(
        wording=WordingModel.from_json(data["wording"]),
        combiner=Combiner(float(combiner["bias"]), float(combiner["rules"]), float(combiner["wording"])),
        suspicious=float(data["thresholds"]["suspicious"]),
        phishing=float(data["thresholds"]["phishing"]),
        reason_probability=float(data["reason_probability"]),
    )
