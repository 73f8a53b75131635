"""Check-digit algorithms the detectors use to tell real identifiers from look-alikes."""

from __future__ import annotations

import calendar

# Each digit replaced by the digit sum of its double (5 -> 10 -> 1), as bytes: a bytes table is
# read in C, a str table is a dict lookup per character.
_LUHN_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")


def luhn_valid(digits: str) -> bool:
    """True when the ASCII digit string passes the Luhn (mod 10) check."""
    if len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        return False
    reversed_digits = digits.encode()[::-1]
    total = sum(reversed_digits[0::2]) + sum(reversed_digits[1::2].translate(_LUHN_DOUBLED))
    return (total - 48 * len(reversed_digits)) % 10 == 0


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


def _digit_values(digits: str) -> list[int]:
    return [ord(c) - 48 for c in digits]


def _all_digits(value: str, length: int) -> bool:
    return len(value) == length and value.isascii() and value.isdigit()


def german_tax_id_valid(digits: str) -> bool:
    """True for an 11-digit German tax ID (steuerliche Identifikationsnummer): no leading zero;
    in the first ten digits exactly one digit occurs twice or three times (never three in a row)
    and no other repeats; the last digit is the ISO 7064 MOD 11,10 check digit of the first ten."""
    if not _all_digits(digits, 11) or digits[0] == "0":
        return False
    body = digits[:10]
    counts = sorted((body.count(d) for d in set(body)), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    if counts[0] == 3 and any(body[i] == body[i + 1] == body[i + 2] for i in range(8)):
        return False
    return iso7064_mod11_10_check(body) == ord(digits[10]) - 48


def iso7064_mod11_10_check(digits: str) -> int:
    """The ISO 7064 MOD 11,10 check digit of an ASCII digit string."""
    product = 10
    for value in _digit_values(digits):
        total = (value + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10


def french_nir_key(number: str) -> int:
    """The two-digit key of a 13-character French NIR (Corsica's 2A/2B count as 19/18)."""
    corsica = {"2A": "19", "2B": "18"}.get(number[5:7])
    numeric = number[:5] + corsica + number[7:] if corsica else number
    return 97 - int(numeric) % 97


def french_nir_valid(value: str) -> bool:
    """True for a French social security number (NIR): 13 characters and a 2-digit key, upper-case,
    without separators. Checks the sex digit, a month the INSEE issues (01-12, or 20 and 30-42 and
    50-99 for unknown months), the department (01-99, 2A, 2B), non-zero commune and order numbers,
    and the key 97 - (number mod 97), with 2A and 2B read as 19 and 18."""
    if len(value) != 15 or not value.isascii():
        return False
    head, department, tail = value[:5], value[5:7], value[7:]
    if not (head.isdigit() and tail.isdigit()) or head[0] not in "123478":
        return False
    if department not in ("2A", "2B") and not (department.isdigit() and department != "00"):
        return False
    month = int(head[3:5])
    if not (1 <= month <= 12 or month == 20 or 30 <= month <= 42 or month >= 50):
        return False
    if tail[:3] == "000" or tail[3:6] == "000":
        return False
    return french_nir_key(value[:13]) == int(tail[6:])


# Italian codice fiscale: digits may be replaced by letters (omocodia), the rightmost first.
_CF_DIGIT_POSITIONS = (14, 13, 12, 10, 9, 7, 6)
_CF_OMOCODIA = "LMNPQRSTUV"  # the letters that stand for 0-9
_CF_MONTHS = "ABCDEHLMPRST"
# What a character at an odd (1st, 3rd, ...) position adds to the check sum: 0-9 as A-J, then K-Z.
_CF_ODD = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23)


def _cf_ordinal(char: str) -> int:
    """0-9 for a digit, 0-25 for a letter A-Z (the value of an even-position character)."""
    return ord(char) - 48 if char.isdigit() else ord(char) - 65


def italian_codice_fiscale_check(first15: str) -> str:
    """The check letter of the first 15 characters (upper-case) of an Italian codice fiscale."""
    total = 0
    for i, char in enumerate(first15):
        total += _CF_ODD[_cf_ordinal(char)] if i % 2 == 0 else _cf_ordinal(char)
    return chr(65 + total % 26)


def italian_codice_fiscale_valid(value: str) -> bool:
    """True for an upper-case Italian codice fiscale of a person: 6 letters (surname, name), birth
    year, month letter, day (41-71 for women), place code, check letter; digits replaced by
    omocodia letters only from the right, as the Agenzia delle Entrate assigns them."""
    if len(value) != 16 or not (value.isascii() and value.isalnum() and value.isupper()):
        return False
    if not (value[:6] + value[8] + value[11] + value[15]).isalpha():  # name, month, place, check
        return False
    substituted = False
    digits = list(value)
    for position in _CF_DIGIT_POSITIONS:  # right to left
        char = value[position]
        if char.isdigit():
            substituted = True  # every position to the left must now be a digit too
            continue
        if substituted or char not in _CF_OMOCODIA:
            return False
        digits[position] = str(_CF_OMOCODIA.index(char))
    if value[8] not in _CF_MONTHS:
        return False
    day = int(digits[9] + digits[10])
    if not (1 <= day <= 31 or 41 <= day <= 71):
        return False
    return italian_codice_fiscale_check(value[:15]) == value[15]


def portuguese_nif_valid(digits: str) -> bool:
    """True for a 9-digit Portuguese tax number (NIF) with an issued first digit (or 45/7x for
    non-residents and other entities) and its mod-11 check digit."""
    if not _all_digits(digits, 9):
        return False
    if digits[0] not in "1235689" and digits[:2] not in ("45", "70", "71", "72", "74", "75", "77", "79"):
        return False
    remainder = sum((9 - i) * d for i, d in enumerate(_digit_values(digits[:8]))) % 11
    return (0 if remainder < 2 else 11 - remainder) == ord(digits[8]) - 48


_PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
# Month offsets that encode the century of birth: +80 for the 1800s, +20 for the 2000s, ...
_PESEL_CENTURIES = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}


