"""authenticate(): SPF + DKIM + DMARC for whole messages, and own-domain spoofing detection."""

from __future__ import annotations

import pytest

from trustdesk.mail import (
    DmarcPolicy,
    DmarcResult,
    authenticate,
    is_spoofing_own_domain,
    parse_message,
    sign_message,
)

OUR_RELAY = "192.0.2.25"
STRANGER = "203.0.113.66"

GENUINE = (
    b"From: Acme Support <support@acme-shop.com>\r\n"
    b"To: jane@example.org\r\n"
    b"Subject: Your order 1042 has shipped\r\n"
    b"Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
    b"Message-ID: <ship1042@acme-shop.com>\r\n"
    b"\r\n"
    b"Track it at https://acme-shop.com/track/1042\r\n"
)


@pytest.fixture
def acme_zone(dns, shop_key):
    record = shop_key.dns_record("s2024", "acme-shop.com")
    dns.update(
        {
            "acme-shop.com": {"TXT": [f"v=spf1 ip4:{OUR_RELAY} -all"]},
            "bounce.acme-shop.com": {"TXT": [f"v=spf1 ip4:{OUR_RELAY} -all"]},
            "_dmarc.acme-shop.com": {"TXT": ["v=DMARC1; p=reject; rua=mailto:dmarc@acme-shop.com"]},
            record.name: {"TXT": [record.value]},
        }
    )
    return dns


def signed(shop_key, raw=GENUINE):
    return sign_message(raw, "s2024", "acme-shop.com", shop_key.private_key_pem)


def test_genuine_mail_passes_everything(acme_zone, resolver, shop_key):
    results = authenticate(
        signed(shop_key), OUR_RELAY, "mx.acme-shop.com", "bounce@bounce.acme-shop.com", resolver
    )
    assert results.summary() == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    assert results.aligned_spf_domain == "bounce.acme-shop.com"
    assert results.aligned_dkim_domains == ("acme-shop.com",)
    assert not is_spoofing_own_domain(results, ["acme-shop.com"])
    header = results.authentication_results_header("desk.acme-shop.com")
    assert header.startswith("desk.acme-shop.com; spf=pass smtp.mailfrom=bounce.acme-shop.com")
    assert "dkim=pass header.d=acme-shop.com" in header and "dmarc=pass header.from=acme-shop.com" in header


def test_parsed_mail_can_be_passed_in(acme_zone, resolver, shop_key):
    parsed = parse_message(signed(shop_key))
    results = authenticate(parsed, OUR_RELAY, "mx.acme-shop.com", "support@acme-shop.com", resolver)
    assert results.dmarc.result is DmarcResult.PASS


def test_forwarded_mail_passes_on_dkim_alone(acme_zone, resolver, shop_key):
    # a forwarder relays from its own IP: SPF fails, the aligned DKIM signature carries DMARC
    results = authenticate(signed(shop_key), STRANGER, "fwd.example.org", "support@acme-shop.com", resolver)
    assert results.spf.result.value == "fail"
    assert results.dmarc.result is DmarcResult.PASS
    assert not is_spoofing_own_domain(results, ["acme-shop.com"])


def test_forged_mail_from_our_domain_is_spoofing(acme_zone, resolver):
    forged = GENUINE.replace(b"Track it at", b"Pay the customs fee at https://acme-shop-help.com/pay")
    results = authenticate(forged, STRANGER, "mail.evil.example", "support@acme-shop.com", resolver)
    assert results.summary() == {"spf": "fail", "dkim": "none", "dmarc": "fail"}
    assert results.dmarc.policy is DmarcPolicy.REJECT
    assert is_spoofing_own_domain(results, ["acme-shop.com"])
    assert any("p=reject" in line for line in results.reasons)


