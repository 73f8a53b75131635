"""Telephone numbers: parse any national or international format to E.164."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from trustdesk.verify.errors import InvalidPhoneError
from trustdesk.verify.frozen import fast_init

MAX_PHONE_INPUT = 64
_ALLOWED = re.compile(r"[0-9A-Za-z+()\-.\s/\u00a0\u2010-\u2015]+")
# Letters a fraudster slips into a number so it reads like one: O for 0, l/I for 1.
_LOOKALIKE_LETTERS = re.compile(r"(?<=\d)[OoIl](?=\d)|(?<=\d)[OoIl]$|^[OoIl](?=\d)")
# An extension written after the number ("ext. 12", "x12"): its letters are not keypad letters.
_EXTENSION = re.compile(r"(?:ext(?:ension|n)?\.?|x)\s*\d{1,7}\s*$", re.IGNORECASE)
_BEFORE_NUMBER = re.compile(r"^[^\d+]+")
VANITY_MIN_LETTERS = 3


@fast_init
@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A valid number: E.164 text, country calling code, region and national digits."""

    e164: str
    country_code: int
    national_number: str
    vanity: bool = False  # written with keypad letters (1-800-FLOWERS)

    @property
    def region(self) -> str:
        """ISO 3166 alpha-2 region of the number ("" when shared, e.g. toll-free +800)."""
        return _region(self.e164)

    @property
    def international(self) -> str:
        """Human format, e.g. ``+1 800-555-0123``."""
        parsed = phonenumbers.parse(self.e164)
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=65536)
def parse_phone(raw: str, default_region: str = "US") -> PhoneNumber:
    """Parse a phone number written in any common format into E.164.

    `default_region` (ISO 3166 alpha-2) applies to numbers written without a country
    code. Vanity numbers (1-800-FLOWERS: three or more letters) are converted; a number
    with one or two stray letters ("+1 800 555 O123") is refused, since that is how a
    fake number is dressed up as a real one. Raises `InvalidPhoneError`.
    """
    text = raw.strip()
    if not text or len(text) > MAX_PHONE_INPUT:
        raise InvalidPhoneError("empty or overlong phone number")
    if text.lower().startswith("tel:"):
        text = text[4:]
    if not _ALLOWED.fullmatch(text):
        raise InvalidPhoneError("a phone number may only contain digits, spaces, + ( ) - . /")
    letters = sum(char.isalpha() for char in text)
    digits = sum(char.isdigit() for char in text)
    if letters and (letters < 3 or _LOOKALIKE_LETTERS.search(text)):
        raise InvalidPhoneError(
            "letters mixed into a phone number (such as O for 0 or l for 1) are a common trick",
            code="phone-with-letters",
        )
    if digits < 3:
        raise InvalidPhoneError("too few digits for a phone number")
    try:
        parsed = phonenumbers.parse(text, default_region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneError(f"not a phone number: {exc}") from None
    if not is_valid_number(parsed):
        raise InvalidPhoneError("not a valid, dialable phone number", code="phone-not-valid")
    return PhoneNumber(
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        country_code=parsed.country_code or 0,
        national_number=str(parsed.national_number),
        vanity=is_vanity(text),
    )


def is_vanity(raw: str) -> bool:
    """True when a number is written with keypad letters ("1-800-FLOWERS"): three or more
    letters in the number itself, i.e. not before its first digit or "+" ("tel:", "call")
    and not in an extension ("ext. 12"), which phonenumbers does not convert either."""
    text = _BEFORE_NUMBER.sub("", raw.strip())
    text = _EXTENSION.sub("", text)
    return sum(char.isalpha() for char in text) >= VANITY_MIN_LETTERS


def is_valid_number(number: phonenumbers.PhoneNumber) -> bool:
    """`phonenumbers.is_valid_number`, without its double work for shared calling codes.

    For a calling code shared by several regions (+1: US, CA, ..., +44: GB, GG, IM, JE),
    phonenumbers first finds the number's region by trying each region's patterns in
    order, then validates the number against that region's patterns again. When the
    code's first region has no leading-digit rule and the number is valid there, that
    search stops at the first region and its answer is True: one pattern check instead of
    two. Every other number takes phonenumbers' own path.
    """
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0, ())
    if len(regions) > 1 and _main_region_without_leading_digits(regions[0]):
        if phonenumbers.is_valid_number_for_region(number, regions[0]):
            return True
    return phonenumbers.is_valid_number(number)


@lru_cache(maxsize=512)
def _main_region_without_leading_digits(region: str) -> bool:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    return metadata is not None and metadata.leading_digits is None


@lru_cache(maxsize=4096)
def _region(e164: str) -> str:
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164)) or ""


@lru_cache(maxsize=65536)
def format_phone(e164: str) -> str:
    """Format an E.164 number for people: ``+18005550123`` -> ``+1 800-555-0123``."""
    try:
        parsed = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
