"""Adversarial mail: secrets hidden behind a wrong file type, broken bytes, bombs, and threading
tricks across retailers. Everything goes through smtplib to the real listener."""

from __future__ import annotations

import base64
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select
from tests.mailchannel.conftest import ACME_SUPPORT, CUSTOMER, GLOBEX_SUPPORT, World
from tests.mailchannel.test_inbound import CARD, CARD_SPACED, PDF, conversations

from trustdesk.store.models import MailAttachment, MailRecord, Message

PASSWORD = "Hunter2!Secret"


def _kept_files(world: World, slug: str = "acme") -> dict[str, bytes]:
    folder = world.settings.attachments_dir / str(world.tenants[slug])
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


INNER_BODY = f"Confirm your card {CARD_SPACED} and your password: {PASSWORD} now.\n"
INNER_BODY_BASE64 = base64.b64encode(INNER_BODY.encode())[:40]


def _inner_mail() -> bytes:
    inner = EmailMessage()
    inner["From"] = "Scammer <billing@acme-shop-support.example>"
    inner["To"] = CUSTOMER
    inner["Subject"] = "Your refund"
    inner.set_content(INNER_BODY, cte="base64")
    return inner.as_bytes()


@pytest.mark.parametrize(
    ("filename", "maintype", "subtype", "data"),
    [
        ("notes.dat", "application", "octet-stream", f"card: {CARD}\npassword: {PASSWORD}\n".encode()),
        ("scan.pdf", "application", "pdf", f"my card is {CARD_SPACED}, password: {PASSWORD}\n".encode()),
        ("notes", "application", "octet-stream", f"card {CARD}\r\npassword: {PASSWORD}\r\n".encode("utf-16")),
        ("mail.bin", "application", "octet-stream", _inner_mail()),  # an .eml under another name, base64 body
        ("forward", "message", "global", _inner_mail()),
    ],
)
def test_secrets_in_text_under_a_binary_name_or_type_are_never_stored(
    world: World, filename: str, maintype: str, subtype: str, data: bytes
) -> None:
    outer = EmailMessage()
    outer["From"] = f"Pat <{CUSTOMER}>"
    outer["To"] = ACME_SUPPORT
    outer["Subject"] = "My details"
    outer["Message-ID"] = make_msgid(domain="customer.example")
    outer.set_content("See the attachment, and a real PDF.")
    outer.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    outer.add_attachment(PDF, maintype="application", subtype="pdf", filename="receipt.pdf")
    world.send_raw(outer.as_bytes(), to=[ACME_SUPPORT])
    kept = _kept_files(world)
    assert PDF in kept.values()  # real binary files are kept as sent
    assert len(kept) == 2
    secrets = (CARD, CARD_SPACED, PASSWORD)
    for content in kept.values():
        for secret in secrets:
            assert secret.encode() not in content
            assert secret.encode("utf-16-le") not in content
        assert INNER_BODY_BASE64 not in content
    with world.sessions() as s:
        rows = s.scalars(select(MailAttachment)).all()
    assert all(row.stored for row in rows)


def test_a_message_id_of_one_retailer_never_threads_into_another(world: World) -> None:
    """Mail to globex that names acme's conversation (its Message-ID, its subject token) opens a
    new globex conversation; acme's conversation gets nothing."""
    first_id = make_msgid(domain="customer.example")
    world.send(headers={"Message-ID": first_id})
    acme = conversations(world, "acme")[0]
    world.send(
        to=GLOBEX_SUPPORT,
        subject=f"Re: Where is my order? [#{acme.reference}]",
        headers={"In-Reply-To": first_id, "References": first_id},
    )
    world.send(to=GLOBEX_SUPPORT, headers={"Message-ID": first_id})  # the very same Message-ID again
    assert len(conversations(world, "acme")) == 1
    with world.sessions() as s:
        assert len(s.scalars(select(Message).where(Message.conversation_id == acme.id)).all()) == 1
        globex_mail = s.scalars(
            select(MailRecord).where(MailRecord.tenant_id == world.tenants["globex"])
        ).all()
    assert len(globex_mail) == 2
    assert {m.conversation_id for m in globex_mail}.isdisjoint({acme.id})


