"""The Resolver object tells NXDOMAIN, no data, SERVFAIL and timeouts apart, against a real server."""

from __future__ import annotations

import time

from trustdesk.mail import DnsStatus, Resolver


def test_answers_txt_a_aaaa_mx_ptr(dns, resolver):
    dns.update(
        {
            "shop.example.com": {
                "TXT": ["v=spf1 -all", "hello"],
                "A": ["192.0.2.10"],
                "AAAA": ["2001:db8::10"],
                "MX": [(20, "backup.shop.example.com"), (10, "mx.shop.example.com")],
            },
            "10.2.0.192.in-addr.arpa": {"PTR": ["mail.shop.example.com"]},
        }
    )
    assert set(resolver.txt("shop.example.com").records) == {"v=spf1 -all", "hello"}
    assert resolver.a("shop.example.com").records == ("192.0.2.10",)
    assert resolver.aaaa("shop.example.com").records == ("2001:db8::10",)
    assert resolver.mx("shop.example.com").records == ("mx.shop.example.com", "backup.shop.example.com")
    assert resolver.ptr("192.0.2.10").records == ("mail.shop.example.com",)


def test_nxdomain_and_nodata_are_different(dns, resolver):
    dns.add("shop.example.com", "A", "192.0.2.10")
    dns.add("a.b.shop.example.com", "A", "192.0.2.11")
    assert resolver.a("missing.shop.example.com").status is DnsStatus.NXDOMAIN
    assert resolver.txt("shop.example.com").status is DnsStatus.NODATA
    # an empty non-terminal exists, so it is "no data", not NXDOMAIN
    assert resolver.a("b.shop.example.com").status is DnsStatus.NODATA
    assert resolver.a("missing.shop.example.com").status.void


def test_servfail_is_temporary(dns, resolver):
    dns.fail_with_servfail("broken.example.com")
    answer = resolver.txt("broken.example.com")
    assert answer.status is DnsStatus.SERVFAIL
    assert answer.status.temporary and not answer.ok


def test_timeout_is_temporary_and_bounded(dns, resolver):
    dns.fail_with_timeout("slow.example.com")
    started = time.monotonic()
    answer = resolver.txt("slow.example.com")
    assert answer.status is DnsStatus.TIMEOUT
    assert answer.status.temporary
    assert time.monotonic() - started < 3


def test_long_txt_record_comes_back_whole_over_tcp(dns, resolver):
    value = "v=DKIM1; k=rsa; p=" + "A" * 900
    dns.add("sel._domainkey.shop.example.com", "TXT", value)
    assert resolver.txt("sel._domainkey.shop.example.com").records == (value,)
    # the UDP answer was truncated, so the client asked again over TCP
    assert dns.query_count("sel._domainkey.shop.example.com") >= 2


def test_no_server_listening_is_temporary():
    # nothing listens on port 9 of localhost: the lookup fails temporarily, it does not raise
    resolver = Resolver(["127.0.0.1"], port=9, timeout=0.2, lifetime=0.4)
    assert resolver.a("example.com").status.temporary


def test_no_nameservers_configured_is_temporary():
    assert Resolver([], timeout=0.2).txt("example.com").status.temporary


def test_invalid_names_do_not_raise(resolver):
    assert resolver.a("a" * 70 + ".example.com").status is DnsStatus.NXDOMAIN
    assert resolver.ptr("not-an-ip").status is DnsStatus.NXDOMAIN
