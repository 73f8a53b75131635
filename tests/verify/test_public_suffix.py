"""Our set-based Public Suffix List lookup agrees with tldextract on the same bundled list."""

from __future__ import annotations

import pkgutil
import random

import idna
import pytest
import tldextract
from tldextract.suffix_list import extract_tlds_from_suffix_list

from trustdesk.verify.psl import public_suffix_length

EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def _expected(ascii_host: str) -> tuple[int, bool]:
    result = EXTRACT(ascii_host)
    if not result.suffix or not result.domain:
        return -1, False
    return len(result.suffix.split(".")), bool(result.is_private)


def _ours(ascii_host: str) -> tuple[int, bool]:
    labels = ascii_host.split(".")
    count, private = public_suffix_length(labels)
    if count == 0 or count >= len(labels):
        return -1, False
    return count, private


@pytest.mark.parametrize(
    "host",
    [
        "www.ck",
        "a.b.ck",
        "city.kawasaki.jp",
        "foo.bar.kawasaki.jp",
        "acme.github.io",
        "a.co.uk",
        "x.s3.amazonaws.com",
        "a.b.c.example.com.au",
        "foo.bar",
        "sub.blogspot.com",
        "xn--80ak6aa92e.com",
        "shop.xn--p1ai",
        "a.b.mm",
        "localhost",
    ],
)
def test_known_hosts(host: str) -> None:
    assert _ours(host) == _expected(host)


def test_random_hosts_built_from_every_rule_kind() -> None:
    raw = pkgutil.get_data("tldextract", ".tld_set_snapshot")
    assert raw is not None
    public, private = extract_tlds_from_suffix_list(raw.decode("utf-8"))
    rng = random.Random(20)
    rules = public + private
    checked = 0
    for _ in range(3000):
        rule = rng.choice(rules).lstrip("!").replace("*", f"w{rng.randint(0, 9)}")
        host = ".".join([f"lab{rng.randint(0, 99)}"] * rng.randint(1, 2) + [rule])
        try:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            continue
        assert _ours(ascii_host) == _expected(ascii_host), ascii_host
        checked += 1
    assert checked > 2500
