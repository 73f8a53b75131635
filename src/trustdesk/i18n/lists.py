"""Lists in running text ("a card number and a one-time code"), per language (CLDR data via Babel)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from babel.lists import format_list

from trustdesk.i18n.languages import cldr_locale


@lru_cache(maxsize=4096)
def _joined(items: tuple[str, ...], style: str, locale: str) -> str:
    return format_list(list(items), style=style, locale=locale)  # type: ignore[arg-type]


def join_and(items: Sequence[str], code: str) -> str:
    """``items`` joined with the language's "and" ("A, B and C", "A, B et C")."""
    return _joined(tuple(items), "standard", cldr_locale(code)) if items else ""


def join_or(items: Sequence[str], code: str) -> str:
    """``items`` joined with the language's "or"."""
    return _joined(tuple(items), "or", cldr_locale(code)) if items else ""
