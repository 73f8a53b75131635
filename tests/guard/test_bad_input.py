"""Bad input: clear results or errors, bounded time, never a crash."""

from __future__ import annotations

import time

import pytest

from trustdesk.guard import MAX_TEXT_CHARS, GuardInputError, TextTooLarge, scan


def test_empty_text():
    result = scan("")
    assert result.findings == () and result.redacted == "" and not result.blocked


def test_text_above_the_cap_is_refused_and_says_so():
    with pytest.raises(TextTooLarge, match=f"at most {MAX_TEXT_CHARS} characters"):
        scan("a" * (MAX_TEXT_CHARS + 1))


def test_wrong_types_and_directions_are_clear_errors():
    with pytest.raises(GuardInputError, match="must be a str"):
        scan(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(GuardInputError, match="direction"):
        scan("hi", "sideways")  # type: ignore[arg-type]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "text",
    [
        "1" * 100_000,
        "4" * MAX_TEXT_CHARS,
        "1-" * 200_000,
        "4242 " * 100_000,
        "4 " * 300_000,
        "- " * 300_000,
        "a" * MAX_TEXT_CHARS,
        "@" * 200_000,
        "a@" * 200_000,
        "password: " * 50_000,
        "code " * 100_000,
        "\u200b" * 300_000,
        "４" * 200_000,
        "DE89" * 100_000,
        "eyJ" * 100_000,
        "-----BEGIN PRIVATE KEY-----" * 10_000,
        "\x00\x01\x02\x7f" * 50_000,
        "\ud800" * 1_000,  # lone surrogates (possible from JSON escapes)
        "+" + "1 " * 200_000,
        ".".join(["12"] * 200_000),
    ],
    ids=lambda t: f"{t[:12]!r}x{len(t)}",
)
def test_pathological_inputs_finish_quickly(text):
    start = time.perf_counter()
    result = scan(text)
    elapsed = time.perf_counter() - start
    assert elapsed < 20, elapsed
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(text)


def test_a_hundred_thousand_digits_are_not_a_card():
    assert scan("1" * 100_000).findings == ()


def test_if_the_trigger_pass_gives_up_every_detector_runs():
    from trustdesk.guard.scantext import AT_SIGN, CARD_SHAPE, DIGIT, trigger_hits

    # RE2 answers "no match" both when nothing matched and when its DFA ran out of memory; an
    # always-matching sentinel tells the two apart (None = gave up), and then every trigger is on.
    assert len(trigger_hits(None, [])) > 100
    assert len(trigger_hits([DIGIT], None)) > 100
    assert trigger_hits([DIGIT], [CARD_SHAPE]) == frozenset({DIGIT, CARD_SHAPE})
    assert trigger_hits([AT_SIGN], []) == frozenset({AT_SIGN})
