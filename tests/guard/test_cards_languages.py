"""Payment cards written the way customers write them in every pack's language: security codes and
expiry dates after local cues, numbers glued to card words or joined by signs, and a card number
typed in several messages. Look-alikes (last four, vouchers, orders) stay untouched."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan
from trustdesk.guard.card_parts import FIRST_PART, NEXT_PART


def stored(*messages: str) -> list[str]:
    """Each message as stored after the scan, judged with the stored earlier ones as context."""
    texts: list[str] = []
    for message in messages:
        texts.append(scan(message, "inbound", context=list(texts)).redacted)
    return texts


def types_of(text: str) -> set[str]:
    return {f.type for f in scan(text, "inbound").findings}


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Prüfziffer auf der Rückseite ist 947", "947"),
        ("Prüfnummer hinten: 562", "562"),
        ("Sicherheitscode hinten: 0-4-7", "0-4-7"),
        ("Le cryptogramme au dos, c'est 538", "538"),
        ("crypto 123", "123"),
        ("el CVV es 552", "552"),
        ("Código de seguridad de la tarjeta: 719", "719"),
        ("Il codice di sicurezza sul retro è 863", "863"),
        ("De beveiligingscode is 417", "417"),
        ("kod CVC 448", "448"),
        ("kod bezpieczeństwa: 305", "305"),
        ("O código de segurança é 285", "285"),
        ("les trois chiffres derrière la carte c'est 9 0 6", "9 0 6"),
        ("die drei zahlen hinten auf der karte sind 8 1 3", "8 1 3"),
        ("los tres numeritos de atrás son 5, 0 y 9", "5, 0 y 9"),
        ("Achterop staat 852, als u dat bedoelt.", "852"),
        ("Z tyłu jest 318, o to chodzi?", "318"),
        ("Os três números atrás do cartão são 139.", "139"),
        ("the 4 little numbers on the front of my amex are 7291", "7291"),
        ("the little number next to where I sign is 604", "604"),
    ],
)
def test_security_code_after_a_local_cue_is_removed(text: str, secret: str) -> None:
    result = scan(text, "inbound")
    assert secret not in result.redacted
    assert "CARD_SECURITY_CODE" in {f.type for f in result.findings}


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("gültig bis 09/27", "09/27"),
        ("Ablaufdatum: 03/2029", "03/2029"),
        ("Die Karte läuft Ende März 2028 ab.", "März 2028"),
        ("läuft bis Jänner 2029", "Jänner 2029"),
        ("Ablauf Juni 28", "Juni 28"),
        ("Die Karte ist noch bis Ende 11/2029 gültig.", "11/2029"),
        ("date d'expiration 04/28", "04/28"),
        ("Elle expire en mars 2028", "mars 2028"),
        ("valable jusqu'au 11/26", "11/26"),
        ("fin de validité 06/2029", "06/2029"),
        ("fecha de caducidad 09/28", "09/28"),
        ("Vence en marzo de 2028.", "marzo de 2028"),
        ("scadenza: dicembre '28", "dicembre '28"),
        ("La carta scade a marzo 2028.", "marzo 2028"),
        ("vervaldatum 08/27", "08/27"),
        ("De kaart is geldig t/m april 2027.", "april 2027"),
        ("data ważności: luty 2029", "luty 2029"),
        ("Karta ważna do 12/26.", "12/26"),
        ("validade: dez/27", "dez/27"),
        ("O cartão vence em novembro de 2027.", "novembro de 2027"),
    ],
)
def test_expiry_after_a_local_cue_is_removed(text: str, secret: str) -> None:
    result = scan(text, "inbound")
    assert secret not in result.redacted
    assert "CARD_EXPIRY" in {f.type for f in result.findings}


@pytest.mark.parametrize(
    "text",
    [
        "Der Gutschein ist gültig bis 09/27",
        "Mein Abo läuft bis März 2027",
        "Le code promo expire en mars 2027",
        "Mi pasaporte caduca el 10/27",
        "Mein Ausweis ist bis Ende 11/2029 gültig.",
        "Das Angebot läuft am 12/05 aus",
        "Ich habe die Bestellung 123 hinten im Hof abgestellt",
        "Le colis expire le 12/05",
        "Ma carte de fidélité expire en mars 2027",
        "O prazo de devolução vence em 10/26",
        "Hallo, ich habe bei Ihnen eine Powerbank bestellt, das beiliegende Zertifikat ist gültig bis 09/27, passt das so?",
        "Der Code auf der Rückseite des Gutscheins ist 123",
        "Die Rechnung über 120 € liegt hinten",
    ],
)
def test_look_alike_dates_and_numbers_stay(text: str) -> None:
    assert scan(text, "inbound").redacted == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Bitte die Karte4111111111111111 belasten", "4111111111111111"),
        ("CB4242424242424242 à débiter svp", "4242424242424242"),
        ("visa4035501000000008 gültig bis 0927", "4035501000000008"),
        ("cobrad en la tarjeta5555555555554444 porfa", "5555555555554444"),
        ("paguei com o cartao4242424242424242 e nada", "4242424242424242"),
        ("mycard4111111111111111 pls refund", "4111111111111111"),
        ("4111+1111+1111+1111 ist die Karte", "4111+1111+1111+1111"),
        ("5105;1051;0510;5100 c'est la carte", "5105;1051;0510;5100"),
        ("4111=1111=1111=1111 es la tarjeta", "4111=1111=1111=1111"),
        ("4111 x 1111 x 1111 x 1111 è la carta", "4111 x 1111 x 1111 x 1111"),
        ("meu cartão é o +2223 0031 2200 3222", "2223 0031 2200 3222"),
        ("Mijn bankkaart is de 6703 4444 4444 4449", "6703 4444 4444 4449"),
        ("Meu Hipercard é 6062 8256 2425 4001", "6062 8256 2425 4001"),
    ],
)
def test_glued_and_joined_card_numbers_are_removed(text: str, secret: str) -> None:
    result = scan(text, "inbound")
    assert secret not in result.redacted
    assert "PAYMENT_CARD" in {f.type for f in result.findings}


def test_glued_card_keeps_its_expiry_and_security_code_apart() -> None:
    text = "cb4360000001000005 exp 1127"
    assert types_of(text) == {"PAYMENT_CARD", "CARD_EXPIRY"}
    assert "1127" not in scan(text, "inbound").redacted


def test_details_after_a_card_with_local_cues_and_emoji() -> None:
    text = "💳 4000 0072 4000 0007\n📅 10/28\n🔒 915\nahí lo tenéis todo"
    redacted = scan(text, "inbound").redacted
    assert "10/28" not in redacted and "915" not in redacted
    assert "ahí lo tenéis todo" in redacted


def test_card_introduced_as_an_order_but_followed_by_its_cvv_is_a_card() -> None:
    redacted = scan("order 4111 1111 1111 1111 cvv 123", "inbound").redacted
    assert "4111" not in redacted and "123" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "5+3=8 und 1234+5678=6912",
        "Ruf mich an: +49 1511 2345 678",
        "Bestellung 4471-0932+2",
    ],
)
def test_signs_between_other_numbers_are_no_card(text: str) -> None:
    assert scan(text, "inbound").redacted == text


@pytest.mark.parametrize(
    ("messages", "secrets"),
    [
        (("meine Karte ist 5555 5555", "5555 4444"), ("5555 5555", "5555 4444")),
        (("Kartennummer: 5105 1051", "0510", "5100"), ("5105 1051", "0510", "5100")),
        (
            ("Die Amex-Nummer ist 3782 822463", "10005, Ablaufdatum schicke ich gleich"),
            ("3782 822463", "10005"),
        ),
        (
            ("Visa, die Nummer schick ich in zwei Teilen", "4000 0027", "6000 0016"),
            ("4000 0027", "6000 0016"),
        ),
        (("la carte c'est 4988 4388", "4388 4305, pardon"), ("4988 4388", "4388 4305")),
        (("karta 5200", "8282 8282", "8210"), ("5200", "8282 8282", "8210")),
        (
            ("te la paso en dos partes que se me corta", "4000 0003", "2000 0021 y listo"),
            ("4000 0003", "2000 0021"),
        ),
    ],
)
def test_card_typed_in_several_messages_is_removed_everywhere(
    messages: tuple[str, ...], secrets: tuple[str, ...]
) -> None:
    texts = stored(*messages)
    for secret in secrets:
        assert not any(secret in text for text in texts), (secret, texts)


def test_parts_are_marked_without_digits() -> None:
    first, second = stored("meine Karte ist 5555 5555", "5555 4444")
    assert first == f"meine Karte ist [removed: {FIRST_PART}]"
    assert second == f"[removed: {NEXT_PART}]"


def test_raw_earlier_part_joins_into_a_valid_card() -> None:
    # A caller that passes the earlier message unredacted: the parts must form a valid card.
    result = scan("5555 4444", "inbound", context=["my card is 5555 5555"])
    assert "5555 4444" not in result.redacted
    other = scan("5555 4444", "inbound", context=["Bestellung 5555 5555"])
    assert other.redacted == "5555 4444"


@pytest.mark.parametrize(
    "messages",
    [
        ("my card ending 4242",),
        ("Ich habe mit der Karte mit Endung 1881 bezahlt",),
        ("Zahlung mit Karte 4242",),
        ("W koncie widzę kartę **** 5556",),
        ("Karte xxxx-5556",),
        ("Bestellung 30-558127",),
        ("Mein Telefon: 0151 2345678",),
        ("meine Karte ist 5555 5555", "2 Stück bitte"),
        ("Kundennummer 4471-0932", "5555 4444"),
        ("Can I pay online with my card? FedEx 4764 7509 4429.",),
        ("Ich habe mit meiner Visa bezahlt, Bestellnummer 4471 2231",),
        ("Pagué con tarjeta, pedido 4471 2231",),
        ("Ich habe mit Karte bestellt, Sendung DHL 4533 6445 3876",),
    ],
)
def test_last_four_and_other_numbers_begin_no_card(messages: tuple[str, ...]) -> None:
    texts = stored(*messages)
    assert texts[-1] == messages[-1]


def test_a_part_followed_by_an_emoji_or_dots_is_continued() -> None:
    texts = stored("meine Karte ist 5555 5555 😅", "5555 4444")
    assert "5555" not in "".join(texts)
    texts = stored("Kartennummer: 5105 1051 …", "0510", "5100")
    assert not any(part in "".join(texts) for part in ("1051", "0510", "5100"))


def test_four_digits_in_front_need_a_card() -> None:
    text = "The parcel was left at the front door, order 4471"
    assert scan(text, "inbound").redacted == text


def test_security_code_after_a_cue_that_ended_the_message_before() -> None:
    texts = stored("karta jest ta sama co zawsze", "kod z tyłu", "to 6 1 9")
    assert "6 1 9" not in texts[-1]
