"""PAYMENT_CARD: every Luhn-valid PAN in every separator style is found; look-alikes are not."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.guard import scan
from trustdesk.guard.cards import card_brand
from trustdesk.guard.checksums import luhn_valid
from trustdesk.guard.normalize import normalize

from .conftest import CARD_RANGES, digits_only, make_pan

SEPARATOR_STYLES = ["", " ", "-", ".", "  ", " - ", "\n"]
CONTEXTS = [
    "{}",
    "my card is {}",
    "card: {} thanks",
    "Please refund {} asap.",
    "({})",
    "pay with {}, exp 04/27",
]


@st.composite
def pans(draw: st.DrawFn) -> tuple[str, str]:
    brand, prefixes, lengths = draw(st.sampled_from(CARD_RANGES))
    prefix = draw(st.sampled_from(prefixes))
    length = draw(st.sampled_from(lengths))
    body = draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    return brand, make_pan(prefix, length, body)


def grouped(pan: str, sep: str, brand: str) -> str:
    if not sep:
        return pan
    if brand == "American Express":
        return sep.join((pan[:4], pan[4:10], pan[10:]))
    return sep.join(pan[i : i + 4] for i in range(0, len(pan), 4))


def card_findings(text: str) -> list:
    return [f for f in scan(text).findings if f.type == "PAYMENT_CARD"]


@settings(max_examples=300, deadline=None)
@given(pans(), st.sampled_from(SEPARATOR_STYLES), st.sampled_from(CONTEXTS))
def test_every_luhn_valid_pan_in_every_separator_style_is_found(card, sep, context):
    brand, pan = card
    text = context.format(grouped(pan, sep, brand))
    found = card_findings(text)
    assert len(found) == 1, (text, scan(text).findings)
    finding = found[0]
    assert digits_only(text[finding.start : finding.end]) == pan
    assert finding.display == f"{brand} ending {pan[-4:]}"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=19), st.sampled_from(["", " ", "-"]))
def test_digit_strings_that_are_not_luhn_valid_are_not_found(digits, sep):
    if luhn_valid(digits):
        digits = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert not luhn_valid(digits)
    text = digits if not sep or len(digits) != 16 else sep.join(digits[i : i + 4] for i in range(0, 16, 4))
    assert card_findings(f"ref {text} please") == []


@settings(max_examples=200, deadline=None)
@given(pans(), st.sampled_from(SEPARATOR_STYLES), st.sampled_from(CONTEXTS))
def test_redaction_never_leaves_eight_consecutive_digits_of_a_found_pan(card, sep, context):
    brand, pan = card
    result = scan(context.format(grouped(pan, sep, brand)))
    assert any(f.type == "PAYMENT_CARD" for f in result.findings)
    # Read the stored text the way an attacker would: digits with any separators squeezed out.
    runs = ["".join(re.findall(r"\d", run)) for run in re.findall(r"\d[\d\s.\-]*", result.redacted)]
    for i in range(len(pan) - 7):
        window = pan[i : i + 8]
        assert not any(window in run for run in runs), result.redacted


def test_brand_and_last_four_are_the_display_form():
    result = scan("4242 4242 4242 4242 and 5555-5555-5555-4444 and 3782 822463 10005")
    assert [f.display for f in result.findings if f.type == "PAYMENT_CARD"] == [
        "Visa ending 4242",
        "Mastercard ending 4444",
        "American Express ending 0005",
    ]
    assert result.redacted.count("[removed: ") == 3


@pytest.mark.parametrize(
    "pan,brand",
    [
        ("2223003122003222", "Mastercard"),
        ("6011111111111117", "Discover"),
        ("3566002020360505", "JCB"),
        ("36227206271667", "Diners Club"),
        ("6200000000000005", "UnionPay"),
        ("6759649826438453", "Maestro"),
        ("4000056655665556", "Visa"),
    ],
)
def test_issuer_ranges(pan, brand):
    assert card_brand(pan) == brand
    assert card_findings(f"card {pan}")[0].display.startswith(brand)


def test_issuer_lengths_are_enforced():
    # Luhn-valid but a length Visa/Amex never issue.
    visa_15 = make_pan("4", 15, "11111111111111")
    amex_16 = make_pan("37", 16, "1111111111111")
    assert card_brand(visa_15) is None and card_brand(amex_16) is None
    assert card_findings(f"card {visa_15} and {amex_16}") == []


def test_two_cards_side_by_side_are_both_found():
    found = card_findings("5555 5555 5555 4444 4242 4242 4242 4242")
    assert [f.display for f in found] == ["Mastercard ending 4444", "Visa ending 4242"]


def test_card_followed_by_expiry_and_cvv_redacts_all_three():
    result = scan("4242 4242 4242 4242 12/26 123")
    assert [f.type for f in result.findings] == ["PAYMENT_CARD", "CARD_EXPIRY", "CARD_SECURITY_CODE"]
    assert not re.search(r"\d", result.redacted.replace("4242]", "]"))


def test_digits_split_by_stray_punctuation_and_lines_after_a_card_cue():
    text = "card: 4 2 4 2 4 2 4 2\n4 2 4 2 4 2 4 2 exp 12/26"
    found = card_findings(text)
    assert len(found) == 1 and digits_only(text[found[0].start : found[0].end]) == "4242424242424242"


def test_span_maps_back_through_evasion():
    text = "my card is ４２４２\u200b４２４２ 4242\u00ad4242 thanks"
    found = card_findings(text)
    assert len(found) == 1
    f = found[0]
    assert digits_only(normalize(text[f.start : f.end]).text) == "4242424242424242"
    assert text[f.start] == "４" and text[f.end - 1] == "2"
