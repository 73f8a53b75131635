"""Reading the search box (pure): words, stems per language, FTS5 quoting, snippets."""

from __future__ import annotations

import pytest

from trustdesk.i18n.search_terms import BadQuery, fold, fts5_query, matches_word, parse, snippet


def test_a_word_is_widened_by_its_stems_in_the_languages_searched() -> None:
    german = parse("Bestellungen", ["de"])
    assert german.terms[0].words == ("bestellungen",) and german.terms[0].prefixes == ("bestell",)
    assert parse("Bestellungen", ["en"]).terms[0].prefixes == ()
    french = parse("livraisons", ["fr"])
    assert french.terms[0].prefixes == ("livraison",)
    assert matches_word(german, "Bestellung") and matches_word(french, "LIVRAISON")
    assert not matches_word(german, "Bestand")


def test_accents_fold_as_the_sqlite_index_folds_them() -> None:
    assert fold("Müller") == "muller" and fold("Été") == "ete"
    assert parse("commandé", ["fr"]).terms[0].words == ("commande",)


def test_signs_make_a_phrase_and_nothing_typed_is_fts5_syntax() -> None:
    text = parse('pat@example.org "NEAR(a b)" OR -x*', ["en"])
    query = fts5_query(text)
    assert '"pat example org"' in query
    # Every word is quoted; operators the agent typed are words like any other.
    assert query.count('"') % 2 == 0 and "NEAR(" not in query
    assert all(t.words for t in text.terms)


@pytest.mark.parametrize(
    "bad", ["", "   ", "-- && !", "x" * 201, " ".join(f"w{i}" for i in range(9)), "parcel\x00", "a\x1b[0m"]
)
def test_unsearchable_text_is_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(BadQuery):
        parse(bad, ["en"])


def test_a_snippet_marks_the_hits_around_the_first_one() -> None:
    body = " ".join(["filler"] * 40) + " where is my Bestellung please " + " ".join(["tail"] * 40)
    parts = snippet(parse("Bestellungen", ["de"]), body)
    assert [p.text for p in parts if p.hit] == ["Bestellung"]
    assert parts[0].text.startswith("…") and parts[-1].text.endswith("…")
    assert len("".join(p.text for p in parts).split()) <= 26
    assert "".join(p.text for p in snippet(parse("x", ["en"]), "short text")) == "short text"