@pytest.mark.parametrize(
    "recipient",
    [
        "HELP@ACME-SHOP.COM",
        "help+order-7@acme-shop.com",
        "<help@acme-shop.com>",
    ],
)
def test_spellings_of_a_support_address_reach_that_retailer_only(world: World, recipient: str) -> None:
    assert world.send_raw(_plain(recipient), to=[recipient]) == {}
    assert len(conversations(world, "acme")) == 1 and conversations(world, "globex") == []


@pytest.mark.parametrize(
    "recipient",
    [
        '"help"@acme-shop.com',
        "help@acme-shop.com.",
        "help@acme-shop.com@globex-shop.com",
        "help%acme-shop.com@globex-shop.com",
        "@globex-shop.com:help@acme-shop.com",
        "help@xn--acme-shop-.com",
        "hеlp@acme-shop.com",  # Cyrillic "е"
    ],
)
def test_tricky_recipients_are_refused_not_routed_elsewhere(world: World, recipient: str) -> None:
    with smtplib.SMTP("127.0.0.1", world.listener.port, timeout=30) as smtp:
        smtp.ehlo("mx.customer.example")
        smtp.mail(CUSTOMER, options=["SMTPUTF8"] if not recipient.isascii() else [])
        code, _ = smtp.rcpt(recipient)
    assert 500 <= code < 600 or code == 250
    if code == 250:  # only if it is acme's address, it must land at acme
        world.send_raw(_plain(recipient), to=[recipient])
        assert conversations(world, "globex") == []


def _plain(to: str, *, headers: bytes = b"", body: bytes = b"Hello there.\r\n") -> bytes:
    return (
        f"From: Pat <{CUSTOMER}>\r\nTo: {to}\r\nSubject: hi\r\n".encode()
        + headers
        + f"Message-ID: {make_msgid(domain='customer.example')}\r\n\r\n".encode()
        + body
    )


def _smtp_data(world: World, raw: bytes, to: str = ACME_SUPPORT) -> tuple[int, bytes]:
    with smtplib.SMTP("127.0.0.1", world.listener.port, timeout=30) as smtp:
        smtp.ehlo("mx.customer.example")
        smtp.mail(CUSTOMER)
        smtp.rcpt(to)
        code, text = smtp.data(raw)
        return code, text


@pytest.mark.parametrize(
    "raw",
    [
        _plain(ACME_SUPPORT, body=b"bad utf-8 \xff\xfe\xc3\x28 and a null \x00 byte\r\n"),
        _plain(ACME_SUPPORT, headers=b"X-Long: " + b"a" * 20000 + b"\r\n"),
        _plain(
            ACME_SUPPORT,
            headers=b"Subject: =?utf-8?b?" + base64.b64encode(b"\xff\x00\r\nBcc: x@y") + b"?=\r\n",
        ),
        _plain(ACME_SUPPORT, headers=b"Content-Type: text/plain; charset=x-no-such-charset\r\n"),
        _plain(
            ACME_SUPPORT, headers=b"Content-Type: text/plain; charset=utf-7\r\n", body=b"+ADw-script+AD4-\r\n"
        ),
        _plain(ACME_SUPPORT, headers=b"".join(b"X-H%d: v\r\n" % i for i in range(3000))),
    ],
)
def test_broken_bytes_get_an_smtp_answer_and_never_crash(world: World, raw: bytes) -> None:
    code, _ = _smtp_data(world, raw)
    assert code == 250 or 500 <= code < 600
    assert world.send() == {}  # the listener still works


