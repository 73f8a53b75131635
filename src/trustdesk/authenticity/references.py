"""Public message references: "TD-" + 10 Crockford base32 characters (9 random, 1 check).

The check character lets a checker tell a mistyped reference ("cannot tell") from a
well-formed one we never issued (a forgery). Crockford's alphabet has no I, L, O or U, and
reading is forgiving: lower case, I/L for 1 and O for 0 are accepted.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "TD-"
RANDOM_CHARS = 9
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})

#: A reference anywhere in text: TD, an optional separator, then 10 symbols (not the 8-character
#: conversation references "TD-XXXX-XXXX", which have a hyphen after the fourth symbol). A line
#: break after the hyphen is allowed: some programs wrap lines at hyphens.
REFERENCE_PATTERN = re.compile(
    r"(?<![\w-])TD(?:[-\u2010\u2011][ \t]*\n?[ \t]*|[ ])?([0-9A-Za-z]{10})(?![\w])", re.IGNORECASE
)


_CONVERSATION_REFERENCE = re.compile(r"^TD[-\s]?[0-9A-Z]{4}[-\s][0-9A-Z]{4}$", re.IGNORECASE)


def _check_char(body: str) -> str:
    # Odd weights are invertible mod 32, so any single wrong symbol changes the check character.
    total = sum((2 * i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    return ALPHABET[total % 32]


def new_reference() -> str:
    """A fresh unguessable reference, e.g. "TD-7KQ4M2PX9A" (45 random bits and a check symbol)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return PREFIX + body + _check_char(body)


def normalize_reference(text: str) -> str | None:
    """The canonical "TD-XXXXXXXXXX" form of a typed reference, or None if it is not shaped like one."""
    if _CONVERSATION_REFERENCE.match(text.strip()):
        return None
    cleaned = re.sub(r"[\s\u2010\u2011-]", "", text.strip()).upper()
    if len(cleaned) == RANDOM_CHARS + 3 and cleaned.startswith("TD"):
        cleaned = cleaned[2:]  # the body itself may start with "TD": strip the prefix only by length
    cleaned = cleaned.translate(_READ_AS)
    if len(cleaned) != RANDOM_CHARS + 1 or any(ch not in _VALUE for ch in cleaned):
        return None
    return PREFIX + cleaned


def reference_is_well_formed(reference: str) -> bool:
    """True when the check symbol matches (a typo in one symbol makes this False)."""
    normal = normalize_reference(reference)
    if normal is None:
        return False
    body = normal[len(PREFIX) :]
    return _check_char(body[:-1]) == body[-1]


def find_references(text: str) -> list[str]:
    """Every reference-shaped token in text, normalised, in order of appearance, without repeats."""
    found: list[str] = []
    for match in REFERENCE_PATTERN.finditer(text):
        normal = normalize_reference(match.group(1))
        if normal is not None and normal not in found:
            found.append(normal)
    return found
