"""Nothing the guard returns holds a raw secret (except the text the caller passed in)."""

from __future__ import annotations

import json

from trustdesk.guard import scan

SECRETS = {
    "card": "4111 1111 1111 1111",
    "cvv": "737",
    "password": "Tr0ub4dor&3",
    "otp": "482913",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "ssn": "123-45-6780",
}
TEXT = (
    f"card {SECRETS['card']} cvv {SECRETS['cvv']}, password: {SECRETS['password']}, "
    f"verification code {SECRETS['otp']}, IBAN {SECRETS['iban']}, key {SECRETS['key']}, SSN {SECRETS['ssn']}"
)


def test_result_repr_and_json_hold_no_raw_secret():
    result = scan(TEXT, brand="Acme")
    dumped = json.dumps(result.to_dict())
    for name, secret in SECRETS.items():
        for form in (secret, secret.replace(" ", "").replace("-", "")):
            assert form not in result.redacted, name
            assert form not in dumped, name
            assert form not in repr(result), name
    assert len(result.findings) == 7


def test_findings_hold_only_safe_display_forms():
    result = scan(TEXT)
    displays = {f.display for f in result.findings}
    assert "Visa ending 1111" in displays
    assert all("4111 1111" not in d and "Tr0ub4dor" not in d for d in displays)
