"""The national ID numbers the guard knows: how each is written, validated and named.

This table is code; which words name a kind in which language is data (languages/<pack>/ids.toml
names a kind by its key here). A kind's ``pattern`` finds candidates in the normalised text (the
value in group "v"), ``valid`` checks the value with its separators removed and letters upper-cased,
and ``standalone`` lists the printed layouts distinctive enough to be taken without a cue word
nearby (each also wakes the detector through ``shape``, an RE2 pattern for the trigger pass; these
may cover only part of the layout and has no boundary: the Python pattern checks the whole layout
anyway, and each shape costs the trigger pass 300-1,000 instructions per message on unseen text,
more for a longer one or one with a consumed boundary class (callgrind, bench/guard_instructions.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from stdnum.be import nn as belgian_national_number
from stdnum.ch import ssn as swiss_ahv
from stdnum.cl import rut as chilean_rut
from stdnum.ie import pps as irish_pps
from stdnum.pt import cc as portuguese_citizen_card

from trustdesk.guard.checksums import (
    brazilian_cpf_valid,
    canada_sin_valid,
    dutch_bsn_valid,
    french_nir_valid,
    german_tax_id_valid,
    italian_codice_fiscale_valid,
    polish_id_card_valid,
    polish_pesel_valid,
    portuguese_nif_valid,
    spanish_dni_valid,
    uk_nino_valid,
    us_ssn_valid,
)


class IdKind(NamedTuple):
    """One kind of national ID number (see the module docstring)."""

    label: str  # the display form stored in place of the number: never any of its characters
    pattern: re.Pattern[str]
    valid: Callable[[str], bool]
    standalone: re.Pattern[str] | None = None
    shape: str | None = None


# Separators people put inside a number ("12 345 678 903", "123.456.789-09"): one between any
# two characters. A candidate never starts or ends inside a longer number or word.
_SEP = r"[ .\-/]?"
_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9][ .\-/])"
_AFTER = r"(?![0-9A-Za-z]|[ .\-/][0-9])"


def _digits(count: int) -> re.Pattern[str]:
    """``count`` digits, a separator allowed between any two."""
    return re.compile(rf"{_BEFORE}(?P<v>[0-9](?:{_SEP}[0-9]){{{count - 1}}}){_AFTER}")


_VALUE_JUNK = str.maketrans("", "", " .-/")


def canonical(value: str) -> str:
    """A candidate's value as its validator takes it: separators removed, letters upper-cased."""
    return value.translate(_VALUE_JUNK).upper()


def _ssn_valid(digits: str) -> bool:
    return len(digits) == 9 and digits.isdigit() and us_ssn_valid(digits[:3], digits[3:5], digits[5:])


# Italian codice fiscale: a digit position may hold an omocodia letter (L-V except O).
_CF_DIGIT = "[0-9LMNP-Vlmnp-v]"
_CF = rf"[A-Za-z]{{6}}{_CF_DIGIT}{{2}}[A-Za-z]{_CF_DIGIT}{{2}}[A-Za-z]{_CF_DIGIT}{{3}}[A-Za-z]"
_CF_STANDALONE = r"[A-Z]{6}[0-9][0-9LMNP-V][A-Z][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]"
# From the year's first digit on (a shape starting at every word would cost more), as standalone.
_CF_SHAPE = r"[0-9][0-9lmnp-v][abcdehlmprst][0-9lmnp-v]{2}[a-z][0-9lmnp-v]{3}[a-z]"