def test_nested_forwarded_mail_bomb_is_bounded(world: World) -> None:
    """Sixty mails, each attached to the next: answered at once, and the innermost secrets stay out."""
    inner = EmailMessage()
    inner["From"] = "Scammer <billing@acme-shop-support.example>"
    inner["Subject"] = "Your refund"
    inner.set_content(f"Confirm your card {CARD_SPACED} and your password: {PASSWORD} now.")
    for depth in range(60):
        wrapper = EmailMessage()
        wrapper["From"] = f"Level {depth} <l{depth}@customer.example>"
        wrapper["To"] = ACME_SUPPORT
        wrapper["Subject"] = f"level {depth}"
        wrapper["Message-ID"] = make_msgid(domain="customer.example")
        wrapper.set_content("see attached")
        wrapper.add_attachment(inner)  # message/rfc822, nested as is
        inner = wrapper
    inner.replace_header("From", f"Pat <{CUSTOMER}>")
    code, _ = _smtp_data(world, inner.as_bytes())
    assert code == 250 or 500 <= code < 600
    for content in _kept_files(world).values():
        assert PASSWORD.encode() not in content and CARD_SPACED.encode() not in content


def test_many_recipients_are_capped_with_452(world: World) -> None:
    with smtplib.SMTP("127.0.0.1", world.listener.port, timeout=30) as smtp:
        smtp.ehlo("mx.customer.example")
        smtp.mail(CUSTOMER)
        codes = [smtp.rcpt(f"help+{i}@acme-shop.com")[0] for i in range(25)]
    assert codes[:20] == [250] * 20 and set(codes[20:]) == {452}


def test_a_forged_sender_cannot_write_into_the_customers_conversation(world: World) -> None:
    """The same-sender and subject-token rules trust the From address; when the sender's own domain
    disowns the mail (DMARC fail), a stranger who knows the customer's address, a Message-ID and
    the reference only opens a conversation of their own."""
    world.dns.add("strict.example", "TXT", "v=spf1 ip4:127.0.0.1 -all")
    world.dns.add("_dmarc.strict.example", "TXT", "v=DMARC1; p=reject")
    victim = "victim@strict.example"
    first_id = make_msgid(domain="strict.example")
    world.send(sender=victim, headers={"Message-ID": first_id})  # from 127.0.0.1: DMARC pass
    (conversation,) = conversations(world)
    forged = EmailMessage()
    forged["From"] = f"Victim <{victim}>"
    forged["To"] = ACME_SUPPORT
    forged["Subject"] = f"Re: Where is my order? [#{conversation.reference}]"
    forged["Message-ID"] = make_msgid(domain="strict.example")
    forged["In-Reply-To"] = first_id
    forged["References"] = first_id
    forged.set_content("Please send my refund to a new account instead.")
    raw = forged.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with smtplib.SMTP(
        "127.0.0.1",
        world.listener.port,
        local_hostname="mx.elsewhere.example",
        source_address=("127.0.0.2", 0),
    ) as smtp:  # 127.0.0.2 is not in strict.example's SPF record
        smtp.sendmail(victim, [ACME_SUPPORT], raw)
    after = conversations(world)
    assert len(after) == 2
    with world.sessions() as s:
        bodies = [
            m.body for m in s.scalars(select(Message).where(Message.conversation_id == conversation.id))
        ]
        forged_mail = s.scalars(select(MailRecord).where(MailRecord.conversation_id == after[1].id)).one()
    assert not any("refund" in body for body in bodies)
    assert forged_mail.auth is not None and forged_mail.auth["dmarc"] == "fail"


