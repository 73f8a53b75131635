"""Properties over generated variation: any re-wrapping stays genuine; any single-digit change never does."""

from __future__ import annotations

import re
import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.authenticity.conftest import REFUND

from trustdesk.authenticity import MessageVerdict

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(width=st.integers(min_value=20, max_value=120), indent=st.sampled_from(["", "> ", ">> ", "  "]))
def test_any_rewrapping_and_quoting_stays_genuine(desk, width: int, indent: str) -> None:
    _, sent = desk.send(REFUND)
    wrapped = "\n".join(
        textwrap.fill(p, width, break_long_words=False, initial_indent=indent, subsequent_indent=indent)
        for p in sent.split("\n\n")
    )
    assert desk.check(wrapped).verdict is MessageVerdict.GENUINE


DIGITS = [m.start() for m in re.finditer(r"\d", REFUND)]


@SETTINGS
@given(position=st.sampled_from(DIGITS), delta=st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_is_never_genuine(desk, position: int, delta: int) -> None:
    changed = REFUND[:position] + str((int(REFUND[position]) + delta) % 10) + REFUND[position + 1 :]
    _, sent = desk.send(REFUND)
    footer = sent[len(REFUND) :]
    result = desk.check(changed + footer)
    assert result.verdict is MessageVerdict.ALTERED
    assert result.changes


def test_long_text_without_footer_is_answered(desk) -> None:
    # Sliding the window over 35,000 tokens is capped (MAX_WINDOWS, MAX_SLIDING_TOKENS).
    ref, _ = desk.send(REFUND)
    noise = ("lorem ipsum dolor sit amet " * 20_000)[:190_000]
    result = desk.check(noise, reference=ref)
    assert result.verdict is MessageVerdict.ALTERED
