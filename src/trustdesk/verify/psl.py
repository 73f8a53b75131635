"""Public Suffix List lookups from the snapshot that tldextract ships (never fetched).

tldextract parses URLs and walks a trie for every call; a look-alike check needs only
"how many trailing labels of this host are a public suffix", so we load the same
bundled list once into three sets (rules, wildcard parents, exceptions) and answer
with a few set lookups. Tests check the answers against tldextract itself.
"""

from __future__ import annotations

import pkgutil

import idna
from tldextract.suffix_list import extract_tlds_from_suffix_list


def _to_ascii(rule: str) -> str | None:
    try:
        return ".".join(
            label if label.isascii() or label in ("*",) else idna.encode(label, uts46=True).decode("ascii")
            for label in rule.split(".")
        ).lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def _load() -> tuple[dict[str, bool], dict[str, bool], dict[str, bool]]:
    raw = pkgutil.get_data("tldextract", ".tld_set_snapshot")
    if raw is None:  # pragma: no cover - the snapshot is part of the pinned wheel
        raise RuntimeError("tldextract's bundled Public Suffix List snapshot is missing")
    public, private = extract_tlds_from_suffix_list(raw.decode("utf-8"))
    exact: dict[str, bool] = {}
    wildcard: dict[str, bool] = {}
    exception: dict[str, bool] = {}
    for rules, is_private in ((public, False), (private, True)):
        for rule in rules:
            target = exact
            if rule.startswith("!"):
                target, rule = exception, rule[1:]
            elif rule.startswith("*."):
                target, rule = wildcard, rule[2:]
            ascii_rule = _to_ascii(rule)
            if ascii_rule is not None:
                target.setdefault(ascii_rule, is_private)
    return exact, wildcard, exception


_EXACT, _WILDCARD, _EXCEPTION = _load()


def public_suffix_length(labels: list[str]) -> tuple[int, bool]:
    """For lower-case A-labels of a host, the number of trailing labels that form its
    public suffix (0 if none) and whether that suffix is in the list's private section."""
    count = len(labels)
    for start in range(count):
        candidate = ".".join(labels[start:])
        if candidate in _EXCEPTION:
            return count - start - 1, _EXCEPTION[candidate]
        if candidate in _EXACT:
            return count - start, _EXACT[candidate]
        parent = ".".join(labels[start + 1 :])
        if parent and parent in _WILDCARD:
            return count - start, _WILDCARD[parent]
    return 0, False
