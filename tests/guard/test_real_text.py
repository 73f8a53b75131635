"""Real text with no planted secrets (legitimate e-mails, customer questions): nothing to redact."""

from __future__ import annotations

import csv
import email
from email import policy

import pytest

from trustdesk.guard import scan

pytestmark = pytest.mark.shared_data

NEVER_IN_THIS_TEXT = {
    "PAYMENT_CARD",
    "IBAN",
    "NATIONAL_ID",
    "CARD_SECURITY_CODE",
    "CARD_EXPIRY",
    "SECRET_KEY",
}


def _bodies(folder):
    for path in sorted(folder.glob("*.eml")):
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        try:
            content = body.get_content() if body is not None else ""
        except (LookupError, ValueError, AttributeError):
            continue
        if isinstance(content, str):
            yield path.name, content[:20_000]


def test_legitimate_emails_hold_no_secrets(shared_data):
    wrong = []
    for folder in ("easy_ham", "hard_ham"):
        for name, text in _bodies(shared_data / folder):
            for f in scan(text).findings:
                if f.type in NEVER_IN_THIS_TEXT or f.type == "PASSWORD":
                    wrong.append((name, f.type, text[max(0, f.start - 40) : f.end]))
    assert wrong == []


def test_customer_questions_hold_no_secrets(shared_data):
    with (shared_data / "banking77" / "test.csv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    assert len(texts) > 3000
    wrong = [
        (t, f.type) for t in texts for f in scan(t).findings if f.type in NEVER_IN_THIS_TEXT | {"PASSWORD"}
    ]
    assert wrong == []
