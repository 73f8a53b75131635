"""Verify verdicts in every language the desk speaks: each reason is written from its code and values,
the explanation in the customer's language, and nothing of the English sentence is left over."""

from __future__ import annotations

import re
import string

import pytest

from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from trustdesk.verify import Registry, ReportedIndicator, make_channel
from trustdesk.verify.demo import demo_channels
from trustdesk.verify.model import ChannelKind
from trustdesk.verify.wording import _BY_CODE, localize

TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]

# One contact per kind of verdict and reason the registry writes.
CONTACTS = [
    "acmeoutfitters.com",
    "support@acmeoutfitters.com",
    "someone@acmeoutfitters.com",
    "https://pat:secret@acmeoutfitters.com:8443/help",
    "acmeoutfiters.com",
    "acrneoutfitters.com",
    "acmeoutfitters-support.com",
    "acme-outfiters.com",
    "acmeoutfitters.net",
    "acmeoutfitters.com.secure-login.xyz",
    "acme.outfitters-shop.com",
    "+1 800 555 0198",
    "+44 800 555 0199",
    "+1 800 555 9019",
    "acmeoutfitters@gmail.com",
    "https://instagram.com/acmeoutfitters",
    "https://evil.example/acmeoutfitters.com/login",
    "http://192.0.2.7/login",
    "acmeoutfitterss.com",
    "example.org",
    "northwindtraders.com",
    "xn--ggl-tdd6ba.com",
    "scam-hotline.com",
    "bad..domain",
]


@pytest.fixture(scope="module")
def registry() -> Registry:
    northwind = [make_channel("northwind", "Northwind Traders", "domain", "northwindtraders.com")]
    reported = [ReportedIndicator(ChannelKind.DOMAIN, "scam-hotline.com", "acme", "r1", "staff note")]
    return Registry([*demo_channels(), *northwind], reported)


def _fragments(template: str) -> list[str]:
    """The English words of a message between its placeholders, those long enough to recognise."""
    literal = [text for text, _field, _spec, _conv in string.Formatter().parse(template)]
    return [f.strip(" .,:;()'") for f in literal if len(re.findall(r"[A-Za-z]{3,}", f)) >= 2]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_verdict_and_reason_is_written_in_the_language(registry: Registry, lang: str) -> None:
    seen_codes: set[str] = set()
    for contact in CONTACTS:
        result = registry.check(contact, "acme")
        english = localize(result, "en")
        words = localize(result, lang)
        assert words["lang"] == lang and len(words["reasons"]) == len(result.reasons)
        assert words["explanation"] != english["explanation"], contact
        for reason, text in zip(result.reasons, words["reasons"], strict=True):
            seen_codes.add(reason.code)
            assert reason.message or reason.code in _BY_CODE or reason.code.startswith("invalid"), reason
            for fragment in _fragments(reason.message or reason.detail):
                assert fragment not in text, (lang, contact, fragment, text)
        for fragment in _fragments(english["explanation"].replace(result.contact.raw, "{x}")):
            if len(fragment) > 12:
                assert fragment not in words["explanation"], (lang, contact, fragment)
    # The corpus reaches every verdict and the reasons a customer meets most.
    assert {"official", "official-domain", "omission", "homoglyph", "tld-swap", "reported"} <= seen_codes
    assert {"phone-one-digit", "freemail-brand", "official-other-tenant", "nonstandard-port"} <= seen_codes


def test_english_is_the_registrys_own_words(registry: Registry) -> None:
    for contact in CONTACTS:
        result = registry.check(contact, "acme")
        assert localize(result, "en") == {
            "lang": "en",
            "explanation": result.explanation,
            "reasons": [reason.detail for reason in result.reasons],
        }


def test_a_reason_keeps_its_code_detail_and_values(registry: Registry) -> None:
    result = registry.check("acmeoutfiters.com", "acme")
    omission = next(reason for reason in result.reasons if reason.code == "omission")
    assert omission.detail == "'t' left out" and dict(omission.params) == {"old": "t"}
    assert result.to_dict()["reasons"][0].keys() == {"code", "detail"}


def test_german_names_the_official_contact_and_what_changed(registry: Registry) -> None:
    words = localize(registry.check("acmeoutfiters.com", "acme"), "de")
    assert words["reasons"][0] == "'t' ausgelassen"
    assert "Acme Outfitters" in words["explanation"] and "acmeoutfitters.com" in words["explanation"]
    official = localize(registry.check("+1 800 555 0199", "acme"), "fr")
    assert official["reasons"][0] == "un numéro de téléphone officiel de l'enseigne Acme Outfitters"
