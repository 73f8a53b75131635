"""Real phishing and legitimate mail from ../shared/data: nothing crashes, and quality on the held-out
half stays where bench/reports.py measured it (a regression guard; the benchmark reports the figures)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from trustdesk.reports import ReportInputError, Verdict, analyze

pytestmark = pytest.mark.shared_data


def held_out(folder: Path) -> list[Path]:
    # Same split as bench/reports.py: the half never looked at while tuning.
    return [p for p in sorted(folder.glob("*.eml")) if hashlib.sha256(p.name.encode()).digest()[0] >= 128]


def test_held_out_recall_and_false_positives(shared_data: Path) -> None:
    phishing = [analyze(p.read_bytes()) for p in held_out(shared_data / "phishing_pot")]
    ham = [
        analyze(p.read_bytes())
        for p in held_out(shared_data / "easy_ham") + held_out(shared_data / "hard_ham")
    ]
    assert len(phishing) > 100 and len(ham) > 150
    recall = sum(r.verdict is not Verdict.BENIGN for r in phishing) / len(phishing)
    fpr = sum(r.verdict is not Verdict.BENIGN for r in ham) / len(ham)
    assert recall >= 0.80, recall
    assert fpr <= 0.06, fpr
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
