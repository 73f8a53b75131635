"""Text preparation shared by content signals."""

from __future__ import annotations


def _linkish(token: str) -> bool:
    lowered = token.lower()
    return "://" in lowered or "@" in lowered or lowered.startswith("www.") or lowered.startswith("<http")


def prose(text: str) -> str:
    """The text with URLs and e-mail addresses removed, so words inside them ("urgent.example.org") are
    not read as language. Linear time; line breaks are kept."""
    return "\n".join(" ".join(t for t in line.split() if not _linkish(t)) for line in text.splitlines())
