"""Customer-controlled values never add a header or text to the retailer's DKIM-signed reply.

Hostile Message-IDs, References, names, subjects and addresses go through smtplib to the real
listener, an agent answers, the mail.send job builds, signs and relays the reply (an aiosmtpd
sink), and the reply must carry exactly the desk's headers and pass DKIM verification."""

from __future__ import annotations

import base64
import email
from email.policy import default as default_policy
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.mailchannel.conftest import ACME_SUPPORT, CUSTOMER, Sink, World

from trustdesk.authenticity.service import create_dkim_key
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import post_message
from trustdesk.mail import DkimResult, Resolver, verify_dkim
from trustdesk.mail.headers import valid_msg_id
from trustdesk.store.models import AuditEvent, Conversation, Job, MailRecord, Tenant

ANSWER = "Your parcel left our warehouse today."
# The finding as reported: an unknown charset, so the inbound decoding leaves the word alone and
# Python's email package decoded it into real line breaks when writing In-Reply-To/References.
ISSUE_MESSAGE_ID = (
    "<a=?x-unknown?q?=0D=0AReply-To:_attacker=40evil.example=0D=0A=0D=0A"
    "Your_Acme_account_is_locked\u2026?=@example.org>"
)
# The same word in plain atext (":" written as =3A): a syntactically valid msg-id.
ATEXT_MESSAGE_ID = (
    "<a=?x-unknown?q?=0D=0AReply-To=3A_attacker=40evil.example=0D=0A=0D=0A"
    "Your_Acme_account_is_locked?=@example.org>"
)
DESK_HEADERS = [
    "dkim-signature",
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "x-trustdesk-reference",
    "auto-submitted",
    "mime-version",
    "content-type",
]


@pytest.fixture
def signing(world: World, sink: Sink) -> Resolver:
    """acme gets a live DKIM key published in the local DNS; returns a resolver that sees it."""
    with world.sessions() as s:
        tenant = s.get(Tenant, world.tenants["acme"])
        key = create_dkim_key(s, tenant, world.box, actor="test", bits=1024)  # type: ignore[arg-type]
        selector, public = key.selector, key.public_key
        s.commit()
    world.dns.add(f"{selector}._domainkey.acme-shop.com", "TXT", f"v=DKIM1; k=rsa; p={public}")
    return Resolver(["127.0.0.1"], port=world.dns.port, timeout=1.0)


def raw_mail(
    *,
    sender: str = CUSTOMER,
    name: str = "Pat Example",
    subject: str = "Where is my order?",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
) -> bytes:
    """A mail as a hostile client writes it: header values exactly as given (UTF-8 allowed)."""
    lines = [f"From: {name} <{sender}>", f"To: {ACME_SUPPORT}", f"Subject: {subject}"]
    if message_id is not None:
        lines.append(f"Message-ID: {message_id}")
    if in_reply_to is not None:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references is not None:
        lines.append(f"References: {references}")
    return ("\r\n".join(lines) + "\r\n\r\nHello, where is my parcel?\r\n").encode("utf-8")


def answer_latest(world: World) -> Conversation:
    """The agent answers the conversation of the newest inbound mail; the mail.send job runs once."""
    with world.sessions() as s:
        record = s.scalars(
            select(MailRecord).where(MailRecord.direction == "inbound").order_by(MailRecord.id.desc())
        ).first()
        assert record is not None
        conv = s.get(Conversation, record.conversation_id)
        assert conv is not None
        s.expunge(conv)
    author = Author(AuthorKind.AGENT, user_id=world.agents["acme"], name="Sam")
    post_message(world.desk, world.tenants["acme"], conv.public_id, author, ANSWER)
    assert world.worker().run_once() == 1
    return conv


