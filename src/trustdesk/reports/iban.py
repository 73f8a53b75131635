"""IBANs in report text: the accounts criminals ask victims to pay into.

Candidates are checked against the country's registered length and the ISO 13616 mod-97 checksum,
so order numbers and other digit runs are not reported as accounts.
"""

from __future__ import annotations

import re

# Country code -> IBAN length, from the SWIFT IBAN registry.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

# Country code, check digits, then 11..30 alphanumerics optionally grouped by single spaces or hyphens.
_CANDIDATE_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]){11,30}")


def is_valid_iban(value: str) -> bool:
    """True when `value` (spaces allowed) has its country's length and a valid mod-97 checksum."""
    compact = value.replace(" ", "").replace("-", "").upper()
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is None or len(compact) != expected or not compact.isalnum() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def find_ibans(text: str) -> list[str]:
    """Return valid IBANs in `text` in compact upper-case form, in order, without duplicates."""
    out: list[str] = []
    pos = 0
    while (match := _CANDIDATE_RE.search(text, pos)) is not None:
        raw = match.group()
        expected = IBAN_LENGTHS.get(raw[:2])
        pos = match.start() + 1
        if expected is None:
            continue
        # The pattern may run on into a following IBAN or code; the registry length says where this one ends.
        kept = 0
        for offset, ch in enumerate(raw):
            if ch.isalnum():
                kept += 1
                if kept == expected:
                    candidate = raw[: offset + 1].replace(" ", "").replace("-", "")
                    if is_valid_iban(candidate):
                        if candidate not in out:
                            out.append(candidate)
                        pos = match.start() + offset + 1
                    break
    return out
