"""A one-time code typed in halves: the first half goes as soon as it is typed, the rest when the
next message gives it; halves of other numbers are left alone."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan


def stored(*messages: str) -> list[str]:
    """What the desk stores for a customer's messages, each guarded with the stored ones before it."""
    kept: list[str] = []
    for text in messages:
        kept.append(scan(text, "inbound", context=list(kept)).redacted)
    return kept


@pytest.mark.parametrize(
    ("first", "second", "halves"),
    [
        ("the text is here, it starts with 482", "and then 915", ("482", "915")),
        ("Die SMS ist gekommen, der Code fängt mit 36 an", "dann 0774", ("36", "0774")),
        ("j'ai le code par SMS, il commence par 803", "puis 226", ("803", "226")),
        ("me llegó el SMS, empieza por 557", "y termina en 019", ("557", "019")),
        ("il codice dell'sms inizia con 7120", "poi 88", ("7120", "88")),
        ("de code is binnen, hij begint met 611", "daarna 304", ("611", "304")),
        ("kod przyszedł, zaczyna się od 902", "a potem 443", ("902", "443")),
        ("chegou o código, começa com 118", "e depois 560", ("118", "560")),
    ],
)
def test_both_halves_of_a_code_are_removed(first, second, halves):
    kept = stored(first, second)
    assert " code]" in kept[0]  # the start of a code, or a code: four digits may be one
    assert kept[1].count("[removed: rest of a one-time code]") == 1
    for half in halves:
        assert all(half not in text for text in kept)


def test_the_rest_may_come_alone():
    assert stored("the SMS came through, first bit is 620", "447") == [
        "the SMS came through, first bit is [removed: start of a one-time code]",
        "[removed: rest of a one-time code]",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "my phone number starts with 0176 and the SMS never came",
        "the tracking number starts with 123, did the SMS come?",
        "meine Postleitzahl beginnt mit 80, die SMS kam nicht",
        "it starts with 12 and ends with 34, the order I mean",
        "la commande commence par 294",  # no word about a code
        "Die App sagt, die Aktion beginnt mit 20 Prozent Rabatt",  # the number counts something
    ],
)
def test_the_start_of_another_number_is_left_alone(text):
    assert scan(text, "inbound").findings == ()


def test_after_a_start_only_a_short_reply_with_the_rest_is_taken():
    kept = stored("ok die SMS ist da, vorne steht 731", "danke, und die Bestellung 12345 ist auch da")
    assert kept[1] == "danke, und die Bestellung 12345 ist auch da"


def test_without_a_start_before_the_rest_words_take_nothing():
    assert stored("wo bleibt mein Paket?", "und dann 590") == ["wo bleibt mein Paket?", "und dann 590"]


@pytest.mark.parametrize(
    ("first", "second", "kept"),
    [
        ("Meine PIN ist", "7304", "[removed: PIN]"),
        ("my pin is", "nine four four one", "[removed: PIN]"),
        ("le code reçu par SMS :", "318 027", "[removed: one-time code]"),
        ("il codice che mi è arrivato è", "tre nove uno quattro otto sei", "[removed: one-time code]"),
        ("o código do SMS é", "602 118", "[removed: one-time code]"),
    ],
)
def test_a_pin_or_code_after_a_message_that_stopped_at_its_name_is_removed(first, second, kept):
    assert stored(first, second) == [first, kept]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("meine PIN ist gesperrt", "Bestellung 12345678"),
        ("my pin is blocked", "order 12345678 please"),
        ("Was ist der Code?", "Paket 123456 ist nicht da"),
    ],
)
def test_a_number_after_a_message_about_a_pin_that_named_none_is_left_alone(first, second):
    assert stored(first, second) == [first, second]
