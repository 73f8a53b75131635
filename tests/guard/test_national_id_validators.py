"""Each national ID validator accepts what the issuing office issues and refuses what it never does.

Valid numbers come from tests/guard/national_id_numbers.py, a second implementation written from
the published rules; the guard's validators must agree with it.
"""

from __future__ import annotations

import random

from hypothesis import assume, given
from hypothesis import strategies as st

from trustdesk.guard.checksums import (
    brazilian_cpf_valid,
    canada_sin_valid,
    dutch_bsn_valid,
    french_nir_valid,
    german_tax_id_valid,
    iso7064_mod11_10_check,
    italian_codice_fiscale_check,
    italian_codice_fiscale_valid,
    polish_pesel_valid,
    portuguese_nif_valid,
    spanish_dni_valid,
)

from . import national_id_numbers as make

VALIDATORS = {
    "de_tax_id": german_tax_id_valid,
    "fr_nir": french_nir_valid,
    "es_dni": spanish_dni_valid,
    "it_codice_fiscale": italian_codice_fiscale_valid,
    "nl_bsn": dutch_bsn_valid,
    "pt_nif": portuguese_nif_valid,
    "pl_pesel": polish_pesel_valid,
    "br_cpf": brazilian_cpf_valid,
    "ca_sin": canada_sin_valid,
}
rngs = st.integers(0, 2**40).map(random.Random)  # one seed per example: small, shrinkable


def _changed(value: str, position: int, rng: random.Random) -> str:
    """``value`` with the character at ``position`` replaced by another of the same class."""
    old = value[position]
    pool = "0123456789" if old.isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return value[:position] + rng.choice(pool.replace(old, "")) + value[position + 1 :]


@given(kind=st.sampled_from(sorted(make.MAKERS)), rng=rngs)
def test_generated_valid_numbers_validate(kind, rng):
    assert VALIDATORS[kind](make.MAKERS[kind](rng))


@given(rng=rngs, triple=st.booleans(), corsica=st.booleans(), omocodia=st.integers(0, 7), nie=st.booleans())
def test_variants_validate(rng, triple, corsica, omocodia, nie):
    assert german_tax_id_valid(make.german_tax_id(rng, triple=triple))
    assert french_nir_valid(make.french_nir(rng, corsica=corsica))
    assert italian_codice_fiscale_valid(make.italian_codice_fiscale(rng, omocodia=omocodia))
    assert spanish_dni_valid(make.spanish_dni(rng, nie=nie))


# Check digits that catch every single changed character.
@given(
    kind=st.sampled_from(
        ["de_tax_id", "fr_nir", "es_dni", "it_codice_fiscale", "nl_bsn", "pl_pesel", "ca_sin"]
    ),
    rng=rngs,
    data=st.data(),
)
def test_one_changed_character_fails(kind, rng, data):
    value = make.MAKERS[kind](rng)
    position = data.draw(st.integers(0, len(value) - 1))
    assert not VALIDATORS[kind](_changed(value, position, rng))


# CPF and NIF map two remainders to the check digit 0, so a change that moves the remainder
# between those two goes unnoticed; with a non-zero check digit every change is caught.
@given(rng=rngs, data=st.data())
def test_one_changed_digit_fails_cpf_with_a_nonzero_first_check_digit(rng, data):
    value = make.brazilian_cpf(rng)
    assume(value[9] != "0")
    position = data.draw(st.integers(0, 10))
    assert not brazilian_cpf_valid(_changed(value, position, rng))


@given(rng=rngs, data=st.data())
def test_one_changed_digit_fails_nif_with_a_nonzero_check_digit(rng, data):
    value = make.portuguese_nif(rng)
    assume(value[8] != "0")
    position = data.draw(st.integers(1, 8))  # the first digit says what kind of taxpayer; see below
    assert not portuguese_nif_valid(_changed(value, position, rng))


def test_nif_first_digit_must_be_one_that_is_issued():
    body = "4" + "2345678"  # 4 alone is not issued (45 is, for non-residents)
    remainder = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
    assert not portuguese_nif_valid(body + str(0 if remainder < 2 else 11 - remainder))


def _with_tax_id_check(body: str) -> str:
    return body + str(iso7064_mod11_10_check(body))


