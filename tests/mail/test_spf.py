"""SPF (RFC 7208) evaluation over a real local DNS server."""

from __future__ import annotations

import pytest

from trustdesk.mail import SpfResult, check_spf, expand_macros, parse_spf_record


def spf(dns, domain: str, record: str) -> None:
    dns.add(domain, "TXT", record)


def test_ip4_pass_and_fail(dns, resolver):
    spf(dns, "shop.com", "v=spf1 ip4:192.0.2.0/24 -all")
    assert check_spf("192.0.2.55", "help@shop.com", "mx.shop.com", resolver).result is SpfResult.PASS
    outcome = check_spf("198.51.100.1", "help@shop.com", "mx.shop.com", resolver)
    assert outcome.result is SpfResult.FAIL
    assert outcome.domain == "shop.com" and outcome.identity == "mailfrom"


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [("-", SpfResult.FAIL), ("~", SpfResult.SOFTFAIL), ("?", SpfResult.NEUTRAL), ("+", SpfResult.PASS)],
)
def test_qualifiers(dns, resolver, qualifier, expected):
    spf(dns, "shop.com", f"v=spf1 ip4:192.0.2.1 {qualifier}all")
    assert check_spf("203.0.113.9", "a@shop.com", "x", resolver).result is expected


def test_no_record_is_none_and_no_match_is_neutral(dns, resolver):
    dns.add("nospf.com", "TXT", "google-site-verification=abc")
    spf(dns, "nomatch.com", "v=spf1 ip4:192.0.2.1")
    assert check_spf("203.0.113.9", "a@nospf.com", "x", resolver).result is SpfResult.NONE
    assert check_spf("203.0.113.9", "a@nxdomain.com", "x", resolver).result is SpfResult.NONE
    assert check_spf("203.0.113.9", "a@nomatch.com", "x", resolver).result is SpfResult.NEUTRAL


def test_ip6(dns, resolver):
    spf(dns, "shop.com", "v=spf1 ip6:2001:db8:1::/48 -all")
    assert check_spf("2001:db8:1::25", "a@shop.com", "x", resolver).result is SpfResult.PASS
    assert check_spf("2001:db8:2::25", "a@shop.com", "x", resolver).result is SpfResult.FAIL
    # an IPv4 client never matches ip6
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.FAIL


def test_include_chain_three_levels(dns, resolver):
    spf(dns, "shop.com", "v=spf1 include:_spf.shop.com -all")
    spf(dns, "_spf.shop.com", "v=spf1 include:mailer.esp.net ~all")
    spf(dns, "mailer.esp.net", "v=spf1 ip4:198.51.100.0/24 -all")
    outcome = check_spf("198.51.100.7", "news@shop.com", "out.esp.net", resolver)
    assert outcome.result is SpfResult.PASS
    assert outcome.matched == "include:_spf.shop.com"
    assert outcome.dns_lookups == 2
    # an include's own "fail"/"softfail" is just "no match": the outer -all decides
    assert check_spf("203.0.113.1", "news@shop.com", "x", resolver).result is SpfResult.FAIL


def test_include_of_domain_without_spf_is_permerror(dns, resolver):
    spf(dns, "shop.com", "v=spf1 include:gone.example.net -all")
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PERMERROR


def test_redirect(dns, resolver):
    spf(dns, "shop.com", "v=spf1 redirect=_spf.provider.net")
    spf(dns, "_spf.provider.net", "v=spf1 ip4:192.0.2.0/24 -all")
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PASS
    assert check_spf("203.0.113.1", "a@shop.com", "x", resolver).result is SpfResult.FAIL
    spf(dns, "broken.com", "v=spf1 redirect=nothing-here.net")
    assert check_spf("192.0.2.1", "a@broken.com", "x", resolver).result is SpfResult.PERMERROR


def test_redirect_is_ignored_when_all_is_present(dns, resolver):
    spf(dns, "shop.com", "v=spf1 -all redirect=_spf.provider.net")
    spf(dns, "_spf.provider.net", "v=spf1 +all")
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.FAIL


