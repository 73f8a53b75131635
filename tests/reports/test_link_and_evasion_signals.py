"""Signals from links, attachments and filter evasion."""

from __future__ import annotations

from trustdesk.reports.mail_values import Attachment, Link
from trustdesk.reports.signals import (
    abused_tld_link,
    free_hosting_link,
    html_form,
    invisible_padding,
    ip_address_link,
    link_text_mismatch,
    mixed_script_words,
    punycode_link,
    random_filler,
    risky_attachments,
    shortened_link,
    styled_characters,
)


def test_link_text_showing_another_domain() -> None:
    reason = link_text_mismatch([Link("https://evil.example.net/login", "www.paypal.com")])
    assert reason is not None and "paypal.com" in reason.text and "example.net" in reason.text
    assert link_text_mismatch([Link("https://www.paypal.com/signin", "www.paypal.com")]) is None
    assert link_text_mismatch([Link("https://evil.example.net/", "Sign in")]) is None


def test_link_hosts() -> None:
    assert ip_address_link(["http://192.0.2.7/login"]) is not None
    assert punycode_link(["https://xn--pypal-4ve.com/"]) is not None
    assert shortened_link(["https://bit.ly/3abc"]) is not None
    assert free_hosting_link(["https://secure-login-1234.web.app/"]) is not None
    assert abused_tld_link(["parcel-fee.top"]) is not None
    ordinary = ["https://www.shop.example.com/orders"]
    for signal in (ip_address_link, punycode_link, shortened_link, free_hosting_link):
        assert signal(ordinary) is None
    assert abused_tld_link(["www.shop.example.com"]) is None


def test_forms_but_not_search_boxes() -> None:
    assert html_form(["https://evil.example.net/collect"]) is not None
    assert html_form(["https://www.search.com/search"]) is None
    assert html_form([]) is None


def test_risky_attachments() -> None:
    codes = {
        r.code
        for r in risky_attachments(
            [
                Attachment("invoice.html", "text/html", 900),
                Attachment("setup.exe", "application/octet-stream", 10),
                Attachment(
                    "docs.zip",
                    "application/zip",
                    10,
                    ("a.pdf.js",),
                    ("archive declares an extreme compression ratio (possible zip bomb); not unpacked",),
                ),
            ]
        )
    }
    assert codes == {
        "html_attachment",
        "executable_attachment",
        "archive_with_executable",
        "suspicious_archive",
    }
    assert risky_attachments([Attachment("invoice.pdf", "application/pdf", 10)]) == []


def test_evasion() -> None:
    assert styled_characters("𝗪𝗲𝗹𝗰𝗼𝗺𝗲 𝘁𝗼 your prize") is not None
    assert styled_characters("Welcome to your order") is None
    assert mixed_script_words("Your Pаypal account") is not None  # Cyrillic а
    assert mixed_script_words("Grüße aus Köln, Привет") is None
    assert invisible_padding("Hello" + "\u200c " * 20) is not None
    assert invisible_padding("Hello\u200cworld") is None
    filler = "a8f3k2m9q1x7z5c4v6b0 q9w8e7r6t5y4u3i2o1p0 z1x2c3v4b5n6m7a8s9d0"
    assert random_filler(filler) is not None
    assert random_filler("Order 123456 shipped with tracking 1Z999AA10123456784") is None
