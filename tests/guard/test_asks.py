"""Outbound ask detection against the labelled set shipped with the guard."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from trustdesk.guard import scan

ASK_TYPES = {
    "PASSWORD",
    "PAYMENT_CARD",
    "CARD_SECURITY_CODE",
    "CARD_EXPIRY",
    "ONE_TIME_CODE",
    "REMOTE_ACCESS",
}


def load(name: str) -> list[dict]:
    text = resources.files("trustdesk.guard").joinpath("data", name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def evaluate(rows: list[dict]) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    errors = []
    for row in rows:
        result = scan(row["text"], "outbound", brand="Acme")
        asked = {f.type for f in result.findings if f.is_ask}
        expected = row["ask"]
        if expected and expected in asked:
            tp += 1
        elif expected:
            fn += 1
            errors.append(f"missed {expected}: {row['text']}")
        elif asked:
            fp += 1
            errors.append(f"false ask {sorted(asked)}: {row['text']}")
        assert result.blocked == bool(asked)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, errors


def test_the_labelled_set_is_substantial_and_balanced():
    rows = load("asks.jsonl")
    assert len(rows) >= 150
    asks = [r for r in rows if r["ask"]]
    assert len(asks) >= 60 and len(rows) - len(asks) >= 60
    assert {r["ask"] for r in asks} == ASK_TYPES
    assert len({r["text"] for r in rows}) == len(rows)


def test_precision_and_recall_on_the_labelled_set():
    precision, recall, errors = evaluate(load("asks.jsonl"))
    assert precision >= 0.97 and recall >= 0.97, errors


def test_precision_and_recall_on_the_held_out_set():
    # Written after the rules were settled and never used to tune them.
    precision, recall, errors = evaluate(load("asks_holdout.jsonl"))
    assert precision >= 0.9 and recall >= 0.9, errors


def test_a_blocked_message_explains_itself_to_the_agent():
    result = scan("Could you read me the CVV on the back of your card?", "outbound", brand="Acme")
    assert result.blocked
    assert len(result.block_reasons) == 1
    reason = result.block_reasons[0]
    assert "security code" in reason and "Acme" in reason and "last four digits" in reason
    finding = result.findings[0]
    assert (finding.type, finding.action) == ("CARD_SECURITY_CODE", "block")
    assert finding.reason == reason


def test_one_message_asking_for_two_secrets_gets_both_reasons():
    result = scan("Please send me your full card number and the code we texted you.", "outbound")
    assert {f.type for f in result.findings} == {"PAYMENT_CARD", "ONE_TIME_CODE"}
    assert len(result.block_reasons) == 2


@pytest.mark.parametrize(
    "text",
    [
        "Can you confirm the last four digits of the card you used?",
        "Please send me your order number so I can look it up.",
        "We will never ask for your password.",
        "If someone asks for your one-time code, it's a scam.",
        "Enter the code we sent you on the sign-in page.",
    ],
)
def test_safe_agent_messages_are_not_blocked(text):
    assert not scan(text, "outbound").blocked


def test_inbound_messages_are_never_blocked():
    result = scan("Please send me your password", "inbound")
    assert not result.blocked and result.findings == ()


def test_an_agent_pasting_a_card_number_has_it_redacted():
    result = scan("Your card 4242 4242 4242 4242 was refunded", "outbound")
    assert not result.blocked
    assert result.redacted == "Your card [removed: Visa ending 4242] was refunded"
    assert result.customer_notice is None  # the notice is for customers, not agents