def test_a_and_mx_with_cidr(dns, resolver):
    spf(dns, "shop.com", "v=spf1 a mx/28 a:web.shop.com//64 -all")
    dns.add("shop.com", "A", "192.0.2.10")
    dns.add("shop.com", "MX", (10, "mx1.shop.com"), (20, "mx2.shop.com"))
    dns.add("mx1.shop.com", "A", "198.51.100.1")
    dns.add("mx2.shop.com", "A", "198.51.100.200")
    dns.add("web.shop.com", "AAAA", "2001:db8::1")
    assert check_spf("192.0.2.10", "a@shop.com", "x", resolver).result is SpfResult.PASS
    assert check_spf("192.0.2.11", "a@shop.com", "x", resolver).result is SpfResult.FAIL
    assert check_spf("198.51.100.14", "a@shop.com", "x", resolver).result is SpfResult.PASS  # mx1/28
    assert check_spf("198.51.100.16", "a@shop.com", "x", resolver).result is SpfResult.FAIL
    assert check_spf("198.51.100.207", "a@shop.com", "x", resolver).result is SpfResult.PASS  # mx2/28
    assert check_spf("2001:db8::ffff", "a@shop.com", "x", resolver).result is SpfResult.PASS  # //64


def test_ptr_mechanism_needs_forward_confirmation(dns, resolver):
    spf(dns, "shop.com", "v=spf1 ptr -all")
    dns.add("7.2.0.192.in-addr.arpa", "PTR", "out7.shop.com")
    dns.add("out7.shop.com", "A", "192.0.2.7")
    dns.add("8.2.0.192.in-addr.arpa", "PTR", "liar.shop.com")  # no matching A record
    dns.add("liar.shop.com", "A", "203.0.113.8")
    assert check_spf("192.0.2.7", "a@shop.com", "x", resolver).result is SpfResult.PASS
    assert check_spf("192.0.2.8", "a@shop.com", "x", resolver).result is SpfResult.FAIL


def test_exists_with_macros(dns, resolver):
    spf(dns, "shop.com", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all")
    dns.add("9.2.0.192.bob._spf.shop.com", "A", "127.0.0.2")
    assert check_spf("192.0.2.9", "bob@shop.com", "x", resolver).result is SpfResult.PASS
    assert check_spf("192.0.2.9", "eve@shop.com", "x", resolver).result is SpfResult.FAIL
    assert dns.query_count("9.2.0.192.eve._spf.shop.com") == 1


def test_helo_identity_for_null_sender(dns, resolver):
    spf(dns, "mx.shop.com", "v=spf1 ip4:192.0.2.1 -all")
    outcome = check_spf("192.0.2.1", "", "mx.shop.com", resolver)
    assert outcome.result is SpfResult.PASS
    assert outcome.identity == "helo" and outcome.domain == "mx.shop.com"
    assert check_spf("192.0.2.1", "<>", "mx.shop.com", resolver).identity == "helo"


def test_ten_lookup_limit(dns, resolver):
    # shop.com -> inc1 -> ... -> inc11: eleven include terms in total
    spf(dns, "shop.com", "v=spf1 include:inc1.shop.com -all")
    for i in range(1, 11):
        spf(dns, f"inc{i}.shop.com", f"v=spf1 include:inc{i + 1}.shop.com -all")
    spf(dns, "inc11.shop.com", "v=spf1 ip4:192.0.2.1 -all")
    outcome = check_spf("192.0.2.1", "a@shop.com", "x", resolver)
    assert outcome.result is SpfResult.PERMERROR
    assert "10" in outcome.reason


def test_exactly_ten_lookups_is_allowed(dns, resolver):
    spf(dns, "shop.com", "v=spf1 include:inc1.shop.com -all")
    for i in range(1, 10):
        nxt = f"include:inc{i + 1}.shop.com" if i < 9 else "a:host.shop.com"
        spf(dns, f"inc{i}.shop.com", f"v=spf1 {nxt} -all")
    dns.add("host.shop.com", "A", "192.0.2.1")
    outcome = check_spf("192.0.2.1", "a@shop.com", "x", resolver)
    assert outcome.result is SpfResult.PASS
    assert outcome.dns_lookups == 10


def test_include_loop_stops_at_the_limit(dns, resolver):
    spf(dns, "loop.com", "v=spf1 include:loop.com -all")
    assert check_spf("192.0.2.1", "a@loop.com", "x", resolver).result is SpfResult.PERMERROR


def test_void_lookup_limit(dns, resolver):
    spf(dns, "two.com", "v=spf1 a:gone1.two.com a:gone2.two.com ip4:192.0.2.1 -all")
    spf(
        dns,
        "three.com",
        "v=spf1 a:gone1.three.com mx:gone2.three.com exists:gone3.three.com ip4:192.0.2.1 -all",
    )
    two = check_spf("192.0.2.1", "a@two.com", "x", resolver)
    assert two.result is SpfResult.PASS and two.void_lookups == 2
    three = check_spf("192.0.2.1", "a@three.com", "x", resolver)
    assert three.result is SpfResult.PERMERROR
    assert "void" in three.reason


def test_more_than_ten_mx_records_is_permerror(dns, resolver):
    spf(dns, "shop.com", "v=spf1 mx -all")
    dns.add("shop.com", "MX", *[(i, f"mx{i}.shop.com") for i in range(11)])
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PERMERROR


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 ip4:192.0.2.300 -all",
        "v=spf1 ip4:192.0.2.0/33 -all",
        "v=spf1 foo:bar -all",
        "v=spf1 include -all",
        "v=spf1 redirect=a.com redirect=b.com",
        "v=spf1 a:%{z}.shop.com -all",
        "v=spf1 all:x",
    ],
)
def test_syntax_errors_are_permerror(dns, resolver, record):
    spf(dns, "shop.com", record)
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PERMERROR


