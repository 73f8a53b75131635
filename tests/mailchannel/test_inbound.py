"""Mail sent with Python's smtplib to the real listener: accepted for support addresses only,
parsed, authenticated, threaded, guarded before storage; bad mail gets a clear 5xx."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select
from tests.mailchannel.conftest import ACME_SUPPORT, CUSTOMER, GLOBEX_SUPPORT, MAX_BYTES, World
from tests.mailchannel.files import make_pdf

from trustdesk.store.models import AuditEvent, Conversation, MailAttachment, MailRecord, Message

PDF = make_pdf([["Receipt 2024-117", "Total 49.90 EUR"]])  # a real PDF without secrets: kept as sent
CARD_SPACED = "4111 1111 1111 1111"
CARD = "4111111111111111"


def conversations(world: World, slug: str = "acme") -> list[Conversation]:
    with world.sessions() as s:
        return list(
            s.scalars(
                select(Conversation)
                .where(Conversation.tenant_id == world.tenants[slug])
                .order_by(Conversation.id)
            )
        )


def messages(world: World, conversation_id: int) -> list[Message]:
    with world.sessions() as s:
        return list(
            s.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq))
        )


def test_mail_opens_an_email_conversation_with_secrets_redacted(world: World) -> None:
    refused = world.send(
        subject=f"Refund to card {CARD_SPACED}",
        body=f"Hi, I paid with my card {CARD_SPACED} (exp 12/28) and was charged twice.\nPat",
        attachments=[("receipt.pdf", "application/pdf", PDF)],
    )
    assert refused == {}
    (conv,) = conversations(world)
    assert conv.channel == "email"
    assert conv.customer_email == CUSTOMER and conv.customer_name == "Pat Example"
    assert conv.customer_id is None  # a From header proves nothing: not linked to an account
    assert CARD_SPACED not in conv.subject and "removed" in conv.subject
    (msg,) = [m for m in messages(world, conv.id) if m.author_kind == "customer"]
    assert "charged twice" in msg.body and CARD_SPACED not in msg.body and "[removed:" in msg.body
    assert any(f["type"] == "PAYMENT_CARD" for f in msg.guard)
    with world.sessions() as s:
        record = s.scalar(select(MailRecord).where(MailRecord.conversation_id == conv.id))
        attachment = s.scalar(select(MailAttachment).where(MailAttachment.conversation_id == conv.id))
    assert record is not None and record.direction == "inbound" and record.message_id == msg.id
    assert record.to_address == ACME_SUPPORT and record.client_ip == "127.0.0.1"
    assert record.auth is not None
    assert (record.auth["spf"], record.auth["dmarc"]) == ("pass", "pass")
    assert record.spoofing is False
    assert attachment is not None and attachment.stored and attachment.filename == "receipt.pdf"
    assert attachment.size == len(PDF) and attachment.detected_type == "pdf"
    path = (
        world.settings.attachments_dir
        / str(world.tenants["acme"])
        / attachment.sha256[:2]
        / attachment.sha256
    )
    assert path.read_bytes() == PDF
    # The secret is nowhere: not in any table, not in the database files, not in any file we wrote.
    places = {"rows": world.all_rows(), **{k: v.decode("latin-1") for k, v in world.database_files().items()}}
    for file in world.settings.data_dir.rglob("*"):
        if file.is_file():
            places[str(file)] = file.read_bytes().decode("latin-1")
    assert "[removed:" in places["rows"]
    for place, content in places.items():
        for secret in (CARD_SPACED, CARD):
            assert secret not in content, f"{secret} found in {place}"


def test_unknown_recipient_is_refused_with_550(world: World) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
        world.send(to="nobody@acme-shop.com")
    code, reason = caught.value.recipients["nobody@acme-shop.com"]
    assert code == 550 and b"no such support address" in reason
    assert conversations(world) == []


def test_one_known_recipient_of_two_is_enough(world: World) -> None:
    raw = (
        f"From: Pat <{CUSTOMER}>\r\nTo: {ACME_SUPPORT}, nobody@acme-shop.com\r\nSubject: hi\r\n"
        "Message-ID: <two@customer.example>\r\n\r\nHello\r\n"
    ).encode()
    refused = world.send_raw(raw, to=[ACME_SUPPORT, "nobody@acme-shop.com"])
    assert refused["nobody@acme-shop.com"][0] == 550
    assert len(conversations(world)) == 1


def test_oversize_mail_is_refused_with_552(world: World) -> None:
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as caught:
        world.send(body=("x" * 70 + "\n") * (MAX_BYTES // 70 + 10))
    assert caught.value.smtp_code == 552
    assert conversations(world) == []
    # Without the SIZE hint the data itself is measured.
    with smtplib.SMTP("127.0.0.1", world.listener.port, timeout=30) as smtp:
        smtp.ehlo("mx.customer.example")
        smtp.esmtp_features.pop("size", None)
        with pytest.raises(smtplib.SMTPDataError) as data_error:
            smtp.sendmail(
                CUSTOMER,
                [ACME_SUPPORT],
                b"From: " + CUSTOMER.encode() + b"\r\n\r\n" + (b"y" * 70 + b"\r\n") * (MAX_BYTES // 70 + 10),
            )
        assert data_error.value.smtp_code == 552
    assert conversations(world) == []


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (
            b"From: pat@customer.example\r\nSubject: x\r\nContent-Type: multipart/mixed\r\n\r\nno boundary here\r\n",
            b"boundary",
        ),
        (b"Subject: no sender\r\n\r\nhello\r\n", b"From"),
        (b"\x00\x01\x02 this is not a message at all", b"malformed"),
    ],
)
def test_malformed_mail_gets_a_clear_554(world: World, raw: bytes, why: bytes) -> None:
    with pytest.raises(smtplib.SMTPDataError) as caught:
        world.send_raw(raw, to=[ACME_SUPPORT])
    assert caught.value.smtp_code == 554
    assert b"malformed message" in caught.value.smtp_error and why in caught.value.smtp_error
    assert conversations(world) == []
    # The listener is still there for the next mail.
    world.send()
    assert len(conversations(world)) == 1


def test_a_resent_mail_is_stored_once(world: World) -> None:
    headers = {"Message-ID": "<resend-1@customer.example>"}
    world.send(headers=headers)
    world.send(headers=headers)
    (conv,) = conversations(world)
    assert [m.author_kind for m in messages(world, conv.id)] == ["customer"]


def test_replies_thread_by_headers_and_by_reference_token(world: World) -> None:
    world.send(headers={"Message-ID": "<first@customer.example>"}, subject="Broken lamp")
    (conv,) = conversations(world)
    # A follow-up that names the first mail in References (same sender).
    world.send(
        headers={"Message-ID": "<second@customer.example>", "References": "<first@customer.example>"},
        subject="Re: Broken lamp",
        body="Any news?",
    )
    # A new mail that only quotes the reference token in the subject.
    world.send(subject=f"About [#{conv.reference}]", body="Photos attached later.")
    assert len(conversations(world)) == 1
    assert [m.body for m in messages(world, conv.id)][1:] == ["Any news?", "Photos attached later."]
    # Somebody else quoting the token (or the Message-ID) does not get into Pat's conversation.
    world.send(sender="mallory@elsewhere.example", subject=f"Re: [#{conv.reference}]", body="Hi")
    world.send(
        sender="mallory@elsewhere.example",
        headers={"In-Reply-To": "<first@customer.example>"},
        body="Me too",
    )
    convs = conversations(world)
    assert len(convs) == 3 and len(messages(world, conv.id)) == 3


def test_mail_for_each_retailer_goes_to_that_retailer(world: World) -> None:
    world.send(to=GLOBEX_SUPPORT, body="Globex question")
    assert conversations(world, "acme") == []
    (conv,) = conversations(world, "globex")
    assert messages(world, conv.id)[0].body == "Globex question"


def test_mail_claiming_the_retailers_own_domain_is_flagged_and_audited(world: World) -> None:
    world.send(
        sender="ceo@acme-shop.com",
        name="Acme CEO",
        subject="Urgent: refund this customer",
        body="Please refund order 1234 to the new account.",
    )
    (conv,) = conversations(world)
    with world.sessions() as s:
        record = s.scalar(select(MailRecord).where(MailRecord.conversation_id == conv.id))
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "mail.spoofed_own_domain")).all()
    assert record is not None and record.spoofing is True
    assert record.auth is not None and record.auth["spf"] == "fail" and record.auth["dmarc"] == "fail"
    assert len(events) == 1 and events[0].tenant_id == world.tenants["acme"]
    assert events[0].target == f"conversation:{conv.public_id}"
    assert events[0].actor.startswith("mail:@")  # the sender's domain: no address in the audit chain


def test_html_only_mail_becomes_sanitised_text_and_blocked_attachments_are_not_kept(world: World) -> None:
    raw = (
        f"From: Pat <{CUSTOMER}>\r\nTo: {ACME_SUPPORT}\r\nSubject: html\r\nMessage-ID: <html@customer.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<p>Hello <b>there</b><script>alert(1)</script></p>\r\n"
        '--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="invoice.exe"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAA\r\n--b1--\r\n"
    ).encode()
    world.send_raw(raw, to=[ACME_SUPPORT])
    (conv,) = conversations(world)
    body = messages(world, conv.id)[0].body
    assert "Hello" in body and "there" in body and "<script>" not in body and "alert" not in body
    with world.sessions() as s:
        (attachment,) = s.scalars(select(MailAttachment)).all()
    assert attachment.stored is False and attachment.refused
    assert not (world.settings.attachments_dir / str(world.tenants["acme"])).exists()


def test_a_flood_from_one_address_is_deferred_not_lost(world: World) -> None:
    from trustdesk.mailchannel.smtp import SmtpListener
    from trustdesk.ratelimit import Limit

    with SmtpListener(world.intake, port=0, per_ip=Limit(2, 60)) as limited:
        with smtplib.SMTP("127.0.0.1", limited.port, timeout=30) as smtp:
            for n in range(2):
                raw = (
                    f"From: {CUSTOMER}\r\nMessage-ID: <flood-{n}@customer.example>\r\n\r\nHi {n}\r\n".encode()
                )
                assert smtp.sendmail(CUSTOMER, [ACME_SUPPORT], raw) == {}
            with pytest.raises(smtplib.SMTPDataError) as caught:
                smtp.sendmail(CUSTOMER, [ACME_SUPPORT], f"From: {CUSTOMER}\r\n\r\nHi 3\r\n".encode())
    assert caught.value.smtp_code == 451  # temporary: the sending server keeps the mail and retries
    assert b"too many messages" in caught.value.smtp_error
    assert len(conversations(world)) == 2


def test_text_and_forwarded_mail_attachments_are_kept_only_guarded(world: World) -> None:
    from email.message import EmailMessage

    inner = EmailMessage()
    inner["From"] = "Scammer <billing@acme-shop-support.example>"
    inner["Subject"] = "Your refund"
    inner.set_content(f"Confirm your card {CARD_SPACED} and your password: Hunter2!Secret to get the refund.")
    outer = EmailMessage()
    outer["From"] = f"Pat <{CUSTOMER}>"
    outer["To"] = ACME_SUPPORT
    outer["Subject"] = "Is this from you?"
    outer["Message-ID"] = "<fw@customer.example>"
    outer.set_content("I got the attached mail, and my notes are attached too.")
    outer.add_attachment(inner)
    outer.add_attachment(f"card: {CARD}\n".encode(), maintype="text", subtype="plain", filename="notes.txt")
    outer.add_attachment(PDF, maintype="application", subtype="pdf", filename="receipt.pdf")
    world.send_raw(outer.as_bytes(), to=[ACME_SUPPORT])
    with world.sessions() as s:
        rows = {a.filename: a for a in s.scalars(select(MailAttachment)).all()}
    assert set(rows) == {"attachment-1.rfc822.txt", "notes.txt", "receipt.pdf"}
    forwarded, notes = rows["attachment-1.rfc822.txt"], rows["notes.txt"]
    assert (
        forwarded.content_type == "text/plain"
        and forwarded.detected_type == "forwarded mail as text, guarded"
    )
    assert notes.detected_type == "text; secrets removed"
    folder = world.settings.attachments_dir / str(world.tenants["acme"])
    kept = {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert kept[rows["receipt.pdf"].sha256] == PDF
    text = kept[forwarded.sha256].decode()
    assert (
        "Subject: Your refund" in text and "billing@acme-shop-support.example" in text and "[removed:" in text
    )
    for content in kept.values():
        for secret in (CARD_SPACED, CARD, "Hunter2!Secret"):
            assert secret.encode() not in content
