"""Numbers that only look like national IDs are left alone: a bare 9- or 11-digit number needs a
cue of its kind, a number labelled as an order, parcel, invoice or phone number is never an ID,
and a number whose check digits are wrong is no ID whatever the cue."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustdesk.guard import scan

from . import national_id_numbers as make

# Kinds written as bare digits, which order, parcel, invoice and phone numbers also are.
AMBIGUOUS = ["de_tax_id", "pl_pesel", "br_cpf", "pt_nif", "nl_bsn", "ca_sin"]

# Support messages in every covered language that carry a number but no ID cue.
NO_CUE = [
    "Meine Bestellnummer ist {} und das Paket ist nicht angekommen.",
    "Sendungsnummer {}, bitte prüfen",
    "Rufen Sie mich an: {}",
    "Ma commande {} n'est pas arrivée.",
    "Numéro de suivi : {}",
    "Mi pedido {} llegó roto.",
    "El número de seguimiento es {}",
    "Il mio ordine {} non è arrivato.",
    "Mijn bestelling {} is nog niet bezorgd.",
    "A minha encomenda {} ainda não chegou.",
    "O código de rastreio é {}",
    "Moje zamówienie {} nie dotarło.",
    "Order {} arrived damaged",
    "tracking number {}",
    "invoice {} was charged twice",
    "call me on {}",
    "{}",
    "I paid {} cents?",
]


@pytest.mark.parametrize("kind", AMBIGUOUS)
@pytest.mark.parametrize("template", NO_CUE)
def test_valid_but_bare_numbers_without_a_cue_are_kept(kind, template):
    rng = random.Random(f"{kind}|{template}")
    for _ in range(5):
        text = template.format(make.MAKERS[kind](rng))
        assert [f for f in scan(text).findings if f.type == "NATIONAL_ID"] == [], text


@given(
    kind=st.sampled_from(AMBIGUOUS),
    rng=st.integers(0, 2**40).map(random.Random),
    template=st.sampled_from(NO_CUE),
)
def test_no_cue_no_id(kind, rng, template):
    text = template.format(make.MAKERS[kind](rng))
    assert not any(f.type == "NATIONAL_ID" for f in scan(text).findings)


@pytest.mark.parametrize(
    ("kind", "template"),
    [
        ("de_tax_id", "Meine Steuer-ID habe ich nicht zur Hand, aber die Bestellnummer ist {}."),
        ("de_tax_id", "Steuer-ID folgt, Rechnungsnummer {}"),
        ("pl_pesel", "PESEL podam później, numer zamówienia {}"),
        ("br_cpf", "Sobre o CPF eu falo depois, o número do pedido é {}"),
        ("pt_nif", "O NIF envio amanhã; o meu telemóvel é {}"),
        ("nl_bsn", "BSN heb ik niet bij de hand, mijn klantnummer is {}"),
        ("fr_nir", "Pour la carte vitale je vous rappelle, ma commande {}"),
        ("ca_sin", "I'll send my SIN later, the tracking number is {}"),
    ],
)
def test_a_number_labelled_as_something_else_is_no_id_even_after_an_id_cue(kind, template):
    rng = random.Random(template)
    for _ in range(5):
        text = template.format(make.MAKERS[kind](rng))
        assert not any(f.type == "NATIONAL_ID" for f in scan(text).findings), text


@pytest.mark.parametrize(
    "template",
    ["nº de pedido {}", "order number {}", "Rechnung {}", "numéro de commande {}", "ticket {}"],
)
def test_a_distinctive_layout_after_another_numbers_label_is_no_id(template):
    rng = random.Random(template)
    cpf = make.brazilian_cpf(rng)
    nir = make.french_nir(rng)
    for typed in (f"{cpf[:3]}.{cpf[3:6]}.{cpf[6:9]}-{cpf[9:]}", make.grouped(nir, [1, 2, 2, 2, 3, 3, 2])):
        text = template.format(typed)
        assert not any(f.type == "NATIONAL_ID" for f in scan(text).findings), text


def _wrong_check(value: str) -> str:
    """``value`` with its last character replaced (every kind here checks it)."""
    last = value[-1]
    if last.isdigit():
        return value[:-1] + str((int(last) + 1) % 10)
    return value[:-1] + ("A" if last != "A" else "B")


CUED = {
    "de_tax_id": "Steuer-ID {}",
    "fr_nir": "numéro de sécurité sociale {}",
    "es_dni": "DNI {}",
    "it_codice_fiscale": "codice fiscale {}",
    "nl_bsn": "BSN {}",
    "pt_nif": "NIF {}",
    "pl_pesel": "PESEL {}",
    "br_cpf": "CPF {}",
    "ca_sin": "SIN {}",
}


@pytest.mark.parametrize("kind", sorted(CUED))
def test_checksum_invalid_numbers_are_kept_even_with_a_cue(kind):
    rng = random.Random(kind)
    for _ in range(20):
        value = make.MAKERS[kind](rng)
        if kind in ("pt_nif", "br_cpf") and value[-1] == "0":
            continue  # 0 stands for two remainders there; changing it is not always wrong
        text = CUED[kind].format(_wrong_check(value))
        assert not any(f.type == "NATIONAL_ID" for f in scan(text).findings), text


@pytest.mark.parametrize(
    "text",
    [
        "my business number is 130692544",  # a valid SIN, but "sin" inside a word is no cue
        "Ich habe niemanden erreicht, Bestellung 12345678Z",  # nor "nie" inside "niemanden"
        "CF: 12345678901",  # an Italian cue does not make eleven digits a codice fiscale
        "PESEL 12345678901",  # wrong check digit
        "phone +49 30 86095742 719",
        "Tel. 06 12 34 56 78, NIR à venir",
        "+48 600 100 200, PESEL podam później",
    ],
)
def test_look_alikes(text):
    assert [f for f in scan(text).findings if f.type == "NATIONAL_ID"] == []


@pytest.mark.parametrize(
    "template",
    [
        "Sigo sin cobertura, llámame al {}",  # "sin": Spanish for "without", not the SIN
        "Estou nas compras, ligue para {}",  # "nas": Portuguese for "in the", not the Quebec NAS
        "I keep the tin on the shelf, code {}",
    ],
)
def test_acronyms_that_are_everyday_words_elsewhere_are_cues_only_in_capitals(template):
    rng = random.Random(template)
    numbers = [make.canadian_sin(rng) for _ in range(20)] + [make.portuguese_nif(rng) for _ in range(20)]
    for number in numbers:
        text = template.format(number)
        assert not any(f.type == "NATIONAL_ID" for f in scan(text).findings), text
    shouted = template.replace("sin", "SIN").replace("nas", "NAS").replace("tin", "TIN")
    sin = make.canadian_sin(rng)
    if "SIN" in shouted or "NAS" in shouted:
        assert [f.display for f in scan(shouted.format(sin)).findings] == ["Canadian Social Insurance Number"]
