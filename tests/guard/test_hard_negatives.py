"""Numbers that look like secrets but are not: nothing is redacted."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan

from .conftest import make_pan

HARD_NEGATIVES = [
    "Order #112-4567890-1234567 has not arrived",
    "my order number is 4111111111111111, where is it?",  # a Luhn-valid number introduced as an order
    "order 5555555555554444 was cancelled",
    "UPS tracking 1Z999AA10123456784 says delivered",
    "USPS tracking 9400 1000 0000 0000 0000 00",
    "USPS 9205590164917312751089",
    "tracking number 92055901649173127510",
    "DHL waybill 1234567890 and DHL eCommerce GM2951173225174494",
    "FedEx 7489 4567 8901 shows an exception",
    "Royal Mail AB123456789GB",
    "Call me at (415) 555-0132 or +1 415 555 0199",
    "UK mobile +44 7700 900123, Germany +49 30 12345678",
    "delivered on 12/03/2024 at 10:30, and 2024-03-12T10:30:00Z",
    "charged $1,234.56 instead of $89.99 (EUR 1.234,56)",
    "request id 550e8400-e29b-41d4-a716-446655440000",
    "trace 4a7d1ed414474e4033ac29ccb8653d9b and sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    f"IMEI {make_pan('35', 15, '2093746513210')}",
    "SKU 012345678905 EAN 4006381333931",
    "gift card 6006 4912 3456 7890 123",
    "invoice INV2024000123 and ORD-2024-000123",
    "reference 1234 5678 9012 3456 7890",
    "version 4.2.4.2.4.2.4.2 of the app",
    "I forgot my password and want to reset my password",
    "my password is not working and the password reset link expired",
    "the discount code 123456 does not work",
    "zip code 94103, postcode SW1A 1AA",
    "error code 500200 on checkout",
    "call 1-800-555-0199 about order 98765",
    "account number for my loyalty card: 123456789",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_look_alike_numbers_are_not_secrets(text):
    result = scan(text)
    secrets = [f for f in result.findings if f.type not in ("EMAIL", "PHONE")]
    assert secrets == [], [(f.type, text[f.start : f.end]) for f in secrets]
    assert result.customer_notice is None


def test_phone_numbers_are_found_but_kept():
    text = "Call me at (415) 555-0132 or +44 20 7946 0958"
    result = scan(text)
    assert [(f.type, f.action) for f in result.findings] == [("PHONE", "keep"), ("PHONE", "keep")]
    assert result.redacted == text
