"""Real phishing and legitimate mail from ../shared/data: nothing crashes, quality on the held-out half
meets the targets of issue #8 (a floor; bench/reports.py reports the figures), and the shipped wording
model is exactly what training on the tune half gives."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import pytest

from trustdesk.reports import ReportInputError, Verdict, analyze
from trustdesk.reports.training import half, train, tune_examples
from trustdesk.reports.wording import MODEL_FILE

pytestmark = pytest.mark.shared_data


def held_out(folder: Path) -> list[Path]:
    # Same split as bench/reports.py: the half never looked at while tuning or training.
    paths = [p for p in sorted(folder.glob("*.eml")) if half(p.name) == "held-out"]
    assert paths == [
        p for p in sorted(folder.glob("*.eml")) if hashlib.sha256(p.name.encode()).digest()[0] >= 128
    ]
    return paths


def test_held_out_recall_and_false_positives(shared_data: Path) -> None:
    phishing = [analyze(p.read_bytes()) for p in held_out(shared_data / "phishing_pot")]
    ham = [
        analyze(p.read_bytes())
        for p in held_out(shared_data / "easy_ham") + held_out(shared_data / "hard_ham")
    ]
    assert len(phishing) > 100 and len(ham) > 150
    recall = sum(r.verdict is not Verdict.BENIGN for r in phishing) / len(phishing)
    fpr = sum(r.verdict is not Verdict.BENIGN for r in ham) / len(ham)
    # Targets of issue #8 (measured 0.959 and 0.019 when the floor was set; docs/performance.md).
    assert recall >= 0.95, recall
    assert fpr <= 0.03, fpr
    assert sum(r.verdict is Verdict.PHISHING for r in ham) / len(ham) <= 0.01


def test_spamassassin_test_messages_do_not_crash(shared_data: Path) -> None:
    folder = shared_data / "spamassassin_tests"
    paths = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "SOURCE.md"]
    assert paths
    analysed = 0
    for path in paths:
        try:
            result = analyze(path.read_bytes())
        except ReportInputError as exc:  # a clear refusal (empty file...) is an acceptable outcome
            assert str(exc)
            continue
        analysed += 1
        assert 0.0 <= result.score <= 1.0
    assert analysed > len(paths) * 0.9


def test_shipped_model_is_reproduced_by_training_on_the_tune_half(shared_data: Path) -> None:
    shipped = json.loads(resources.files("trustdesk.reports").joinpath(MODEL_FILE).read_text("utf-8"))
    trained = train(*tune_examples(shared_data))
    # Exact on this machine; the tolerances only absorb another BLAS rounding a score across a 0.01 step.
    for part in ("thresholds", "cross_validated"):
        for key, value in shipped[part].items():
            assert trained[part][key] == pytest.approx(value, abs=0.011), (part, key)
    assert set(trained["wording"]["vocabulary"]) == set(shipped["wording"]["vocabulary"])
    for term, (idf, coef) in shipped["wording"]["vocabulary"].items():
        assert trained["wording"]["vocabulary"][term] == pytest.approx([idf, coef], abs=1e-3)
    for key, value in shipped["combiner"].items():
        assert trained["combiner"][key] == pytest.approx(value, abs=1e-3)
    # The cross-validated figures on the tune half meet the targets too.
    assert shipped["cross_validated"]["recall"] >= 0.95 and shipped["cross_validated"]["fpr"] <= 0.03
