"""From reasons to a risk score and a verdict.

The model is a noisy-OR: each fired signal independently "explains" the message as fraud with its
weight, so score = 1 - prod(1 - weight). It is monotone (a new red flag never lowers the score),
bounded in [0, 1], and every point of the score can be traced to a listed reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustdesk.reports.model import Reason, Verdict


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Score cut-offs: at or above `phishing` the verdict is phishing, at or above `suspicious` suspicious."""

    suspicious: float
    phishing: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.suspicious <= self.phishing <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= suspicious <= phishing <= 1")


# Chosen on the tuning half of the benchmark corpus (bench/reports.py); see docs/performance.md.
DEFAULT_THRESHOLDS = Thresholds(suspicious=0.42, phishing=0.76)


def risk_score(reasons: Iterable[Reason]) -> float:
    """Noisy-OR of the reasons' weights: the probability that at least one signal is a true alarm."""
    keep = 1.0
    for item in reasons:
        keep *= 1.0 - min(max(item.weight, 0.0), 1.0)
    return 1.0 - keep


def verdict_for(score: float, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Verdict:
    """Map a score to phishing / suspicious / benign."""
    if score >= thresholds.phishing:
        return Verdict.PHISHING
    if score >= thresholds.suspicious:
        return Verdict.SUSPICIOUS
    return Verdict.BENIGN