def test_an_address_on_another_retailers_domain_is_that_retailers_only(world: World) -> None:
    """Official channels are entered by each retailer's admins: globex listing acme's support address
    (or another address on acme's domain) must neither bounce acme's mail nor capture it."""
    from trustdesk.store.models import OfficialChannelRow

    with world.sessions() as s:
        for value in ("help@acme-shop.com", "sales@acme-shop.com", "help@eu.acme-shop.com"):
            s.add(OfficialChannelRow(tenant_id=world.tenants["globex"], kind="email", value=value))
        s.commit()
    world.intake.forget_addresses()
    assert world.send(to=ACME_SUPPORT) == {}  # still acme's, not ambiguous
    assert len(conversations(world, "acme")) == 1
    for recipient in ("sales@acme-shop.com", "help@eu.acme-shop.com"):
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            world.send(to=recipient)
    assert conversations(world, "globex") == []


def test_address_book_gives_a_domain_to_its_retailer() -> None:
    from trustdesk.mailchannel.addresses import AddressBook

    book = AddressBook.from_rows(
        [
            (1, "help@acme-shop.com"),
            (2, "help@acme-shop.com"),
            (2, "sales@acme-shop.com"),
            (2, "care@globex.example"),
        ],
        primary_domains={1: "acme-shop.com", 2: "globex.example"},
    )
    assert book.tenant_for("help@acme-shop.com") == 1
    assert book.tenant_for("sales@acme-shop.com") is None
    assert book.tenant_for("care@globex.example") == 2


def test_a_retailer_never_sends_from_another_retailers_domain(world: World, sink: object) -> None:
    """If globex's official list names an address on acme's domain, globex's replies must not go
    out From acme (the desk's relay may well be in acme's SPF record: that would pass DMARC)."""
    from sqlalchemy import delete

    from trustdesk.conversations.domain import Author, AuthorKind
    from trustdesk.conversations.pipeline import post_message
    from trustdesk.store.models import Conversation, OfficialChannelRow

    world.send(to=GLOBEX_SUPPORT)
    with world.sessions() as s:
        conv = s.scalars(select(Conversation).where(Conversation.tenant_id == world.tenants["globex"])).one()
        public_id = conv.public_id
        s.execute(delete(OfficialChannelRow).where(OfficialChannelRow.tenant_id == world.tenants["globex"]))
        s.execute(delete(MailRecord).where(MailRecord.tenant_id == world.tenants["globex"]))
        s.add(
            OfficialChannelRow(
                tenant_id=world.tenants["globex"], kind="email", value="help@acme-shop.com", purpose="support"
            )
        )
        s.commit()
    author = Author(AuthorKind.AGENT, user_id=world.agents["globex"], name="Sam")
    post_message(world.desk, world.tenants["globex"], public_id, author, "Here is your answer.")
    assert world.worker().run_once() == 1
    assert world.sink is not None and world.sink.messages == []  # not sent at all, rather than as acme


def _double_encoded(text: str) -> str:
    """An encoded word whose decoded text is itself an encoded word (survives one decoding)."""
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def test_encoded_words_in_a_customers_subject_or_name_cannot_add_headers_to_our_reply(
    world: World, sink: object
) -> None:
    """Python's email package decodes encoded words again when it writes a header: a subject or name
    that, once decoded, still reads "=?utf-8?q?x=0D=0AReply-To:_...?=" would become a line break and a
    header of the attacker's choosing in the retailer's DKIM-signed reply."""
    import email as email_lib
    from email.policy import default as default_policy

    from trustdesk.conversations.domain import Author, AuthorKind
    from trustdesk.conversations.pipeline import post_message
    from trustdesk.store.models import Conversation

    injected = "=?utf-8?q?x=0D=0AReply-To:_crook@evil.example=0D=0ABcc:_victim@else.example=0D=0A?="
    raw = (
        f"From: {_double_encoded(injected)} <{CUSTOMER}>\r\nTo: {ACME_SUPPORT}\r\n"
        f"Subject: {_double_encoded(injected)}\r\nMessage-ID: {make_msgid(domain='customer.example')}\r\n"
        "\r\nHello.\r\n"
    ).encode()
    assert world.send_raw(raw, to=[ACME_SUPPORT]) == {}
    with world.sessions() as s:
        conv = s.scalars(select(Conversation)).one()
        public_id = conv.public_id
    author = Author(AuthorKind.AGENT, user_id=world.agents["acme"], name="Sam")
    post_message(world.desk, world.tenants["acme"], public_id, author, "Here is your answer.")
    assert world.worker().run_once() == 1
    assert world.sink is not None
    world.sink.wait(1)
    reply = email_lib.message_from_bytes(world.sink.messages[0][2], policy=default_policy)
    assert reply["Reply-To"] is None and reply["Bcc"] is None
    assert "\n" not in str(reply["Subject"]) and "\n" not in str(reply["To"])
    head = world.sink.messages[0][2].split(b"\r\n\r\n", 1)[0]
    assert b"\r\nReply-To:" not in head and b"\r\nBcc:" not in head


