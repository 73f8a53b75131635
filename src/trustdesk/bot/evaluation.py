"""Accuracy, macro-F1 and confusions of a model on labelled examples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from trustdesk.bot.classifier import IntentModel
from trustdesk.bot.examples import Example
from trustdesk.bot.intents import Intent


@dataclass(frozen=True)
class IntentScore:
    """Precision, recall and F1 of one intent."""

    intent: Intent
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class EvalReport:
    """How a model did on a labelled set."""

    total: int
    accuracy: float
    macro_f1: float
    per_intent: tuple[IntentScore, ...]
    confusions: tuple[tuple[Intent, Intent, int], ...]  # (expected, predicted, count), commonest first
    errors: tuple[tuple[str, Intent, Intent, float], ...]  # (text, expected, predicted, confidence)

    def to_json(self, *, max_errors: int = 0) -> dict[str, object]:
        """A JSON-ready summary (with at most `max_errors` misclassified texts)."""
        return {
            "total": self.total,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_intent": {
                s.intent.value: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for s in self.per_intent
            },
            "confusions": [
                {"expected": e.value, "predicted": p.value, "count": n} for e, p, n in self.confusions
            ],
            "errors": [
                {"text": t, "expected": e.value, "predicted": p.value, "confidence": round(c, 4)}
                for t, e, p, c in self.errors[:max_errors]
            ],
        }


def score_predictions(
    expected: Sequence[Intent], predicted: Sequence[Intent], *, gold_labels_only: bool = False
) -> tuple[float, float, tuple[IntentScore, ...]]:
    """Accuracy, macro-F1 and per-intent scores.

    Macro-F1 averages over the intents present in either list, or only over the expected ones
    with `gold_labels_only` (for a subset that covers a few intents, such as mapped public data).
    """
    if len(expected) != len(predicted):
        raise ValueError("expected and predicted differ in length")
    if not expected:
        return 0.0, 0.0, ()
    accuracy = sum(e == p for e, p in zip(expected, predicted, strict=True)) / len(expected)
    present = set(expected) if gold_labels_only else set(expected) | set(predicted)
    labels = sorted(present, key=lambda i: i.value)
    gold = Counter(expected)
    guessed = Counter(predicted)
    hits = Counter(e for e, p in zip(expected, predicted, strict=True) if e == p)
    scores: list[IntentScore] = []
    for label in labels:
        precision = hits[label] / guessed[label] if guessed[label] else 0.0
        recall = hits[label] / gold[label] if gold[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(IntentScore(label, precision, recall, f1, gold[label]))
    macro_f1 = sum(s.f1 for s in scores) / len(scores)
    return accuracy, macro_f1, tuple(scores)


def evaluate(model: IntentModel, examples: Sequence[Example]) -> EvalReport:
    """Classify every example and compare with its label."""
    predictions = model.classify_many([e.text for e in examples])
    expected = [e.intent for e in examples]
    predicted = [p.intent for p in predictions]
    accuracy, macro_f1, per_intent = score_predictions(expected, predicted)
    confusion = Counter((e, p) for e, p in zip(expected, predicted, strict=True) if e != p)
    errors = tuple(
        (ex.text, ex.intent, pred.intent, pred.confidence)
        for ex, pred in zip(examples, predictions, strict=True)
        if ex.intent != pred.intent
    )
    ranked = sorted(confusion.items(), key=lambda item: (-item[1], item[0][0].value, item[0][1].value))
    return EvalReport(
        total=len(examples),
        accuracy=accuracy,
        macro_f1=macro_f1,
        per_intent=per_intent,
        confusions=tuple((e, p, n) for (e, p), n in ranked),
        errors=errors,
    )
