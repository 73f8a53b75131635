"""Pulling slot values (order numbers, e-mail addresses, item choices) out of messages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from trustdesk.bot.context import OrderItem

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
