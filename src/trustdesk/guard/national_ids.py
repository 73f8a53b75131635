"""NATIONAL_ID detection: US SSN, UK National Insurance number, Canadian SIN, Spanish DNI/NIE, Dutch BSN.

Each number is validated by its own rules (SSA never-issued ranges, NINO prefix rules, Luhn
for the SIN, the DNI check letter, the BSN "11-proef"). Forms that are easy to confuse with
other numbers need a cue nearby ("SSN", "social insurance", "DNI", "BSN").
"""

from __future__ import annotations

import re

from trustdesk.guard.candidates import PRIORITY, Candidate
from trustdesk.guard.checksums import (
    canada_sin_valid,
    dutch_bsn_valid,
    spanish_dni_valid,
    uk_nino_valid,
    us_ssn_valid,
)
from trustdesk.guard.scantext import NINO_SHAPE, SSN_CUES, SSN_SHAPE, ScanText, triggers

_SSN = re.compile(r"(?<![\d\-/.])(?P<a>\d{3})(?P<sep>[\- ]?)(?P<g>\d{2})(?P=sep)(?P<s>\d{4})(?![\d\-/]|\.\d)")
_SSN_CUE = re.compile(r"\bssn\b|social\s+security|soc\.?\s*sec|\bss\s*#|\bss\s+(?:no|number)")
_NEGATIVE_CUE = re.compile(
    r"order|tracking|invoice|\bref|reference|ticket|case|phone|tel\b|call|fax|account|\bsku\b|serial|#"
)
_NINO = re.compile(r"(?<![A-Za-z0-9])(?P<v>[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d])(?![A-Za-z0-9])")
_NINO_CUE = re.compile(r"national\s+insurance|\bnino\b|\bni\s+(?:no|number|#)")
_NINE_DIGITS = re.compile(r"(?<![\d\-])(?P<v>\d{3}[ \-]?\d{3}[ \-]?\d{3})(?!\d)")
_SIN_CUE = re.compile(r"\bsin\b|social\s+insurance|\bnas\b")
_BSN_CUE = re.compile(r"\bbsn\b|burgerservicenummer|sofi\s*-?nummer|citizen\s+service\s+number")
_DNI = re.compile(r"(?<![A-Za-z0-9])(?P<v>[XYZxyz]?\d{7,8}[ \-]?[A-Za-z])(?![A-Za-z0-9])")
_DNI_CUE = re.compile(r"\bdni\b|\bnie\b|\bnif\b|documento|\bd\.n\.i")


_SIN_BSN_TRIGGERS = triggers("sin", "nas", "bsn") | triggers(
    "social insurance", "burgerservice", "sofi", "citizen service"
)
_DNI_TRIGGERS = triggers("dni", "nie", "nif", "documento", "d.n.i")
NATIONAL_ID_GATE = frozenset({SSN_SHAPE, NINO_SHAPE}) | SSN_CUES | _SIN_BSN_TRIGGERS | _DNI_TRIGGERS


def _cue_near(cue: re.Pattern[str], lower: str, start: int, end: int, width: int = 50) -> bool:
    return cue.search(lower, max(0, start - width), min(len(lower), end + 20)) is not None


def _id(start: int, end: int, label: str) -> Candidate:
    return Candidate("NATIONAL_ID", start, end, label, PRIORITY["NATIONAL_ID"])


def find_national_ids(st: ScanText, claimed: list[Candidate] | None = None) -> list[Candidate]:
    """National identity numbers in the normalised text (skipping digits ``claimed`` by a card or IBAN)."""
    found: list[Candidate] = []
    if not st.has_digit:
        return found
    text, lower = st.text, st.lower
    ssn, nino = st.may_hold_ssn, st.may_hold_nino
    taken = claimed or []
    for run_start, run_end, run_digits in st.runs if ssn or nino else ():
        if taken and any(c.start <= run_start and run_end <= c.end for c in taken):
            continue
        if ssn and run_digits >= 9:
            for m in _SSN.finditer(text, run_start, run_end):
                if not us_ssn_valid(m.group("a"), m.group("g"), m.group("s")):
                    continue
                if not _cue_near(_SSN_CUE, lower, m.start(), m.end()):
                    if m.group("sep") != "-":
                        continue  # bare or space-split nine digits are too common to call an SSN without a cue
                    if _NEGATIVE_CUE.search(lower, max(0, m.start() - 30), m.start()):
                        continue
                found.append(_id(m.start(), m.end(), "US Social Security number"))
        if nino and run_digits == 6:
            for m in _NINO.finditer(text, max(0, run_start - 3), min(len(text), run_end + 3)):
                raw = m.group("v")
                if not uk_nino_valid(raw.replace(" ", "").upper()):
                    continue
                if raw != raw.upper() and not _cue_near(_NINO_CUE, lower, m.start(), m.end()):
                    continue
                found.append(_id(m.start(), m.end(), "UK National Insurance number"))
    if st.has_any(_SIN_BSN_TRIGGERS):
        for m in _NINE_DIGITS.finditer(text):
            digits = m.group("v").replace(" ", "").replace("-", "")
            if canada_sin_valid(digits) and _cue_near(_SIN_CUE, lower, m.start(), m.end()):
                found.append(_id(m.start(), m.end(), "Canadian Social Insurance Number"))
            elif dutch_bsn_valid(digits) and _cue_near(_BSN_CUE, lower, m.start(), m.end()):
                found.append(_id(m.start(), m.end(), "Dutch citizen service number (BSN)"))
    if st.has_any(_DNI_TRIGGERS):
        for m in _DNI.finditer(text):
            value = m.group("v").replace(" ", "").replace("-", "").upper()
            if (
                len(value) == 9
                and spanish_dni_valid(value)
                and _cue_near(_DNI_CUE, lower, m.start(), m.end())
            ):
                found.append(_id(m.start(), m.end(), "Spanish DNI/NIE"))
    return found
