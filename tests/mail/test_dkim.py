"""DKIM signing and verification (dkimpy) with keys served by the local DNS server."""

from __future__ import annotations

import re

import pytest

from trustdesk.mail import (
    DkimError,
    DkimResult,
    dkim_dns_record,
    generate_dkim_keypair,
    public_key_b64,
    sign_message,
    verify_dkim,
)

MESSAGE = (
    b"From: Acme Support <support@acme-shop.com>\r\n"
    b"To: Jane Customer <jane@example.org>\r\n"
    b"Subject: Your refund for order 1042\r\n"
    b"Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
    b"Message-ID: <r1042@acme-shop.com>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Hello Jane,\r\n"
    b"\r\n"
    b"We refunded 49.90 EUR to IBAN DE89 3704 0044 0532 0130 00.\r\n"
    b"Details: https://acme-shop.com/orders/1042\r\n"
)


@pytest.fixture
def published(dns, shop_key):
    record = shop_key.dns_record("s2024", "acme-shop.com")
    dns.add(record.name, "TXT", record.value)
    return shop_key


def sign(key, canon=("relaxed", "relaxed"), raw=MESSAGE, **kwargs):
    return sign_message(raw, "s2024", "acme-shop.com", key.private_key_pem, canonicalization=canon, **kwargs)


def only(results):
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize("canon", [("relaxed", "relaxed"), ("simple", "simple"), ("relaxed", "simple")])
def test_signed_message_verifies(published, resolver, canon):
    signed = sign(published, canon)
    result = only(verify_dkim(signed, resolver))
    assert result.result is DkimResult.PASS
    assert result.domain == "acme-shop.com" and result.selector == "s2024"
    assert result.canonicalization == "/".join(canon)
    assert result.key_bits == 2048
    assert "from" in result.signed_headers


@pytest.mark.parametrize("canon", [("relaxed", "relaxed"), ("simple", "simple")])
def test_header_reordering_and_added_trace_headers_still_verify(published, resolver, canon):
    signed = sign(published, canon)
    head, body = signed.split(b"\r\n\r\n", 1)
    lines = re.split(rb"\r\n(?![ \t])", head)
    signature = [line for line in lines if line.startswith(b"DKIM-Signature")]
    others = [line for line in lines if not line.startswith(b"DKIM-Signature")]
    reordered = [
        b"Received: from mx.example.org by inbound.example.org; Tue, 02 Jan 2024 10:00:05 +0000",
        *signature,
        *reversed(others),
        b"X-Spam-Score: 0.1",
    ]
    moved = b"\r\n".join(reordered) + b"\r\n\r\n" + body
    assert only(verify_dkim(moved, resolver)).result is DkimResult.PASS


def test_relaxed_tolerates_whitespace_and_case_simple_does_not(published, resolver):
    def mangle(raw: bytes) -> bytes:
        raw = raw.replace(b"Subject: Your refund", b"SUBJECT:   Your    refund")
        return raw.replace(b"Hello Jane,\r\n", b"Hello   Jane,  \r\n")

    relaxed = mangle(sign(published, ("relaxed", "relaxed")))
    simple = mangle(sign(published, ("simple", "simple")))
    assert only(verify_dkim(relaxed, resolver)).result is DkimResult.PASS
    assert only(verify_dkim(simple, resolver)).result is DkimResult.FAIL


def test_one_changed_iban_digit_breaks_the_body_hash(published, resolver):
    signed = sign(published)
    altered = signed.replace(b"0532 0130 00", b"0532 0130 01")
    result = only(verify_dkim(altered, resolver))
    assert result.result is DkimResult.FAIL
    assert "body hash" in result.reason


def test_swapped_link_breaks_the_signature(published, resolver):
    altered = sign(published).replace(b"https://acme-shop.com/orders", b"https://acme-shop.co/orders")
    assert only(verify_dkim(altered, resolver)).result is DkimResult.FAIL


def test_changed_subject_breaks_the_signature(published, resolver):
    altered = sign(published).replace(b"Your refund", b"Your REFUND")
    result = only(verify_dkim(altered, resolver))
    assert result.result is DkimResult.FAIL
    assert "body hash" not in result.reason


@pytest.mark.parametrize(
    "added",
    [b"From: Acme <refunds@acme-shop.co>\r\n", b"Reply-To: thief@evil.example\r\n", b"Subject: urgent\r\n"],
)
def test_headers_added_after_signing_break_it(published, resolver, added):
    # From/Subject are signed once more than present and Reply-To is signed while absent
    signed = sign(published)
    tampered = signed.replace(b"To: Jane", added + b"To: Jane", 1)
    assert only(verify_dkim(tampered, resolver)).result is DkimResult.FAIL


