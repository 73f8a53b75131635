"""Evasion normalisation, and spans that always point into the caller's own text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.guard import scan
from trustdesk.guard.normalize import normalize

from .conftest import digits_only

INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u180e",
    "\u202e",
    "\u2066",
    "\ufe0f",
    "\x00",
]
PAN = "4242424242424242"


def fullwidth(text: str) -> str:
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in text)


def test_full_width_digits():
    text = f"card {fullwidth(PAN)}"
    assert [f.type for f in scan(text).findings] == ["PAYMENT_CARD"]


def test_arabic_indic_and_devanagari_digits():
    arabic = "".join(chr(0x0660 + int(c)) for c in PAN)
    devanagari = "".join(chr(0x0966 + int(c)) for c in PAN)
    for text in (f"card {arabic}", f"card {devanagari}"):
        assert [f.type for f in scan(text).findings] == ["PAYMENT_CARD"]


def test_zero_width_and_other_invisible_characters_between_every_digit():
    for mark in INVISIBLE:
        text = "card " + mark.join(PAN)
        result = scan(text)
        assert [f.type for f in result.findings] == ["PAYMENT_CARD"], repr(mark)
        assert digits_only(result.redacted) == "4242"  # only the last four, in the display form


def test_cyrillic_look_alike_letters_in_a_cue():
    text = "my p\u0430ssw\u043erd is hunter2"  # Cyrillic а and о
    result = scan(text)
    assert [(f.type, text[f.start : f.end]) for f in result.findings] == [("PASSWORD", "hunter2")]


def test_full_width_letters_in_a_cue():
    text = "ｐａｓｓｗｏｒｄ： hunter2"
    result = scan(text)
    assert [(f.type, text[f.start : f.end]) for f in result.findings] == [("PASSWORD", "hunter2")]


def test_normalised_span_maps_to_the_exact_original_characters():
    text = "x\u200b４\ufb00２"  # invisible, full-width 4, a ligature that becomes two letters, 2
    normalized = normalize(text)
    assert normalized.text == "x4ff2"
    assert [text[slice(*normalized.to_original(i, i + 1))] for i in range(5)] == [
        "x",
        "４",
        "\ufb00",
        "\ufb00",
        "２",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(INVISIBLE + ["", "", "", " ", "-", "\n"]), min_size=16, max_size=16),
    st.booleans(),
    st.text(alphabet=st.characters(blacklist_categories=["Nd", "Cs"]), max_size=20),
)
def test_spans_map_back_into_the_original_text(marks, wide, noise):
    digits = fullwidth(PAN) if wide else PAN
    body = "".join(d + m for d, m in zip(digits, marks, strict=True))
    text = f"{noise} card: {body} {noise}"
    result = scan(text)
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
    cards = [f for f in result.findings if f.type == "PAYMENT_CARD"]
    if cards:
        f = cards[0]
        assert digits_only(normalize(text[f.start : f.end]).text) == PAN


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_scans_without_error_and_spans_stay_inside(text):
    result = scan(text)
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)
    assert isinstance(result.redacted, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_normalisation_maps_every_character_into_the_original(text):
    normalized = normalize(text)
    for i in range(len(normalized.text)):
        start, end = normalized.to_original(i, i + 1)
        assert 0 <= start < end <= len(text)
    for i in range(len(normalized.text)):
        for j in range(i + 1, min(len(normalized.text), i + 5) + 1):
            start, end = normalized.to_original(i, j)
            assert 0 <= start < end <= len(text)
