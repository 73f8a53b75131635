"""A scam the customer tells in their own words (a call, a text, a chat) is judged as the scam it is,
in every language of the guard; a story without a secret asked for, or a reset the customer asked
for, is not."""

from __future__ import annotations

import pytest

from trustdesk.reports import analyze
from trustdesk.reports.model import Verdict
from trustdesk.reports.signals import narrated_impersonation, narrated_secret_ask

ASKED = {
    "en": "Someone called me saying they were from Acme support and asked for the code I got by SMS.",
    "de": "Ein Mann rief an, gab sich als Mitarbeiter vom Acme-Kundenservice aus und hat nach meiner PIN gefragt.",
    "fr": "Un homme m'a appelé en se présentant comme conseiller Acme et m'a demandé le code reçu par SMS.",
    "es": "Me llamó alguien haciéndose pasar por el servicio de atención al cliente y me pidió el código que me llegó por SMS.",
    "it": "Mi ha chiamato un finto operatore dell'assistenza e mi ha chiesto il codice arrivato via SMS.",
    "nl": "Iemand belde namens de klantenservice en vroeg om mijn inlogcode en het wachtwoord van mijn account.",
    "pt": "Uma pessoa ligou dizendo ser do suporte da loja e pediu a senha do banco e o número do cartão.",
    "pl": "Zadzwonił mężczyzna, podawał się za pracownika banku i prosił o kod z SMS-a.",
}

HARMLESS = {
    "reset": "You requested a password reset for your account. If this was you, use the link below.",
    "reset_fr": "Vous avez demandé la réinitialisation de votre mot de passe : suivez le lien ci-dessous.",
    "denied": "The agent did not ask for my password, he only wanted my order number.",
    "order": "I called your support yesterday; they asked for my order number and the postcode.",
    "delivery": "Sie wollten wissen, wann das Paket bei mir ankommt.",
}


@pytest.mark.parametrize("lang", sorted(ASKED))
def test_a_told_ask_for_a_secret_is_named_and_judged_phishing(lang: str) -> None:
    story = ASKED[lang]
    found = narrated_secret_ask(story)
    assert found is not None, lang
    quoted = found.text.split("“", 1)[1].split("”", 1)[0]
    assert quoted in story  # quoted as the customer wrote it, accents and all
    assert analyze(story).verdict is Verdict.PHISHING


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es", "pt", "pl"])
def test_a_caller_posing_as_support_is_named(lang: str) -> None:
    assert narrated_impersonation(ASKED[lang]) is not None, lang


@pytest.mark.parametrize("name", sorted(HARMLESS))
def test_no_secret_asked_for_is_no_told_ask(name: str) -> None:
    assert narrated_secret_ask(HARMLESS[name]) is None
