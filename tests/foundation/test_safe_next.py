"""`next` after signing in: a path on this site or the default, whatever a phisher puts in it."""

from __future__ import annotations

import re
import string
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.web.redirects import safe_next

DEFAULT = "/account"
SITE = "https://shop.example/login"

# Pieces that browsers, percent-decoding and Unicode normalisation have turned into another origin.
PIECES = [
    "/", "//", "\\", "%", "%2f", "%2F", "%5c", "%09", "%0a", "%0d", "%00", "%25", "%252f", "%e2%80%a8",
    "%ff", ":", "\t", "\n", "\r", " ", ".", "@", "?", "#", "evil.example", "t/acme/chat", "account",
    "\u3002", "\uff0f", "\uff3c", "\u2024", "\u2028", "\u200b", "\u202e", "\x00", "\x7f", "\x85", "é",
    "javascript:", "https:", "///", "\u2215", "\ufe68",
]  # fmt: skip
candidates = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=10).map("".join),
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=40),
)


def browser_origin(location: str) -> tuple[str, str]:
    """The origin a lenient browser goes to for this Location (WHATWG: tabs and newlines are dropped,
    leading/trailing controls and spaces stripped, a backslash read as a slash)."""
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = re.sub("[\t\n\r]", "", cleaned).replace("\\", "/")
    parts = urlsplit(urljoin(SITE, cleaned))
    return parts.scheme, parts.netloc


@settings(max_examples=1500, deadline=None)
@given(candidates)
def test_next_never_leaves_the_site(candidate: str) -> None:
    out = safe_next(candidate, DEFAULT)
    if out == DEFAULT:
        return
    assert out.startswith("/")
    assert all(0x21 <= ord(c) < 0x7F for c in out), "plain ASCII, no controls or spaces: a safe header"
    for reading in (out, unquote(out), unquote(unquote(out))):
        assert browser_origin(reading) == ("https", "shop.example"), (candidate, out)
        assert "//" not in reading and "\\" not in reading


@settings(max_examples=300, deadline=None)
@given(candidates)
def test_the_answer_is_stable(candidate: str) -> None:
    once = safe_next(candidate, DEFAULT)
    assert safe_next(once, DEFAULT) == once


@settings(max_examples=300, deadline=None)
@given(st.lists(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,11}", fullmatch=True), min_size=1, max_size=5))
def test_ordinary_paths_are_kept(segments: list[str]) -> None:
    path = "/" + "/".join(segments)
    assert safe_next(path, DEFAULT) == path
    assert safe_next(path + "?tab=orders", DEFAULT) == path + "?tab=orders"


@pytest.mark.parametrize(
    "candidate",
    [
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/%09/evil.example/",
        "/%2F/evil.example",
        "/%252F%252Fevil.example",
        "/\\evil.example",
        "/%5Cevil.example",
        "/\uff0f\uff0fevil.example",
        "/\u200b/evil.example",
        "//evil.example",
        "https://evil.example/",
        "evil.example",
        "",
        "/" + "a" * 600,
    ],
)
def test_known_escapes_fall_back_to_the_default(candidate: str) -> None:
    assert safe_next(candidate, DEFAULT) == DEFAULT
