"""Reading uploads safely: .eml and pasted text, forwarded mail, limits, hostile content."""

from __future__ import annotations

import io
import zipfile

import pytest

from trustdesk.mail.parsing import parse_message
from trustdesk.reports import Limits, ReportInputError, read_report, view_from_parsed_mail
from trustdesk.reports.mail_headers import parse_sender
from trustdesk.reports.mailview import looks_like_mail

from .mailbuild import mail, raw


def test_pasted_text_is_text() -> None:
    view = read_report("Your account is locked, call 1-800-555-0199")
    assert not view.is_mail and "locked" in view.text


def test_eml_headers_and_auth_results() -> None:
    message = mail(
        "Hi",
        sender='"PayPal" <service@paypal.example-secure.top>',
        headers={
            "Reply-To": "help@gmail.com",
            "Return-Path": "<bounce@mailer.example.net>",
            "Authentication-Results": "mx.example.org; spf=softfail smtp.mailfrom=x; dkim=fail; dmarc=fail",
        },
    )
    view = read_report(raw(message))
    assert view.is_mail and view.from_display == "PayPal"
    assert view.from_address == "service@paypal.example-secure.top"
    assert view.reply_to == ("help@gmail.com",) and view.return_path == "bounce@mailer.example.net"
    assert view.auth is not None and (view.auth.spf, view.auth.dkim, view.auth.dmarc) == (
        "softfail",
        "fail",
        "fail",
    )
    assert view.to_addresses == ("customer@example.org",)


def test_html_is_sanitised_never_executed() -> None:
    html = (
        "<html><head><script>steal()</script><style>.x{}</style></head><body>"
        "<p>Verify <a href='https://evil.example.com/login' onclick='run()'>www.paypal.com</a></p>"
        "<a href='javascript:alert(1)'>click</a><img src=x onerror='alert(2)'>"
        "<form action='https://evil.example.com/post'><input name=p></form></body></html>"
    )
    view = read_report(raw(mail("plain part", html=html)))
    assert "steal" not in view.text and "alert" not in view.text and ".x{}" not in view.text
    hrefs = {link.href for link in view.links}
    assert "https://evil.example.com/login" in hrefs
    assert not any(h.startswith("javascript") for h in hrefs)
    assert ("https://evil.example.com/post",) == view.forms
    assert any(link.text == "www.paypal.com" for link in view.links)


def test_forwarded_as_attachment_uses_the_attached_message() -> None:
    inner = mail("Pay now", sender="Evil <evil@evil.example.com>", subject="Invoice")
    outer = mail("Is this real?", sender="Customer <me@example.org>", subject="Fwd: Invoice")
    outer.add_attachment(inner)
    view = read_report(raw(outer))
    assert view.from_address == "evil@evil.example.com"
    assert "Pay now" in view.text


def test_inline_forward_uses_the_original_sender() -> None:
    body = (
        "Please check this\n\n---------- Forwarded message ---------\n"
        "From: Amazon Support <support@amaz0n-help.example.com>\nDate: Mon, 1 Jan 2024\n"
        "Subject: Refund\nTo: me@example.org\n\nCall us now."
    )
    view = read_report(raw(mail(body, sender="Me <me@example.org>", subject="Fwd: Refund")))
    assert view.forwarded and view.from_address == "support@amaz0n-help.example.com"
    assert view.auth is None and view.reply_to == ()


def test_pasted_headers_give_the_sender() -> None:
    view = read_report(
        "From: Netflix <billing@netfl1x.example.com>\nSent: today\nSubject: Payment declined\n\nUpdate"
    )
    assert view.from_address == "billing@netfl1x.example.com"


