"""An IBAN typed in parts: the first part goes as soon as it is typed, the rest when the next
message finishes it; with the earlier part at hand as typed, the whole must pass mod 97."""

from __future__ import annotations

import random

import pytest

from trustdesk.guard import scan

from .conftest import make_iban as make_iban_with


def make_iban(country: str) -> str:
    return make_iban_with(country, random.Random(country), letters=4 if country == "GB" else 0)


def stored(*messages: str) -> list[str]:
    """What the desk stores for a customer's messages, each guarded with the stored ones before it."""
    kept: list[str] = []
    for text in messages:
        kept.append(scan(text, "inbound", context=list(kept)).redacted)
    return kept


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


@pytest.mark.parametrize(
    ("country", "intro"),
    [
        ("DE", "IBAN für die Rückzahlung: "),
        ("FR", "mon RIB : "),
        ("ES", "el IBAN es "),
        ("IT", "IBAN per il rimborso "),
        ("NL", "mijn rekeningnummer is "),
        ("PT", "o IBAN é "),
        ("PL", "numer konta: "),
        ("GB", "my IBAN is "),
    ],
)
def test_an_iban_in_two_messages_is_removed_in_both(country, intro):
    iban = grouped(make_iban(country))
    first, rest = iban[:14], iban[15:]
    kept = stored(intro + first, rest)
    assert (
        kept[0] == f"{intro}[removed: IBAN ({country}), first 12 of {len(iban.replace(' ', ''))} characters]"
    )
    assert kept[1].startswith(f"[removed: IBAN ({country}), last ")
    assert first not in kept[0] and rest not in kept[1]


def test_an_iban_in_three_messages_after_a_message_that_announces_it():
    iban = grouped(make_iban("CH"))  # 21 characters: "CHkk bbbb bccc cccc cccc c"
    kept = stored("IBAN kommt, Moment", iban[:14], iban[15:19], iban[20:] + " (ZKB)")
    assert kept[1] == "[removed: IBAN (CH), first 12 of 21 characters]"
    assert kept[2] == "[removed: IBAN (CH), first 16 of 21 characters]"
    assert kept[3] == "[removed: IBAN (CH), last 5 characters] (ZKB)"


def test_the_rest_may_follow_a_word_or_two():
    iban = grouped(make_iban("GB"))
    kept = stored(f"ok my IBAN starts {iban[:9]}", f"then {iban[10:]} – sorry, hit send too early")
    assert kept[1] == "then [removed: IBAN (GB), last 14 characters] – sorry, hit send too early"


def test_with_the_first_part_as_typed_the_whole_must_pass_mod_97():
    iban = grouped(make_iban("DE"))
    first, rest = iban[:14], iban[15:]
    wrong = rest[:-1] + str((int(rest[-1]) + 1) % 10)
    assert scan(rest, "inbound", context=[f"IBAN: {first}"]).findings[0].type == "IBAN"
    assert scan(wrong, "inbound", context=[f"IBAN: {first}"]).findings == ()


@pytest.mark.parametrize(
    ("earlier", "text"),
    [
        ("wo ist meine Bestellung?", "0012 3456 78"),
        ("IBAN: [removed: IBAN (DE), first 12 of 22 characters]", "meine Bestellnummer ist 0012 3456 78"),
        ("Danke!", "DE27 wurde geliefert"),
    ],
)
def test_digits_after_no_iban_are_left_alone(earlier, text):
    assert scan(text, "inbound", context=[earlier]).redacted == text


def test_a_country_code_and_digits_inside_a_sentence_are_no_iban_start():
    text = "Größe DE 42 passt nicht, ich brauche 44 1234"
    assert scan(text, "inbound").redacted == text