def test_unsigned_message_has_no_results(resolver):
    assert verify_dkim(MESSAGE, resolver) == []


def test_missing_key_is_permerror(resolver, shop_key):
    result = only(verify_dkim(sign(shop_key), resolver))
    assert result.result is DkimResult.PERMERROR
    assert "no DKIM key" in result.reason


def test_revoked_key_is_permerror(dns, resolver, shop_key):
    dns.add("s2024._domainkey.acme-shop.com", "TXT", "v=DKIM1; k=rsa; p=")
    assert only(verify_dkim(sign(shop_key), resolver)).result is DkimResult.PERMERROR


def test_wrong_key_published_is_fail(dns, resolver, shop_key, other_key):
    record = other_key.dns_record("s2024", "acme-shop.com")
    dns.add(record.name, "TXT", record.value)
    assert only(verify_dkim(sign(shop_key), resolver)).result is DkimResult.FAIL


def test_key_lookup_timeout_is_temperror(dns, resolver, shop_key):
    dns.fail_with_timeout("s2024._domainkey.acme-shop.com")
    result = only(verify_dkim(sign(shop_key), resolver))
    assert result.result is DkimResult.TEMPERROR


def test_key_lookup_servfail_is_temperror(dns, resolver, shop_key):
    dns.fail_with_servfail("s2024._domainkey.acme-shop.com")
    assert only(verify_dkim(sign(shop_key), resolver)).result is DkimResult.TEMPERROR


def test_two_signatures_are_reported_separately(dns, resolver, published, other_key):
    record = other_key.dns_record("esp", "mailer.example.net")
    dns.add(record.name, "TXT", record.value)
    once = sign(published)
    twice = sign_message(once, "esp", "mailer.example.net", other_key.private_key_pem)
    results = verify_dkim(twice, resolver)
    assert [(r.domain, r.result) for r in results] == [
        ("mailer.example.net", DkimResult.PASS),
        ("acme-shop.com", DkimResult.PASS),
    ]


def test_garbage_signature_header_is_permerror_not_crash(resolver):
    raw = b"DKIM-Signature: this is not a tag list\r\n" + MESSAGE
    assert only(verify_dkim(raw, resolver)).result is DkimResult.PERMERROR
    raw = b"DKIM-Signature: v=1; a=rsa-sha256; d=acme-shop.com; s=x; h=from; bh=AAAA; b=AAAA\r\n" + MESSAGE
    assert only(verify_dkim(raw, resolver)).result in (DkimResult.PERMERROR, DkimResult.FAIL)
    assert verify_dkim(b" continuation first\r\n\r\nbody", resolver)[0].result is DkimResult.PERMERROR


def test_lf_only_messages_sign_and_verify(published, resolver):
    lf = MESSAGE.replace(b"\r\n", b"\n")
    signed = sign_message(lf, "s2024", "acme-shop.com", published.private_key_pem)
    assert b"\r\n" not in signed
    assert only(verify_dkim(signed, resolver)).result is DkimResult.PASS


def test_signing_needs_a_from_header(shop_key):
    with pytest.raises(DkimError):
        sign_message(b"Subject: x\r\n\r\nbody\r\n", "s", "acme-shop.com", shop_key.private_key_pem)
    with pytest.raises(DkimError):
        sign_message(MESSAGE, "s", "acme-shop.com", b"not a key")


def test_key_generation_and_dns_record_text(shop_key):
    record = dkim_dns_record("s2024", "Acme-Shop.com.", shop_key.public_key_b64)
    assert record.name == "s2024._domainkey.acme-shop.com"
    assert record.value == f"v=DKIM1; k=rsa; p={shop_key.public_key_b64}"
    assert len(record.value) > 255  # hence the zone line splits it into quoted strings
    line = record.zone_line()
    assert line.startswith("s2024._domainkey.acme-shop.com. 3600 IN TXT (")
    assert "".join(re.findall(r'"([^"]*)"', line)) == record.value
    # the same public key, whichever form it is given in
    assert public_key_b64(shop_key.private_key_pem) == shop_key.public_key_b64
    assert public_key_b64(record.value) == shop_key.public_key_b64
    with pytest.raises(DkimError):
        generate_dkim_keypair(512)


def test_signature_flood_is_bounded(dns, resolver, published):
    signed = sign(published)
    flood = b"".join(
        b"DKIM-Signature: v=1; a=rsa-sha256; d=x%d.example; s=s; h=from; bh=AA==; b=AA==\r\n" % i
        for i in range(40)
    )
    results = verify_dkim(flood + signed, resolver)
    assert len(results) == 41
    assert sum(r.result is not DkimResult.NEUTRAL for r in results) == 8
    assert dns.query_count() <= 8 * 2  # UDP + TCP retry at most, per evaluated signature
