"""A PIN word followed by a value that is not a PIN: the value is a password and is removed whole.

Customers call an online-banking password a "senha", a "code", a "PIN" ("a senha do internet
banking é Praia2021x"). Digits after a PIN word stay a PIN; letters with digits, or a sign inside,
make the value a password, in every language pack. Each language has its disclosures and its
harmless sentences (lengths, order numbers, PIN-free talk) that must stay untouched.
"""

from __future__ import annotations

import pytest

from trustdesk.guard import scan


def _scan(text: str):
    return scan(text, "inbound")


# (pack, text, value that must not survive)
PASSWORDS_AFTER_PIN_WORDS = [
    ("pt-PT", "Bom dia, a senha do internet banking é Praia2021x e não entra.", "Praia2021x"),
    ("pt-PT", "O código multibanco: Lisboa#77", "Lisboa#77"),
    ("pt-BR", "Oi, a senha do cartão é Sol2020! mas o app recusa", "Sol2020!"),
    ("pt-BR", "minha senha de 6 dígitos é abc123, pode ver?", "abc123"),
    ("en", "my PIN is Hund77! and the app still says wrong", "Hund77!"),
    ("en", "card pin: tiger2020", "tiger2020"),
    ("de", "Meine PIN ist Hund77!", "Hund77!"),
    ("de", "Die Geheimzahl lautet Sommer2024, bitte prüfen", "Sommer2024"),
    ("fr", "mon code PIN : abc123", "abc123"),
    ("fr", "Le code secret est Soleil#87 depuis hier", "Soleil#87"),
    ("es", "mi número secreto es Gato#99", "Gato#99"),
    ("es", "El PIN es Madrid2022 y no funciona", "Madrid2022"),
    ("it", "il pin dell'home banking è Mare2020!", "Mare2020!"),
    ("it", "Il codice segreto è roma77x", "roma77x"),
    ("nl", "mijn pincode is Kaas#123", "Kaas#123"),
    ("nl", "De inlogcode is Tulp2023 maar het werkt niet", "Tulp2023"),
    ("pl", "mój pin to Kot2020!", "Kot2020!"),
    ("pl", "Kod PIN: warszawa77", "warszawa77"),
    # No digit at all: a sign inside the word makes it a password.
    ("de", "PIN: Hund!Katze", "Hund!Katze"),
    ("de", "Meine PIN ist Hund!Katze", "Hund!Katze"),
    ("fr", "mon code PIN : Soleil#Mer", "Soleil#Mer"),
]


@pytest.mark.parametrize(("pack", "text", "value"), PASSWORDS_AFTER_PIN_WORDS)
def test_a_password_after_a_pin_word_is_removed_whole(pack, text, value):
    result = _scan(text)
    assert value not in result.redacted, pack
    # No part of it is left behind either ("Praia[removed: PIN]x" before).
    assert "[removed: password]" in result.redacted
    found = [f for f in result.findings if f.type == "PASSWORD"]
    assert [text[f.start : f.end] for f in found] == [value]


@pytest.mark.parametrize(
    ("text", "pin"),
    [
        ("a senha do internet banking é 482913", "482913"),
        ("Meine PIN ist 4821", "4821"),
        ("code PIN : 7305", "7305"),
        ("mój pin to 5093", "5093"),
    ],
)
def test_digits_after_a_pin_word_stay_a_pin(text, pin):
    result = _scan(text)
    assert pin not in result.redacted
    assert [f.display for f in result.findings] == ["PIN"]


@pytest.mark.parametrize(
    "text",
    [
        "my PIN is 4-digits long, order 12345678",
        "My PIN is not working, order #A12345 still pending",
        "Meine PIN ist seit gestern gesperrt, Bestellung AB1234",
        "PIN ist 6-stellig, Rechnung RE-2024-118",
        "My PIN is 3D-Secure protected, order 5566778",
        "Meine PIN ist 3D-gesichert, Bestellung 4455667",
        "Le code PIN est à 4 chiffres, commande FR-123456",
        "Mi PIN es de 4 dígitos, pedido 12345678",
        "Il PIN è scaduto, ordine n. 5567",
        "Mijn pincode is geblokkeerd sinds update v2.3",
        "O PIN do cartão é o de sempre, encomenda PT12345",
        "a senha do internet banking é nova, pedido 778899",
        "Mój PIN to 4 cyfry, zamówienie 778899",
        "The PIN is on page 12 of the manual",
        "PIN code: N/A (see letter 2024)",
        "My PIN is blocked! Can you help?",
        "AT&T PIN reset please",
        "Where do I change my PIN? The app&website both fail",
        "Order 123456 arrived, thanks! Tracking AB123456789CD.",
    ],
)
def test_pin_talk_and_order_numbers_stay(text):
    assert _scan(text).redacted == text
