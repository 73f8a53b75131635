"""check_dns_records(): is a retailer's SPF/DKIM/DMARC setup published and aligned?"""

from __future__ import annotations

from trustdesk.mail import CheckStatus, check_dns_records


def publish_good(dns, key):
    record = key.dns_record("desk1", "acme-shop.com")
    dns.update(
        {
            "acme-shop.com": {"TXT": ["v=spf1 include:_spf.acme-shop.com -all"]},
            "_spf.acme-shop.com": {"TXT": ["v=spf1 ip4:192.0.2.25 -all"]},
            "_dmarc.acme-shop.com": {"TXT": ["v=DMARC1; p=reject; rua=mailto:dmarc@acme-shop.com"]},
            record.name: {"TXT": [record.value]},
        }
    )


def test_everything_published_and_aligned(dns, resolver, shop_key):
    publish_good(dns, shop_key)
    check = check_dns_records(
        "acme-shop.com", "desk1", shop_key.public_key_b64, resolver, sending_ips=["192.0.2.25"]
    )
    assert check.ok
    assert (check.spf.status, check.dkim.status, check.dmarc.status) == (CheckStatus.OK,) * 3
    assert any("needs 1 of the 10" in f for f in check.spf.findings)
    assert any("192.0.2.25 is authorised" in f for f in check.spf.findings)
    assert check.findings == ("acme-shop.com is ready: SPF, DKIM and DMARC are published and aligned",)
    assert check.as_dict()["ok"] is True


def test_nothing_published(resolver, shop_key):
    check = check_dns_records("acme-shop.com", "desk1", shop_key.private_key_pem, resolver)
    assert not check.ok
    assert (check.spf.status, check.dkim.status, check.dmarc.status) == (CheckStatus.MISSING,) * 3
    assert check.expected_dkim_record == f"v=DKIM1; k=rsa; p={shop_key.public_key_b64}"
    assert len(check.findings) == 3


def test_other_key_published_is_a_mismatch(dns, resolver, shop_key, other_key):
    publish_good(dns, other_key)
    check = check_dns_records("acme-shop.com", "desk1", shop_key.public_key_b64, resolver)
    assert check.dkim.status is CheckStatus.MISMATCH
    assert not check.ok


def test_weak_policies_are_warned_about(dns, resolver, shop_key):
    record = shop_key.dns_record("desk1", "acme-shop.com")
    dns.update(
        {
            "acme-shop.com": {"TXT": ["v=spf1 ip4:192.0.2.25 ?all"]},
            "_dmarc.acme-shop.com": {"TXT": ["v=DMARC1; p=none"]},
            record.name: {"TXT": [record.value]},
        }
    )
    check = check_dns_records("acme-shop.com", "desk1", shop_key.public_key_b64, resolver)
    assert check.spf.status is CheckStatus.WARNING and check.dmarc.status is CheckStatus.WARNING
    assert check.ok  # published and aligned, but weak
    assert any("p=none" in f for f in check.dmarc.findings)
    assert any("rua" in f for f in check.dmarc.findings)


def test_plus_all_and_too_many_lookups_are_invalid(dns, resolver, shop_key):
    dns.add("open.com", "TXT", "v=spf1 +all")
    assert (
        check_dns_records("open.com", "s", shop_key.public_key_b64, resolver).spf.status
        is CheckStatus.INVALID
    )
    dns.add("heavy.com", "TXT", "v=spf1 " + " ".join(f"include:i{i}.heavy.com" for i in range(6)) + " -all")
    for i in range(6):
        dns.add(f"i{i}.heavy.com", "TXT", f"v=spf1 a:h{i}.heavy.com -all")
    check = check_dns_records("heavy.com", "s", shop_key.public_key_b64, resolver)
    assert check.spf.status is CheckStatus.INVALID
    assert any("12 DNS lookups" in f for f in check.spf.findings)


def test_unaligned_envelope_domain_is_explained(dns, resolver, shop_key):
    publish_good(dns, shop_key)
    dns.add("esp-bounces.net", "TXT", "v=spf1 ip4:192.0.2.25 -all")
    check = check_dns_records(
        "acme-shop.com", "desk1", shop_key.public_key_b64, resolver, mail_from_domain="esp-bounces.net"
    )
    assert any("not aligned" in f and "DKIM alone" in f for f in check.dmarc.findings)


def test_subdomain_covered_by_org_record(dns, resolver, shop_key):
    publish_good(dns, shop_key)
    record = shop_key.dns_record("desk1", "help.acme-shop.com")
    dns.add(record.name, "TXT", record.value)
    dns.add("help.acme-shop.com", "TXT", "v=spf1 ip4:192.0.2.25 -all")
    check = check_dns_records("help.acme-shop.com", "desk1", shop_key.public_key_b64, resolver)
    assert check.ok
    assert any("organisational domain" in f for f in check.dmarc.findings)


def test_dns_failure_is_temperror_not_missing(dns, resolver, shop_key):
    dns.fail_with_servfail("acme-shop.com")
    dns.fail_with_timeout("_dmarc.acme-shop.com")
    check = check_dns_records("acme-shop.com", "desk1", shop_key.public_key_b64, resolver)
    assert check.spf.status is CheckStatus.TEMPERROR
    assert check.dmarc.status is CheckStatus.TEMPERROR
    assert not check.ok


def test_revoked_or_foreign_key_types_are_invalid(dns, resolver, shop_key):
    dns.add("desk1._domainkey.acme-shop.com", "TXT", "v=DKIM1; k=rsa; p=")
    assert (
        check_dns_records("acme-shop.com", "desk1", shop_key.public_key_b64, resolver).dkim.status
        is CheckStatus.INVALID
    )
    dns.set("desk1._domainkey.acme-shop.com", "TXT", f"v=DKIM1; k=ed25519; p={shop_key.public_key_b64}")
    assert (
        check_dns_records("acme-shop.com", "desk1", shop_key.public_key_b64, resolver).dkim.status
        is CheckStatus.INVALID
    )
