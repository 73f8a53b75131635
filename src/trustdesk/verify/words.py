"""Word lists used by the look-alike engine, shipped with the package.

`AFFIX_WORDS` are words impersonators glue to a brand ("acme-support.com");
`FREEMAIL_DOMAINS` are mailbox providers where anyone can open an address.
Both lists are curated for Trustdesk (see the data/ folder).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from trustdesk.verify.frozen import fast_init


def _load(name: str) -> frozenset[str]:
    text = resources.files("trustdesk.verify").joinpath("data").joinpath(name).read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


AFFIX_WORDS: frozenset[str] = _load("words.txt")
FREEMAIL_DOMAINS: frozenset[str] = _load("freemail.txt")
# Pieces of host names that impersonators write into a label ("acme-com.net", "acmecom.io").
TLD_TOKENS: frozenset[str] = frozenset(
    {"com", "net", "org", "co", "uk", "us", "de", "fr", "eu", "io", "shop"}
)
STRIPPABLE: frozenset[str] = AFFIX_WORDS | TLD_TOKENS
_LENGTHS: tuple[int, ...] = tuple(sorted({len(word) for word in STRIPPABLE}, reverse=True))
_HEADS: frozenset[str] = frozenset(word[:2] for word in STRIPPABLE)
_TAILS: frozenset[str] = frozenset(word[-2:] for word in STRIPPABLE)

MAX_CORES = 32


@fast_init
@dataclass(frozen=True, slots=True)
class Core:
    """What is left of a label once affix words are removed, and which words were removed."""

    text: str
    removed: tuple[str, ...]


def is_affix_word(token: str) -> bool:
    """True when `token` is an affix word, a TLD-like token or only digits."""
    return token in STRIPPABLE or token.isdigit()


def _strip_edges(start: Core, out: dict[str, Core]) -> None:
    """Breadth-first removal of affix words from either end, at most four in all."""
    frontier = [start]
    for _depth in range(4):
        following: list[Core] = []
        for core in frontier:
            text = core.text
            size = len(text)
            # Cheap rejection: most names neither start nor end like any affix word.
            head_possible = text[:2] in _HEADS
            tail_possible = text[-2:] in _TAILS
            for length in _LENGTHS if head_possible or tail_possible else ():
                if length >= size - 2:
                    continue
                pairs = []
                if head_possible:
                    pairs.append((text[length:], text[:length]))
                if tail_possible:
                    pairs.append((text[:-length], text[-length:]))
                for rest, word in pairs:
                    if word in STRIPPABLE and rest not in out and len(out) < MAX_CORES:
                        out[rest] = Core(rest, (*core.removed, word))
                        following.append(out[rest])
            digits = size - len(text.rstrip("0123456789"))
            if 0 < digits < size - 2 and text[:-digits] not in out and len(out) < MAX_CORES:
                out[text[:-digits]] = Core(text[:-digits], (*core.removed, text[-digits:]))
                following.append(out[text[:-digits]])
        frontier = following


@lru_cache(maxsize=65536)
def label_cores(label: str) -> tuple[Core, ...]:
    """Candidate brand cores of a label: the label, minus affix tokens and affix words.

    ``label_cores("secure-acme-login")`` includes ``Core("acme", ("secure", "login"))``;
    ``label_cores("acmeoutfittershelp")`` includes ``Core("acmeoutfitters", ("help",))``.
    """
    out: dict[str, Core] = {label: Core(label, ())}
    tokens = [token for token in label.replace("_", "-").replace(".", "-").split("-") if token]
    kept = [token for token in tokens if not is_affix_word(token)]
    dropped = tuple(token for token in tokens if is_affix_word(token))
    if kept and dropped:
        joined = "-".join(kept)
        out.setdefault(joined, Core(joined, dropped))
    for core in list(out.values()):
        flat = core.text.replace("-", "")
        out.setdefault(flat, Core(flat, core.removed))
        _strip_edges(out[flat], out)
    return tuple(core for core in out.values() if core.text)
