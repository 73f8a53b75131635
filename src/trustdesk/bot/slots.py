"""Pulling slot values (order numbers, e-mail addresses, item choices) out of messages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from babel.dates import get_month_names

from trustdesk.bot.context import OrderItem
from trustdesk.bot.normalise import fold
from trustdesk.i18n.languages import DEFAULT_LANGUAGE, cldr_locale, supported

_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)")
# An order reference: optional short letter prefix, then 4-12 digits (dashes allowed).
_ORDER = re.compile(r"(?<![\w@.-])#?((?:[A-Za-z]{1,4}-?)?\d{4,12}(?:-\d{1,6})*)(?![\w@-])")
_PHONE_LIKE = re.compile(r"\+?\d[\d ()-]{8,}\d")
_ALL = re.compile(
    r"\b(all|both|every(thing)?|whole\s+order|all\s+of\s+(them|it)|alle|alles|beide|tout|tous|toutes|les\s+deux|"
    r"todo|todos|todas|ambos|ambas|tutto|tutti|tutte|entrambi|allemaal|tudo|wszystko|wszystkie|oba|obie)\b",
    re.IGNORECASE,
)
_NUMBERS = re.compile(r"\b(\d{1,2})\b")


def find_email(text: str) -> str | None:
    """The first e-mail address in `text`, lower-cased."""
    match = _EMAIL.search(text)
    return match.group(1).lower() if match else None


def find_order_number(text: str) -> str | None:
    """The first thing in `text` shaped like an order number (upper-cased), ignoring phone numbers."""
    cleaned = _EMAIL.sub(" ", text)
    cleaned = _PHONE_LIKE.sub(
        lambda m: " " if " " in m.group(0) or m.group(0).startswith("+") else m.group(0), cleaned
    )
    match = _ORDER.search(cleaned)
    return match.group(1).upper() if match else None


@lru_cache(maxsize=16)
def _month_pattern(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, int]]:
    """Day-month and month-day patterns over CLDR's month names in `lang` (and English), folded."""
    months: dict[str, int] = {}
    for code in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        locale = cldr_locale(code)
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names = get_month_names(width, context, locale)  # type: ignore[arg-type]
                for number, name in names.items():
                    key = fold(str(name)).rstrip(".")
                    if len(key) >= 3:
                        months.setdefault(key, int(number))
    alternatives = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    day_first = re.compile(
        rf"\b(\d{{1,2}})(?:\.|º|°|er|st|nd|rd|th)?\s*(?:de\s+|di\s+|of\s+)?({alternatives})\.?(?:\s+(?:de\s+)?(\d{{4}}))?\b"
    )
    month_first = re.compile(rf"\b({alternatives})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?")
    return day_first, month_first, months


def find_date(text: str, lang: str | None, today: date) -> date | None:
    """The first calendar date written with a month name in `lang` or English ("3. November",
    "le 3 novembre", "3 de noviembre", "3 listopada", "November 3rd"); without a year, the latest
    such day not after `today` (customers name past days: when they ordered)."""
    code = supported(lang) or DEFAULT_LANGUAGE
    day_first, month_first, months = _month_pattern(code)
    folded = fold(text)
    match = day_first.search(folded)
    if match:
        day, month, year = int(match.group(1)), months[match.group(2)], match.group(3)
    else:
        match = month_first.search(folded)
        if not match:
            return None
        day, month, year = int(match.group(2)), months[match.group(1)], match.group(3)
    for candidate_year in [int(year)] if year else [today.year, today.year - 1]:
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            continue
        if year or found <= today:
            return found
    return None


def same_order_number(a: str, b: str) -> bool:
    """True when two order references name the same order ('#A-1002' and 'a1002' do)."""

    def key(value: str) -> str:
        return re.sub(r"[^0-9A-Za-z]", "", value).upper()

    return key(a) == key(b)


def choose_items(text: str, items: Sequence[OrderItem]) -> tuple[OrderItem, ...]:
    """The items a customer picked: 'all', list positions ('1 and 3'), or words of item names."""
    if not items:
        return ()
    if _ALL.search(text):
        return tuple(items)
    chosen: list[OrderItem] = []
    for match in _NUMBERS.finditer(text):
        position = int(match.group(1))
        if 1 <= position <= len(items) and items[position - 1] not in chosen:
            chosen.append(items[position - 1])
    if chosen:
        return tuple(chosen)
    words = {w for w in re.findall(r"[a-z]{3,}", text.lower())}
    for item in items:
        name_words = set(re.findall(r"[a-z]{3,}", item.name.lower()))
        if name_words & words:
            chosen.append(item)
    return tuple(chosen)