@pytest.mark.parametrize(
    ("value", "address", "malformed"),
    [
        ("Stewart Smith <Stewart.Smith@ee.ed.ac.uk>", "stewart.smith@ee.ed.ac.uk", False),
        ("foo@bar.com (Foo Bar)", "foo@bar.com", False),
        ('"Smith, John" <j@example.com>', "j@example.com", False),
        ("Mike [mailto:mike@example.com]", "mike@example.com", False),
        ('"Facebook" <>', "", True),
        ('"Oekraiense"<>694<Info@hoyvx.example.com>', "info@hoyvx.example.com", True),
        ("Alerts <comunicado@detran>", "", True),
        ("Microsoft account team ,_<z2rdj@tdoyq83s18.com>", "z2rdj@tdoyq83s18.com", True),
        ('McAfee <"7303@McAfee.nl">', "7303@mcafee.nl", True),
    ],
)
def test_sender_parsing_sees_forgery_tricks(value: str, address: str, malformed: bool) -> None:
    assert parse_sender(value)[1:] == (address, malformed)


def test_oversized_empty_and_binary_input_are_refused_clearly() -> None:
    with pytest.raises(ReportInputError, match="limit"):
        read_report(b"x" * 2000, Limits(max_bytes=1000))
    with pytest.raises(ReportInputError, match="empty"):
        read_report(b"  \n ")
    with pytest.raises(ReportInputError, match="binary"):
        read_report(b"\x7fELF\x00\x00\x01" * 10)


def test_long_text_is_truncated_with_a_note() -> None:
    view = read_report("word " * 10_000, Limits(max_text_chars=1000))
    assert len(view.text) == 1000 and view.notes


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bomb_and_nested_archives_are_described_not_unpacked() -> None:
    bomb = _zip({"invoice.pdf.exe": b"\0" * 5_000_000, "inner.zip": _zip({"a.txt": b"x"})})
    assert len(bomb) < 100_000
    message = mail("see attachment")
    message.add_attachment(bomb, maintype="application", subtype="zip", filename="invoice.zip")
    view = read_report(raw(message))
    (attachment,) = view.attachments
    assert set(attachment.archive_members) == {"invoice.pdf.exe", "inner.zip"}
    assert any("zip bomb" in note for note in attachment.notes)
    assert any("nested archives" in note for note in attachment.notes)


def test_garbage_zip_is_noted() -> None:
    message = mail("see attachment")
    message.add_attachment(b"PK\x03\x04garbage", maintype="application", subtype="zip", filename="a.zip")
    (attachment,) = read_report(raw(message)).attachments
    assert attachment.notes == ("archive could not be read",)


def _nested(depth: int) -> bytes:
    head = b"From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    body = b"innermost text\r\n"
    for level in range(depth):
        boundary = f"b{level}".encode()
        body = (
            b"Content-Type: multipart/mixed; boundary="
            + boundary
            + b"\r\n\r\n--"
            + boundary
            + b"\r\n"
            + body
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
    return head + body


def test_deep_nesting_is_bounded() -> None:
    view = read_report(_nested(60), Limits(max_depth=5))
    assert any("nested deeper" in n for n in view.notes) or any("deeply" in n for n in view.notes)


def test_many_parts_are_bounded() -> None:
    message = mail("x")
    for index in range(30):
        message.add_attachment(
            b"data", maintype="application", subtype="octet-stream", filename=f"f{index}.bin"
        )
    view = read_report(raw(message), Limits(max_parts=10))
    assert len(view.attachments) < 10 and any("MIME parts" in n for n in view.notes)


def test_looks_like_mail() -> None:
    assert looks_like_mail(b"From: a@b.c\nSubject: x\n\nbody")
    assert not looks_like_mail(b"Dear customer: your account")
    assert not looks_like_mail(b"Note: this is text\nand more")


def test_view_from_parsed_mail_matches_read_report() -> None:
    html = "<p>Verify <a href='https://evil.example.com/login'>here</a></p><form action='https://e.example.com/p'></form>"
    message = mail(
        "plain",
        sender='"Bank" <alerts@bank-secure.example.com>',
        html=html,
        headers={"Reply-To": "x@gmail.com", "Authentication-Results": "mx; spf=fail; dkim=none; dmarc=fail"},
    )
    mine = read_report(raw(message))
    theirs = view_from_parsed_mail(parse_message(raw(message)))
    for name in (
        "from_display",
        "from_address",
        "from_malformed",
        "reply_to",
        "auth",
        "forms",
        "to_addresses",
    ):
        assert getattr(mine, name) == getattr(theirs, name), name
    assert {link.href for link in mine.links} == {link.href for link in theirs.links}