def test_encoded_words_cannot_add_headers_to_a_report_answer() -> None:
    from trustdesk.mailchannel.compose import header_text

    cleaned = header_text("What we found: =?utf-8?q?x=0D=0ABcc:_v@else.example?=", 200)
    from trustdesk.authenticity.outbound import build_email

    raw = build_email(
        text="t",
        footer="f",
        reference="R",
        from_address="r@acme-shop.com",
        to_address=CUSTOMER,
        subject=cleaned,
    )
    assert b"\r\nBcc:" not in raw.split(b"\r\n\r\n", 1)[0]


def test_an_encoded_word_address_gets_no_reply_rather_than_an_injected_header(
    world: World, sink: object
) -> None:
    """The local part "=?utf-8?q?x=0D=0AReply-To=3A...?=" is plain atext; written into our To header it
    would be decoded into a line break. A conversation with such an address gets no mail: refused, audited."""
    from trustdesk.conversations.domain import Author, AuthorKind
    from trustdesk.conversations.pipeline import post_message
    from trustdesk.store.models import AuditEvent, Conversation

    local = "=?utf-8?q?x=0D=0AReply-To=3A_crook=40evil.example=0D=0A?="
    world.send()
    with world.sessions() as s:  # the inbound parser refuses such a From; any other way in is covered too
        conv = s.scalars(select(Conversation)).one()
        conv.customer_email = f"{local}@customer.example"
        public_id = conv.public_id
        s.commit()
    author = Author(AuthorKind.AGENT, user_id=world.agents["acme"], name="Sam")
    post_message(world.desk, world.tenants["acme"], public_id, author, "Here is your answer.")
    assert world.worker().run_once() == 1
    assert world.sink is not None and world.sink.messages == []
    with world.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "mail.reply_not_sent"))
        assert event is not None and "safely" in event.details["reason"]


def test_mail_written_by_the_bot_says_it_is_automatic() -> None:
    from trustdesk.mailchannel.compose import Reply, build_reply

    def header(automatic: bool) -> bytes:
        reply = Reply(
            "Acme",
            ACME_SUPPORT,
            "Pat",
            CUSTOMER,
            "Re: hi",
            "text",
            "footer",
            "TD-AAAA-BBBB",
            "td.x@acme-shop.com",
            automatic=automatic,
        )
        return build_reply(reply).split(b"\r\n\r\n", 1)[0]

    assert b"\r\nAuto-Submitted: auto-replied\r\n" in header(True)
    assert b"\r\nAuto-Submitted: no\r\n" in header(False)


def test_an_executable_under_a_harmless_name_is_refused_by_its_bytes(world: World) -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run in DOS mode"
    world.send(attachments=[("invoice.pdf", "application/pdf", exe), ("photo.jpg", "image/jpeg", exe)])
    with world.sessions() as s:
        rows = s.scalars(select(MailAttachment)).all()
    assert len(rows) == 2 and not any(row.stored for row in rows)
    assert all("executable" in (row.refused or "") for row in rows)
    assert _kept_files(world) == {}
