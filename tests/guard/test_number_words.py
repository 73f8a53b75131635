"""Numbers spelled out in words (or words mixed with digits) are read as digits: cards, PINs and
codes written that way are removed, in every language; prose with a number word is left alone."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan
from trustdesk.guard.number_words import NUMBER_WORDS_GATE, digit_view
from trustdesk.guard.scantext import hits_of


def stored(*messages: str) -> list[str]:
    """What the desk stores for a customer's messages, each guarded with the stored ones before it."""
    kept: list[str] = []
    for text in messages:
        kept.append(scan(text, "inbound", context=list(kept)).redacted)
    return kept


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "the card is four two four two, four two four two, four two four two, four two four two",
            "four two",
        ),
        (
            "meine Kreditkarte: fünf fünf fünf fünf fünf fünf fünf fünf fünf fünf fünf fünf vier vier vier vier",
            "fünf",
        ),
        ("ma carte : quatre deux quatre deux 4242 quatre deux quatre deux 4242", "quatre deux"),
        ("la tarjeta es cuatro uno uno uno uno uno uno uno uno uno uno uno uno uno uno uno", "cuatro uno"),
        ("numero carta 4 due 4 due 4242 quattro due quattro due 4242", "quattro due"),
        ("mijn kaart: vier een een een een een een een een een een een een een een een", "vier een"),
        ("o cartão é quatro um um um um um um um um um um um um um um um", "quatro um"),
        (
            "karta: cztery jeden jeden jeden jeden jeden jeden jeden jeden jeden jeden jeden jeden jeden jeden jeden",
            "cztery",
        ),
    ],
)
def test_a_card_number_in_words_is_removed_in_every_language(text, secret):
    result = scan(text, "inbound")
    assert [f.type for f in result.findings] == ["PAYMENT_CARD"]
    assert secret not in result.redacted


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("meine PIN ist sieben null zwo drei", "sieben null zwo drei"),
        ("PIN: four oh eight one", "four oh eight one"),
        ("mon code PIN c'est deux neuf zéro un", "deux neuf zéro un"),
        ("el PIN es nueve, dos, cero, siete", "nueve, dos, cero, siete"),
        ("il pin è 5 otto 2 nove", "5 otto 2 nove"),
        ("pincode is negen één nul drie", "negen één nul drie"),
        ("o PIN é seis meia dois oito", "seis meia dois oito"),
        ("PIN to dwa osiem jeden siedem", "dwa osiem jeden siedem"),
    ],
)
def test_a_pin_in_words_is_removed_whole(text, value):
    result = scan(text, "inbound")
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert text[finding.start : finding.end] == value


@pytest.mark.parametrize(
    "text",
    [
        "the verification code is three one four one five nine",
        "der Bestätigungscode lautet neun acht sieben, sechs fünf vier",
        "le code de vérification : cinq huit deux, un un zéro",
        "el código de verificación es siete siete dos cero uno ocho",
        "il codice di verifica è otto otto uno due nove sei",
        "de verificatiecode is zes twee acht nul nul vier",
        "o código de verificação é nove zero um quatro quatro dois",
        "kod weryfikacyjny: sześć pięć cztery trzy dwa jeden",
        "in der SMS steht fünf null null eins neun zwei",
        "le texto dit : un huit huit quatre zéro six",
        "the number in the text was seven oh one two two five",
    ],
)
def test_a_one_time_code_in_words_is_removed(text):
    result = scan(text, "inbound")
    assert [f.type for f in result.findings] == ["ONE_TIME_CODE"]


def test_a_code_of_digits_and_words_mixed_is_removed_from_its_first_to_its_last_sign():
    text = "de sms-code is 7 drie 0 negen 2 twee, graag snel"
    result = scan(text, "inbound")
    assert result.redacted == "de sms-code is [removed: one-time code], graag snel"


@pytest.mark.parametrize(
    "text",
    [
        "one or two items are missing from my order",
        "Ich habe ein Paket bekommen, eins nach dem anderen bitte",
        "un article est arrivé, les deux autres non",
        "Schritt eins, zwei und drei habe ich gemacht, der Code kommt nicht",
        "I tried the PIN three or four times and now it's blocked",
        "Ho provato il PIN tre o quattro volte",
        "le code promo un deux trois quatre ne marche pas",
        "Bestellnummer eins zwei drei vier fünf sechs ist noch nicht da",
        "one two three four five six seven eight nine ten, still no parcel",
        "seis, sete ou oito dias para a entrega?",
        "c'est très très très gentil, merci",
        "It's three o'clock and the code hasn't come",
    ],
)
def test_prose_with_number_words_is_left_alone(text):
    assert scan(text, "inbound").findings == ()


def test_a_message_without_two_digit_words_together_never_builds_a_digit_view():
    for text in ("I ordered one item and two more", "Ich hätte gern eins", "4 items, 2 returns"):
        assert hits_of(text).isdisjoint(NUMBER_WORDS_GATE)


def test_the_digit_view_maps_each_digit_back_to_its_word():
    text = "Karte: 6 null eins eins 1111, danke"
    view = digit_view(text)
    assert view is not None
    assert view.text == "Karte: 60111111, danke"
    start = view.text.index("6")
    assert view.to_text(start, start + 8) == (text.index("6"), text.index(","))
    assert text[slice(*view.to_text(start + 1, start + 2))] == "null"
    assert text[slice(*view.to_text(start + 4, start + 6))] == "11"  # inside a group of digits
    after = view.text.index("danke")
    assert text[slice(*view.to_text(after, after + 5))] == "danke"


def test_oh_is_zero_only_after_an_english_digit_word():
    assert digit_view("PIN: four oh two one").text == "PIN: 4021"
    assert digit_view("oh two three four").text == "oh 234"
    assert digit_view("tre o quattro volte") is None


def test_double_says_the_next_digit_twice():
    assert digit_view("code is double four one two three nine").text == "code is 441239"


def test_a_secret_in_words_after_its_name_in_the_message_before_is_removed():
    kept = stored("Mein Passwort ist", "sieben drei eins eins")
    assert kept[1] == "[removed: PIN]"


def test_a_long_message_with_digit_words_asks_for_the_messages_before_it():
    from trustdesk.guard.scanner import wants_context

    rest = "und die restlichen Ziffern der Karte sind, ich lese sie vor: eins eins eins eins, eins eins eins eins"
    assert wants_context(rest, "inbound")
    assert not wants_context(
        "Vielen Dank für die schnelle Hilfe, ich warte dann einfach noch auf das Paket.", "inbound"
    )


@pytest.mark.parametrize(
    "text",
    [
        "the text was sent at 1430 but nothing arrived",
        "le texto dit que le colis 123456 arrive demain",
        "die SMS sagt, die Sendung 123456 kommt morgen",
        "the text says my parcel 123456 is late",
    ],
)
def test_an_sms_about_a_parcel_or_a_time_names_no_code(text):
    assert scan(text, "inbound").redacted == text
