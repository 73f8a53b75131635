"""parse_message(): limits, charsets, bodies, links, attachments, headers, malformed mail."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk.mail import MailLimits, MailParseError, MailTooLargeError, parse_message


def mail(headers: str, body: bytes | str = "Hello\n") -> bytes:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return headers.strip("\n").encode("utf-8") + b"\n\n" + data


BASIC = """
From: =?utf-8?q?Acme_S=C3=BCpport?= <support@Acme-Shop.com>
Reply-To: "Refunds" <refunds@acme-shop-help.com>
Return-Path: <bounce+123@bounce.acme-shop.com>
To: Jane <jane@example.org>, bob@example.org
Cc: team@acme-shop.com
Subject: =?utf-8?b?UsO8Y2tlcnN0YXR0dW5n?= for order 1042
Message-ID: <abc.123@acme-shop.com>
In-Reply-To: <q-77@example.org>
References: <q-1@example.org>
  <q-77@example.org>
Date: Tue, 02 Jan 2024 10:00:00 +0100
Received: from mx2.example.org (mx2.example.org [198.51.100.7]) by in.example.net with ESMTPS id 1; Tue, 02 Jan 2024 10:00:09 +0100
Received: from relay.acme-shop.com ([2001:db8::25]) by mx2.example.org; Tue, 02 Jan 2024 10:00:05 +0100
"""


def test_headers_are_decoded():
    m = parse_message(mail(BASIC))
    assert m.from_ is not None
    assert m.from_.display_name == "Acme Süpport"
    assert m.from_.address == "support@Acme-Shop.com"
    assert m.from_domain == "acme-shop.com"
    assert [str(a) for a in m.reply_to] == ["Refunds <refunds@acme-shop-help.com>"]
    assert m.return_path == "bounce+123@bounce.acme-shop.com"
    assert [a.address for a in m.to] == ["jane@example.org", "bob@example.org"]
    assert [a.address for a in m.cc] == ["team@acme-shop.com"]
    assert m.subject == "Rückerstattung for order 1042"
    assert m.message_id == "<abc.123@acme-shop.com>"
    assert m.in_reply_to == "<q-77@example.org>"
    assert m.references == ("<q-1@example.org>", "<q-77@example.org>")
    assert m.date == dt.datetime(2024, 1, 2, 9, 0, tzinfo=dt.UTC)
    assert [(h.from_host, h.from_ip, h.by_host) for h in m.received] == [
        ("mx2.example.org", "198.51.100.7", "in.example.net"),
        ("relay.acme-shop.com", "2001:db8::25", "mx2.example.org"),
    ]
    assert m.received[0].timestamp == dt.datetime(2024, 1, 2, 9, 0, 9, tzinfo=dt.UTC)
    assert m.text == "Hello" and m.text_source == "plain"
    assert m.header("subject") == m.subject
    assert len(m.header_all("received")) == 2


def test_oversize_mail_is_refused_with_a_clear_error():
    limits = MailLimits(max_message_bytes=1000)
    with pytest.raises(MailTooLargeError) as err:
        parse_message(mail("From: a@b.com", "x" * 2000), limits)
    assert err.value.size > 1000 and err.value.limit == 1000
    assert isinstance(err.value, MailParseError)
    assert "limit is 1000 bytes" in str(err.value)


def test_oversize_header_section_is_refused():
    headers = "From: a@b.com\n" + "".join(f"X-Junk-{i}: {'y' * 80}\n" for i in range(100))
    with pytest.raises(MailTooLargeError) as err:
        parse_message(mail(headers), MailLimits(max_header_bytes=4096))
    assert err.value.what == "header section"


@pytest.mark.parametrize(
    ("charset", "payload", "expected"),
    [
        ("iso-8859-1", "Grüße €".encode("cp1252"), "Grüße €"),
        ("utf-8", "Grüße".encode(), "Grüße"),
        ("x-unknown-charset", "Grüße".encode(), "Grüße"),
        ("x-unknown-charset", "Grüße".encode("cp1252"), "Grüße"),
        ("utf-8", b"Gr\xfc\xdfe", "Gr\ufffd\ufffde"),
        ("us-ascii", "Grüße".encode(), "Grüße"),
        ("base64", b"aGVsbG8=", "aGVsbG8="),  # a bytes codec is never used as a charset
        ("rot13", b"uryyb", "uryyb"),
        ("utf-16", "Hallo".encode("utf-16"), "Hallo"),
        ("gb2312", "你好".encode("gb18030"), "你好"),
        ("ks_c_5601-1987", "안녕".encode("cp949"), "안녕"),
    ],
)
def test_charsets_never_crash(charset, payload, expected):
    raw = mail(
        f"From: a@b.com\nContent-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit",
        payload,
    )
    assert parse_message(raw).text.strip() == expected


def test_unknown_charset_is_recorded_as_defect():
    raw = mail("From: a@b.com\nContent-Type: text/plain; charset=klingon", b"qapla'")
    m = parse_message(raw)
    assert m.text.strip() == "qapla'"
    assert any("unknown charset" in d for d in m.defects)


def test_eight_bit_headers_are_decoded():
    raw = "From: Jörg <j@b.com>\nSubject: Bestätigung\n\nx".encode()
    m = parse_message(raw)
    assert m.subject == "Bestätigung"
    assert m.from_ is not None and m.from_.display_name == "Jörg"
    latin = "Subject: Bestätigung\nFrom: j@b.com\n\nx".encode("latin-1")
    assert parse_message(latin).subject == "Bestätigung"


HTML = """<html><head><title>t</title><style>p {color: red}</style>
<script>alert('x')</script></head><body>
<p>Dear customer,</p><p>Your account is <b>locked</b>.</p>
<a href="https://acme-shop.evil.example/login">https://acme-shop.com/login</a>
<ul><li>one</li><li>two &amp; three</li></ul>
<!-- hidden comment -->
<form action="https://collect.evil.example/post"><input name=pw></form>
<img src="https://tracker.example/p.gif" alt="logo"><img src="cid:logo1">
<a href="javascript:steal()">click</a>
</body></html>"""


def test_html_only_mail_is_reduced_to_sanitised_text_and_links():
    raw = mail("From: a@b.com\nContent-Type: text/html; charset=utf-8", HTML)
    m = parse_message(raw)
    assert m.text_source == "html"
    assert "Dear customer," in m.text and "Your account is locked." in m.text
    assert "- two & three" in m.text
    assert "alert" not in m.text and "color" not in m.text and "hidden comment" not in m.text
    assert "<" not in m.text
    links = {(link.url, link.text, link.tag) for link in m.links}
    assert ("https://acme-shop.evil.example/login", "https://acme-shop.com/login", "a") in links
    assert ("https://collect.evil.example/post", "", "form") in links
    assert ("https://tracker.example/p.gif", "", "img") in links
    assert ("javascript:steal()", "click", "a") in links
    assert not any(link.url.startswith("cid:") for link in m.links)


def test_plain_alternative_is_preferred_and_html_kept():
    raw = mail(
        'From: a@b.com\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="b1"',
        "--b1\nContent-Type: text/plain\n\nPlain version https://acme-shop.com/a.\n"
        "--b1\nContent-Type: text/html\n\n<p>HTML <a href='https://acme-shop.co/a'>version</a></p>\n--b1--\n",
    )
    m = parse_message(raw)
    assert m.text_source == "plain"
    assert m.text.strip() == "Plain version https://acme-shop.com/a."
    assert m.html_text == "HTML version"
    urls = [link.url for link in m.links]
    assert "https://acme-shop.com/a" in urls  # trailing full stop dropped
    assert "https://acme-shop.co/a" in urls  # the HTML's different href is visible too


def multipart(parts: list[str], boundary: str = "BOUND") -> bytes:
    body = "".join(f"--{boundary}\n{p}\n" for p in parts) + f"--{boundary}--\n"
    return mail(
        f'From: a@b.com\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="{boundary}"', body
    )


def b64_part(ctype: str, filename: str, data: bytes) -> str:
    return (
        f'Content-Type: {ctype}\nContent-Disposition: attachment; filename="{filename}"\n'
        f"Content-Transfer-Encoding: base64\n\n{base64.encodebytes(data).decode()}"
    )


def test_attachments_metadata_bytes_and_refusals():
    pdf = b"%PDF-1.7\n" + b"x" * 100
    exe = b"MZ\x90\x00" + b"\x00" * 60
    zipped = b"PK\x03\x04" + b"\x00" * 40
    raw = multipart(
        [
            "Content-Type: text/plain\n\nsee attached",
            b64_part("application/pdf", "invoice.pdf", pdf),
            b64_part("application/octet-stream", "invoice.pdf.exe", exe),
            b64_part("application/pdf", "renamed.pdf", exe),
            b64_part("application/zip", "../../etc/archive.zip", zipped),
            b64_part("application/octet-stream", "big.bin", b"z" * 5000),
        ]
    )
    m = parse_message(raw, MailLimits(max_attachment_bytes=4096))
    assert m.text.strip() == "see attached"
    by_name = {a.filename: a for a in m.attachments}
    assert by_name["invoice.pdf"].content == pdf and by_name["invoice.pdf"].detected_type == "pdf"
    assert by_name["invoice.pdf"].size == len(pdf) and len(by_name["invoice.pdf"].sha256) == 64
    assert by_name["invoice.pdf.exe"].content is None and ".exe" in (by_name["invoice.pdf.exe"].refused or "")
    assert by_name["renamed.pdf"].content is None and "executable" in (by_name["renamed.pdf"].refused or "")
    # archives are kept as opaque bytes, never unpacked; paths are stripped from names
    assert by_name["archive.zip"].content == zipped and by_name["archive.zip"].detected_type == "zip"
    assert by_name["big.bin"].content is None and by_name["big.bin"].size == 5000


def test_attached_message_stays_an_eml_attachment():
    inner = "From: boss@acme-shop.com\nSubject: inner\n\nPlease buy gift cards"
    raw = multipart(
        ["Content-Type: text/plain\n\nFYI, see below", f"Content-Type: message/rfc822\n\n{inner}"]
    )
    m = parse_message(raw)
    assert m.text.strip() == "FYI, see below"
    (eml,) = m.attachments
    assert eml.content_type == "message/rfc822" and eml.content is not None
    forwarded = parse_message(eml.content)
    assert forwarded.subject == "inner" and "gift cards" in forwarded.text


def test_nesting_depth_limit():
    inner = "Content-Type: text/plain\n\ndeep text"
    for level in range(12):
        b = f"n{level}"
        inner = f'Content-Type: multipart/mixed; boundary="{b}"\n\n--{b}\n{inner}\n--{b}--'
    m = parse_message(mail("From: a@b.com\nMIME-Version: 1.0", "") + b"", MailLimits())
    assert m.text == ""
    raw = b"From: a@b.com\nMIME-Version: 1.0\n" + inner.encode()
    shallow = parse_message(raw, MailLimits(max_depth=20))
    assert shallow.text.strip() == "deep text"
    limited = parse_message(raw, MailLimits(max_depth=5))
    assert limited.text == ""
    assert any("nesting deeper than 5" in d for d in limited.defects)


def test_absurd_multipart_nesting_does_not_blow_up():
    inner = "Content-Type: text/plain\n\nx"
    for level in range(1500):
        inner = f'Content-Type: multipart/mixed; boundary="z{level}"\n\n--z{level}\n{inner}\n--z{level}--'
    m = parse_message(b"From: a@b.com\nSubject: bomb\n" + inner.encode())
    assert m.subject == "bomb"
    assert any("boundaries" in d or "deep" in d for d in m.defects)


def test_too_many_parts_are_cut_off():
    raw = multipart([f"Content-Type: text/plain\n\npart {i}" for i in range(30)])
    m = parse_message(raw, MailLimits(max_parts=10))
    assert "part 8" in m.text and "part 20" not in m.text
    assert any("MIME parts" in d for d in m.defects)


def test_truncated_mail_is_parsed_as_far_as_it_goes():
    raw = multipart(
        ["Content-Type: text/plain\n\nfirst part", b64_part("application/pdf", "a.pdf", b"%PDF-1.4 ok")]
    )
    cut = raw[: raw.index(b"Content-Transfer-Encoding: base64") + 45]
    m = parse_message(cut)
    assert m.truncated
    assert m.text.strip() == "first part"
    assert m.attachments and m.attachments[0].filename == "a.pdf"


def test_repairs_unquoted_boundary_with_equals_sign():
    raw = (
        b"From: a@b.com\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/alternative;\n\tboundary=----=_Part_1.2\n\n"
        b"------=_Part_1.2\nContent-Type: text/plain\n\nrepaired body\n------=_Part_1.2--\n"
    )
    m = parse_message(raw)
    assert m.text.strip() == "repaired body"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n\n\n",
        b"no headers at all, just text",
        b"From: <>\n\n",
        b'From: "unterminated <a@b.com\n\nx',
        b"From: a@b.com\nContent-Type: multipart/mixed\n\nno boundary param",
        b'From: a@b.com\nContent-Type: text/plain; charset="\n\nx',
        b"From: a@b.com\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!",
        b"From: a@b.com\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n=",
        b"From: a@b.com\nDate: yesterday-ish\nMessage-ID: not an id\n\nx",
        b" leading continuation\nFrom: a@b.com\n\nx",
        b"\x00\x01\x02\xff\xfe",
    ],
)
def test_malformed_mail_never_crashes(raw):
    m = parse_message(raw)
    assert isinstance(m.text, str)
    assert isinstance(m.defects, tuple)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(raw):
    parse_message(b"From: a@b.com\nContent-Type: multipart/mixed; boundary=x\n\n--x\n" + raw)
    parse_message(raw)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_random_header_text_never_crashes(value):
    raw = f"From: {value}\nSubject: {value}\nReply-To: {value}\nDate: {value}\n\nbody".encode(
        "utf-8", "surrogatepass"
    )
    parse_message(raw)