def polish_pesel_valid(digits: str) -> bool:
    """True for an 11-digit Polish PESEL: a real calendar birth date (YYMMDD, the month offset by
    80/0/20/40/60 for the 19th-23rd centuries) and the 1-3-7-9 weighted check digit."""
    if not _all_digits(digits, 11):
        return False
    values = _digit_values(digits)
    if (10 - sum(w * d for w, d in zip(_PESEL_WEIGHTS, values, strict=False)) % 10) % 10 != values[10]:
        return False
    coded_month = values[2] * 10 + values[3]
    offset = coded_month // 20 * 20
    month = coded_month - offset
    if not 1 <= month <= 12:
        return False
    year = _PESEL_CENTURIES[offset] + values[0] * 10 + values[1]
    day = values[4] * 10 + values[5]
    return 1 <= day <= calendar.monthrange(year, month)[1]


def _cpf_digit(values: list[int]) -> int:
    weight = len(values) + 1
    remainder = sum((weight - i) * d for i, d in enumerate(values)) * 10 % 11
    return 0 if remainder == 10 else remainder


def brazilian_cpf_valid(digits: str) -> bool:
    """True for an 11-digit Brazilian CPF whose two mod-11 check digits match and whose digits are
    not all the same (00000000000 ... 99999999999 pass the arithmetic but are never issued)."""
    if not _all_digits(digits, 11) or digits == digits[0] * 11:
        return False
    values = _digit_values(digits)
    return _cpf_digit(values[:9]) == values[9] and _cpf_digit(values[:10]) == values[10]


_ID_CARD_WEIGHTS = (7, 3, 1, 7, 3, 1, 7, 3)


def polish_id_card_valid(value: str) -> bool:
    """Polish identity card (dowód osobisty) number: three letters and six digits, the first
    digit a check digit over the others (weights 7-3-1 over letter values A=10 … Z=35)."""
    if len(value) != 9 or not value[:3].isalpha() or not value[:3].isascii() or not _all_digits(value[3:], 6):
        return False
    values = [ord(c) - ord("A") + 10 for c in value[:3].upper()] + [int(c) for c in value[4:]]
    return sum(w * v for w, v in zip(_ID_CARD_WEIGHTS, values, strict=True)) % 10 == int(value[3])
