"""Quality floors of issue 17 on the held-out halves (the figures reached, see docs/performance.md):
modern legitimate shop mail and SpamAssassin ham flagged at most 2 %, phishing recall at least 0.95
(reached: 0.959). The legit corpus is built from bench/data; the phishing and ham floors skip when
../shared/data is absent."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from trustdesk.reports import analyze
from trustdesk.reports.evidence import TrustPolicy
from trustdesk.reports.model import Verdict
from trustdesk.reports.training import half

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("TRUSTDESK_SHARED_DATA", REPO.parent / "shared" / "data"))
NO_SHARED_DATA = pytest.mark.skipif(not (DATA / "phishing_pot").is_dir(), reason=f"no shared data at {DATA}")


def _flagged_share(paths: list[Path], trust: TrustPolicy | None = None) -> float:
    flagged = [
        analyze(p.read_bytes(), trust=trust or TrustPolicy()).verdict is not Verdict.BENIGN for p in paths
    ]
    return sum(flagged) / len(flagged)


def test_modern_legit_held_out_has_no_false_positive() -> None:
    sys.path.insert(0, str(REPO / "bench"))
    from legit_mail import RECEIVER, corpus

    trust = TrustPolicy.of([RECEIVER])
    mails = [m for m in corpus() if m.half == "held-out"]
    flagged = [m.name for m in mails if analyze(m.raw, trust=trust).verdict is not Verdict.BENIGN]
    assert len(mails) >= 40
    assert len(flagged) / len(mails) <= 0.02, flagged


@NO_SHARED_DATA
def test_held_out_phishing_recall_and_ham_false_positives() -> None:
    phish = [p for p in sorted((DATA / "phishing_pot").glob("*.eml")) if half(p.name) == "held-out"]
    ham = [
        p
        for folder in ("easy_ham", "hard_ham")
        for p in sorted((DATA / folder).glob("*.eml"))
        if half(p.name) == "held-out"
    ]
    assert _flagged_share(phish) >= 0.95
    assert _flagged_share(ham) <= 0.02


def _own_set(part: str) -> tuple[float, float]:
    """(phishing recall, false-positive rate) on one file of the own non-English set (bench/lang_mail.py)."""
    sys.path.insert(0, str(REPO / "bench"))
    from lang_mail import corpus
    from legit_mail import RECEIVER

    trust = TrustPolicy.of([RECEIVER])
    flagged = [
        (m.is_phish, analyze(m.raw, trust=trust).verdict is not Verdict.BENIGN)
        for m in corpus()
        if m.half == part
    ]
    phish = [f for p, f in flagged if p]
    legit = [f for p, f in flagged if not p]
    return sum(phish) / len(phish), sum(legit) / len(legit)


@pytest.mark.parametrize(("part", "recall_floor"), [("tune", 0.95), ("held-out", 0.95)])
def test_own_non_english_set_floors(part: str, recall_floor: float) -> None:
    # Reached (docs/performance.md): dev and held-out 0.952 (20 of 21) with brand claims, no false
    # positive on either (0.714 / 0.762 before them).
    recall, fpr = _own_set(part)
    assert recall >= recall_floor
    assert fpr == 0.0
