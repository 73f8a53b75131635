"""Garbage, enormous and adversarial input: a clear `unknown` or ValueError, never a crash."""

from __future__ import annotations

import string
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.verify import (
    ContactInputError,
    Registry,
    Verdict,
    compare_labels,
    extract_contacts,
    make_channel,
    parse_contact,
    parse_host,
    verify_text,
)

GARBAGE = [
    "",
    "   ",
    "\x00\x01\x02",
    "💳💳💳",
    "http://",
    "https://[::1",
    "mailto:",
    "@",
    "@@@@",
    "+",
    "+++1",
    "1-800-ACME",
    "+1 800 555 0l99",
    "xn--",
    "xn--zz.xn--zz",
    "a" * 300 + ".com",
    ".".join(["a"] * 200),
    "https://user:pass@[2001:db8::1]:8080/x",
    "https://acmeoutfitters.com:0/",
    "https://acmeoutfitters.com:65536/",
    "javascript:alert(document.cookie)",
    "data:text/html,<script>",
    "ﬀ.com",
    "\u202eacmeoutfitters.com",
    "acme\u200boutfitters.com",
    "ACMEOUTFITTERS.COM\u0000",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_gets_an_answer(demo_registry: Registry, text: str) -> None:
    started = time.perf_counter()
    result = demo_registry.check(text)
    assert result.verdict in (Verdict.UNKNOWN, Verdict.LOOKALIKE, Verdict.OFFICIAL)
    assert result.explanation
    if result.verdict is Verdict.UNKNOWN:
        assert result.reasons
    verify_text(text, demo_registry)
    assert time.perf_counter() - started < 2


def test_invisible_characters_are_resolved_as_browsers_do(demo_registry: Registry) -> None:
    # UTS #46 (what browsers apply) drops a zero-width space, so this really is the official host;
    # a soft hyphen likewise. A right-to-left override is not allowed in a host name at all.
    assert demo_registry.check("acme\u200boutfitters.com").verdict is Verdict.OFFICIAL
    assert demo_registry.check("acme\u00adoutfitters.com").verdict is Verdict.OFFICIAL
    assert demo_registry.check("\u202eacmeoutfitters.com").verdict is Verdict.UNKNOWN


def test_enormous_text(demo_registry: Registry) -> None:
    text = "Call +1 800 555 0198 or visit acmeoutfiters.com. " * 50_000
    started = time.perf_counter()
    outcome = verify_text(text, demo_registry, "acme")
    assert outcome.truncated
    assert 0 < len(outcome) <= 200
    assert time.perf_counter() - started < 20


_LABEL = st.text(alphabet=string.ascii_lowercase, min_size=9, max_size=20)


@settings(max_examples=60, deadline=None)
@given(
    label=_LABEL,
    position=st.integers(min_value=0, max_value=100),
    op=st.sampled_from(["omit", "swap", "double", "sub"]),
)
def test_any_single_typo_of_a_long_brand_is_a_lookalike(label: str, position: int, op: str) -> None:
    registry = Registry([make_channel("t", "Tenant", "domain", f"{label}.com")])
    i = position % (len(label) - 1)
    if op == "omit":
        typo = label[:i] + label[i + 1 :]
    elif op == "swap":
        typo = label[:i] + label[i + 1] + label[i] + label[i + 2 :]
    elif op == "double":
        typo = label[:i] + label[i] + label[i:]
    else:
        typo = label[:i] + ("x" if label[i] != "x" else "q") + label[i + 1 :]
    if typo == label:
        return
    result = registry.check(f"{typo}.com")
    assert result.verdict is Verdict.LOOKALIKE, (label, typo)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_check_never_crashes_on_any_text(text: str) -> None:
    registry = Registry([make_channel("t", "Tenant Name", "domain", "tenantname.com")])
    result = registry.check(text)
    assert result.verdict in set(Verdict)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_extraction_offsets_are_always_consistent(text: str) -> None:
    for contact in extract_contacts(text):
        assert 0 <= contact.start < contact.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_parse_host_only_raises_value_errors(text: str) -> None:
    try:
        host = parse_host(text)
    except ContactInputError:
        return
    assert host.name == host.name.lower() or not host.name.isascii()
    assert parse_host(host.ascii).name == host.name


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_compare_labels_is_total(a: str, b: str) -> None:
    compare_labels(a.lower(), b.lower())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_parse_contact_never_raises(text: str) -> None:
    contact = parse_contact(text)
    assert (contact.value is None) == (contact.problem is not None)