def assert_exactly_our_reply(raw: bytes, conv: Conversation, resolver: Resolver) -> None:
    parsed = email.message_from_bytes(raw, policy=default_policy)
    names = [n.lower() for n in parsed.keys()]
    assert len(names) == len(set(names)), names
    assert set(names) <= set(DESK_HEADERS), names
    assert parsed.defects == []
    assert parsed["From"].addresses[0].addr_spec == ACME_SUPPORT
    (to,) = parsed["To"].addresses
    assert to.addr_spec == conv.customer_email
    for name in ("In-Reply-To", "References"):
        if parsed[name] is not None:
            ids = str(parsed[name]).split()
            assert ids and all(i[0] == "<" and i[-1] == ">" and valid_msg_id(i[1:-1]) for i in ids)
    text_part, html_part = parsed.get_payload()
    text = text_part.get_content().replace("\r\n", "\n")
    assert text.startswith(ANSWER + "\n\nReference TD-")
    assert "locked" not in text and "locked" not in html_part.get_content()
    (signature,) = verify_dkim(raw, resolver)
    assert signature.result is DkimResult.PASS and signature.domain == "acme-shop.com"


def not_sent_reason(world: World, conv: Conversation) -> str | None:
    with world.sessions() as s:
        event = s.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == "mail.reply_not_sent",
                AuditEvent.target == f"conversation:{conv.public_id}",
            )
            .order_by(AuditEvent.id.desc())
        ).first()
        return str(event.details["reason"]) if event is not None else None


@pytest.mark.parametrize("hostile", [ISSUE_MESSAGE_ID, ATEXT_MESSAGE_ID])
def test_an_encoded_word_in_a_message_id_never_reaches_the_signed_reply(
    world: World, sink: Sink, signing: Resolver, hostile: str
) -> None:
    """The issue's attack: the customer's Message-ID, References and In-Reply-To hold an encoded
    word with line breaks and a Reply-To; the reply must carry neither, and still verify."""
    world.send_raw(raw_mail(message_id=hostile, in_reply_to=hostile, references=hostile), to=[ACME_SUPPORT])
    conv = answer_latest(world)
    sink.wait(1)
    raw = sink.messages[0][2]
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nReply-To:" not in head and b"evil.example" not in raw and b"=?x-unknown" not in raw
    assert_exactly_our_reply(raw, conv, signing)
    # Intake kept the mail but no invalid msg-id: the hostile one is not stored anywhere.
    with world.sessions() as s:
        record = s.scalars(select(MailRecord).where(MailRecord.direction == "inbound")).one()
    assert valid_msg_id(record.header_message_id) and "=?" not in record.header_message_id
    assert record.in_reply_to is None and record.references == []


def test_a_stored_hostile_message_id_from_before_the_check_is_left_out_of_the_reply(
    world: World, sink: Sink, signing: Resolver
) -> None:
    """Rows written before intake validated msg-ids may hold anything: the reply threads on the
    valid ones only."""
    world.send(headers={"Message-ID": "<first@customer.example>"})
    with world.sessions() as s:
        record = s.scalars(select(MailRecord)).one()
        record.header_message_id = ATEXT_MESSAGE_ID.strip("<>")
        record.references = ["ok.1@customer.example", ATEXT_MESSAGE_ID.strip("<>")]
        s.commit()
    conv = answer_latest(world)
    sink.wait(1)
    parsed = email.message_from_bytes(sink.messages[0][2], policy=default_policy)
    assert parsed["In-Reply-To"] is None
    assert str(parsed["References"]) == "<ok.1@customer.example>"
    assert_exactly_our_reply(sink.messages[0][2], conv, signing)


def test_a_reply_whose_headers_do_not_read_back_is_not_sent_and_is_audited(
    world: World, sink: Sink, signing: Resolver
) -> None:
    """An outbound record reserved with a hostile In-Reply-To (a retry of an old job): the header
    writer refuses it, so nothing is signed or sent, and the refusal is audited."""
    world.send()
    conv = answer_latest(world)  # the first reply goes out
    sink.wait(1)
    with world.sessions() as s:
        out = s.scalars(select(MailRecord).where(MailRecord.direction == "outbound")).one()
        out.status, out.in_reply_to = "sending", ATEXT_MESSAGE_ID.strip("<>")
        job = s.scalars(select(Job)).one()
        job.status = "pending"
        s.commit()
    assert world.worker().run_once() == 1
    assert len(sink.messages) == 1
    reason = not_sent_reason(world, conv)
    assert reason is not None and "In-Reply-To" in reason and "headers" in reason


