"""The noisy-OR score and the verdict thresholds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustdesk.reports import DEFAULT_THRESHOLDS, Reason, Thresholds, Verdict, risk_score, verdict_for
from trustdesk.reports.weights import WEIGHTS

weights = st.lists(st.floats(min_value=0, max_value=1), max_size=12)


def reasons(ws: list[float]) -> list[Reason]:
    return [Reason(f"s{i}", w, "t") for i, w in enumerate(ws)]


def test_noisy_or() -> None:
    assert risk_score([]) == 0.0
    assert risk_score(reasons([0.5])) == pytest.approx(0.5)
    assert risk_score(reasons([0.5, 0.5])) == pytest.approx(0.75)
    assert risk_score(reasons([1.0, 0.1])) == pytest.approx(1.0)


@given(weights, st.floats(min_value=0, max_value=1))
def test_score_is_bounded_and_monotone(ws: list[float], extra: float) -> None:
    before = risk_score(reasons(ws))
    after = risk_score(reasons([*ws, extra]))
    assert 0.0 <= before <= after <= 1.0


def test_verdicts() -> None:
    t = Thresholds(suspicious=0.4, phishing=0.7)
    assert verdict_for(0.39, t) is Verdict.BENIGN
    assert verdict_for(0.4, t) is Verdict.SUSPICIOUS
    assert verdict_for(0.7, t) is Verdict.PHISHING
    with pytest.raises(ValueError):
        Thresholds(suspicious=0.8, phishing=0.5)


def test_weight_table_is_sane() -> None:
    assert all(0.0 < w < 1.0 for w in WEIGHTS.values())
    assert 0 < DEFAULT_THRESHOLDS.suspicious < DEFAULT_THRESHOLDS.phishing < 1
    # No single weak cue decides a verdict on its own.
    for code in ("urgency", "return_path_mismatch", "sender_name_mismatch", "shortened_link"):
        assert WEIGHTS[code] < DEFAULT_THRESHOLDS.suspicious
