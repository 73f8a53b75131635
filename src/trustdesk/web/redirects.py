"""Where a browser may be sent after signing in: only a path on this site, never somewhere else.

An open redirect lets a phisher send victims through the retailer's own sign-in page to a look-alike.
Browsers are lenient readers of a Location: they drop tabs and newlines anywhere in it, read a backslash
as a slash and `//host` as another site. So the candidate is judged after decoding (percent-escapes,
repeatedly) and Unicode normalisation, and refused when any reading of it could leave the site.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

MAX_NEXT_CHARS = 500
_DECODE_ROUNDS = 4
# What may stay unescaped in the path and query we hand back (RFC 3986 pchar, "/", "?" and "#").
_SAFE_CHARS = "/:@!$&'()*+,;=-._~?#"


def _fully_decoded(candidate: str) -> str | None:
    """Percent-decoded until nothing changes; None when it keeps changing (layered encoding)."""
    text = candidate
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote(text, errors="strict")
        if decoded == text:
            return text
        text = decoded
    return None


def _leaves_the_site(path: str) -> bool:
    if not path.startswith("/") or "//" in path or "\\" in path:
        return True
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") for char in path):
        return True
    parts = urlsplit(path)
    return bool(parts.scheme or parts.netloc)


def safe_next(candidate: str | None, default: str) -> str:
    """`candidate` as a same-site path in plain ASCII (canonically escaped), or `default` when it is empty,
    too long, or could take a browser to another origin: control or invisible characters, `//`,
    backslashes, a scheme or host, under any number of percent-encodings or after NFKC normalisation."""
    if not candidate or len(candidate) > MAX_NEXT_CHARS:
        return default
    try:
        decoded = _fully_decoded(candidate)
    except UnicodeDecodeError:
        return default
    if decoded is None:
        return default
    normalised = unicodedata.normalize("NFKC", decoded)
    if _leaves_the_site(decoded) or _leaves_the_site(normalised):
        return default
    return quote(decoded, safe=_SAFE_CHARS)
