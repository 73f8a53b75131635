"""The supported languages and how a code someone sends is matched to one of them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Language:
    """One language customers can be served in: its code, its own name and its English name."""

    code: str  # BCP 47, as used in the API, the CLI and the database ("de", "pt-BR")
    name: str  # in the language itself, for a language switch
    english_name: str
    pack: str  # the guard's language pack that holds its words (both Portuguese share "pt")
    cldr: str  # Babel/CLDR locale for lists, dates and numbers (the desk writes British English)


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "English", "en", "en_GB"),
        Language("de", "Deutsch", "German", "de", "de"),
        Language("fr", "Français", "French", "fr", "fr"),
        Language("es", "Español", "Spanish", "es", "es"),
        Language("it", "Italiano", "Italian", "it", "it"),
        Language("nl", "Nederlands", "Dutch", "nl", "nl"),
        Language("pt-PT", "Português (Portugal)", "Portuguese (Portugal)", "pt", "pt_PT"),
        Language("pt-BR", "Português (Brasil)", "Portuguese (Brazil)", "pt", "pt_BR"),
        Language("pl", "Polski", "Polish", "pl", "pl"),
    )
}
DEFAULT_LANGUAGE = "en"

# A bare "pt" means Brazilian Portuguese, as CLDR's likely-subtags data has it (pt -> pt_Latn_BR).
_BARE_DEFAULTS = {"pt": "pt-BR"}


class UnsupportedLanguage(ValueError):
    """A language code that names no supported language."""


def supported(code: str | None) -> str | None:
    """The supported language a code asks for ("de-AT" -> "de", "pt_br" -> "pt-BR"), or None."""
    if not code or not isinstance(code, str) or len(code) > 35:
        return None
    parts = code.strip().replace("_", "-").split("-")
    primary = parts[0].lower()
    region = parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else ""
    if region and f"{primary}-{region}" in LANGUAGES:
        return f"{primary}-{region}"
    if primary in LANGUAGES:
        return primary
    return _BARE_DEFAULTS.get(primary)


def language(code: str) -> Language:
    """The `Language` for a code; raises `UnsupportedLanguage` with the list of codes otherwise."""
    found = supported(code)
    if found is None:
        raise UnsupportedLanguage(f"unsupported language {code!r}; supported: {', '.join(LANGUAGES)}")
    return LANGUAGES[found]


def posix_locale(code: str) -> str:
    """The gettext catalog name of a supported code ("pt-BR" -> "pt_BR")."""
    return language(code).code.replace("-", "_")


def cldr_locale(code: str) -> str:
    """The Babel/CLDR locale for formatting in a supported language ("en" -> "en_GB")."""
    return language(code).cldr
