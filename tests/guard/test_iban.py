"""IBAN: per-country length and mod-97; any spacing or case."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.guard import scan
from trustdesk.guard.checksums import IBAN_LENGTHS, iban_valid

from .conftest import make_iban

KNOWN_VALID = [
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91ABNA0417164300",
    "BE71 0961 2345 6769",
    "CH93 0076 2011 6238 5295 7",
    "NO93 8601 1117 947",
    "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
    "es91 2100 0418 4502 0005 1332",
]


def ibans(text: str) -> list:
    return [f for f in scan(text).findings if f.type == "IBAN"]


@pytest.mark.parametrize("iban", KNOWN_VALID)
def test_published_examples_are_found_whole(iban):
    found = ibans(f"please refund to {iban} thanks")
    assert len(found) == 1
    text = f"please refund to {iban} thanks"
    assert text[found[0].start : found[0].end] == iban
    assert found[0].display == f"IBAN ({iban[:2].upper()}) ending {iban.replace(' ', '')[-4:].upper()}"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(IBAN_LENGTHS)), st.integers(0, 2**32), st.booleans())
def test_generated_ibans_of_every_country_are_found(country, seed, spaced):
    iban = make_iban(country, random.Random(seed))
    assert iban_valid(iban)
    shown = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if spaced else iban
    found = ibans(f"IBAN: {shown}.")
    assert len(found) == 1, shown


def test_wrong_check_digits_and_wrong_lengths_are_not_ibans():
    assert ibans("DE89 3704 0044 0532 0130 01") == []  # mod-97 fails
    assert ibans("DE89 3704 0044 0532 0130") == []  # too short for Germany
    assert ibans("XX89 3704 0044 0532 0130 00") == []  # no such country
    assert ibans("what is 250 times 118 times 9") == []


def test_letters_where_a_country_has_only_digits_are_rejected():
    # "DE" IBANs are all digits after the check digits.
    assert ibans("DE12 ABCD 0044 0532 0130 00") == []
