"""The footer line of every outbound message, in the conversation's language, and the pattern that
finds it again in any of them.

The footer names the message's reference and where to check it. The message check blanks it out before
comparing (`canonical.remove_footers`), so the pattern is built from every catalog's translation of the
one footer message: a mail sent in German is recognised wherever the customer pastes it.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import cache

from trustdesk.i18n import LANGUAGES, N_, words

# Translators: the last line of every mail and message the desk sends; {reference} is like TD-7Q2MH4K9XD,
# {url} the retailer's "was this really from us?" page.
FOOTER_MESSAGE = N_("Reference {reference} \u00b7 check it at {url}")
# A reference as delivery may have left it: the hyphen may be another dash or lost, a line may break after it.
_REFERENCE = r"TD(?:[-\u2010\u2011][ \t]*\n?[ \t]*|[ ])?[0-9A-Za-z]{10}"
_SEPARATOR = r"\s*(?:[\u00b7|\-\u2013\u2014*]\s*)?"


def footer_text(reference: str, url: str, lang: str | None = None) -> str:
    """The footer line in ``lang`` (English without one)."""
    return words(lang).gettext(FOOTER_MESSAGE, reference=reference, url=url)


def _literal(text: str) -> str:
    """A piece of the footer between placeholders as a pattern: re-wrapping may split it at any space."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for part in re.split(r"(\s+|\u00b7)", text):
        if not part:
            continue
        out.append(_SEPARATOR if part == "\u00b7" else (r"\s+" if part.isspace() else re.escape(part)))
    return "".join(out)


def _one(template: str) -> str:
    pieces = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        pieces.append(_literal(literal))
        if field == "reference":
            pieces.append(_REFERENCE)
        elif field == "url":
            pieces.append(r"\S+")
    pattern = "".join(pieces).replace(r"\s+" + _SEPARATOR + r"\s+", _SEPARATOR)
    return pattern.replace(r"\s+" + _SEPARATOR, _SEPARATOR).replace(_SEPARATOR + r"\s+", _SEPARATOR)


@cache
def footer_pattern() -> re.Pattern[str]:
    """Our footer line in any supported language (case-insensitive; wrapped lines allowed)."""
    templates = dict.fromkeys(
        words(code).gettext(FOOTER_MESSAGE, reference="{reference}", url="{url}") for code in LANGUAGES
    )
    return re.compile("|".join(f"(?:{_one(t)})" for t in templates), re.IGNORECASE)
