"""Training of the shipped wording model, combiner and thresholds (scikit-learn, from the `train`
extra: `pip install -e '.[train]'`; never used at run time).

Called by `.venv/bin/python bench/reports.py --train` with the *tune* half of the benchmark corpus only;
the held-out half is never passed here. Everything is deterministic (fixed seed, fixed folds), so the
same data always gives the same `wording_model.json`.

1. Vocabulary: words and word pairs used by at least `min_docs` phishing *and* `min_docs` legitimate
   training mails. A term seen on one side only names a source (a mailing list, a honeypot, a language
   the other side lacks) rather than a way of writing, so it is left out.
2. Wording model: logistic regression on sublinear TF-IDF of those terms.
3. Combiner: logistic regression on (logit of the rule signals' noisy-OR score, positive part of the
   wording log-odds), the wording log-odds taken out of fold so the combiner does not over-trust a model
   that saw the mail. Only the positive part: the wording adds evidence like any other reason and never
   cancels a red flag.
4. Thresholds, by a rule fixed before training: *suspicious* = the lowest score (0.01 steps) whose
   cross-validated false-positive rate is at most `target_fpr`; *phishing* = the lowest score no
   training legitimate mail reaches out of fold (at least the suspicious threshold).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from trustdesk.reports.wording import Combiner, WordingModel, terms

SEED = 0
FOLDS = 5
# Benchmark folders under ../shared/data and whether they hold phishing.
CORPUS = {"phishing_pot": True, "easy_ham": False, "hard_ham": False}


def half(name: str) -> str:
    """'tune' or 'held-out', fixed once and for all by a hash of the file name."""
    return "tune" if hashlib.sha256(name.encode()).digest()[0] < 128 else "held-out"


def tune_examples(data: Path) -> tuple[list[str], list[float], list[bool]]:
    """(wording texts, rule scores, labels) of the tune half of the corpus under `data`, in file order."""
    from trustdesk.reports.analysis import rule_analysis, wording_text
    from trustdesk.reports.mailview import read_report
    from trustdesk.reports.scoring import risk_score

    texts, rule_scores, labels = [], [], []
    for folder, is_phish in CORPUS.items():
        for path in sorted((data / folder).glob("*.eml")):
            if half(path.name) != "tune":
                continue
            view = read_report(path.read_bytes())
            texts.append(wording_text(view))
            rule_scores.append(risk_score(rule_analysis(view)[1]))
            labels.append(is_phish)
    return texts, rule_scores, labels


@dataclass(frozen=True)
class Settings:
    min_docs: int = 2
    wording_c: float = 10.0
    combiner_c: float = 1.0
    target_fpr: float = 0.02
    reason_probability: float = 0.5


def vocabulary(texts: Sequence[str], labels: Sequence[bool], min_docs: int) -> list[str]:
    """Terms present in at least `min_docs` documents of each class."""
    phish: dict[str, int] = {}
    ham: dict[str, int] = {}
    for text, label in zip(texts, labels, strict=True):
        counts = phish if label else ham
        for term in set(terms(text)):
            counts[term] = counts.get(term, 0) + 1
    return sorted(t for t, n in phish.items() if n >= min_docs and ham.get(t, 0) >= min_docs)


def fit_wording(texts: Sequence[str], labels: Sequence[bool], settings: Settings) -> WordingModel:
    vocab = vocabulary(texts, labels, settings.min_docs)
    vectorizer = TfidfVectorizer(analyzer=terms, vocabulary=vocab, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=settings.wording_c, max_iter=5000).fit(matrix, np.asarray(labels))
    idf = vectorizer.idf_
    coef = model.coef_[0]
    table = {t: (float(idf[i]), float(coef[i])) for t, i in vectorizer.vocabulary_.items() if coef[i] != 0}
    return WordingModel(table, float(model.intercept_[0]))


def rule_logit(rule_score: float, floor: float = 0.02) -> float:
    r = min(max(rule_score, floor), 1.0 - floor)
    return math.log(r / (1.0 - r))


def fit_combiner(rule_scores: Sequence[float], wording_logits: Sequence[float], labels, c: float) -> Combiner:  # type: ignore[no-untyped-def]
    features = np.column_stack(
        [[rule_logit(r) for r in rule_scores], [max(0.0, float(z)) for z in wording_logits]]
    )
    model = LogisticRegression(C=c, max_iter=5000).fit(features, np.asarray(labels))
    return Combiner(float(model.intercept_[0]), float(model.coef_[0][0]), float(model.coef_[0][1]))


def thresholds(scores: Sequence[float], labels: Sequence[bool], target_fpr: float) -> tuple[float, float]:
    ham = [s for s, label in zip(scores, labels, strict=True) if not label]
    suspicious = next(
        t / 100 for t in range(1, 101) if sum(s >= t / 100 for s in ham) / len(ham) <= target_fpr
    )
    phishing = next(t / 100 for t in range(1, 101) if not any(s >= t / 100 for s in ham))
    return suspicious, max(suspicious, phishing)


def rates(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> tuple[float, float]:
    """(recall, false-positive rate) of `score >= threshold`."""
    phish = [s for s, label in zip(scores, labels, strict=True) if label]
    ham = [s for s, label in zip(scores, labels, strict=True) if not label]
    return (
        sum(s >= threshold for s in phish) / len(phish),
        sum(s >= threshold for s in ham) / len(ham),
    )


def train(
    texts: Sequence[str],
    rule_scores: Sequence[float],
    labels: Sequence[bool],
    settings: Settings = Settings(),
) -> dict[str, Any]:
    """Fit everything on the given (tune-half) mails and return the JSON-ready model with its
    cross-validated figures."""
    y = np.asarray(labels, dtype=bool)
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y))
    # Out-of-fold wording log-odds: each mail read by a model that never saw it.
    oof_wording = np.zeros(len(y))
    for train_idx, test_idx in folds:
        fold_model = fit_wording([texts[i] for i in train_idx], list(y[train_idx]), settings)
        for i in test_idx:
            oof_wording[i] = fold_model.read(texts[i]).logit
    # Out-of-fold final scores: the combiner refitted without each fold.
    oof_score = np.zeros(len(y))
    for train_idx, test_idx in folds:
        fold_combiner = fit_combiner(
            [rule_scores[i] for i in train_idx], oof_wording[train_idx], y[train_idx], settings.combiner_c
        )
        for i in test_idx:
            oof_score[i] = fold_combiner.score(rule_scores[i], oof_wording[i])
    suspicious, phishing = thresholds(list(oof_score), list(y), settings.target_fpr)
    wording = fit_wording(texts, list(y), settings)
    combiner = fit_combiner(rule_scores, oof_wording, y, settings.combiner_c)
    recall, fpr = rates(list(oof_score), list(y), suspicious)
    strict_recall, ham_as_phishing = rates(list(oof_score), list(y), phishing)
    wording_recall, wording_fpr = rates([1 / (1 + math.exp(-z)) for z in oof_wording], list(y), 0.5)
    return {
        "about": (
            "Trained by `bench/reports.py --train` on the tune half of ../shared/data (phishing_pot vs "
            "easy_ham + hard_ham); see trustdesk.reports.training and docs/performance.md."
        ),
        "settings": {
            "seed": SEED,
            "folds": FOLDS,
            "min_docs": settings.min_docs,
            "wording_c": settings.wording_c,
            "combiner_c": settings.combiner_c,
            "target_fpr": settings.target_fpr,
        },
        "training": {"phishing": int(y.sum()), "legitimate": int((~y).sum())},
        "cross_validated": {
            "recall": round(recall, 4),
            "fpr": round(fpr, 4),
            "recall_phishing_verdict": round(strict_recall, 4),
            "ham_as_phishing": round(ham_as_phishing, 4),
            "wording_alone_recall_at_0.5": round(wording_recall, 4),
            "wording_alone_fpr_at_0.5": round(wording_fpr, 4),
        },
        "combiner": {"bias": combiner.bias, "rules": combiner.rules, "wording": combiner.wording},
        "thresholds": {"suspicious": suspicious, "phishing": phishing},
        "reason_probability": settings.reason_probability,
        "wording": wording.to_json(),
    }
