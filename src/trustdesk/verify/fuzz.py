"""Generate look-alike domains, one list per dnstwist fuzzer class.

Used by the tests and the benchmark to prove the engine catches every class, and
available to security staff ("show me what a typosquatter could register"). The
classes follow dnstwist's documented names; the implementation and glyph table are
our own. Word and TLD lists are parameters: tests pass dnstwist's published lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustdesk.verify.domains import parse_host
from trustdesk.verify.errors import ContactInputError
from trustdesk.verify.lookalike import KEYBOARD_NEIGHBOURS

FUZZERS = (
    "addition",
    "bitsquatting",
    "cyrillic",
    "dictionary",
    "homoglyph",
    "hyphenation",
    "insertion",
    "omission",
    "plural",
    "repetition",
    "replacement",
    "subdomain",
    "tld-swap",
    "transposition",
    "vowel-swap",
    "various",
)

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_VOWELS = "aeiou"
# Look-alikes per letter: ASCII tricks, accented Latin, Greek and Cyrillic letters.
GLYPHS: dict[str, tuple[str, ...]] = {
    "a": ("à", "á", "â", "ã", "ä", "å", "ɑ", "а", "α", "4"),
    "b": ("d", "lb", "ь", "6"),
    "c": ("e", "ç", "ϲ", "с"),
    "d": ("b", "cl", "dl", "ԁ"),
    "e": ("c", "é", "è", "ê", "ë", "ē", "е", "3"),
    "f": ("ƒ",),
    "g": ("q", "ɡ", "9"),
    "h": ("lh", "һ"),
    "i": ("1", "l", "í", "ì", "ï", "ı", "і"),
    "j": ("ј", "i"),
    "k": ("lk", "ik", "lc", "κ"),
    "l": ("1", "i", "ɫ", "ӏ"),
    "m": ("n", "nn", "rn", "rr"),
    "n": ("m", "r", "ո"),
    "o": ("0", "ο", "о", "ø", "ö", "ó"),
    "p": ("ρ", "р"),
    "q": ("g", "ԛ"),
    "r": ("ʀ", "г"),
    "s": ("5", "ѕ", "ś"),
    "t": ("ţ", "7"),
    "u": ("μ", "υ", "ü", "ú", "v"),
    "v": ("ν", "ѵ", "u"),
    "w": ("vv", "ω", "ԝ"),
    "x": ("х", "ҳ"),
    "y": ("у", "ý"),
    "z": ("2", "ʐ", "ż"),
}
CYRILLIC: dict[str, str] = {
    "a": "а",
    "c": "с",
    "e": "е",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "i": "і",
    "j": "ј",
    "s": "ѕ",
    "h": "һ",
    "d": "ԁ",
}
DEFAULT_WORDS = ("support", "help", "service", "secure", "login", "verify", "account")
DEFAULT_TLDS = ("com", "net", "org", "co", "io", "shop", "info", "co.uk", "xyz", "online")


@dataclass(frozen=True, slots=True)
class Permutation:
    """One generated look-alike: the fuzzer class and the domain it produced."""

    fuzzer: str
    domain: str


def _label_variants(label: str, fuzzer: str, words: Iterable[str]) -> set[str]:
    n = len(label)
    out: set[str] = set()
    if fuzzer == "addition":
        out = {label + c for c in _ALNUM}
    elif fuzzer == "bitsquatting":
        for i, char in enumerate(label):
            for bit in range(8):
                flipped = chr(ord(char) ^ (1 << bit))
                if flipped in _ALNUM or flipped == "-":
                    out.add(label[:i] + flipped + label[i + 1 :])
    elif fuzzer == "homoglyph":
        for i, char in enumerate(label):
            for glyph in GLYPHS.get(char, ()):
                out.add(label[:i] + glyph + label[i + 1 :])
    elif fuzzer == "cyrillic":
        swapped = "".join(CYRILLIC.get(char, char) for char in label)
        out = {swapped} | {
            label[:i] + CYRILLIC[c] + label[i + 1 :] for i, c in enumerate(label) if c in CYRILLIC
        }
    elif fuzzer == "hyphenation":
        out = {label[:i] + "-" + label[i:] for i in range(1, n) if label[i - 1] != "-" and label[i] != "-"}
    elif fuzzer == "insertion":
        for i, char in enumerate(label):
            for near in KEYBOARD_NEIGHBOURS.get(char, ()):
                if near.isalnum():
                    out.add(label[:i] + near + label[i:])
                    out.add(label[: i + 1] + near + label[i + 1 :])
    elif fuzzer == "omission":
        out = {label[:i] + label[i + 1 :] for i in range(n)}
    elif fuzzer == "plural":
        out = {label + "s", label + "es"}
    elif fuzzer == "repetition":
        out = {label[:i] + label[i] + label[i:] for i in range(n) if label[i].isalnum()}
    elif fuzzer == "replacement":
        for i, char in enumerate(label):
            for near in KEYBOARD_NEIGHBOURS.get(char, ()):
                if near.isalnum():
                    out.add(label[:i] + near + label[i + 1 :])
    elif fuzzer == "transposition":
        out = {
            label[:i] + label[i + 1] + label[i] + label[i + 2 :]
            for i in range(n - 1)
            if label[i] != label[i + 1]
        }
    elif fuzzer == "vowel-swap":
        for i, char in enumerate(label):
            if char in _VOWELS:
                out |= {label[:i] + v + label[i + 1 :] for v in _VOWELS if v != char}
    elif fuzzer == "dictionary":
        for word in words:
            out |= {word + label, label + word, f"{word}-{label}", f"{label}-{word}"}
    out.discard(label)
    return {
        variant for variant in out if variant and not variant.startswith("-") and not variant.endswith("-")
    }


def generate_permutations(
    domain: str,
    fuzzers: Iterable[str] = FUZZERS,
    *,
    words: Iterable[str] = DEFAULT_WORDS,
    tlds: Iterable[str] = DEFAULT_TLDS,
) -> list[Permutation]:
    """Look-alikes of `domain` for each requested fuzzer class; invalid host names are dropped."""
    host = parse_host(domain)
    label, suffix = host.label, host.suffix
    words, tlds = tuple(words), tuple(tlds)
    found: dict[str, str] = {}
    for fuzzer in fuzzers:
        candidates: set[str] = set()
        if fuzzer == "tld-swap":
            candidates = {f"{label}.{tld}" for tld in tlds if tld != suffix}
        elif fuzzer == "subdomain":
            candidates = {
                f"{label[:i]}.{label[i:]}.{suffix}"
                for i in range(1, len(label))
                if "-" not in label[i - 1 : i + 1]
            }
        elif fuzzer == "various":
            flat = suffix.replace(".", "")
            candidates = {
                f"{label}{flat}.{suffix}",
                f"{label}-{flat}.{suffix}",
                f"{label}.{suffix}-{flat}.com",
            }
        else:
            candidates = {f"{variant}.{suffix}" for variant in _label_variants(label, fuzzer, words)}
        for candidate in candidates:
            try:
                name = parse_host(candidate).name
            except ContactInputError:
                continue
            if name != host.name:
                found.setdefault(name, fuzzer)
    return [Permutation(fuzzer, name) for name, fuzzer in found.items()]
