"""Out-of-scope recall on CLINC150's out-of-scope test queries (public data from ../shared/data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trustdesk.bot.classifier import IntentModel
from trustdesk.bot.intents import Intent

pytestmark = pytest.mark.shared_data
RECALL_FLOOR = 0.85


def test_clinc150_out_of_scope_recall(model: IntentModel, shared_data: Path) -> None:
    data = json.loads((shared_data / "clinc150" / "data_full.json").read_text())
    queries = [text for text, _ in data["oos_test"]]
    rejected = sum(p.intent is Intent.OUT_OF_SCOPE for p in model.classify_many(queries))
    assert rejected / len(queries) >= RECALL_FLOOR
