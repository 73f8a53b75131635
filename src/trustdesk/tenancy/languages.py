"""Which languages a retailer offers, and which of them a customer's request gets.

    offered = validate_languages(["en", "de", "fr"], "en")
    negotiate("de-AT,de;q=0.9,en;q=0.5", None, offered.offered, offered.default).code  # "de"

Pure rules over codes (BCP 47, as in trustdesk.i18n.LANGUAGES); the web layer feeds them the
Accept-Language header and the language switch's cookie.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from babel.core import Locale, negotiate_locale

from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, supported, words
from trustdesk.i18n.languages import cldr_locale

# A header longer than this is not a browser's; only its start is read.
MAX_HEADER_CHARS = 500
MAX_HEADER_ENTRIES = 20


class LanguageSettingsError(ValueError):
    """Languages a retailer cannot offer as asked; the message names the problem and the choices."""


@dataclass(frozen=True, slots=True)
class TenantLanguages:
    """The languages a retailer offers, in its order, and the one it falls back to."""

    offered: tuple[str, ...]
    default: str

    def to_dict(self) -> dict[str, object]:
        return {"languages": list(self.offered), "default": self.default}


ENGLISH_ONLY = TenantLanguages(offered=(DEFAULT_LANGUAGE,), default=DEFAULT_LANGUAGE)


def _canonical(code: object) -> str:
    """The exact supported code for ``code`` in any letter case ("pt-br" -> "pt-BR"), else an error."""
    if isinstance(code, str):
        for known in LANGUAGES:
            if known.lower() == code.strip().lower().replace("_", "-"):
                return known
    raise LanguageSettingsError(f"unknown language code {code!r}; choose from: {', '.join(LANGUAGES)}")


def validate_languages(offered: Sequence[object], default: object | None = None) -> TenantLanguages:
    """Check a retailer's choice: supported codes, each once, and a default among them (the first
    one when ``default`` is None)."""
    if isinstance(offered, str) or not offered:
        raise LanguageSettingsError("offer at least one language")
    codes: list[str] = []
    for code in offered:
        canonical = _canonical(code)
        if canonical in codes:
            raise LanguageSettingsError(f"language {canonical!r} is listed twice")
        codes.append(canonical)
    chosen = codes[0] if default is None else _canonical(default)
    if chosen not in codes:
        raise LanguageSettingsError(
            f"the default language {chosen!r} must be one of the offered languages: {', '.join(codes)}"
        )
    return TenantLanguages(offered=tuple(codes), default=chosen)


def stored_languages(offered: object, default: object) -> TenantLanguages:
    """What a stored row means, tolerating damage: unknown codes are dropped, a default that is not
    offered becomes the first offered language, and nothing usable means English only."""
    codes: list[str] = []
    for code in offered if isinstance(offered, list | tuple) else ():
        canonical = next((k for k in LANGUAGES if isinstance(code, str) and k.lower() == code.lower()), None)
        if canonical and canonical not in codes:
            codes.append(canonical)
    if not codes:
        return ENGLISH_ONLY
    chosen = default if isinstance(default, str) and default in codes else codes[0]
    return TenantLanguages(offered=tuple(codes), default=chosen)


def parse_accept_language(header: str | None) -> list[str]:
    """The language tags of an Accept-Language header, most wanted first (q=0 and "*" left out)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header[:MAX_HEADER_CHARS].split(",")[:MAX_HEADER_ENTRIES]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*" or len(tag) > 35:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if 0.0 < quality <= 1.0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


Source = Literal["choice", "browser", "default"]


@dataclass(frozen=True, slots=True)
class Negotiated:
    """The language a request is served in, why, and the language the customer wanted but the
    retailer does not offer (None when they got what they asked for, or asked for nothing we know)."""

    code: str
    source: Source
    unavailable: str | None = None


def _aliases(offered: Sequence[str]) -> dict[str, str]:
    # A bare tag falls back to a variant the retailer offers ("pt" -> "pt-PT" when only European
    # Portuguese is offered); Brazilian first when both are, as i18n.supported reads a bare "pt".
    aliases: dict[str, str] = {}
    for code in sorted(offered, key=lambda c: c != "pt-BR"):
        aliases.setdefault(code.split("-")[0].lower(), code)
    return aliases


def _best(wanted: Sequence[str], offered: Sequence[str]) -> str | None:
    """Babel's negotiation of ``wanted`` over ``offered``, as the offered code itself. Each tag is
    followed by its bare language, so "pt-PT" still finds "pt-BR" when that is all there is."""
    preferred: list[str] = []
    for tag in wanted:
        preferred.extend((tag, tag.replace("_", "-").split("-")[0]))
    found = negotiate_locale(preferred, list(offered), sep="-", aliases=_aliases(offered))
    if found is None:
        return None
    return next((code for code in offered if code.lower() == found.lower()), None)


def negotiate(
    accept_language: str | None,
    cookie_choice: str | None,
    offered: Sequence[str],
    default: str,
) -> Negotiated:
    """The offered language a request gets: the customer's own choice (the language switch) when the
    retailer offers it, else the browser's best match among ``offered`` (Babel's negotiation), else
    ``default``. ``unavailable`` names the supported language the browser wanted most when the
    retailer does not offer it, so the page can say so in both languages."""
    choice = supported(cookie_choice)
    if choice is not None and choice in offered:
        return Negotiated(code=choice, source="choice")
    wanted = parse_accept_language(accept_language)
    top = supported(wanted[0]) if wanted else None
    unavailable = top if top is not None and _best(wanted[:1], offered) is None else None
    match = _best(wanted, offered)
    if match is not None:
        return Negotiated(code=match, source="browser", unavailable=unavailable)
    return Negotiated(code=default, source="default", unavailable=unavailable)


def language_name(code: str, in_code: str) -> str:
    """The name of language ``code`` as written in language ``in_code`` ("en" in "de": "Englisch";
    "pt-BR" in "fr": "portugais (Brésil)"), from CLDR, lower case where the language writes it so."""
    target = Locale.parse(code.replace("-", "_"))
    return str(target.get_display_name(Locale.parse(cldr_locale(in_code))) or LANGUAGES[code].english_name)


def not_offered_notice(wanted: str, served: str) -> tuple[str, str]:
    """The sentence telling a customer their language is not offered, in their language and in the
    language they are served (the same sentence twice when the desk has no words in theirs)."""

    def sentence(code: str) -> str:
        return words(code).gettext(
            "This page is not available in your language ({wanted}). It is shown in {served}.",
            wanted=language_name(wanted, code),
            served=language_name(served, code),
        )

    return sentence(wanted), sentence(served)
