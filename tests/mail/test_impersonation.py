"""Display names that borrow an identity: another address, the retailer's domain or its name."""

from __future__ import annotations

import pytest

from trustdesk.mail.impersonation import claims_own_domain, display_name_impersonation, seen_domain

OWN = ("acmeoutfitters.com", "mail.acmeoutfitters.com")
BRAND = "Acme Outfitters"


@pytest.mark.parametrize(
    ("name", "address", "why"),
    [
        ("security@acmeoutfitters.com", "x@evil.example", "address security@acmeoutfitters.com"),
        ("Security <security@acmeoutfitters.com>", "x@evil.example", "address security@acmeoutfitters.com"),
        ("security\uff20acmeoutfitters.com", "x@evil.example", "address security@acmeoutfitters.com"),
        ("billing@paypal.com", "x@evil.example", "address billing@paypal.com"),
        ("acmeoutfitters.com support", "x@evil.example", "domain acmeoutfitters.com"),
        ("Acme Outfitters", "x@evil.example", "name 'Acme Outfitters'"),
        ("ACME-OUTFITTERS Security Team", "x@evil.example", "name"),
        ("Acme\u200bOutfitters", "x@evil.example", "name"),
        ("\u0410cme Outfitters", "x@evil.example", "name"),  # Cyrillic capital A
    ],
)
def test_borrowed_identities_are_named(name: str, address: str, why: str) -> None:
    reason = display_name_impersonation(name, address, OWN, BRAND)
    assert reason is not None and why in reason and "evil.example" in reason


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("Pat Example", "pat@example.org"),
        ("pat@example.org", "pat@example.org"),
        ("PAT@Example.org", "pat@example.org"),
        ("", "pat@example.org"),
        ("Acme Outfitters", "news@mail.acmeoutfitters.com"),  # the retailer's own mail: DMARC's concern
        ("security@acmeoutfitters.com", "security@acmeoutfitters.com"),
        ("Ac Me", "pat@example.org"),
    ],
)
def test_ordinary_display_names_are_not_flagged(name: str, address: str) -> None:
    assert display_name_impersonation(name, address, OWN, BRAND) is None


def test_short_retailer_names_are_not_matched_inside_peoples_names() -> None:
    assert display_name_impersonation("Gord Gorman", "g@example.org", ("go.example",), "Go") is None


def test_domains_are_judged_as_a_reader_sees_them() -> None:
    assert seen_domain("AcmeOutfitters.com\u200b.") == "acmeoutfitters.com"
    assert claims_own_domain("acmeoutfitters.com\u200b", OWN)
    assert claims_own_domain("eu.acmeoutfitters.com", OWN)
    assert not claims_own_domain("acmeoutfitters.com.evil.example", OWN)


def test_a_huge_display_name_is_checked_quickly() -> None:
    import time

    started = time.perf_counter()
    display_name_impersonation("a." * 50_000 + "@", "x@evil.example", OWN, BRAND)
    assert time.perf_counter() - started < 0.5
