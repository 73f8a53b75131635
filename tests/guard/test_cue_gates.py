"""The pack cue gates: each wakes its detector wherever one of its cue words is written, and stays
asleep on everyday words that only begin a cue or share its first word (issue 14, speed)."""

from __future__ import annotations

import pytest

from trustdesk.guard import bank_accounts, disclosures
from trustdesk.guard.scantext import DIGIT, hits_of

_GATED_LISTS = [
    (disclosures.PASSWORD_GATE, key)
    for key in ("password", "anaphora", "login_with", "login_id", "login_id_strong", "login_trouble")
] + [
    (disclosures.PIN_GATE, "pin"),
    (disclosures.CODE_GATE, "code"),
    (disclosures.CODE_GATE, "code_strong"),
    (bank_accounts.ACCOUNT_WORDS_GATE, "account"),
    (bank_accounts.ACCOUNT_WORDS_GATE, "account_weak"),
]


@pytest.mark.parametrize(("gate", "key"), _GATED_LISTS, ids=[key for _, key in _GATED_LISTS])
def test_every_cue_word_wakes_its_gate(gate: frozenset[int], key: str) -> None:
    words = disclosures._words(key) if key not in ("account", "account_weak") else bank_accounts._words(key)
    assert words
    for word in words:
        for written in (word, word.upper(), word.capitalize()):
            assert not hits_of(f"ok, {written}: 4821 thanks").isdisjoint(gate), (key, written)


@pytest.mark.parametrize(
    "text",
    [
        "Can it be sent to me now? It does not arrive and the box is new.",
        "I forgot my PIN, can you help?",
        "My identity was confirmed on the mobile app, international transfers work.",
    ],
)
def test_everyday_words_leave_the_pack_password_detector_asleep(text: str) -> None:
    hits = hits_of(text)
    assert hits.isdisjoint(disclosures.PASSWORD_GATE)
    assert DIGIT not in hits  # so a PIN word alone wakes nothing either


def test_a_pin_word_wakes_the_detector_with_digits() -> None:
    assert not hits_of("my PIN is 4821").isdisjoint(disclosures.PIN_GATE)
