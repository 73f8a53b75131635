"""The evaluation sets are written apart from training: big enough, and no shared sentences."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from trustdesk.bot.examples import load_examples, shipped_examples
from trustdesk.bot.intents import Intent

DATA = Path(__file__).parent / "data"


def _key(text: str) -> str:
    return " ".join(text.lower().strip(" ?!.").split())


@pytest.mark.parametrize("name", ["heldout.jsonl", "dev.jsonl"])
def test_at_least_40_per_intent(name: str) -> None:
    counts = Counter(e.intent for e in load_examples(DATA / name))
    assert set(counts) == set(Intent)
    assert min(counts.values()) >= 40


@pytest.mark.parametrize("name", ["heldout.jsonl", "dev.jsonl"])
def test_no_sentence_is_shared_with_training(name: str) -> None:
    training = {_key(e.text) for e in shipped_examples()}
    shared = [e.text for e in load_examples(DATA / name) if _key(e.text) in training]
    assert shared == []


def test_heldout_and_dev_are_different_sets() -> None:
    dev = {_key(e.text) for e in load_examples(DATA / "dev.jsonl")}
    assert not [e.text for e in load_examples(DATA / "heldout.jsonl") if _key(e.text) in dev]


def test_no_language_heldout_sentence_is_in_training() -> None:
    # A count only: the held-out messages are never printed, so a failure cannot leak them.
    training = {_key(e.text) for e in shipped_examples()}
    shared = sum(
        _key(e.text) in training
        for path in sorted((DATA / "languages").glob("heldout_*.jsonl"))
        for e in load_examples(path)
    )
    assert shared == 0


def test_development_probes_are_not_training_examples() -> None:
    probes = Path(__file__).parents[2] / "bench" / "data" / "bot_probes"
    training = {_key(e.text) for e in shipped_examples()}
    files = sorted(probes.glob("probe_*.jsonl"))
    assert files
    assert [e.text for path in files for e in load_examples(path) if _key(e.text) in training] == []
