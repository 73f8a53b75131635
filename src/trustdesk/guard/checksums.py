"""Check-digit algorithms the detectors use to tell real identifiers from look-alikes."""

from __future__ import annotations

# Each digit replaced by the digit sum of its double (5 -> 10 -> 1).
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    """True when the ASCII digit string passes the Luhn (mod 10) check."""
    if len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        return False
    reversed_digits = digits[::-1]
    mixed = reversed_digits[0::2] + reversed_digits[1::2].translate(_LUHN_DOUBLED)
    return (sum(mixed.encode()) - 48 * len(mixed)) % 10 == 0


# ISO 13616 IBAN lengths per country (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip


_LETTER_VALUES = {ord(c): str(10 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def iban_mod97(iban: str) -> int:
    """The ISO 7064 mod-97 remainder of an upper-case, space-free IBAN (1 means valid; -1 if malformed)."""
    if not (iban.isascii() and iban.isalnum()):
        return -1
    numeric = (iban[4:] + iban[:4]).translate(_LETTER_VALUES)
    if not numeric.isdigit():
        return -1
    return int(numeric) % 97


def iban_valid(iban: str) -> bool:
    """True when an upper-case, space-free IBAN has its country's length and mod-97 remainder 1."""
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is None or len(iban) != expected:
        return False
    if not iban[2:4].isdigit() or not iban[4:].isalnum() or not iban.isascii():
        return False
    return iban_mod97(iban) == 1


def aba_routing_valid(digits: str) -> bool:
    """True for a 9-digit US ABA routing number with a valid 3-7-1 checksum and Fed prefix."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    prefix = int(digits[:2])
    # 00 (US government), 01-12 and 21-32 (Federal Reserve districts, thrifts), 61-72 (electronic), 80 (travellers cheques).
    if not (prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80):
        return False
    weights = (3, 7, 1) * 3
    return sum(w * (ord(c) - 48) for w, c in zip(weights, digits, strict=True)) % 10 == 0


def us_ssn_valid(area: str, group: str, serial: str) -> bool:
    """True unless the SSN parts fall in a range the SSA never issues (or is a famous sample)."""
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        return False
    # Numbers published in advertising and documentation, never real.
    return f"{area}{group}{serial}" not in {"078051120", "219099999", "123456789"}


_UK_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino_valid(nino: str) -> bool:
    """True for an upper-case, space-free UK National Insurance number with an allocatable prefix."""
    if len(nino) != 9:
        return False
    first, second = nino[0], nino[1]
    if first in "DFIQUV" or second in "DFIOQUV":
        return False
    if nino[:2] in _UK_NINO_BAD_PREFIXES:
        return False
    return nino[2:8].isdigit() and nino[8] in "ABCD"


_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def spanish_dni_valid(value: str) -> bool:
    """True for a Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter) with its check letter."""
    if len(value) != 9:
        return False
    head = value[:8]
    if head[0] in "XYZ":
        head = str("XYZ".index(head[0])) + head[1:]
    if not head.isdigit():
        return False
    return _DNI_LETTERS[int(head) % 23] == value[8]


def dutch_bsn_valid(digits: str) -> bool:
    """True for a 9-digit Dutch BSN that passes the "11-proef"."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum((9 - i) * (ord(c) - 48) for i, c in enumerate(digits[:8])) - (ord(digits[8]) - 48)
    return total % 11 == 0


def canada_sin_valid(digits: str) -> bool:
    """True for a 9-digit Canadian SIN: Luhn-valid and not starting with 0 or 8 (never issued)."""
    return len(digits) == 9 and digits.isdigit() and digits[0] not in "08" and luhn_valid(digits)
