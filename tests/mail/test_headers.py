"""The one header writer: valid syntax per kind of header, no encoded word that a reader would
decode into something else, and a read-back check that refuses anything but the intended headers."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import SMTP
from email.policy import default as default_policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.mail.headers import (
    HeaderCheckFailed,
    HeaderRefused,
    Mailbox,
    MsgIds,
    Text,
    Token,
    assemble,
    check_written,
    display_name,
    header_text,
    valid_address,
    valid_msg_id,
    write_header_section,
)


def body() -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message.set_content("Hello.", subtype="plain", charset="utf-8", cte="quoted-printable")
    return message


def read(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=default_policy)  # type: ignore[return-value]


@pytest.mark.parametrize(
    "value",
    [
        "a=?x-unknown?q?=0D=0AReply-To:_attacker=40evil.example=0D=0A?=@example.org",
        "a=?x-unknown?q?=0D=0AReply-To=3A_attacker=40evil.example=0D=0A?=@example.org",  # all atext
        "x=?utf-8?b?DQpCY2M6IHZAZWxzZS5leGFtcGxl?=@example.org",
        "no-at-sign",
        "two@at@signs.example",
        "spa ce@example.org",
        "dot.@example.org",
        ".dot@example.org",
        "a..b@example.org",
        "caf\u00e9@example.org",
        "a@[1.2.3.4\\]",
        "a@b\u200b.example",
        "x" * 245 + "@e.org",
        "",
    ],
)
def test_invalid_msg_ids_are_refused(value: str) -> None:
    assert not valid_msg_id(value)
    with pytest.raises(HeaderRefused):
        write_header_section([("In-Reply-To", MsgIds((value,)))])


@pytest.mark.parametrize(
    "value",
    [
        "CAHk-=wgZ8+Lq_4x@mail.gmail.com",
        "td.Ab_9-x@acme-shop.com",
        "20260101.1234@[192.0.2.1]",
        "a!#$%&'*+/?=^_`{|}~-@x",  # every atext character, never "=?"
    ],
)
def test_valid_msg_ids_are_written_and_read_back(value: str) -> None:
    raw = assemble([("Message-ID", MsgIds((value,))), ("References", MsgIds((value, value)))], body())
    assert str(read(raw)["References"]).split() == [f"<{value}>", f"<{value}>"]


def test_the_email_package_never_decodes_what_we_write() -> None:
    """Python's email package would turn this subject's encoded word into a line break and a Bcc
    header; the writer refuses it raw and `header_text` defuses it."""
    hostile = "Hi =?utf-8?q?x=0D=0ABcc:_v=40else.example?="
    with pytest.raises(HeaderRefused):
        write_header_section([("Subject", Text(hostile))])
    raw = assemble([("Subject", Text(header_text(hostile, 300)))], body())
    message = read(raw)
    assert (
        message["Bcc"] is None and str(message["Subject"]) == "Hi = ?utf-8?q?x=0D=0ABcc:_v=40else.example?="
    )


@pytest.mark.parametrize(
    "address",
    [
        "=?utf-8?q?x=0D=0AReply-To=3A_a=40evil.example?=@customer.example",
        "pat@customer.example\u200b",
        "p\u00e4t@customer.example",
        '"quoted"@customer.example',
        "pat@customer",
        "pat@-bad-.example",
        "pat@customer.example>",
        "a@b.example, c@d.example",
    ],
)
def test_addresses_that_cannot_be_written_safely_are_refused(address: str) -> None:
    assert not valid_address(address)
    with pytest.raises(HeaderRefused):
        write_header_section([("To", Mailbox(address, "Pat"))])


def test_names_are_quoted_or_one_encoded_word() -> None:
    fields = [
        ("From", Mailbox("help@acme-shop.com", 'Acme "Outfitters" \\ Support, Inc.')),
        ("To", Mailbox("pat@customer.example", display_name("Zo\u00eb \u00d8verland-M\u00fcller " * 5))),
    ]
    message = read(assemble(fields, body()))
    assert message["From"].addresses[0].display_name == 'Acme "Outfitters" \\ Support, Inc.'
    to_name = message["To"].addresses[0].display_name
    assert to_name.startswith("Zo\u00eb \u00d8verland") and len(to_name.encode()) <= 45


def test_non_ascii_and_long_subjects_are_encoded_and_folded() -> None:
    subject = "Re: R\u00fcckerstattung f\u00fcr Bestellung " * 6 + "end"
    long_ascii = "word " * 40 + "end"
    raw = assemble([("Subject", Text(subject)), ("X-Long", Text(long_ascii))], body())
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))
    message = read(raw)
    assert str(message["Subject"]) == subject and str(message["X-Long"]) == long_ascii


def test_the_check_refuses_a_mail_with_an_extra_or_missing_header() -> None:
    fields = [("Subject", Text("Hello")), ("Auto-Submitted", Token("no"))]
    raw = assemble(fields, body())
    injected = raw.replace(b"Subject: Hello\r\n", b"Subject: Hello\r\nReply-To: a@evil.example\r\n")
    with pytest.raises(HeaderCheckFailed):
        check_written(injected, fields, ["MIME-Version", "Content-Type", "Content-Transfer-Encoding"])
    with pytest.raises(HeaderCheckFailed):
        check_written(raw.replace(b"Auto-Submitted: no\r\n", b""), fields, body().keys())
    folded = raw.replace(b"Subject: Hello", b"Subject: Hello\r\n =?utf-8?q?_there?=")
    with pytest.raises(HeaderCheckFailed):
        check_written(folded, fields, body().keys())


def test_a_header_given_twice_is_refused() -> None:
    with pytest.raises(HeaderRefused):
        write_header_section([("To", Mailbox("a@b.example")), ("to", Mailbox("c@d.example"))])


@settings(max_examples=400, deadline=None)
@given(name=st.text(max_size=300), subject=st.text(max_size=600), local=st.text(max_size=40))
def test_any_text_is_either_written_exactly_or_refused(name: str, subject: str, local: str) -> None:
    """Names and subjects made safe by the writer's own helpers always pass the read-back check and
    decode to exactly what was meant; an address either is valid and reads back, or is refused."""
    safe_name, safe_subject = display_name(name), header_text(subject, 300)
    assert "=?" not in safe_name and "=?" not in safe_subject
    fields = [("To", Mailbox("pat@customer.example", safe_name)), ("Subject", Text(safe_subject))]
    message = read(assemble(fields, body()))
    assert message["To"].addresses[0].display_name == safe_name
    assert str(message["Subject"]) == safe_subject
    assert [k.lower() for k in message.keys()] == ["to", "subject"] + [k.lower() for k in body().keys()]
    address = f"{local}@customer.example"
    try:
        raw = assemble([("From", Mailbox(address))], body())
    except HeaderRefused:
        assert not valid_address(address)
    else:
        assert read(raw)["From"].addresses[0].addr_spec == address


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"\A[A-Za-z0-9=?._+-]{1,30}@[a-z0-9.=?-]{1,20}\Z"))
def test_any_msg_id_is_either_written_exactly_or_refused(value: str) -> None:
    try:
        raw = assemble([("In-Reply-To", MsgIds((value,)))], body())
    except HeaderRefused:
        assert not valid_msg_id(value)
        return
    assert valid_msg_id(value) and "=?" not in value
    assert str(read(raw)["In-Reply-To"]) == f"<{value}>"
