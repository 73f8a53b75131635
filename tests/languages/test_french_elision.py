"""French elides "de", "que", "le" before a vowel ("d'Acme", "qu'Acme"), which a sentence cannot know
about a name filled in later: the French catalog puts a retailer's name only where no elision applies
("chez {name}", "de l'enseigne {name}", "par {name}", "à {name}")."""

from __future__ import annotations

import re

from tests.foundation.test_catalogs import load

RETAILER_SLOTS = ("name", "tenant", "brand", "shop", "retailer", "owner")
ELIDING = re.compile(
    r"\b(?:de|que|le|la|ne|je|se|me|te|jusque|lorsque|puisque)\s+\{(" + "|".join(RETAILER_SLOTS) + r")\}",
    re.I,
)


def test_no_french_sentence_elides_before_a_retailers_name() -> None:
    found = []
    for message in load("fr"):
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if text and ELIDING.search(text):
                found.append(text)
    assert found == [], "\n".join(found)


def test_the_rule_catches_an_elision() -> None:
    assert ELIDING.search("Ce message ne vient pas de {name}.")
    assert not ELIDING.search("Ce message n'a pas été envoyé par {name}.")
