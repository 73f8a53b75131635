"""The national-ID words are pack data: every pack's ids.toml is well-formed, names known kinds,
wakes the detector through the trigger pass in any spelling, and a new language needs no code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata

import pytest

from trustdesk.guard.cues import fold
from trustdesk.guard.id_cues import (
    CAPITAL_CUE_PATTERNS,
    CUE_PATTERNS,
    CUE_TRIGGERS,
    IDS_FILE,
    read_ids_tables,
)
from trustdesk.guard.id_kinds import KINDS
from trustdesk.guard.normalize import normalize
from trustdesk.guard.packs import PACKS_DIR, PackError, load_section, pack_names
from trustdesk.guard.scantext import hits_of

# Each kind is named in its own country's language and in English.
OWN_PACK = {
    "de_tax_id": "de",
    "fr_nir": "fr",
    "es_dni": "es",
    "it_codice_fiscale": "it",
    "nl_bsn": "nl",
    "pt_nif": "pt",
    "pl_pesel": "pl",
    "br_cpf": "pt",
    "us_ssn": "en",
    "uk_nino": "en",
    "ca_sin": "en",
    "ch_ahv": "de",
    "be_national_number": "nl",
    "ie_pps": "en",
    "cl_rut": "es",
    "pl_id_card": "pl",
    "pt_citizen_card": "pt",
}


def test_every_pack_has_an_ids_file_with_the_format_in_its_header():
    for pack in pack_names():
        text = (PACKS_DIR / pack / IDS_FILE).read_text(encoding="utf-8")
        assert text.startswith("# National ID numbers named in"), pack
        assert "[cues]" in text and "[other_numbers]" in text and "docs/architecture.md" in text, pack


def test_every_kind_is_named_in_its_own_language_and_in_english():
    tables = load_section(IDS_FILE)
    for kind, pack in OWN_PACK.items():
        assert tables[pack]["cues"].get(kind), (kind, pack)
        assert tables["en"]["cues"].get(kind), (kind, "en")
    assert set(read_ids_tables(tables).cues) == set(KINDS)


def _spellings(cue: str) -> set[str]:
    """The cue as written, in capitals, and without its accents (people drop accents; an accent
    the language does not have is not promised to wake the detector)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", cue) if not unicodedata.combining(c))
    return {cue, cue.upper(), bare, bare.lower(), bare.upper()}


@pytest.mark.parametrize("pack", ["de", "en", "es", "fr", "it", "nl", "pl", "pt"])
def test_every_cue_wakes_its_kind_and_is_found_near_a_number(pack):
    for kind, cues in load_section(IDS_FILE)[pack]["cues"].items():
        for cue in cues:
            for spelling in _spellings(cue):
                text = f"hola, {spelling}: 1234"
                assert not hits_of(text).isdisjoint(CUE_TRIGGERS[kind]), (kind, spelling)
                lower = normalize(text).text.lower()
                assert CUE_PATTERNS[kind].search(fold(lower)), (kind, spelling)


def test_named_cues_from_the_issue():
    named = {
        "de_tax_id": ["Steuer-ID", "Steueridentifikationsnummer", "IdNr", "Steuer ID", "steuer-idnr"],
        "fr_nir": [
            "numéro de sécurité sociale",
            "n° de sécu",
            "NIR",
            "carte vitale",
            "numero de securite sociale",
        ],
        "es_dni": ["DNI", "NIE", "D.N.I."],
        "it_codice_fiscale": ["codice fiscale", "C.F.", "c.f", "CF"],
        "nl_bsn": ["BSN", "burgerservicenummer"],
        "pt_nif": ["NIF", "número de contribuinte", "numero de contribuinte", "nº de contribuinte"],
        "pl_pesel": ["PESEL", "numer PESEL-u"],
        "br_cpf": ["CPF", "C.P.F."],
    }
    for kind, spellings in named.items():
        for spelling in spellings:
            text = f"mi {spelling} 1234"
            assert not hits_of(text).isdisjoint(CUE_TRIGGERS[kind]), (kind, spelling)
            assert CUE_PATTERNS[kind].search(fold(normalize(text).text.lower())), (kind, spelling)


