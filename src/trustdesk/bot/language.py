"""The conversation's language: detected from the customer's words, within the retailer's languages.

Pure: the identifier is the guard's (trustdesk.guard.language, py3langid restricted to the supported
languages, with a confidence). A text too short or unclear to tell keeps the conversation's language,
else takes the page's or account's (the hint), else the retailer's default. A language the retailer
does not offer is answered in its default, and the engine tells the customer so in both languages.
A language the customer or an agent chose explicitly is never overruled by detection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trustdesk.guard.language import identify
from trustdesk.i18n.languages import DEFAULT_LANGUAGE, supported

CHOSEN = frozenset({"customer", "agent"})


@dataclass(frozen=True)
class LanguageDecision:
    """The language to answer in, how it was found, and a language the customer wrote in that the
    retailer does not offer (None when there is none)."""

    code: str
    source: str  # "detected", "hint", "default", "customer" or "agent"
    confidence: float
    not_offered: str | None = None


def offered_or_default(code: str | None, offered: Sequence[str], default: str) -> str:
    """`code` when the retailer offers it, else its default (itself checked: "en" if unusable)."""
    found = supported(code)
    if found is not None and found in offered:
        return found
    return supported(default) or DEFAULT_LANGUAGE


def decide_language(
    text: str,
    *,
    current: str | None,
    current_source: str,
    offered: Sequence[str],
    default: str,
    hint: str | None = None,
) -> LanguageDecision:
    """The language of the conversation after the customer wrote `text`."""
    if current is not None and current_source in CHOSEN:
        return LanguageDecision(offered_or_default(current, offered, default), current_source, 1.0)
    guess = identify(text, hint=current or hint, default=default)
    code = offered_or_default(guess.code, offered, default)
    if guess.source == "detected" and code != guess.code:
        return LanguageDecision(code, "default", 0.0, not_offered=guess.code)
    if guess.source == "hint" and current is not None:
        # Too short to tell: the conversation keeps its language and how it was found.
        return LanguageDecision(code, current_source, guess.confidence)
    source = guess.source if code == guess.code else "default"
    return LanguageDecision(code, source, guess.confidence if source == "detected" else 0.0)
