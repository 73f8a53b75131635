"""The pure rules of the e-mail channel: recipients, threading, subjects, body extraction, MIME building."""

from __future__ import annotations

import email
from email import policy

from trustdesk.mail import parse_message
from trustdesk.mailchannel.addresses import AddressBook, normalise_address
from trustdesk.mailchannel.compose import Reply, build_reply, new_message_id
from trustdesk.mailchannel.content import malformed_reason, message_text, shorten, strip_quoted_tail
from trustdesk.mailchannel.threads import (
    KnownMail,
    ThreadKeys,
    base_subject,
    choose_thread,
    clean_message_id,
    reply_references,
    reply_subject,
    subject_reference,
)


def test_address_book_matches_support_addresses_only() -> None:
    book = AddressBook.from_rows(
        [(1, "Help@Acme-Shop.com"), (2, "care@globex.example"), (3, "care@globex.example")]
    )
    assert book.tenant_for("<help@acme-shop.com.>") == 1
    assert book.tenant_for("HELP+order-12@ACME-SHOP.COM") == 1  # sub-address tag ignored
    assert book.tenant_for("sales@acme-shop.com") is None
    assert book.tenant_for("care@globex.example") is None  # claimed by two retailers: ambiguous, refused
    assert normalise_address(" <Pat@Example.COM> ") == "pat@example.com"


def test_subject_tokens_and_reply_subjects() -> None:
    assert subject_reference("Re: Lamp [#td-7kq4-m2px]") == "TD-7KQ4-M2PX"
    assert subject_reference("about TD-7KQ4-M2PX please") == "TD-7KQ4-M2PX"
    assert subject_reference("TD-0000-1111") is None  # 0 and 1 are not in the reference alphabet
    assert base_subject("RE: Fwd: AW: Lamp [#TD-7KQ4-M2PX]") == "Lamp"
    assert reply_subject("Re: Lamp [#TD-7KQ4-M2PX]", "TD-7KQ4-M2PX") == "Re: Lamp [#TD-7KQ4-M2PX]"
    assert reply_subject("", "TD-7KQ4-M2PX") == "Re: Your message [#TD-7KQ4-M2PX]"


def test_message_ids_and_reference_chains() -> None:
    assert clean_message_id(" <abc@x.example> (comment)") == "abc@x.example"
    assert clean_message_id("bare@x.example") == "bare@x.example"
    assert clean_message_id("") is None
    chain = reply_references("p@x", [f"r{i}@x" for i in range(30)])
    assert chain[-1] == "p@x" and len(chain) == 20


def test_threading_rules() -> None:
    keys = ThreadKeys.of("<new@c>", "<ours@desk>", ["<old@c>"], "Re: Lamp", "pat@c.example")
    assert keys.parents == ("ours@desk", "old@c")
    ours = KnownMail(7, "ours@desk", "outbound", "help@acme.example")
    old = KnownMail(5, "old@c", "inbound", "pat@c.example")
    assert choose_thread(keys, [old, ours], None).conversation_id == 7  # our own Message-ID first
    assert choose_thread(keys, [old], None).rule == "same-sender"
    stranger = ThreadKeys.of("<x@m>", "<old@c>", [], "Re: [#TD-7KQ4-M2PX]", "mallory@m.example")
    assert choose_thread(stranger, [old], (5, "pat@c.example")).rule == "new"
    token = ThreadKeys.of("<y@c>", None, [], "Re: [#TD-7KQ4-M2PX]", "pat@c.example")
    assert choose_thread(token, [], (5, "pat@c.example")).conversation_id == 5
    resend = ThreadKeys.of("<old@c>", None, [], "Lamp", "pat@c.example")
    choice = choose_thread(resend, [old], None)
    assert choice.resend and choice.conversation_id == 5


def test_body_text_quotes_and_limits() -> None:
    reply = "Thanks, that works.\n\nOn Mon, 1 Dec 2026, Acme wrote:\n> old text\n> more old text\n"
    assert strip_quoted_tail(reply) == "Thanks, that works."
    assert strip_quoted_tail("> only a quote") == "> only a quote"
    long = ("word " * 2000) + "4111111111111111"
    short = shorten(long, 1000)
    assert len(short) < 1100 and "e-mail shortened" in short and "41111" not in short
    parsed = parse_message(b"From: a@b.example\r\nSubject: x\r\n\r\n")
    assert (
        message_text(parsed, 2) == "(no text; 2 attachments)" and message_text(parsed, 0) == "(empty e-mail)"
    )


def test_malformed_reasons() -> None:
    assert malformed_reason(parse_message(b"From: a@b.example\r\n\r\nhi")) is None
    assert "From" in (malformed_reason(parse_message(b"Subject: x\r\n\r\nhi")) or "")
    no_boundary = b"From: a@b.example\r\nContent-Type: multipart/mixed\r\n\r\nhi"
    assert "boundary" in (malformed_reason(parse_message(no_boundary)) or "")


def test_reply_mime_is_multipart_alternative_with_escaped_html() -> None:
    raw = build_reply(
        Reply(
            from_name='Acme "Shop"\r\nBcc: evil@x',
            from_address="help@acme.example",
            to_name="Pat",
            to_address="pat@c.example",
            subject="Re: Lamp\r\nBcc: evil@x [#TD-7KQ4-M2PX]",
            text="<script>x()</script> & more",
            footer="Reference TD-ABCD-EFGH \u00b7 check it at http://desk.test/t/acme/check",
            reference="TD-ABCD-EFGH",
            message_id=new_message_id("acme.example"),
            in_reply_to="old@c",
            references=("older@c", "old@c"),
        )
    )
    assert b"\r\nBcc:" not in raw  # no header injection through names or subjects
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["In-Reply-To"] == "<old@c>" and parsed["References"] == "<older@c> <old@c>"
    assert parsed["Message-ID"].endswith("@acme.example>")
    text, html = (part.get_content() for part in parsed.get_payload())
    assert "<script>x()</script> & more" in text and "Reference TD-ABCD-EFGH" in text
    assert "&lt;script&gt;" in html and "<script>" not in html