# ---- property: whatever the customer sends, the reply has exactly our headers -----------------

EVIL_PIECES = [
    "=?x-unknown?q?=0D=0AReply-To:_a=40evil.example=0D=0A?=",
    "=?utf-8?q?=0D=0ABcc:_v=40else.example?=",
    "=?utf-8?b?DQpSZXBseS1UbzogYUBldmlsLmV4YW1wbGUNCg==?=",  # "\r\nReply-To: a@evil.example\r\n"
    "=?iso-8859-1?q?=0AX-Evil:_1?=",
    "=?",
    "?=",
    "\r\n Reply-To: a@evil.example",  # folded: stays inside the same header
    "\r\n\t",
    "<",
    ">",
    "@",
    ",",
    ";",
    ":",
    '"',
    "\\",
    "(c)",
    "[1.2.3.4]",
    "\u200b",
    "\u2026",
    "\u00e9",
    "\u202e",
    " ",
    ".",
    "..",
    "%0D%0A",
    "=0D=0A",
]
hostile_text = st.lists(
    st.one_of(st.sampled_from(EVIL_PIECES), st.text(alphabet="abcXYZ019-_.+=?", max_size=6)),
    min_size=1,
    max_size=8,
).map("".join)
hostile_id = st.one_of(
    hostile_text,
    hostile_text.map(lambda t: f"<{t}@customer.example>"),
    hostile_text.map(lambda t: f"<x{t}@{t}>"),
)
local_parts = st.one_of(
    st.just("pat"),
    st.just("pat+tag"),
    st.just("=?utf-8?q?x=0D=0AReply-To=3A_a=40evil.example?="),
    st.text(alphabet="abc.=?_+-", min_size=1, max_size=12),
)


def _no_bare_breaks(value: str) -> str:
    # A bare CR or LF would end the header line in the attacker's own mail; folding keeps the
    # value inside its header, which is the interesting case.
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n ")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    message_id=hostile_id,
    in_reply_to=st.none() | hostile_id,
    references=st.lists(hostile_id, max_size=3),
    name=hostile_text,
    name_form=st.sampled_from(["encoded", "quoted", "raw"]),
    subject=hostile_text,
    local=local_parts,
)
def test_hostile_headers_never_change_the_signed_reply(
    world: World,
    sink: Sink,
    signing: Resolver,
    message_id: str,
    in_reply_to: str | None,
    references: list[str],
    name: str,
    name_form: str,
    subject: str,
    local: str,
) -> None:
    before = len(sink.messages)
    if name_form == "encoded":  # decoded at intake into exactly the hostile text
        name = "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="
    elif name_form == "quoted":
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raw = raw_mail(
        sender=f"{local}@customer.example",
        name=_no_bare_breaks(name),
        subject=_no_bare_breaks(subject),
        message_id=_no_bare_breaks(message_id),
        in_reply_to=_no_bare_breaks(in_reply_to) if in_reply_to is not None else None,
        references=_no_bare_breaks(" ".join(references)) if references else None,
    )
    try:
        world.send_raw(raw, to=[ACME_SUPPORT], mail_from=CUSTOMER)
    except Exception as exc:  # noqa: BLE001 - a refused mail (5xx) adds nothing to check
        refused: Any = exc
        assert "5" in str(getattr(refused, "smtp_code", "5"))[:1]
        event(f"refused by the listener: {str(exc)[:90]}")
        return
    conv = answer_latest(world)
    if len(sink.messages) == before:
        reason = not_sent_reason(world, conv)
        assert reason is not None and "safely" in reason  # only an unwritable address stops a reply
        event("no reply: the address cannot be written")
        return
    event("reply sent")
    sink.wait(before + 1)
    assert_exactly_our_reply(sink.messages[-1][2], conv, signing)
