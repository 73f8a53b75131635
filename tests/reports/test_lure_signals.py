"""The lure's packaging (look-alike service domains, picture-only mail, calendar invitations) and the
scam cues in Italian, Dutch and Polish."""

from __future__ import annotations

import pytest

from trustdesk.reports import analyze
from trustdesk.reports.evidence import TrustPolicy
from trustdesk.reports.mail_values import Attachment
from trustdesk.reports.model import Verdict
from trustdesk.reports.signals import (
    account_threat,
    calendar_invite,
    delivery_problem,
    image_only_mail,
    lookalike_service_domain,
    secret_request,
    subscription_lapse,
    urgency,
    verify_account_link,
)

from .mailbuild import mail, raw

RECEIVER = "mx.desk.test"
TRUST = TrustPolicy.of([RECEIVER])


def _authenticated(domain: str) -> dict[str, str]:
    return {
        "Authentication-Results": f"{RECEIVER}; spf=pass smtp.mailfrom=b@{domain}; dkim=pass header.d={domain}; "
        f"dmarc=pass header.from={domain}"
    }


@pytest.mark.parametrize(
    ("sender", "urls"),
    [
        ("service@dhl-pakket-status.top", []),
        ("info@konto-sicherheit-check.com", []),
        ("news@shop.example.com", ["https://poczta-przesylka-info.com/doreczenie"]),
        ("news@shop.example.com", ["https://sicurezza.conto-verifica.it/login"]),
    ],
)
def test_a_domain_assembled_from_lure_words_is_named(sender: str, urls: list[str]) -> None:
    found = lookalike_service_domain(sender, urls)
    assert found is not None and found.code == "lookalike_service_domain"


@pytest.mark.parametrize(
    ("sender", "urls"),
    [
        ("bestellung@gartenwerk-mueller.de", ["https://www.gartenwerk-mueller.de/konto/bestellungen"]),
        ("noreply@account.shop.example", ["https://www.paypal.com/account/security"]),
        ("news@roesterei-brandt.at", ["https://click.mailservice-links.net/ls/click?upn=abc"]),
    ],
)
def test_a_shops_own_name_is_not_a_lookalike(sender: str, urls: list[str]) -> None:
    assert lookalike_service_domain(sender, urls) is None


def test_an_authenticated_lookalike_is_not_vouched_for() -> None:
    body = (
        "Beste klant, uw zending kan niet worden afgeleverd. Betaal de invoerrechten van 2,10 EUR: "
        "https://dhl-pakket-status.top/betalen"
    )
    html = f'<p>{body.split(":")[0]}: <a href="https://dhl-pakket-status.top/betalen">Nu betalen</a></p>'
    message = mail(
        body,
        sender='"DHL" <service@dhl-pakket-status.top>',
        subject="Actie vereist: uw zending staat vast",
        html=html,
        headers=_authenticated("dhl-pakket-status.top"),
    )
    result = analyze(raw(message), trust=TRUST)
    codes = [r.code for r in result.reasons]
    assert "authenticated_sender" in codes and "lookalike_service_domain" in codes
    assert result.verdict is not Verdict.BENIGN


def test_picture_only_mail_is_named_and_a_letter_is_not() -> None:
    assert image_only_mail(True, "Open", ("https://cdn.example.top/qr.png",), ()) is not None
    letter = "Thank you for your order. " * 5
    assert image_only_mail(True, letter, ("https://cdn.shop.example/logo.png",), ()) is None
    assert image_only_mail(False, "Open", ("x",), ()) is None  # pasted text has no pictures to hide behind
    assert image_only_mail(True, "Open", (), ()) is None


def test_a_calendar_invitation_is_named() -> None:
    invite = Attachment("invite.ics", "text/calendar", 900)
    assert calendar_invite([invite]) is not None
    assert calendar_invite([Attachment("receipt.pdf", "application/pdf", 900)]) is None


@pytest.mark.parametrize(
    ("cue", "text"),
    [
        (account_threat, "Per motivi di sicurezza il tuo conto è stato sospeso."),
        (account_threat, "Abbiamo rilevato un accesso non autorizzato."),
        (account_threat, "Uw rekening wordt geblokkeerd als u niet reageert."),
        (account_threat, "Twoje konto zostało zablokowane."),
        (delivery_problem, "Il tuo pacco è in giacenza presso il deposito."),
        (delivery_problem, "Uw pakket kon helaas niet bezorgd worden: niet bezorgd."),
        (delivery_problem, "Twoja przesyłka oczekuje na dopłatę."),
        (secret_request, "Inserisci il codice di sicurezza ricevuto via SMS."),
        (secret_request, "Bevestig uw wachtwoord om door te gaan."),
        (secret_request, "Podaj dane karty, aby odebrać pieniądze."),
        (urgency, "Conferma entro 24 ore."),
        (urgency, "Reageer binnen 48 uur."),
        (urgency, "Zapłać w ciągu 24 godzin."),
        (subscription_lapse, "Betaling mislukt voor uw abonnement."),
    ],
)
def test_scam_cues_in_italian_dutch_and_polish(cue, text: str) -> None:  # type: ignore[no-untyped-def]
    assert cue(text) is not None


@pytest.mark.parametrize(
    "text",
    ["Verifica i tuoi dati qui", "Bevestig uw gegevens via de link", "Zweryfikuj dane na stronie"],
)
def test_verify_with_a_link_in_italian_dutch_and_polish(text: str) -> None:
    assert verify_account_link(text, has_link=True) is not None
    assert verify_account_link(text, has_link=False) is None


def test_ordinary_italian_dutch_and_polish_shop_mail_has_no_cue() -> None:
    cues = (account_threat, delivery_problem, secret_request, urgency, subscription_lapse)
    for text in (
        "Ciao Giulia, il tuo ordine 20544 è partito oggi con BRT. Buon appetito!",
        "Hoi Sanne, bedankt voor je bestelling 61402. We pakken je kaas vandaag nog in.",
        "Dzień dobry, dziękujemy za zamówienie nr 70815. Poinformujemy Cię, gdy paczka zostanie wysłana.",
    ):
        assert [c.__name__ for c in cues if c(text) is not None] == []