def test_altered_signed_mail_from_our_domain_is_spoofing(acme_zone, resolver, shop_key):
    altered = signed(shop_key).replace(b"track/1042", b"track/1043")
    results = authenticate(altered, STRANGER, "mail.evil.example", "x@evil.example", resolver)
    assert results.summary()["dkim"] == "fail"
    assert is_spoofing_own_domain(results, ["acme-shop.com"])


def test_lookalike_domain_is_not_our_spoofing(acme_zone, resolver):
    lookalike = GENUINE.replace(b"support@acme-shop.com", b"support@acme-shop-help.com")
    results = authenticate(lookalike, STRANGER, "x", "a@acme-shop-help.com", resolver)
    assert results.dmarc.result is DmarcResult.NONE
    assert not is_spoofing_own_domain(results, ["acme-shop.com"])


def test_subdomain_of_ours_without_record_is_still_spoofing(acme_zone, resolver):
    sub = GENUINE.replace(b"support@acme-shop.com", b"security@alerts.acme-shop.com")
    results = authenticate(sub, STRANGER, "x", "a@evil.example", resolver)
    assert results.dmarc.result is DmarcResult.FAIL  # via the organisational domain's policy
    assert is_spoofing_own_domain(results, ["acme-shop.com"])


def test_dns_timeout_is_temperror_never_pass_and_not_spoofing(dns, resolver, shop_key):
    dns.fail_with_timeout("acme-shop.com")
    dns.fail_with_timeout("s2024._domainkey.acme-shop.com")
    dns.fail_with_timeout("_dmarc.acme-shop.com")
    results = authenticate(signed(shop_key), OUR_RELAY, "x", "support@acme-shop.com", resolver)
    assert results.summary() == {"spf": "temperror", "dkim": "temperror", "dmarc": "temperror"}
    assert not is_spoofing_own_domain(results, ["acme-shop.com"])


def test_dkim_servfail_with_policy_is_temperror(acme_zone, resolver, shop_key):
    acme_zone.fail_with_servfail("s2024._domainkey.acme-shop.com")
    results = authenticate(signed(shop_key), STRANGER, "x", "a@elsewhere.example", resolver)
    assert results.dkim_result.value == "temperror"
    assert results.dmarc.result is DmarcResult.TEMPERROR
    assert not is_spoofing_own_domain(results, ["acme-shop.com"])


def test_two_from_addresses_is_spoofing_when_one_is_ours(acme_zone, resolver):
    raw = GENUINE.replace(
        b"From: Acme Support <support@acme-shop.com>", b"From: support@acme-shop.com, help@evil.example"
    )
    results = authenticate(raw, STRANGER, "x", "a@evil.example", resolver)
    assert results.dmarc.result is DmarcResult.PERMERROR
    assert is_spoofing_own_domain(results, ["acme-shop.com"])


def test_malformed_mail_authenticates_without_crashing(acme_zone, resolver):
    for raw in (b"", b"garbage without headers", b"From:\r\n\r\n", b"\xff\xfe\x00From: a@acme-shop.com\r\n"):
        results = authenticate(raw, STRANGER, "", "", resolver)
        assert results.dmarc.result is not DmarcResult.PASS
        assert results.as_dict()["dmarc"] in {"none", "permerror", "fail"}


@pytest.mark.parametrize(
    "disguised",
    [
        "support@acme-shop.com\u200b",  # zero-width space after the address
        "support@acme\u200b-shop.com",
        "support@ACME-SHOP.COM\u2060",  # word joiner
        "support@\uff41cme-shop.com",  # full-width "a"
        "support@\u0430cme-shop.com",  # Cyrillic "a"
    ],
)
def test_our_domain_with_invisible_or_look_alike_characters_is_spoofing(acme_zone, resolver, disguised):
    """A reader sees the retailer's address; no DNS answer can make this other name genuine."""
    raw = GENUINE.replace(b"support@acme-shop.com", disguised.encode())
    results = authenticate(raw, STRANGER, "x", "a@evil.example", resolver)
    assert is_spoofing_own_domain(results, ["acme-shop.com"])
