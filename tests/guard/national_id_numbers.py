"""Valid national ID numbers built the way the issuing offices build them.

Written from the published rules, independently of trustdesk.guard.checksums, so the tests check
the guard's validators against a second implementation rather than against themselves. Every
maker takes a random.Random and returns the number without separators (upper-case letters).
"""

from __future__ import annotations

import calendar
import random
import string
from collections.abc import Callable
from functools import reduce


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def german_tax_id(rng: random.Random, triple: bool = False) -> str:
    """Ten digits in which exactly one digit occurs twice (or three times, never three in a row),
    no leading zero, then the ISO 7064 MOD 11,10 check digit."""
    while True:
        distinct = rng.sample(string.digits, 8 if triple else 9)
        repeated = distinct[0]
        body = distinct + [repeated] * (2 if triple else 1)
        rng.shuffle(body)
        text = "".join(body)
        if text[0] != "0" and repeated * 3 not in text:
            break
    # MOD 11,10: running product, starting at 10.
    product = reduce(lambda p, d: (((d + p) % 10 or 10) * 2) % 11, map(int, text), 10)
    check = 11 - product
    return text + str(0 if check == 10 else check)


def french_nir(rng: random.Random, corsica: bool = False) -> str:
    """Sex, year, month, department (2A/2B for Corsica), commune, order number and the key
    97 - (number mod 97), computed with 2A = 19 and 2B = 18."""
    sex = rng.choice("12")
    year = f"{rng.randint(0, 99):02d}"
    month = f"{rng.randint(1, 12):02d}"
    department = rng.choice(["2A", "2B"]) if corsica else f"{rng.choice([*range(1, 20), *range(21, 96)]):02d}"
    commune = f"{rng.randint(1, 999):03d}"
    order = f"{rng.randint(1, 999):03d}"
    number = sex + year + month + department + commune + order
    numeric = number.replace("2A", "19") if department == "2A" else number.replace("2B", "18")
    return number + f"{97 - int(numeric) % 97:02d}"


# Codice fiscale: values of characters at odd positions (1st, 3rd, ...), from the official table.
_CF_ODD = dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21], strict=True)) | dict(
    zip(
        string.ascii_uppercase,
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23],
        strict=True,
    )
)
_CF_EVEN = {c: int(c) for c in string.digits} | {c: i for i, c in enumerate(string.ascii_uppercase)}
_OMOCODIA = dict(zip(string.digits, "LMNPQRSTUV", strict=True))


def italian_codice_fiscale(rng: random.Random, omocodia: int = 0) -> str:
    """Surname and name letters, birth year, month letter, day (+40 for women), place code, check
    letter; with ``omocodia`` of the seven digits replaced by letters, the rightmost first."""
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(6))
    day = rng.randint(1, 28) + rng.choice([0, 40])
    chars = list(
        letters
        + _digits(rng, 2)
        + rng.choice("ABCDEHLMPRST")
        + f"{day:02d}"
        + rng.choice(string.ascii_uppercase)
        + _digits(rng, 3)
    )
    for position in [14, 13, 12, 10, 9, 7, 6][:omocodia]:
        chars[position] = _OMOCODIA[chars[position]]
    total = sum((_CF_ODD if i % 2 == 0 else _CF_EVEN)[c] for i, c in enumerate(chars))
    return "".join(chars) + string.ascii_uppercase[total % 26]


def portuguese_nif(rng: random.Random) -> str:
    """A personal NIF (first digit 1-3), weights 9..2, check 11 - remainder (0 for remainders 0, 1)."""
    body = rng.choice("123") + _digits(rng, 7)
    remainder = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
    return body + str(0 if remainder < 2 else 11 - remainder)


def polish_pesel(rng: random.Random) -> str:
    """Birth date YYMMDD with the century in the month (1800s +80, 2000s +20, ...), four more
    digits, and the 1-3-7-9 weighted check digit."""
    year = rng.randint(1800, 2299)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    offset = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}[year // 100]
    body = f"{year % 100:02d}{month + offset:02d}{day:02d}" + _digits(rng, 4)
    weighted = sum(int(d) * w for d, w in zip(body, [1, 3, 7, 9] * 3, strict=False))
    return body + str((10 - weighted % 10) % 10)


def brazilian_cpf(rng: random.Random) -> str:
    """Nine digits (not all the same) and two mod-11 check digits."""
    body = _digits(rng, 9)
    while len(set(body)) == 1:
        body = _digits(rng, 9)
    for _ in range(2):
        weight = len(body) + 1
        remainder = sum(int(d) * (weight - i) for i, d in enumerate(body)) * 10 % 11
        body += str(remainder % 10)
    return body


def dutch_bsn(rng: random.Random) -> str:
    """Nine digits passing the 11-proef (9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11)."""
    while True:
        body = _digits(rng, 8)
        last = sum(int(d) * w for d, w in zip(body, range(9, 1, -1), strict=True)) % 11
        if last < 10 and body + str(last) != "0" * 9:
            return body + str(last)


def spanish_dni(rng: random.Random, nie: bool = False) -> str:
    """Eight digits (or X/Y/Z and seven) and the check letter of the number mod 23."""
    prefix = rng.choice("XYZ") if nie else ""
    body = _digits(rng, 7 if nie else 8)
    number = int(str("XYZ".index(prefix)) + body) if nie else int(body)
    return prefix + body + "TRWAGMYFPDXBNJZSQVHLCKE"[number % 23]


def canadian_sin(rng: random.Random) -> str:
    """Nine digits, first not 0 or 8, passing Luhn."""
    body = rng.choice("1234567") + _digits(rng, 7)
    total = 0
    for i, d in enumerate(reversed(body)):
        doubled = int(d) * (2 if i % 2 == 0 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return body + str((10 - total % 10) % 10)


MAKERS: dict[str, Callable[[random.Random], str]] = {
    "de_tax_id": german_tax_id,
    "fr_nir": french_nir,
    "es_dni": spanish_dni,
    "it_codice_fiscale": italian_codice_fiscale,
    "nl_bsn": dutch_bsn,
    "pt_nif": portuguese_nif,
    "pl_pesel": polish_pesel,
    "br_cpf": brazilian_cpf,
    "ca_sin": canadian_sin,
}


def grouped(value: str, sizes: list[int], sep: str = " ") -> str:
    """``value`` split into groups of the given sizes ("1 85 05 78 006 084 91")."""
    parts, start = [], 0
    for size in sizes:
        parts.append(value[start : start + size])
        start += size
    return sep.join(parts)
