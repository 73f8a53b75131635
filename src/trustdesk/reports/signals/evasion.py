"""Signals of filter evasion: text disguised with look-alike characters, invisible padding and random
filler. Legitimate senders have no reason to do any of these."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from trustdesk.reports.domains import on_abused_tld, registrable_domain
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason

# Mathematical alphanumerics (𝗪𝗲𝗹𝗰𝗼𝗺𝗲), enclosed, fullwidth and small-capital letters (ᴘᴀʏᴍᴇɴᴛ).
_STYLED_RE = re.compile(
    r"[\U0001D400-\U0001D7FF\u24B6-\u24E9\uFF21-\uFF3A\uFF41-\uFF5A\u1D00-\u1D2B\u0299\u029C\u0280\u026A\u0274]"
)
_INVISIBLE_RUN_RE = re.compile(r"(?:[\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f][\s\u00a0]{0,2}){12,}")
_WORD_RE = re.compile(r"[^\W\d_]{3,}")
_FILLER_RE = re.compile(
    r"(?<![A-Za-z0-9/=._%+-])(?=[A-Za-z0-9]{20,}(?![A-Za-z0-9/=._%@+-]))(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{20,200}"
)


def _scripts(word: str) -> set[str]:
    out = set()
    for ch in word:
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            out.add("latin")
        elif name.startswith("CYRILLIC"):
            out.add("cyrillic")
        elif name.startswith("GREEK"):
            out.add("greek")
    return out


def styled_characters(text: str) -> Reason | None:
    """Words spelt with styled Unicode letters (𝗕𝗼𝗹𝗱, ᴄᴀᴘꜱ, Ｆｕｌｌ) that filters do not read as words."""
    found = _STYLED_RE.findall(text)
    if len(found) < 4:
        return None
    return reason(
        "styled_characters",
        "Words are spelt with decorative look-alike characters, a way to slip past spam and fraud filters.",
    )


def mixed_script_words(text: str) -> Reason | None:
    """A word mixing Latin with Cyrillic or Greek letters (“Pаypal” with a Cyrillic “а”)."""
    for word in _WORD_RE.findall(text[:200000]):
        if word.isascii():
            continue
        scripts = _scripts(word)
        if "latin" in scripts and len(scripts) > 1:
            return reason(
                "mixed_script_words",
                f"The word “{word[:30]}” mixes Latin with Cyrillic or Greek look-alike letters.",
            )
    return None


def invisible_padding(text: str) -> Reason | None:
    """Long runs of invisible characters used to hide or pad content."""
    if _INVISIBLE_RUN_RE.search(text) is None:
        return None
    return reason("invisible_padding", "The message hides long runs of invisible characters.")


def random_filler(text: str) -> Reason | None:
    """Several long random letter-and-digit strings (pass prose, without links): filler that defeats filters."""
    tokens = {m.group(0) for m in _FILLER_RE.finditer(text[:200000])}
    if len(tokens) < 3:
        return None
    return reason(
        "random_filler",
        "The message contains random strings of letters and digits, padding that defeats filters.",
    )


def abused_tld_link(hosts: Iterable[str]) -> Reason | None:
    """A link to a domain under a top-level domain heavily used for fraud."""
    for host in hosts:
        if on_abused_tld(host):
            return reason(
                "abused_tld_link",
                f"A link leads to {registrable_domain(host)}, under a top-level domain popular with fraudsters.",
            )
    return None


# Invisible and format characters between two Latin letters ("Mi\u200bcro\u200bsoft"): they split words
# for a filter and vanish for the reader. Soft hyphens are left out (German newsletters hyphenate long
# words with them), and so are joiners between letters of scripts that need them.
_HIDDEN_IN_WORD_RE = re.compile(
    r"(?<=[A-Za-z\u00c0-\u024f])"
    r"[\u200b-\u200f\u2060-\u2064\u206a-\u206f\ufeff\u034f\u180e\u115f\u1160\u3164\uffa0\u202a-\u202e"
    r"\u2066-\u2069\U000e0000-\U000e007f]+"
    r"(?=[A-Za-z\u00c0-\u024f])"
)


def hidden_characters(*texts: str) -> Reason | None:
    """Invisible characters slipped between the letters of words (three or more times): the words read
    normally but no longer match what a filter looks for."""
    count = 0
    for text in texts:
        count += sum(1 for _ in _HIDDEN_IN_WORD_RE.finditer(text[:200000]))
        if count >= 3:
            return reason(
                "hidden_characters",
                "Invisible characters are hidden between the letters of its words, a trick to slip past filters.",
            )
    return None
