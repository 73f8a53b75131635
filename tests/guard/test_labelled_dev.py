"""The labelled development examples of every language pack (languages/<pack>/labelled/dev.jsonl):
the wordings the guard's rules were written against, including the probes of later rounds, keep
their scores, so a rule narrowed for one phrasing does not quietly drop another."""

from __future__ import annotations

import pytest

from trustdesk.guard import labelled

_SCORES = labelled.score(labelled.load("dev"))


@pytest.mark.parametrize("lang", sorted(_SCORES))
def test_each_language_keeps_its_development_scores(lang):
    entry = _SCORES[lang]
    wrong = [f"{e.id} {e.kind}: {e.text[:120]!r}" for e in entry.wrong]
    assert entry.rate("ask") >= 0.98, wrong
    assert entry.rate("disclosure") >= 0.98, wrong
    assert entry.rate("harmless_outbound") <= 0.015, wrong
    assert entry.rate("harmless_inbound") == 0.0, wrong
