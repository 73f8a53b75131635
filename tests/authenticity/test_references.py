"""References are short, random, typo-detecting, and never confused with conversation references."""

from __future__ import annotations

import re

from trustdesk.authenticity import (
    find_references,
    new_reference,
    normalize_reference,
    reference_is_well_formed,
)
from trustdesk.authenticity.references import ALPHABET


def test_format_and_randomness() -> None:
    refs = {new_reference() for _ in range(2000)}
    assert len(refs) == 2000
    assert all(re.fullmatch(r"TD-[0-9A-HJKMNP-TV-Z]{10}", r) for r in refs)
    assert all(reference_is_well_formed(r) for r in refs)
    # Not sequential: consecutive references share no long common prefix.
    ordered = [new_reference() for _ in range(50)]
    assert sum(a[:6] == b[:6] for a, b in zip(ordered, ordered[1:], strict=False)) < 3


def test_every_single_symbol_typo_is_detected() -> None:
    ref = new_reference()
    body = ref[3:]
    for position in range(len(body)):
        for symbol in ALPHABET:
            if symbol == body[position]:
                continue
            typo = "TD-" + body[:position] + symbol + body[position + 1 :]
            assert not reference_is_well_formed(typo), typo


def test_forgiving_reading() -> None:
    ref = new_reference()
    spoken = ref.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize_reference(spoken) == ref
    assert normalize_reference("TD-7KQ4-M2PX") is None  # a conversation reference
    assert normalize_reference("hello") is None


def test_found_in_text_but_not_conversation_references() -> None:
    ref = new_reference()
    text = f"Conversation TD-7KQ4-M2PX.\nReference {ref} \u00b7 check it at https://x/t/acme/check"
    assert find_references(text) == [ref]


def test_reference_whose_body_starts_with_td() -> None:
    body = "TD55ZHRAD"
    from trustdesk.authenticity.references import _check_char

    ref = "TD-" + body + _check_char(body)
    assert normalize_reference(ref) == ref
    assert normalize_reference(ref[3:]) == ref
    assert find_references(f"Reference {ref} \u00b7 check it") == [ref]
    assert reference_is_well_formed(ref)
