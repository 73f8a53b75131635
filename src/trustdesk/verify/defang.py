"""Undo the "defanging" people apply to dangerous links before sharing them.

Security teams and cautious customers write ``hxxps://example[.]com`` or
``support[at]example(dot)com`` so a link cannot be clicked. We restore the original
so it can be checked, and remember that it was defanged.
"""

from __future__ import annotations

import re

# Each entry: a pattern for one defanged token and its plain replacement. Brackets of
# any common kind are accepted around "." ":" "@" "dot" "at" and "://".
_BRACKETED = r"[\[\(\{<]\s*{inner}\s*[\]\)\}>]"
_DOT = re.compile("|".join(_BRACKETED.replace("{inner}", inner) for inner in (r"\.", r"dot")), re.IGNORECASE)
_AT = re.compile("|".join(_BRACKETED.replace("{inner}", inner) for inner in (r"@", r"at")), re.IGNORECASE)
_COLON = re.compile(_BRACKETED.replace("{inner}", ":"))
_SCHEME_SEP = re.compile(_BRACKETED.replace("{inner}", "://"))
_SCHEME = re.compile(r"\b(?:hxxp|hxtp|htxp|h\*\*p|hXXp|fxp)(s?)(?=\s*[\[\(\{<]?\s*:)", re.IGNORECASE)
_SPACED_DOT = re.compile(r"\\\.")  # "example\.com" (escaped dot, as in regex-style write-ups)

DEFANG_HINT = re.compile(
    r"hxxps?|h\*\*ps?|hxtps?|htxps?|fxps?|[\[\(\{<]\s*(?:\.|dot|@|at|:|://)\s*[\]\)\}>]|\\\.",
    re.IGNORECASE,
)


def is_defanged(text: str) -> bool:
    """True when `text` contains a defanging marker such as ``hxxp`` or ``[.]``."""
    return DEFANG_HINT.search(text) is not None


def refang(text: str) -> str:
    """Return `text` with defanging undone: ``hxxps://a[.]b/c`` -> ``https://a.b/c``."""
    if not DEFANG_HINT.search(text):
        return text
    text = _SCHEME.sub(lambda m: "http" + m.group(1).lower(), text)
    text = _SCHEME_SEP.sub("://", text)
    text = _COLON.sub(":", text)
    text = _DOT.sub(".", text)
    text = _AT.sub("@", text)
    return _SPACED_DOT.sub(".", text)
