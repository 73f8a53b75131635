"""The learned wording model: training equals inference, the combiner only adds evidence, the shipped file
is small and sane, and its reason is shown only to explain a warning."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from trustdesk.reports import Reason, Verdict, analyze
from trustdesk.reports.scoring import DEFAULT_THRESHOLDS, final_score
from trustdesk.reports.training import Settings, fit_wording, thresholds, train, vocabulary
from trustdesk.reports.wording import (
    MODEL_FILE,
    Combiner,
    WordingModel,
    model_from_json,
    shipped_model,
    terms,
)

PHISH = [
    "verify your account now or it will be suspended click here",
    "your account is locked confirm your password here today",
    "claim your reward now click here to confirm your details",
    "urgent your payment failed update your card details here",
    "your parcel is waiting confirm your address and pay the fee",
    "security alert confirm your account details to avoid suspension",
]
HAM = [
    "the build failed on the test machine can you look at the patch",
    "thanks for the notes I will review the patch before the meeting",
    "the meeting moved to the afternoon see the notes from last week",
    "I tried the patch and the build works on my machine now",
    "here are the notes from the meeting about the release plan",
    "can you review the release plan before the build tomorrow",
]


def test_terms_are_words_and_word_pairs_without_digits() -> None:
    assert terms("Verify 2 accounts, NOW!") == [
        "verify",
        "accounts",
        "now",
        "verify accounts",
        "accounts now",
    ]
    assert terms("a 1234 é") == []


def test_inference_equals_scikit_learn() -> None:
    texts, labels = PHISH + HAM, [True] * len(PHISH) + [False] * len(HAM)
    settings = Settings(min_docs=1)
    model = fit_wording(texts, labels, settings)
    # The same model built directly with scikit-learn.
    vectorizer = TfidfVectorizer(analyzer=terms, vocabulary=vocabulary(texts, labels, 1), sublinear_tf=True)
    reference = LogisticRegression(C=settings.wording_c, max_iter=5000).fit(
        vectorizer.fit_transform(texts), np.asarray(labels)
    )
    probes = ["please confirm your account details", "the patch notes for the build", "nothing in common"]
    expected = reference.decision_function(vectorizer.transform(probes))
    assert [model.read(p).logit for p in probes] == pytest.approx(list(expected), abs=1e-4)
    assert model.read(probes[0]).logit > 0 > model.read(probes[1]).logit


def test_vocabulary_keeps_only_terms_both_sides_use() -> None:
    vocab = vocabulary(["your account here", "your account now"], [True, False], 1)
    assert vocab == ["account", "your", "your account"]
    assert vocabulary(["your account", "the patch"], [True, False], 1) == []


def test_top_terms_quote_what_pushed_towards_phishing() -> None:
    model = fit_wording(PHISH + HAM, [True] * len(PHISH) + [False] * len(HAM), Settings(min_docs=1))
    reading = model.read("confirm your account details here")
    assert reading.top_terms and all(model.vocabulary[t][1] > 0 for t in reading.top_terms)
    assert "your" not in reading.top_terms  # too common to explain anything


@given(
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=-20, max_value=20),
    st.floats(min_value=-20, max_value=20),
)
def test_combiner_is_monotone_and_wording_only_adds(r1: float, r2: float, z1: float, z2: float) -> None:
    combiner = Combiner(bias=-0.4, rules=1.4, wording=2.6)
    low, high = sorted((r1, r2))
    assert combiner.score(low, z1) <= combiner.score(high, z1)
    zl, zh = sorted((z1, z2))
    assert combiner.score(r1, zl) <= combiner.score(r1, zh)
    assert combiner.score(r1, min(zl, 0.0)) == combiner.score(r1, 0.0)  # ordinary wording hides nothing


def test_decisive_reasons_floor_the_score() -> None:
    reported = Reason("indicator_reported", 0.95, "Already reported as fraud: evil.example.")
    assert final_score([reported], -50.0) >= 0.95
    assert final_score([], -50.0) < DEFAULT_THRESHOLDS.suspicious


def test_threshold_rule() -> None:
    scores = [0.1, 0.2, 0.3, 0.5, 0.9, 0.6, 0.7, 0.95]
    labels = [False, False, False, False, True, True, True, True]
    # Three of four legitimate mails must stay under "suspicious" at target 0.25; none under "phishing".
    assert thresholds(scores, labels, 0.25) == (0.31, 0.51)


def test_training_is_deterministic() -> None:
    texts = PHISH + HAM
    labels = [True] * len(PHISH) + [False] * len(HAM)
    rules = [0.6, 0.0, 0.3, 0.9, 0.2, 0.0, 0.0, 0.24, 0.0, 0.0, 0.3, 0.0]
    first = train(texts, rules, labels, Settings(min_docs=1))
    assert first == train(texts, rules, labels, Settings(min_docs=1))
    rebuilt = model_from_json(first)
    assert rebuilt.combiner.rules > 0 and rebuilt.suspicious <= rebuilt.phishing


def test_shipped_model_is_small_and_sane() -> None:
    model = shipped_model()
    assert 100 < len(model.wording.vocabulary) < 20_000
    assert len(resources.files("trustdesk.reports").joinpath(MODEL_FILE).read_bytes()) < 200_000
    assert model.combiner.rules > 0 and model.combiner.wording > 0
    assert 0 < model.suspicious < model.phishing < 1
    assert (DEFAULT_THRESHOLDS.suspicious, DEFAULT_THRESHOLDS.phishing) == (model.suspicious, model.phishing)


def test_wording_reason_explains_warnings_only() -> None:
    scam = analyze(
        "Dear customer, your account has been suspended. Click here to verify your account and confirm "
        "your card details within 24 hours or it will be closed."
    )
    assert scam.verdict is not Verdict.BENIGN
    wording = [r for r in scam.reasons if r.code == "phishing_wording"]
    assert wording and "“" in wording[0].text and 0.5 <= wording[0].weight < 1
    assert math.isclose(scam.score, final_score(scam.reasons, scam.wording))
    calm = analyze("Hi Jane, your order has shipped and should arrive on Thursday. Track it in your account.")
    assert calm.verdict is Verdict.BENIGN and not any(r.code == "phishing_wording" for r in calm.reasons)


def test_wording_alone_is_never_a_phishing_verdict() -> None:
    result = analyze(
        "This email is for you from our team. Receive your exclusive chance today. Sign up here, it is "
        "important for you and yourself."
    )
    assert [r.code for r in result.reasons] == ["phishing_wording"]
    assert result.wording > 3  # the model alone is sure...
    assert result.verdict is Verdict.SUSPICIOUS  # ...but a phishing verdict needs a concrete red flag
    assert DEFAULT_THRESHOLDS.suspicious <= result.score < DEFAULT_THRESHOLDS.phishing


def test_function_words_count_but_are_not_quoted() -> None:
    model = WordingModel(
        {"se": (1.0, 3.0), "the": (1.0, 2.5), "click here": (1.0, 2.0), "fee": (1.0, 1.0)}, 0.0
    )
    reading = model.read("se the click here fee")
    assert reading.top_terms == ("click here", "fee")
    # Four known terms, each tf-idf 1 before the L2 norm (2): the mean push is what counts.
    assert reading.logit == pytest.approx((3.0 + 2.5 + 2.0 + 1.0) / 2)