def test_syntax_is_checked_before_evaluation(dns, resolver):
    # the first mechanism would match, but the record as a whole is invalid
    spf(dns, "shop.com", "v=spf1 ip4:192.0.2.1 bogus -all")
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PERMERROR


def test_two_spf_records_is_permerror(dns, resolver):
    dns.add("shop.com", "TXT", "v=spf1 -all", "v=spf1 +all")
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PERMERROR


def test_unknown_modifiers_are_ignored(dns, resolver):
    spf(dns, "shop.com", "v=spf1 ip4:192.0.2.1 foo=bar -all")
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PASS


def test_servfail_on_record_is_temperror(dns, resolver):
    dns.fail_with_servfail("shop.com")
    outcome = check_spf("192.0.2.1", "a@shop.com", "x", resolver)
    assert outcome.result is SpfResult.TEMPERROR


def test_timeout_in_include_is_temperror_never_pass(dns, resolver):
    spf(dns, "shop.com", "v=spf1 include:slow.esp.net ip4:192.0.2.1 -all")
    dns.fail_with_timeout("slow.esp.net")
    outcome = check_spf("192.0.2.1", "a@shop.com", "x", resolver)
    assert outcome.result is SpfResult.TEMPERROR
    assert "timeout" in outcome.reason


def test_servfail_in_a_mechanism_is_temperror(dns, resolver):
    spf(dns, "shop.com", "v=spf1 a:web.shop.com ip4:192.0.2.1 -all")
    dns.fail_with_servfail("web.shop.com")
    assert check_spf("192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.TEMPERROR


def test_malformed_inputs(resolver):
    assert check_spf("not-an-ip", "a@shop.com", "x", resolver).result is SpfResult.PERMERROR
    assert check_spf("192.0.2.1", "a@localhost", "x", resolver).result is SpfResult.NONE
    assert check_spf("192.0.2.1", "", "", resolver).result is SpfResult.NONE


def test_ipv4_mapped_ipv6_client_is_treated_as_ipv4(dns, resolver):
    spf(dns, "shop.com", "v=spf1 ip4:192.0.2.1 -all")
    assert check_spf("::ffff:192.0.2.1", "a@shop.com", "x", resolver).result is SpfResult.PASS


# RFC 7208 section 7.4 examples
RFC_SENDER = "strong-bad@email.example.com"


@pytest.mark.parametrize(
    ("macro", "expected"),
    [
        ("%{s}", "strong-bad@email.example.com"),
        ("%{o}", "email.example.com"),
        ("%{d}", "email.example.com"),
        ("%{d4}", "email.example.com"),
        ("%{d3}", "email.example.com"),
        ("%{d2}", "example.com"),
        ("%{d1}", "com"),
        ("%{dr}", "com.example.email"),
        ("%{d2r}", "example.email"),
        ("%{l}", "strong-bad"),
        ("%{l-}", "strong.bad"),
        ("%{lr}", "strong-bad"),
        ("%{lr-}", "bad.strong"),
        ("%{l1r-}", "strong"),
        ("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
        ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
        ("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
        ("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
        ("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
        ("%{h}", "mx.example.org"),
        ("%%%_%-", "% %20"),
        ("%{S}", "strong-bad%40email.example.com"),
    ],
)
def test_macro_expansion_rfc_examples(macro, expected):
    got = expand_macros(
        macro, ip="192.0.2.3", sender=RFC_SENDER, domain="email.example.com", helo="mx.example.org"
    )
    assert got == expected


def test_macro_expansion_ipv6():
    got = expand_macros(
        "%{ir}.%{v}._spf.%{d2}", ip="2001:db8::cb01", sender=RFC_SENDER, domain="email.example.com", helo="x"
    )
    assert got == "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"


def test_record_lookup_count_is_reported():
    record = parse_spf_record("v=spf1 a mx include:x.com ip4:192.0.2.1 exists:%{i}.y.com redirect=z.com")
    assert record.dns_mechanism_count == 5
    with pytest.raises(ValueError):
        parse_spf_record("v=spf1 ip4:nonsense")
