"""The brand index's deletion keys: the shape filter may skip keys, never a key that is indexed."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.verify.index import BrandIndex, _deletions1, _deletions2, _shape, deletions

LETTERS = st.text(alphabet="abcrnm0", min_size=0, max_size=14)


@given(LETTERS)
def test_deletion_keys_are_every_one_and_two_character_deletion(text: str) -> None:
    assert set(_deletions1(text)) == deletions(text, 1) | {text}
    assert set(_deletions2(text)) == {key for key in deletions(text, 2) if len(key) == len(text) - 2}


@settings(max_examples=300)
@given(LETTERS, st.lists(LETTERS, max_size=30), st.integers(min_value=0, max_value=5))
def test_shape_filter_keeps_every_indexed_two_deletion(text: str, others: list[str], planted: int) -> None:
    full = set(_deletions2(text))
    indexed = set(others) | set(sorted(full)[:planted])
    shapes = {_shape(key) for key in indexed}
    assert set(_deletions2(text, shapes)) & indexed == full & indexed


def test_shape_filter_skips_middle_keys_when_no_indexed_key_has_the_shape() -> None:
    text = "amberheronoutfittersses"
    assert len(_deletions2(text, {(0, "", "")})) < len(_deletions2(text)) / 3


def test_two_insertions_are_found_through_the_index() -> None:
    index = BrandIndex()
    rng = random.Random(5)
    for _ in range(200):
        index.add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(16)), ("other", "x"))
    index.add("amberheronoutfitters", ("t1", "c1"))
    found = {c.label for c in index.candidates("amberheronoutfitterses", edits=2, contains=False)}
    assert "amberheronoutfitters" in found
    found = {c.label for c in index.candidates("ambxerheronoutfittxers", edits=2, contains=False)}
    assert "amberheronoutfitters" in found
    index.remove("amberheronoutfitters", ("t1", "c1"))
    assert not index.candidates("amberheronoutfitterses", edits=2, contains=False)


def _embedded_by_walking(index: BrandIndex, folded: str, longest: int) -> list[str]:
    """The embedded-brand scan as it was: walk every head bucket a window of `folded` hits."""
    from trustdesk.verify.index import CONTAIN_MIN

    out: list[str] = []
    windows = [folded[start : start + CONTAIN_MIN] for start in range(len(folded) - CONTAIN_MIN + 1)]
    for bucket in filter(None, map(index._heads.get, windows)):
        for skeleton in bucket:
            if len(skeleton) <= longest and skeleton in folded and skeleton not in out:
                out.append(skeleton)
    return out


def test_embedded_scan_finds_what_walking_the_buckets_finds_in_the_same_order() -> None:
    # Brands sharing heads ("amberhe..."), queries that embed one or several of them, at any place,
    # while labels come and go (each bucket's order is forgotten when it changes).
    rng = random.Random(9)
    parts = ["amber", "heron", "amberhe", "outfit", "ters", "goods", "ronout", "a", "he"]
    index = BrandIndex()
    labels: list[str] = []
    found_several = 0
    for step in range(400):
        label = "".join(rng.choice(parts) for _ in range(rng.randint(2, 4)))
        if labels and rng.random() < 0.3:
            index.remove(labels.pop(rng.randrange(len(labels))), ("t", "c"))
        else:
            index.add(label, ("t", "c"))
            labels.append(label)
        query = "".join(rng.choice(parts) for _ in range(rng.randint(2, 7)))
        longest = len(query) - rng.choice((0, 3))
        expected = _embedded_by_walking(index, query, longest)
        assert index._embedded(query, longest) == expected, step
        found_several += len(expected) > 1
    assert found_several > 50
