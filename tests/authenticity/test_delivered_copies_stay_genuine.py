"""What delivery does to a message never changes the answer: re-wrapped, re-encoded, rendered, forwarded."""

from __future__ import annotations

import base64
import quopri
import textwrap

import pytest
from tests.authenticity.conftest import REFUND

from trustdesk.authenticity import MessageVerdict
from trustdesk.mail import parse_message


def test_as_sent(desk) -> None:
    _, sent = desk.send(REFUND)
    result = desk.check(sent)
    assert result.verdict is MessageVerdict.GENUINE
    assert "Acme Outfitters sent exactly this message" in result.explanation


@pytest.mark.parametrize("width", [30, 50, 72, 200])
def test_rewrapped(desk, width: int) -> None:
    _, sent = desk.send(REFUND)
    rewrapped = "\n".join(
        textwrap.fill(p, width, break_on_hyphens=False, break_long_words=False) for p in sent.split("\n\n")
    )
    assert desk.check(rewrapped).verdict is MessageVerdict.GENUINE


def test_whitespace_and_invisible_characters(desk) -> None:
    _, sent = desk.send(REFUND)
    mangled = sent.replace(" ", "  \u200b").replace("\n", "\r\n   ").replace("Pat", "\u00a0Pat")
    assert desk.check(mangled).verdict is MessageVerdict.GENUINE


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
def test_reencoded_mail_body(desk, encoding: str) -> None:
    ref, sent = desk.send(REFUND)
    data = sent.encode("utf-8")
    body = quopri.encodestring(data) if encoding == "quoted-printable" else base64.encodebytes(data)
    raw = (
        b"From: Pat Example <pat@example.org>\r\nTo: check@acmeoutfitters.com\r\nSubject: Fwd: refund\r\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
        + encoding.encode()
        + b"\r\n\r\n"
        + body
    )
    result = desk.check(raw)
    assert result.input_kind == "eml"
    assert result.reference == ref
    assert result.verdict is MessageVerdict.GENUINE


def test_html_rendering_only(desk) -> None:
    # The customer pastes what their mail program shows of the HTML part.
    _, raw = desk.send_email(REFUND)
    parsed = parse_message(raw)
    assert parsed.html_text.strip()
    assert desk.check(parsed.html_text).verdict is MessageVerdict.GENUINE


def test_forwarded_inline_gmail_style(desk) -> None:
    _, sent = desk.send(REFUND)
    forwarded = (
        "Is this really you? Thanks, Pat\n\n"
        "---------- Forwarded message ---------\n"
        "From: Acme Outfitters <support@acmeoutfitters.com>\n"
        "Date: Mon, 23 Nov 2026 at 09:12\n"
        "Subject: Your refund for order A-10442\n"
        "To: Pat Example <pat@example.org>\n\n" + sent
    )
    result = desk.check(forwarded)
    assert result.verdict is MessageVerdict.GENUINE
    assert any(r["code"] == "forwarded" for r in result.reasons)


def test_forwarded_outlook_style_and_quoted_reply(desk) -> None:
    _, sent = desk.send(REFUND)
    outlook = (
        "see below\n\n________________________________\nFrom: Acme Outfitters <support@acmeoutfitters.com>\n"
        "Sent: Monday, November 23, 2026 9:12 AM\nTo: Pat Example\nSubject: Your refund\n\n" + sent
    )
    assert desk.check(outlook).verdict is MessageVerdict.GENUINE
    quoted = (
        "Thanks!\n\nOn Mon, 23 Nov 2026 at 09:12, Acme Outfitters <support@acmeoutfitters.com>\nwrote:\n"
        + "\n".join("> " + line for line in textwrap.fill(sent, 60).split("\n"))
    )
    assert desk.check(quoted).verdict is MessageVerdict.GENUINE
    nested = "\n".join("> > " + line for line in sent.split("\n"))
    assert desk.check(nested).verdict is MessageVerdict.GENUINE


def test_chat_message_pasted_with_reference_given_separately(desk) -> None:
    ref, _ = desk.send("Your parcel 1Z999AA10123456784 arrives on Friday.", channel="chat")
    pasted = "Acme Outfitters Support 10:42\nYour parcel 1Z999AA10123456784 arrives on Friday.\nSeen"
    assert desk.check(pasted, reference=ref).verdict is MessageVerdict.GENUINE


def test_gmail_html_forward_with_mailto_links_and_a_note(desk) -> None:
    import html as html_lib
    from email.message import EmailMessage

    _, sent = desk.send(REFUND)
    body_html = "<br>".join(html_lib.escape(line) for line in sent.split("\n")).replace(
        "https://acmeoutfitters.com/orders/A-10442/refund",
        '<a href="https://acmeoutfitters.com/orders/A-10442/refund">https://acmeoutfitters.com/orders/A-10442/refund</a>',
    )
    markup = (
        '<div dir="ltr">Is this real? I found <a href="https://example.org/scam-tips">https://example.org/scam-tips</a></div>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>'
        'From: <strong>Acme Outfitters</strong> &lt;<a href="mailto:support@acmeoutfitters.com">support@acmeoutfitters.com</a>&gt;<br>'
        "Date: Mon, 23 Nov 2026 at 09:12<br>Subject: Your refund<br>"
        'To: &lt;<a href="mailto:pat@example.org">pat@example.org</a>&gt;<br></div><br><br>'
        + body_html
        + "</div>"
    )
    message = EmailMessage()
    message["From"] = "Pat Example <pat@example.org>"
    message["To"] = "check@acmeoutfitters.com"
    message["Subject"] = "Fwd: Your refund"
    message.set_content(
        "Is this real? I found https://example.org/scam-tips\n\n---------- Forwarded message ---------\n"
        "From: Acme Outfitters <support@acmeoutfitters.com>\nDate: Mon, 23 Nov 2026 at 09:12\n"
        "Subject: Your refund\nTo: <pat@example.org>\n\n" + sent
    )
    message.add_alternative(markup, subtype="html")
    result = desk.check(message.as_bytes())
    assert result.verdict is MessageVerdict.GENUINE, result.reasons
