"""The languages Trustdesk speaks to customers, and the words it uses in each.

    from trustdesk.i18n import supported, translator, words
    _ = translator("de").gettext
    supported("de-AT")   # "de"
    words("fr").gettext("{brand} will never ask for {items}.", brand="Acme", items="…")

Codes are BCP 47 as people and browsers write them ("de", "pt-BR"); gettext catalogs use the
POSIX form ("pt_BR") under src/trustdesk/locale. Adding a language is data: its code here, its
catalog, and the guard's language pack (docs/architecture.md, "Languages").
"""

from trustdesk.i18n.catalogs import translator
from trustdesk.i18n.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Language,
    UnsupportedLanguage,
    language,
    posix_locale,
    supported,
)
from trustdesk.i18n.lists import join_and, join_or
from trustdesk.i18n.words import N_, Words, words

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Language",
    "UnsupportedLanguage",
    "Words",
    "join_and",
    "join_or",
    "language",
    "posix_locale",
    "supported",
    "translator",
    "words",
]
