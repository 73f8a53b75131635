"""ID numbers of neighbouring countries whose customers write in a covered language (Swiss AHV,
Belgian national register, Irish PPS, Chilean RUT, Polish ID card, Portuguese citizen card): removed
after their cue when the check digits hold, kept when they do not or when no cue names them."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan
from trustdesk.guard.checksums import polish_id_card_valid

VALID = [
    ("Meine AHV-Nummer ist 756.9182.7364.57, falls Sie die brauchen.", "756.9182.7364.57"),
    ("mon numéro AVS: 756.9182.7364.57", "756.9182.7364.57"),
    ("Mon numéro de registre national est le 90.05.21-247.78.", "90.05.21-247.78"),
    ("Mijn rijksregisternummer is 85.07.30-033.28, voor de huurkoop.", "85.07.30-033.28"),
    ("The finance company asked for my PPS number, it's 8273649E", "8273649E"),
    ("Mi RUT es 19.482.637-0, para la boleta.", "19.482.637-0"),
    ("Numer dowodu osobistego: XTC 220741", "XTC 220741"),
]


@pytest.mark.parametrize(("text", "number"), VALID)
def test_a_valid_number_after_its_cue_is_removed_and_named(text, number):
    result = scan(text, "inbound")
    assert number not in result.redacted
    assert [f.type for f in result.findings] == ["NATIONAL_ID"]


@pytest.mark.parametrize(
    "text",
    [
        "Meine AHV-Nummer ist 756.9182.7364.58",  # check digit off by one
        "Mijn rijksregisternummer is 85.07.30-033.29",
        "my PPS number is 8273649F",
        "Mi RUT es 19.482.637-1",
        "Numer dowodu osobistego: XTC 320741",
        "Bestellung 756.9182.7364.57 ist noch nicht da",  # a valid AHV layout without its cue
        "Zamówienie XTC 220741 nie dotarło",
    ],
)
def test_a_wrong_check_digit_or_a_missing_cue_keeps_the_number(text):
    assert scan(text, "inbound").redacted == text


def test_the_polish_id_card_check_digit():
    assert polish_id_card_valid("XTC220741")
    assert polish_id_card_valid("ABA300000")  # the published specimen number
    assert not polish_id_card_valid("XTC220742")
    assert not polish_id_card_valid("XT1220741")
    assert not polish_id_card_valid("ÄTC220741")
