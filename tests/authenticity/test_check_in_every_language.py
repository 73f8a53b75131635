"""The message check writes its evidence, "what changed" and the contacts' verdicts in every language
the desk speaks, with nothing of the English left over; the English answer keeps its stable words."""

from __future__ import annotations

import re

import pytest
from tests.authenticity.conftest import REFUND

from trustdesk.authenticity import MessageCheck, MessageVerdict
from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def _english_words(text: str) -> set[str]:
    """Runs of three or more English words in a sentence (contacts and codes left out)."""
    plain = re.sub(r"\S*[@/.:+]\S*|\S*\d\S*", " ", text)
    runs = re.findall(r"(?:[A-Za-z']{2,} ){2}[A-Za-z']{2,}", plain)
    return {run for run in runs if not run.startswith(("Acme Outfitters", "DMARC"))}


def _scenarios(desk) -> dict[str, tuple[MessageVerdict, object]]:  # type: ignore[no-untyped-def]
    _, sent = desk.send(REFUND)
    altered = sent.replace("0130 00", "0130 01").replace(
        "acmeoutfitters.com/orders", "acme-outfiters.com/orders"
    )
    fake = "Acme Outfitters: your parcel is held. Pay the fee at https://acrneoutfitters.com/pay or call +1 800 555 0198."
    return {
        "genuine": (MessageVerdict.GENUINE, sent),
        "altered": (MessageVerdict.ALTERED, altered),
        "not_from_us": (MessageVerdict.NOT_FROM_US, fake),
        "made_up": (MessageVerdict.NOT_FROM_US, "Your refund, reference TD-7Q2M-9XKD-HJ4P: " + fake),
    }


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_judgment_is_written_in_the_language(desk, lang: str) -> None:  # type: ignore[no-untyped-def]
    for name, (verdict, data) in _scenarios(desk).items():
        english: MessageCheck = desk.check(data)
        local: MessageCheck = desk.check(data, lang=lang)
        assert english.verdict is verdict and local.verdict is verdict, name
        assert english.localized is None and "localized" not in english.to_dict()
        assert local.reasons == english.reasons and local.changes == english.changes  # the stable words
        words = local.to_dict()["localized"]
        assert words["lang"] == lang
        assert len(words["reasons"]) == len(english.reasons) and len(words["changes"]) == len(english.changes)
        assert len(words["contacts"]) == len(english.contacts)
        for reason, text in zip(english.reasons, words["reasons"], strict=True):
            assert text != reason["detail"] or not _english_words(text), (name, reason)
            assert not _english_words(text) & _english_words(reason["detail"]), (lang, name, text)
        for change, text in zip(english.changes, words["changes"], strict=True):
            assert not _english_words(text) & _english_words(change), (lang, name, text)
        for contact, verdict_words in zip(english.contacts, words["contacts"], strict=True):
            assert verdict_words["explanation"] != contact["explanation"]


def test_what_changed_is_counted_in_german_and_polish(desk) -> None:  # type: ignore[no-untyped-def]
    _, sent = desk.send(REFUND)
    altered = sent.replace("0130 00", "0130 01")
    assert desk.check(altered).changes == ["The bank account number (IBAN) was changed."]
    assert desk.check(altered, lang="de").localized["changes"] == ["Geändert: 1 Kontonummer (IBAN)."]
    assert desk.check(altered, lang="pl").localized["changes"] == ["Zmieniono: 1 numer konta (IBAN)."]
