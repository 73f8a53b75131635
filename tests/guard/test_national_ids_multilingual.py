"""National ID numbers named in their own language or in English are removed, in the layouts
people type, and the text stored in their place names the kind without any of its characters."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustdesk.guard import scan

from . import national_id_numbers as make

LABELS = {
    "de_tax_id": "German tax ID",
    "fr_nir": "French social security number (NIR)",
    "es_dni": "Spanish DNI/NIE",
    "it_codice_fiscale": "Italian tax code (codice fiscale)",
    "nl_bsn": "Dutch citizen service number (BSN)",
    "pt_nif": "Portuguese tax number (NIF)",
    "pl_pesel": "Polish PESEL number",
    "br_cpf": "Brazilian CPF number",
    "ca_sin": "Canadian Social Insurance Number",
}

# How people write each number (the value without separators in, the typed form out).
LAYOUTS = {
    "de_tax_id": [lambda v: v, lambda v: make.grouped(v, [2, 3, 3, 3])],
    "fr_nir": [
        lambda v: make.grouped(v, [1, 2, 2, 2, 3, 3, 2]),
        lambda v: v,
        lambda v: v[:13] + " " + v[13:],
    ],
    "es_dni": [lambda v: v, lambda v: f"{v[:2]}.{v[2:5]}.{v[5:8]}-{v[8]}", lambda v: f"{v[:8]}-{v[8]}"],
    "it_codice_fiscale": [lambda v: v, str.lower],
    "nl_bsn": [lambda v: v, lambda v: f"{v[:4]}.{v[4:6]}.{v[6:]}", lambda v: make.grouped(v, [3, 3, 3])],
    "pt_nif": [lambda v: v, lambda v: make.grouped(v, [3, 3, 3])],
    "pl_pesel": [lambda v: v],
    "br_cpf": [
        lambda v: f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}",
        lambda v: v,
        lambda v: make.grouped(v, [3, 3, 3, 2]),
    ],
    "ca_sin": [lambda v: make.grouped(v, [3, 3, 3]), lambda v: make.grouped(v, [3, 3, 3], "-")],
}

# Cues in the number's own language (no diacritics included), then in English.
OWN_LANGUAGE = {
    "de_tax_id": [
        "Meine Steuer-ID ist {}",
        "Steueridentifikationsnummer: {}",
        "meine steuerliche Identifikationsnummer lautet {}, brauchen Sie die?",
        "IdNr {}",
        "Hier die Steuer ID {} fur die Rechnung",
        "{} ist meine Steuer-ID",
    ],
    "fr_nir": [
        "Mon numéro de sécurité sociale : {}",
        "n° de sécu {}",
        "numero de securite sociale {}",
        "NIR {}",
        "le numéro de ma carte vitale est {} merci",
    ],
    "es_dni": [
        "mi DNI es {}",
        "NIE: {}",
        "le paso mi documento de identidad: {}",
        "número de identificación fiscal {}",
        "{} es mi DNI",
    ],
    "it_codice_fiscale": ["Il mio codice fiscale è {}", "C.F. {}", "cod. fiscale: {}", "CF {}"],
    "nl_bsn": ["Mijn BSN is {}", "burgerservicenummer: {}", "mijn sofinummer {}"],
    "pt_nif": [
        "O meu NIF é {}",
        "número de contribuinte: {}",
        "nº de contribuinte {}",
        "numero de contribuinte {}",
    ],
    "pl_pesel": ["Mój PESEL to {}", "numer PESEL: {}", "nr PESEL {}", "{} to mój PESEL"],
    "br_cpf": ["Meu CPF é {}", "CPF: {}", "cpf {}", "número do CPF {}", "{} é o meu CPF"],
    "ca_sin": ["numéro d'assurance sociale {}", "mon NAS est le {}"],
}
IN_ENGLISH = {
    "de_tax_id": ["my German tax ID is {}", "Tax identification number: {}"],
    "fr_nir": ["my French social security number is {}", "NIR: {}"],
    "es_dni": ["my Spanish ID (DNI) is {}", "here is my NIE {}"],
    "it_codice_fiscale": ["my Italian tax code is {}", "fiscal code {}"],
    "nl_bsn": ["citizen service number {}", "my BSN is {}"],
    "pt_nif": ["Portuguese tax number (NIF) {}", "my taxpayer number is {}"],
    "pl_pesel": ["my PESEL number is {}", "Polish ID number {}"],
    "br_cpf": ["my CPF is {}", "Brazilian tax ID {}"],
    "ca_sin": ["SIN {}", "my social insurance number is {}"],
}
CASES = [
    (kind, template, layout)
    for kind in LABELS
    for template in OWN_LANGUAGE[kind] + IN_ENGLISH[kind]
    for layout in range(len(LAYOUTS[kind]))
]


def _assert_removed(text: str, typed: str, kind: str) -> None:
    result = scan(text)
    start = text.index(typed)
    ids = [f for f in result.findings if f.type == "NATIONAL_ID"]
    assert [(f.start, f.end, f.display) for f in ids] == [(start, start + len(typed), LABELS[kind])], text
    assert result.redacted == text.replace(typed, f"[removed: {LABELS[kind]}]")
    assert not any(c.isdigit() for c in ids[0].display)


@pytest.mark.parametrize(("kind", "template", "layout"), CASES)
def test_removed_with_a_cue(kind, template, layout):
    rng = random.Random(f"{kind}|{template}|{layout}")
    typed = LAYOUTS[kind][layout](make.MAKERS[kind](rng))
    _assert_removed(template.format(typed), typed, kind)


@given(kind=st.sampled_from(sorted(LABELS)), rng=st.integers(0, 2**40).map(random.Random), data=st.data())
def test_any_valid_number_is_removed_after_a_cue(kind, rng, data):
    template = data.draw(st.sampled_from(OWN_LANGUAGE[kind] + IN_ENGLISH[kind]))
    layout = data.draw(st.sampled_from(LAYOUTS[kind]))
    typed = layout(make.MAKERS[kind](rng))
    _assert_removed(template.format(typed), typed, kind)


def test_corsican_nir_and_omocodic_codice_fiscale():
    rng = random.Random(5)
    nir = make.french_nir(rng, corsica=True)
    typed = make.grouped(nir, [1, 2, 2, 2, 3, 3, 2])
    _assert_removed(f"Numéro de sécu : {typed}", typed, "fr_nir")
    code = make.italian_codice_fiscale(rng, omocodia=3)
    _assert_removed(f"codice fiscale {code}", code, "it_codice_fiscale")


# Layouts distinctive enough to stand without a cue: checksum-validated and printed in their own
# groups. (tests/guard/test_real_text.py and bench/guard.py show they cause no false positives.)
@pytest.mark.parametrize(
    ("kind", "layout"),
    [
        ("br_cpf", lambda v: f"{v[:3]}.{v[3:6]}.{v[6:9]}-{v[9:]}"),
        ("fr_nir", lambda v: make.grouped(v, [1, 2, 2, 2, 3, 3, 2])),
        ("it_codice_fiscale", lambda v: v),
        ("it_codice_fiscale", str.lower),
    ],
)
def test_distinctive_layouts_need_no_cue(kind, layout):
    rng = random.Random(kind)
    for _ in range(20):
        typed = layout(make.MAKERS[kind](rng))
        _assert_removed(f"Olá, segue: {typed}. Obrigado!", typed, kind)


def test_several_kinds_in_one_message():
    rng = random.Random(11)
    cpf, pesel, tax = make.brazilian_cpf(rng), make.polish_pesel(rng), make.german_tax_id(rng)
    text = f"CPF {cpf}, PESEL {pesel}, Steuer-ID {tax}"
    result = scan(text)
    assert [f.display for f in result.findings] == [LABELS["br_cpf"], LABELS["pl_pesel"], LABELS["de_tax_id"]]
    assert not any(value in result.redacted for value in (cpf, pesel, tax))


def test_existing_kinds_keep_working():
    for text, label in [
        ("SSN 123-45-6780", "US Social Security number"),
        ("NI number AB 12 34 56 C", "UK National Insurance number"),
        ("SIN 130 692 544", "Canadian Social Insurance Number"),
        ("mi DNI es 12345678Z", "Spanish DNI/NIE"),
        ("BSN 111222333", "Dutch citizen service number (BSN)"),
    ]:
        assert [f.display for f in scan(text).findings] == [label], text
