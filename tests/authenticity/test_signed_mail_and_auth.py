"""DKIM-signed desk mail checked against a real local DNS server; auth from the trace headers; DNS trouble."""

from __future__ import annotations

from tests.authenticity.conftest import REFUND

from trustdesk.authenticity import Envelope, MessageVerdict
from trustdesk.mail import sign_message

RELAY = "192.0.2.25"


def received(raw: bytes, ip: str) -> bytes:
    return (
        f"Return-Path: <bounce@acmeoutfitters.com>\r\nReceived: from mail.acmeoutfitters.com (mail.acmeoutfitters.com [{ip}])"
        f" by mx.example.org with ESMTPS; Tue, 24 Nov 2026 10:00:00 +0000\r\n"
    ).encode() + raw


def test_signed_desk_mail_is_genuine_and_passes(desk, acme_zone, resolver) -> None:
    ref, raw = desk.send_email(REFUND)
    result = desk.check(received(raw, RELAY), resolver=resolver)
    assert result.verdict is MessageVerdict.GENUINE
    assert result.auth == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    assert result.reference == ref
    codes = [r["code"] for r in result.reasons]
    assert "envelope-from-headers" in codes and "our-signature-valid" in codes


def test_explicit_envelope(desk, acme_zone, resolver) -> None:
    _, raw = desk.send_email(REFUND)
    result = desk.check(
        raw, resolver=resolver, envelope=Envelope(RELAY, "mail.acmeoutfitters.com", "b@acmeoutfitters.com")
    )
    assert result.auth["spf"] == "pass"


def test_our_own_key_is_checked_without_dns(desk) -> None:
    _, raw = desk.send_email(REFUND)
    result = desk.check(raw)
    assert result.verdict is MessageVerdict.GENUINE
    assert result.auth == {"spf": "not_checked", "dkim": "not_checked", "dmarc": "not_checked"}


def test_unsigned_copy_claiming_our_domain_is_not_confirmed(desk, acme_zone, resolver) -> None:
    _, raw = desk.send_email(REFUND, sign=False)
    result = desk.check(received(raw, "203.0.113.9"), resolver=resolver)
    assert result.verdict is MessageVerdict.CANNOT_TELL
    assert "our-signature-invalid" in [r["code"] for r in result.reasons]
    assert result.auth["dmarc"] == "fail"


def test_signed_by_someone_else_key_is_not_ours(desk, acme_zone, resolver) -> None:
    from trustdesk.mail import generate_dkim_keypair

    _, raw = desk.send_email(REFUND, sign=False)
    thief = generate_dkim_keypair(1024)
    forged = sign_message(raw, "td202611", "acmeoutfitters.com", thief.private_key_pem)
    result = desk.check(forged, resolver=resolver)
    assert result.verdict is not MessageVerdict.GENUINE
    assert result.auth["dkim"] == "fail"


def test_spoofed_sender_without_reference_is_not_from_us(desk, acme_zone, resolver) -> None:
    phish = (
        b"Return-Path: <x@bulk.example>\r\nReceived: from bulk.example (bulk.example [203.0.113.9]) by mx.example.org;"
        b" Tue, 24 Nov 2026 10:00:00 +0000\r\nFrom: Acme Outfitters <support@acmeoutfitters.com>\r\n"
        b"To: pat@example.org\r\nSubject: Refund\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n"
        b"Your refund is waiting, reply with your card number.\r\n"
    )
    result = desk.check(phish, resolver=resolver)
    assert result.verdict is MessageVerdict.NOT_FROM_US
    assert "spoofed-sender" in [r["code"] for r in result.reasons]
    assert "DMARC fail" in result.explanation


def test_dns_timeout_is_temperror_never_pass(desk, acme_zone, resolver, acme_key) -> None:
    _, raw = desk.send_email(REFUND)
    acme_zone.fail_with_timeout("td202611._domainkey.acmeoutfitters.com")
    acme_zone.fail_with_servfail("acmeoutfitters.com")
    result = desk.check(received(raw, RELAY), resolver=resolver)
    assert result.auth["dkim"] == "temperror"
    assert result.auth["spf"] == "temperror"
    assert result.auth["dmarc"] != "pass"
    # Our own signature is still verified against the stored key: the content is ours.
    assert result.verdict is MessageVerdict.GENUINE


def test_tenant_signing_with_its_own_provider_relies_on_dmarc(desk, dns, resolver) -> None:
    from dataclasses import replace

    from trustdesk.mail import generate_dkim_keypair

    provider = generate_dkim_keypair(1024)
    record = provider.dns_record("esp1", "acmeoutfitters.com")
    dns.update(
        {
            "acmeoutfitters.com": {"TXT": ["v=spf1 ip4:192.0.2.25 -all"]},
            "_dmarc.acmeoutfitters.com": {"TXT": ["v=DMARC1; p=reject"]},
            record.name: {"TXT": [record.value]},
        }
    )
    ref, raw = desk.send_email(REFUND, sign=False)
    desk.records[ref] = replace(desk.records[ref], tenant=replace(desk.acme, dkim_keys=()))
    signed = sign_message(raw, "esp1", "acmeoutfitters.com", provider.private_key_pem)
    assert desk.check(signed, resolver=resolver, tenant=False).verdict is MessageVerdict.GENUINE
    assert desk.check(raw, resolver=resolver, tenant=False).verdict is MessageVerdict.CANNOT_TELL


def test_retailer_mail_not_sent_by_the_desk_is_cannot_tell(desk, acme_zone, resolver, acme_key) -> None:
    newsletter = (
        b"Return-Path: <b@acmeoutfitters.com>\r\nReceived: from mail.acmeoutfitters.com (mail.acmeoutfitters.com"
        b" [192.0.2.25]) by mx.example.org; Tue, 24 Nov 2026 10:00:00 +0000\r\n"
        b"From: Acme Outfitters <news@acmeoutfitters.com>\r\nTo: pat@example.org\r\nSubject: Winter sale\r\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nAcme Outfitters winter sale: https://click.mailer.example/abc\r\n"
    )
    signed = sign_message(newsletter, "td202611", "acmeoutfitters.com", acme_key.private_key_pem)
    result = desk.check(signed, resolver=resolver)
    assert result.verdict is MessageVerdict.CANNOT_TELL
    assert "sent-from-our-domain" in [r["code"] for r in result.reasons]
    assert "really was sent from" in result.explanation