def test_capital_cues_wake_their_kind_only_in_capitals():
    for pack, table in load_section(IDS_FILE).items():
        for kind, cues in table.get("capital_cues", {}).items():
            for cue in cues:
                shouted, small = f"my {cue} 1234", f"my {cue.lower()} 1234"
                assert not hits_of(shouted).isdisjoint(CUE_TRIGGERS[kind]), (pack, kind, cue)
                assert CAPITAL_CUE_PATTERNS[kind].search(fold(shouted)), (pack, kind, cue)
                assert hits_of(small).isdisjoint(CUE_TRIGGERS[kind]), (pack, kind, cue)
                assert not CAPITAL_CUE_PATTERNS[kind].search(fold(small)), (pack, kind, cue)
                assert not CUE_PATTERNS.get(kind) or not CUE_PATTERNS[kind].search(small)


@pytest.mark.parametrize("word", ["niemand", "business", "ssnx", "cfo", "unsinn", "pesto"])
def test_short_cues_are_whole_words(word):
    text = f"{word} 123456789"
    for kind, pattern in CUE_PATTERNS.items():
        assert not pattern.search(fold(text)), (kind, word)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"cues": {"xx_passport": ["pass"]}},
            "unknown ID kind 'xx_passport'; known kinds: be_national_number, br_cpf, ca_sin",
        ),
        ({"cues": {"de_tax_id": "Steuer-ID"}}, "cues.de_tax_id must be a list of non-empty strings"),
        ({"cues": {"de_tax_id": ["x."]}}, "every word needs at least two letters or digits"),
        ({"cues": ["de_tax_id"]}, "[cues] must be a table of ID kind = [words]"),
        ({"kinds": {}}, "unknown table(s) ['kinds']"),
        ({"other_numbers": {"word": ["order"]}}, "[other_numbers] must hold only words = [...]"),
        (
            {"capital_cues": {"ca_sin": ["Sin"]}},
            "capital_cues.ca_sin: capital cues must be written in capitals",
        ),
    ],
)
def test_a_malformed_ids_file_is_refused_with_its_name_and_the_problem(table, message):
    with pytest.raises(PackError) as raised:
        read_ids_tables({"xx": table})
    assert "languages/xx/ids.toml" in str(raised.value)
    assert message in str(raised.value)


def test_a_new_language_is_a_data_addition(tmp_path):
    """A Catalan pack (pack.toml + ids.toml naming an existing validator) in a copy of the package:
    its cue now wakes the detector, with no code changed."""
    source = PACKS_DIR.parents[1]  # src/trustdesk (a compiled module's __file__ is under _native/)
    tree = tmp_path / "src" / "trustdesk"
    shutil.copytree(source, tree, ignore=shutil.ignore_patterns("_native", "labelled", "__pycache__"))
    catalan = tree / "guard" / "languages" / "ca"
    catalan.mkdir()
    (catalan / "pack.toml").write_text('[language]\ncodes = ["ca"]\n', encoding="utf-8")
    (catalan / "ids.toml").write_text(
        '# National ID numbers named in Catalan.\n[cues]\nes_dni = ["document d\'identitat"]\n',
        encoding="utf-8",
    )
    probe = (
        "from trustdesk.guard import scan\n"
        'print(scan("el meu document d\'identitat és 12345678Z").redacted)\n'
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src"), "TRUSTDESK_NATIVE": "0"}
    with_pack = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert with_pack.stdout.strip() == "el meu document d'identitat és [removed: Spanish DNI/NIE]"
    shutil.rmtree(catalan)
    without = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert without.stdout.strip() == "el meu document d'identitat és 12345678Z"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("fr_nir", "mon n° de sécurité : 1 85 05 78 006 084 91"),  # "n° de sécu", a prefix cue
        ("fr_nir", "numero de secu 1 85 05 78 006 084 91"),
        ("pl_pesel", "numerPESEL 44051401359"),  # a cue typed without its gap
        ("de_tax_id", "Steuer-IdNr. 86095742719"),
        ("es_dni", "D.N.I. 12345678Z"),
    ],
)
def test_the_trigger_pass_wakes_a_kind_wherever_its_cues_are_found(kind, text):
    lower = fold(normalize(text).text.lower())
    assert CUE_PATTERNS[kind].search(lower), text
    assert not hits_of(text).isdisjoint(CUE_TRIGGERS[kind]), text