KINDS: dict[str, IdKind] = {
    "us_ssn": IdKind(
        "US Social Security number",
        # The same separator (or none) between the three groups: 123-45-6789, 123 45 6789.
        re.compile(r"(?<![\d\-/.])(?P<v>\d{3}(?P<sep>[\- ]?)\d{2}(?P=sep)\d{4})(?![\d\-/]|\.\d)"),
        _ssn_valid,
        standalone=re.compile(r"\d{3}-\d{2}-\d{4}"),  # bare or spaced nine digits need a cue
        shape=r"[0-9]{3}-[0-9]{2}-[0-9]{4}",
    ),
    "uk_nino": IdKind(
        "UK National Insurance number",
        re.compile(r"(?<![A-Za-z0-9])(?P<v>[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d])(?![A-Za-z0-9])"),
        uk_nino_valid,
        standalone=re.compile(r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]"),  # lower case needs a cue
        shape=r"(?-i:[0-9]{2} ?[0-9]{2} ?[A-D])",  # the capitalised tail; small letters need a cue
    ),
    "ca_sin": IdKind("Canadian Social Insurance Number", _digits(9), canada_sin_valid),
    "es_dni": IdKind(
        "Spanish DNI/NIE",
        # 12345678Z, 12.345.678-Z, X1234567L, X-1234567-L
        re.compile(
            r"(?<![A-Za-z0-9])(?P<v>(?:[XYZxyz][ \-]?)?\d{1,2}\.?\d{3}\.?\d{3}[ \-]?[A-Za-z])(?![A-Za-z0-9])"
        ),
        spanish_dni_valid,
    ),
    "nl_bsn": IdKind("Dutch citizen service number (BSN)", _digits(9), dutch_bsn_valid),
    "de_tax_id": IdKind("German tax ID", _digits(11), german_tax_id_valid),
    "fr_nir": IdKind(
        "French social security number (NIR)",
        # 1 85 05 78 006 084 91; Corsica: 2 53 07 2A 073 004 43
        re.compile(
            rf"{_BEFORE}(?P<v>[1-478](?:{_SEP}[0-9]){{4}}{_SEP}(?:2{_SEP}[ABab]|[0-9]{_SEP}[0-9])"
            rf"(?:{_SEP}[0-9]){{8}}){_AFTER}"
        ),
        french_nir_valid,
        # As printed on the carte Vitale: the 13 characters and the key in their spaced groups.
        standalone=re.compile(r"[1-478] \d{2} \d{2} (?:\d{2}|2[AB]) \d{3} \d{3} \d{2}"),
        shape=r" (?:[0-9]{2}|2[ab]) [0-9]{3} [0-9]{3} [0-9]{2}",  # its tail: the whole layout costs more
    ),
    "it_codice_fiscale": IdKind(
        "Italian tax code (codice fiscale)",
        re.compile(rf"(?<![A-Za-z0-9])(?P<v>{_CF})(?![A-Za-z0-9])"),
        italian_codice_fiscale_valid,
        # Sixteen characters in this order with a matching check letter are rare enough, but only
        # written all in capitals or all in small letters and with the year's first digit as a digit.
        standalone=re.compile(f"{_CF_STANDALONE}|{_CF_STANDALONE.lower()}"),
        shape=_CF_SHAPE,
    ),
    "pt_nif": IdKind("Portuguese tax number (NIF)", _digits(9), portuguese_nif_valid),
    "pl_pesel": IdKind("Polish PESEL number", _digits(11), polish_pesel_valid),
    "br_cpf": IdKind(
        "Brazilian CPF number",
        _digits(11),
        brazilian_cpf_valid,
        standalone=re.compile(r"\d{3}\.\d{3}\.\d{3}-\d{2}"),  # 123.456.789-09; bare 11 digits need a cue
        shape=r"[0-9]\.[0-9]{3}-[0-9]{2}",  # its tail: the whole layout costs more
    ),
    # Numbers of neighbouring countries whose customers write in a covered language; each needs
    # its cue ("AHV-Nummer", "rijksregisternummer", "PPS number", "RUT", "numer dowodu",
    # "cartão de cidadão"). Their check digits come from python-stdnum.
    "ch_ahv": IdKind(
        "Swiss AHV number",
        re.compile(rf"{_BEFORE}(?P<v>7{_SEP}5{_SEP}6(?:{_SEP}[0-9]){{10}}){_AFTER}"),
        swiss_ahv.is_valid,
    ),
    "be_national_number": IdKind(
        "Belgian national register number", _digits(11), belgian_national_number.is_valid
    ),
    "ie_pps": IdKind(
        "Irish PPS number",
        re.compile(r"(?<![A-Za-z0-9])(?P<v>\d{7} ?[A-Wa-w][A-IWa-iw]?)(?![A-Za-z0-9])"),
        irish_pps.is_valid,
    ),
    "cl_rut": IdKind(
        "Chilean RUT",
        re.compile(r"(?<![A-Za-z0-9.\-])(?P<v>\d{1,2}\.?\d{3}\.?\d{3}-?[0-9Kk])(?![A-Za-z0-9]|[.\-]\d)"),
        chilean_rut.is_valid,
    ),
    "pl_id_card": IdKind(
        "Polish ID card number",
        re.compile(r"(?<![A-Za-z0-9])(?P<v>[A-Za-z]{3} ?\d{6})(?![A-Za-z0-9])"),
        polish_id_card_valid,
    ),
    "pt_citizen_card": IdKind(
        "Portuguese citizen card number",
        re.compile(r"(?<![A-Za-z0-9])(?P<v>\d{8} ?\d ?[A-Za-z0-9]{2}\d)(?![A-Za-z0-9])"),
        portuguese_citizen_card.is_valid,
    ),
}
