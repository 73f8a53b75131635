"""Which language a message is written in: a maintained identifier (py3langid) restricted to the
supported languages, with a confidence, and a fallback for texts too short to tell.

The guard never depends on this to protect anyone (every pack's words run on every message);
the language chooses the words of the customer notice and the agent's block reason, and is
recorded with the message.
"""

from __future__ import annotations

import re
import threading
from typing import Any, NamedTuple

from trustdesk.guard.packs import load_section
from trustdesk.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, supported

# Below this many letters a guess is too weak to overrule a hint ("ok", "danke", "merci").
MIN_LETTERS = 12
# The identifier's normalised probability must reach this to overrule a hint.
MIN_CONFIDENCE = 0.80
# Only the start of a long text is read: plenty to tell a language, and the identifier walks every
# byte in Python (about 0.3 us each), so a 1 MB message would otherwise cost a third of a second.
MAX_CHARS = 2_000

_IDENTIFIER_CODES = sorted({lang.code.split("-")[0] for lang in LANGUAGES.values()})
# What the identifier should not read: redaction marks, links, addresses and numbers.
_NOISE = re.compile(r"\[removed:[^\]]*\]|https?://\S+|\S+@\S+|[\d#*+/=_\-.,:;()]+")


class LanguageGuess(NamedTuple):
    """A supported language code, how sure, and where it came from ("detected", "hint", "default")."""

    code: str
    confidence: float
    source: str


_identifier: Any = None
_identifier_lock = threading.Lock()


def _get_identifier() -> Any:
    global _identifier
    if _identifier is None:
        with _identifier_lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(_IDENTIFIER_CODES)
                _identifier = identifier
    return _identifier


def _portuguese_variant(lower: str, hint: str | None) -> str:
    """pt-PT or pt-BR from the words only one of them uses (the pt pack's markers), else the hint."""
    variants = load_section("pack.toml").get("pt", {}).get("variants", {})
    scores = {
        code: sum(1 for marker in table.get("markers", []) if marker in lower)
        for code, table in variants.items()
    }
    best = max(scores.items(), key=lambda item: item[1], default=("", 0))
    tied = [code for code, score in scores.items() if score == best[1]]
    if best[1] > 0 and len(tied) == 1:
        return best[0]
    return hint if hint in ("pt-PT", "pt-BR") else "pt-BR"


def identify(text: str, hint: str | None = None, default: str = DEFAULT_LANGUAGE) -> LanguageGuess:
    """The language of ``text`` (its first `MAX_CHARS` characters). A short or unclear text takes
    the ``hint`` (the conversation's or the page's language) when one is given and supported,
    else ``default``."""
    hinted = supported(hint)
    cleaned = _NOISE.sub(" ", text[:MAX_CHARS])
    letters = sum(1 for c in cleaned if c.isalpha())
    if letters == 0:
        return LanguageGuess(
            hinted or supported(default) or DEFAULT_LANGUAGE, 0.0, "hint" if hinted else "default"
        )
    code, confidence = _get_identifier().classify(cleaned)
    confidence = float(confidence)
    if code == "pt":
        code = _portuguese_variant(f" {cleaned.lower()} ", hinted)
    if letters >= MIN_LETTERS and confidence >= MIN_CONFIDENCE:
        return LanguageGuess(code, confidence, "detected")
    if hinted:
        return LanguageGuess(
            hinted, confidence if hinted.split("-")[0] == code.split("-")[0] else 0.0, "hint"
        )
    if letters >= MIN_LETTERS // 2 and confidence >= 0.5:
        return LanguageGuess(code, confidence, "detected")
    return LanguageGuess(supported(default) or DEFAULT_LANGUAGE, 0.0, "default")


def language_for_words(text: str, earlier: tuple[str, ...], hint: str | None) -> str:
    """The language to write a notice or block reason in: the hint when it names a supported
    language (the conversation's or the page's), else the one identified from the text with the
    author's earlier messages (a short "Passwort?" after "Wie lautet Ihr" is German)."""
    found = supported(hint)
    if found is not None:
        return found
    return identify(" ".join((text, *reversed(earlier))) if earlier else text).code


LIKELY_SHARE = 0.5
"""A language the identifier gives at least this share of its belief counts as present in a clause
(its dominant guess only: Spanish "no" must not negate Portuguese "no fim")."""


def likely_packs(text: str) -> frozenset[str]:
    """The language packs the identifier finds plausible for a short text (for judging clauses)."""
    cleaned = _NOISE.sub(" ", text)
    if sum(1 for c in cleaned if c.isalpha()) < 8:
        return frozenset()
    ranked = _get_identifier().rank(cleaned)
    codes = {code for code, share in ranked if share >= LIKELY_SHARE}
    return frozenset(LANGUAGES[supported(code) or DEFAULT_LANGUAGE].pack for code in codes)