def test_german_tax_id_repetition_rule():
    assert german_tax_id_valid(_with_tax_id_check("1234567891"))  # one digit twice
    assert german_tax_id_valid(_with_tax_id_check("1231456781"))  # 1 three times, never in a row
    assert not german_tax_id_valid(_with_tax_id_check("1234567890"))  # no digit repeated
    assert not german_tax_id_valid(_with_tax_id_check("1112345678"))  # three in a row
    assert not german_tax_id_valid(_with_tax_id_check("1123456788"))  # two digits repeated
    assert not german_tax_id_valid(_with_tax_id_check("1121314567"))  # one digit four times
    assert not german_tax_id_valid(_with_tax_id_check("0234567891"))  # leading zero


def test_german_tax_id_published_examples():
    # The sample on kryptografie.de's description of the algorithm, and its wrong-check twin.
    assert german_tax_id_valid("12345678995")
    assert not german_tax_id_valid("12345678994")


def test_french_nir_published_examples():
    # Doctest examples of python-stdnum's stdnum.fr.nir (an independent implementation).
    assert french_nir_valid("295109912611193")
    assert french_nir_valid("253072B07300470")
    assert french_nir_valid("253072A07300443")
    assert not french_nir_valid("295109912611199")
    assert not french_nir_valid("253072C07300443")


def test_french_nir_fields_must_be_plausible():
    def with_key(number: str) -> str:
        return number + f"{97 - int(number) % 97:02d}"

    assert french_nir_valid(with_key("1850578006084"))
    assert not french_nir_valid(with_key("5850578006084"))  # sex digit 5 is not used
    assert not french_nir_valid(with_key("1851578006084"))  # month 15
    assert not french_nir_valid(with_key("1850500006084"))  # department 00
    assert not french_nir_valid(with_key("1850578000084"))  # commune 000
    assert not french_nir_valid(with_key("1850578006000"))  # order number 000


def test_codice_fiscale_known_example_and_omocodia_order():
    assert italian_codice_fiscale_valid("RSSMRA85T10A562S")  # the usual "Mario Rossi" example
    # Omocodia replaces digits from the right: the last digit first ("2" -> "N").
    first15 = "RSSMRA85T10A56N"
    assert italian_codice_fiscale_valid(first15 + italian_codice_fiscale_check(first15))
    # A replacement that skips the rightmost digit is never issued.
    skipped = "RSSMRA85T10AR62"
    assert not italian_codice_fiscale_valid(skipped + italian_codice_fiscale_check(skipped))
    bad_month = "RSSMRA85F10A562"  # F is not a month letter
    assert not italian_codice_fiscale_valid(bad_month + italian_codice_fiscale_check(bad_month))
    bad_day = "RSSMRA85T35A562"  # day 35: neither a man's (1-31) nor a woman's (41-71)
    assert not italian_codice_fiscale_valid(bad_day + italian_codice_fiscale_check(bad_day))


def _with_pesel_check(body: str) -> str:
    total = sum(int(d) * w for d, w in zip(body, [1, 3, 7, 9] * 3, strict=False))
    return body + str((10 - total % 10) % 10)


def test_pesel_birth_date_with_century_offsets():
    assert polish_pesel_valid("44051401359")  # the example used across Polish documentation
    assert polish_pesel_valid(_with_pesel_check("0022290000"))  # 29 Feb 2000 (month 02 + 20)
    assert polish_pesel_valid(_with_pesel_check("9992290000"))  # 29 Dec 1899 (month 12 + 80)
    assert not polish_pesel_valid(_with_pesel_check("9982290000"))  # 29 Feb 1899: not a leap year
    assert not polish_pesel_valid(_with_pesel_check("0102290000"))  # 29 Feb 1901
    assert not polish_pesel_valid(_with_pesel_check("0113010000"))  # month 13
    assert not polish_pesel_valid(_with_pesel_check("0102300000"))  # 30 February
    assert not polish_pesel_valid(_with_pesel_check("0101000000"))  # day 0


def test_cpf_published_layout_example_and_repeated_digits():
    assert brazilian_cpf_valid("12345678909")
    assert not brazilian_cpf_valid("12345678900")
    for digit in "0123456789":
        assert not brazilian_cpf_valid(digit * 11)  # pass the arithmetic, never issued
