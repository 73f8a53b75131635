"""A year named as one next to a code or PIN word ("2FA seit 2023", "PIN since 2019") is a date: it
stays in the text, and the code or PIN written after it is still found and removed."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan


def _removed(text: str) -> list[str]:
    return [text[f.start : f.end] for f in scan(text, "inbound").findings]


@pytest.mark.parametrize(
    "text",
    [
        "I enabled 2FA in 2023 and now I cannot sign in",
        "Ich habe 2FA seit 2023 aktiviert",
        "He activado 2FA en 2023, ¿es normal?",
        "J'ai activé la 2FA depuis 2021",
        "My verification code from 2021 expired",
        "Uso a verificação em dois passos desde 2020",
        "my PIN is the same since 2019",
    ],
)
def test_a_year_after_a_year_word_is_not_a_code(text: str) -> None:
    assert _removed(text) == []


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("2FA since 2019 and still the code 551234 fails", "551234"),
        ("Mi código de verificación desde 2022 es 482913", "482913"),
        ("Der Bestätigungscode seit 2023 lautet 482913", "482913"),
        ("mon code de vérification depuis 2021 : 551234", "551234"),
        ("My PIN since 2019 is 4821", "4821"),
        ("PIN do karty od 2018 to 5093", "5093"),
    ],
)
def test_the_code_after_a_named_year_is_removed(text: str, secret: str) -> None:
    assert _removed(text) == [secret]


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("my verification code is 2019", "2019"),  # no year word: a code that looks like a year
        ("my 2FA code: 2020", "2020"),
        ("PIN: 1987", "1987"),
    ],
)
def test_a_code_shaped_like_a_year_without_a_year_word_is_still_removed(text: str, secret: str) -> None:
    assert _removed(text) == [secret]
