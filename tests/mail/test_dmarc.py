"""DMARC (RFC 7489): discovery with organisational-domain fallback, alignment, policy."""

from __future__ import annotations

import pytest

from trustdesk.mail import (
    DkimResult,
    DkimSignatureResult,
    DmarcPolicy,
    DmarcResult,
    SpfOutcome,
    SpfResult,
    discover_dmarc,
    domains_aligned,
    evaluate_dmarc,
    organizational_domain,
    parse_dmarc_record,
)


def spf(result: SpfResult, domain: str) -> SpfOutcome:
    return SpfOutcome(result, domain, "mailfrom", "test")


def dkim(result: DkimResult, domain: str) -> DkimSignatureResult:
    return DkimSignatureResult(result, domain, "sel", "test")


NO_SPF = spf(SpfResult.NONE, "")


@pytest.mark.parametrize(
    ("name", "org"),
    [
        ("acme-shop.com", "acme-shop.com"),
        ("mail.news.acme-shop.com", "acme-shop.com"),
        ("shop.example.co.uk", "example.co.uk"),
        ("retailer.github.io", "retailer.github.io"),  # private PSL section: each github.io site is its own
        ("a.b.unknown-tld-xyz", "b.unknown-tld-xyz"),  # implicit "*" rule
        ("ACME-Shop.COM.", "acme-shop.com"),
    ],
)
def test_organizational_domain(name, org):
    assert organizational_domain(name) == org


def test_alignment_modes():
    assert domains_aligned("bounce.acme-shop.com", "acme-shop.com", "r")
    assert not domains_aligned("bounce.acme-shop.com", "acme-shop.com", "s")
    assert domains_aligned("acme-shop.com", "ACME-shop.com", "s")
    assert not domains_aligned("acme-shop.co", "acme-shop.com", "r")
    assert not domains_aligned("evil.github.io", "retailer.github.io", "r")
    assert not domains_aligned("", "acme-shop.com", "r")


def test_record_parsing():
    rec = parse_dmarc_record(
        "v=DMARC1; p=reject; sp=quarantine; pct=50; adkim=s; aspf=r; rua=mailto:d@acme-shop.com"
    )
    assert rec is not None
    assert rec.policy is DmarcPolicy.REJECT and rec.subdomain_policy is DmarcPolicy.QUARANTINE
    assert (rec.pct, rec.adkim, rec.aspf, rec.rua) == (50, "s", "r", ("mailto:d@acme-shop.com",))
    assert parse_dmarc_record("v=spf1 -all") is None
    assert parse_dmarc_record("v=DMARC1; p=bogus") is None
    lenient = parse_dmarc_record("v=DMARC1; p=bogus; rua=mailto:x@y.com")
    assert lenient is not None and lenient.policy is DmarcPolicy.NONE and lenient.warnings


def test_discovery_falls_back_to_organizational_domain(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=reject; sp=quarantine")
    direct = discover_dmarc("acme-shop.com", resolver)
    assert direct.record is not None and direct.record_domain == "acme-shop.com"
    fallback = discover_dmarc("news.mail.acme-shop.com", resolver)
    assert fallback.record is not None and fallback.record_domain == "acme-shop.com"
    assert dns.query_count("_dmarc.news.mail.acme-shop.com") == 1
    assert discover_dmarc("other.com", resolver).record is None


def test_relaxed_alignment_passes_with_subdomain_dkim(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=reject")
    out = evaluate_dmarc(["acme-shop.com"], NO_SPF, [dkim(DkimResult.PASS, "mail.acme-shop.com")], resolver)
    assert out.result is DmarcResult.PASS
    assert out.dkim_aligned_domains == ("mail.acme-shop.com",)


def test_strict_alignment_rejects_subdomain_dkim_and_spf(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=reject; adkim=s; aspf=s")
    out = evaluate_dmarc(
        ["acme-shop.com"],
        spf(SpfResult.PASS, "bounce.acme-shop.com"),
        [dkim(DkimResult.PASS, "mail.acme-shop.com")],
        resolver,
    )
    assert out.result is DmarcResult.FAIL
    assert out.policy is DmarcPolicy.REJECT and out.disposition is DmarcPolicy.REJECT
    exact = evaluate_dmarc(["acme-shop.com"], spf(SpfResult.PASS, "acme-shop.com"), [], resolver)
    assert exact.result is DmarcResult.PASS and exact.spf_aligned


def test_unaligned_passes_do_not_count(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=quarantine")
    out = evaluate_dmarc(
        ["acme-shop.com"],
        spf(SpfResult.PASS, "bulk-mailer.net"),
        [dkim(DkimResult.PASS, "bulk-mailer.net"), dkim(DkimResult.FAIL, "acme-shop.com")],
        resolver,
    )
    assert out.result is DmarcResult.FAIL
    assert out.policy is DmarcPolicy.QUARANTINE
    assert any("not aligned" in r for r in out.reasons)


def test_subdomain_policy_applies_via_org_fallback(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=reject; sp=none")
    out = evaluate_dmarc(["promo.acme-shop.com"], NO_SPF, [], resolver)
    assert out.result is DmarcResult.FAIL
    assert out.policy is DmarcPolicy.NONE
    assert out.record_domain == "acme-shop.com"


def test_pct_sampling_downgrades_unsampled_mail(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=reject; pct=25")
    sampled = evaluate_dmarc(["acme-shop.com"], NO_SPF, [], resolver, sample=0.10)
    unsampled = evaluate_dmarc(["acme-shop.com"], NO_SPF, [], resolver, sample=0.90)
    assert sampled.disposition is DmarcPolicy.REJECT
    assert unsampled.disposition is DmarcPolicy.QUARANTINE
    assert unsampled.policy is DmarcPolicy.REJECT and unsampled.pct == 25


def test_no_record_is_none(resolver):
    out = evaluate_dmarc(["acme-shop.com"], NO_SPF, [], resolver)
    assert out.result is DmarcResult.NONE and out.policy is None


def test_record_lookup_servfail_is_temperror(dns, resolver):
    dns.fail_with_servfail("_dmarc.acme-shop.com")
    out = evaluate_dmarc(["acme-shop.com"], NO_SPF, [dkim(DkimResult.PASS, "acme-shop.com")], resolver)
    assert out.result is DmarcResult.TEMPERROR


def test_aligned_dkim_temperror_makes_dmarc_temperror_not_fail(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=reject")
    out = evaluate_dmarc(["acme-shop.com"], NO_SPF, [dkim(DkimResult.TEMPERROR, "acme-shop.com")], resolver)
    assert out.result is DmarcResult.TEMPERROR
    # ...but a temperror for an unrelated domain changes nothing
    other = evaluate_dmarc(["acme-shop.com"], NO_SPF, [dkim(DkimResult.TEMPERROR, "esp.net")], resolver)
    assert other.result is DmarcResult.FAIL


def test_several_from_domains_is_permerror(resolver):
    out = evaluate_dmarc(["acme-shop.com", "evil.example"], NO_SPF, [], resolver)
    assert out.result is DmarcResult.PERMERROR


def test_two_dmarc_records_mean_no_policy(dns, resolver):
    dns.add("_dmarc.acme-shop.com", "TXT", "v=DMARC1; p=reject", "v=DMARC1; p=none")
    assert evaluate_dmarc(["acme-shop.com"], NO_SPF, [], resolver).result is DmarcResult.NONE
