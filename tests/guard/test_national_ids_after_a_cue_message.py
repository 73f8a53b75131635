"""A customer names the number in one message and types it in the next: the cue at the end of the
author's previous message (the stored context) counts, under the same rules as within a message."""

from __future__ import annotations

import random

import pytest

from trustdesk.guard import scan

from . import national_id_numbers as make

CASES = [
    (
        "de_tax_id",
        "Für die Ratenzahlung will Ihr Formular meine Steuer-ID, ich schreib sie hier rein.",
        "German tax ID",
    ),
    ("pl_pesel", "Do wniosku ratalnego podaję mój PESEL:", "Polish PESEL number"),
    ("br_cpf", "Vou mandar o meu CPF na próxima mensagem", "Brazilian CPF number"),
    ("pt_nif", "O meu número de contribuinte é", "Portuguese tax number (NIF)"),
    ("nl_bsn", "Mijn BSN komt hieronder", "Dutch citizen service number (BSN)"),
    ("fr_nir", "Mon numéro de sécu :", "French social security number (NIR)"),
]


@pytest.mark.parametrize(("kind", "first", "label"), CASES)
def test_the_number_in_the_next_message_is_removed(kind, first, label):
    rng = random.Random(kind)
    for _ in range(5):
        number = make.MAKERS[kind](rng)
        result = scan(number, context=[first])
        assert [(f.start, f.end, f.display) for f in result.findings] == [(0, len(number), label)]
        assert result.redacted == f"[removed: {label}]"
        assert scan(number).redacted == number  # alone, a bare number is no ID


def test_only_the_end_of_the_previous_message_counts():
    rng = random.Random(3)
    number = make.german_tax_id(rng)
    far = (
        "Meine Steuer-ID schicke ich später. "
        + "Erst noch eine Frage zur Lieferung, die seit Tagen aussteht. " * 3
    )
    assert scan(number, context=[far]).redacted == number
    assert scan(number, context=["Meine Steuer-ID:", "Danke!"]).redacted == number  # only the last message


def test_a_label_of_another_number_in_between_still_wins():
    rng = random.Random(4)
    number = make.polish_pesel(rng)
    assert scan(number, context=["PESEL podam później, a tu numer zamówienia:"]).redacted == number


def test_other_text_in_the_next_message_keeps_its_place():
    rng = random.Random(5)
    cpf = make.brazilian_cpf(rng)
    text = f"{cpf[:3]} {cpf[3:6]} {cpf[6:9]} {cpf[9:]} (é esse)"
    result = scan(text, context=["meu CPF vai aqui embaixo"])
    assert result.redacted == "[removed: Brazilian CPF number] (é esse)"
