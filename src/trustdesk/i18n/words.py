"""The words of one language: gettext lookups with their named placeholders filled.

    w = words("de")
    w.gettext("We removed {items} from your message to keep you safe.", items=w.join_and(found))
    w.pgettext("notice: never asked for", "your card number")

The method names are gettext's own, so `pybabel extract` (babel.cfg) finds every message without
extra keywords. Placeholders are Python format fields ("{brand}"): whole sentences with named
slots let each language order its own words.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Sequence
from functools import lru_cache

from trustdesk.i18n.catalogs import translator
from trustdesk.i18n.languages import DEFAULT_LANGUAGE, supported
from trustdesk.i18n.lists import join_and, join_or


def _filled(translated: str, source: str, values: dict[str, object]) -> str:
    """``translated`` with its fields filled, or the English ``source`` when the catalog entry is
    malformed: a broken translation must never stop a message from being guarded or sent."""
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):
        return source.format(**values)


class Words:
    """gettext for one supported language (English for an unsupported code), placeholders filled."""

    __slots__ = ("_translations", "code")

    def __init__(self, code: str | None) -> None:
        self.code: str = supported(code) or DEFAULT_LANGUAGE
        self._translations: _gettext.NullTranslations = translator(self.code)

    def gettext(self, message: str, /, **values: object) -> str:
        """``message`` in this language, with ``values`` in its {placeholders}."""
        return _filled(self._translations.gettext(message), message, values)

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """``message`` as used in ``context`` (the slot it fills), in this language, filled."""
        return _filled(self._translations.pgettext(context, message), message, values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form of ``singular``/``plural`` this language uses for ``n``, filled."""
        return _filled(
            self._translations.ngettext(singular, plural, n), singular if n == 1 else plural, values
        )

    def join_and(self, items: Sequence[str]) -> str:
        """``items`` joined with this language's "and"."""
        return join_and(items, self.code)

    def join_or(self, items: Sequence[str]) -> str:
        """``items`` joined with this language's "or"."""
        return join_or(items, self.code)


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "translate later", known to pybabel
    """Mark ``message`` for extraction where it is stored, to be translated when it is shown."""
    return message


@lru_cache(maxsize=32)
def words(code: str | None) -> Words:
    """The `Words` of a language code (cached per code as given)."""
    return Words(code)
