"""Which language a request gets: the switch's choice, else the browser's best offered match (Babel's
negotiation), else the retailer's default, and when the customer is told their language is not offered."""

from __future__ import annotations

import pytest

from trustdesk.tenancy.languages import (
    LanguageSettingsError,
    language_name,
    negotiate,
    not_offered_notice,
    parse_accept_language,
    stored_languages,
    validate_languages,
)

ACME = ("en", "de", "fr")


def test_the_browsers_languages_are_read_in_order_of_preference():
    header = "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"
    assert parse_accept_language(header) == ["fr-CH", "fr", "en", "de"]
    assert parse_accept_language("de;q=0.2, nl") == ["nl", "de"]
    assert parse_accept_language("pl;q=0, en") == ["en"]
    assert parse_accept_language("en;q=abc, it") == ["it"]
    assert parse_accept_language("") == [] and parse_accept_language(None) == []


@pytest.mark.parametrize(
    ("header", "served"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("de-AT", "de"),
        ("fr-CA,en;q=0.5", "fr"),
        ("es-ES,es;q=0.9,fr;q=0.8", "fr"),
        ("EN-gb", "en"),
    ],
)
def test_the_best_offered_match_for_the_browser_is_served(header, served):
    assert negotiate(header, None, ACME, "en").code == served


def test_no_match_gets_the_retailers_default():
    result = negotiate("ja-JP,ja;q=0.9", None, ("nl", "en"), "nl")
    assert (result.code, result.source) == ("nl", "default")
    assert result.unavailable is None  # the desk has no words in Japanese to say so
    assert negotiate(None, None, ("nl", "en"), "nl").code == "nl"


def test_a_polish_customer_is_served_the_default_and_told_so_in_polish():
    result = negotiate("pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", None, ACME, "en")
    assert result.code == "en"
    assert result.unavailable == "pl"
    polish, english = not_offered_notice(result.unavailable, result.code)
    assert (
        polish == "Ta strona nie jest dostępna w Państwa języku (polski). Wyświetlamy ją w języku: angielski."
    )
    assert english == "This page is not available in your language (Polish). It is shown in English."


def test_the_notice_uses_the_served_language_not_always_the_default():
    result = negotiate("pl, fr;q=0.5", None, ACME, "en")
    assert (result.code, result.unavailable) == ("fr", "pl")
    assert not_offered_notice("pl", "fr")[1] == (
        "Cette page n’est pas disponible dans votre langue (polonais). Elle s’affiche en français."
    )


def test_the_switchs_choice_wins_when_offered_and_is_ignored_otherwise():
    chosen = negotiate("de-DE", "fr", ACME, "en")
    assert (chosen.code, chosen.source, chosen.unavailable) == ("fr", "choice", None)
    assert negotiate("de-DE", "pl", ACME, "en").code == "de"  # not offered here: the browser decides
    assert negotiate("de-DE", "xx-garbage", ACME, "en").code == "de"


def test_portuguese_variants_fall_back_to_the_one_offered():
    assert negotiate("pt-PT", None, ("en", "pt-BR"), "en").code == "pt-BR"
    assert negotiate("pt", None, ("en", "pt-PT"), "en").code == "pt-PT"
    assert negotiate("pt", None, ("en", "pt-PT", "pt-BR"), "en").code == "pt-BR"
    assert negotiate("pt-PT,pt;q=0.9", None, ("en", "pt-PT", "pt-BR"), "en").code == "pt-PT"


def test_a_retailers_choice_is_checked_and_normalised():
    chosen = validate_languages(["EN", "pt-br", "de"], "de")
    assert (chosen.offered, chosen.default) == (("en", "pt-BR", "de"), "de")
    assert validate_languages(["nl", "en"]).default == "nl"


@pytest.mark.parametrize(
    ("offered", "default", "message"),
    [
        (["en", "xx"], None, "unknown language code 'xx'"),
        (["en", "de-AT"], None, "unknown language code 'de-AT'"),
        ([], None, "offer at least one language"),
        (["en", "de", "en"], None, "language 'en' is listed twice"),
        (["en", "de"], "fr", "the default language 'fr' must be one of the offered languages: en, de"),
        (["en"], "zz", "unknown language code 'zz'"),
    ],
)
def test_a_bad_choice_is_refused_with_a_reason(offered, default, message):
    with pytest.raises(LanguageSettingsError, match=message):
        validate_languages(offered, default)


def test_a_damaged_stored_row_still_means_something_usable():
    assert stored_languages(["de", "xx", "de"], "fr").offered == ("de",)
    assert stored_languages(["de", "nl"], "fr").default == "de"
    assert stored_languages(None, None).offered == ("en",)


def test_language_names_are_written_in_the_readers_language():
    assert language_name("en", "de") == "Englisch"
    assert language_name("de", "fr") == "allemand"
    assert language_name("pt-BR", "en") == "Portuguese (Brazil)"
