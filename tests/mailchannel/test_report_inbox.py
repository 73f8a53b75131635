"""A retailer's report address: forwarded suspicious mail is checked, reported, and answered by mail.

Real parts: smtplib sends to the real listener, SPF/DMARC of the forwarder come from the local DNS
server, the answer goes through the job worker to an aiosmtpd sink standing in for the relay.
"""

from __future__ import annotations

import email
import smtplib
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from sqlalchemy import func, select
from tests.mailchannel.conftest import CUSTOMER, GLOBEX_SUPPORT, Sink, World

from trustdesk.jobs import Worker
from trustdesk.mail.relay import Relay
from trustdesk.mailchannel.report_inbox import ANSWER_JOB, ReportInbox, send_report_answer
from trustdesk.store.models import AuditEvent, Conversation, Job, OfficialChannelRow, Report, ReportSighting

REPORT_ADDRESS = "report@acme-shop.com"
PHISH_TEXT = (
    "Dear customer, your Acme Shop account is locked. Verify your card within 24 hours at "
    "http://acme-shop-secure.com/login or call +1 415 555 0100."
)


def _with_report_address(world: World) -> None:
    with world.sessions() as s:
        s.add(
            OfficialChannelRow(
                tenant_id=world.tenants["acme"], kind="email", value=REPORT_ADDRESS, purpose="report phishing"
            )
        )
        s.commit()
    world.intake.forget_addresses()
    world.intake.reports = ReportInbox(
        world.sessions, resolver=world.intake.resolver, settings=world.settings
    )


def _phish() -> EmailMessage:
    original = EmailMessage()
    original["From"] = "Acme Shop Security <security@acme-shop-secure.com>"
    original["To"] = CUSTOMER
    original["Subject"] = "Your account is locked"
    original.set_content(PHISH_TEXT)
    return original


def _forward(world: World, *, sender: str = CUSTOMER, attach: bool = True) -> dict:
    forward = EmailMessage()
    forward["From"] = f"Pat Example <{sender}>"
    forward["To"] = REPORT_ADDRESS
    forward["Subject"] = "Fwd: Your account is locked"
    if attach:
        forward.set_content("Is this really from you?")
        forward.add_attachment(_phish())  # message/rfc822
    else:
        forward.set_content(
            "Is this really from you?\n\n---------- Forwarded message ---------\n" + PHISH_TEXT
        )
    return world.send_raw(forward.as_bytes(), to=[REPORT_ADDRESS], mail_from=sender)


def _forward_with_id(to: list[str], message_id: str, note: str = "Is this really from you?") -> EmailMessage:
    """A customer's forward of the phish (attached) to `to`, with a fixed Message-ID."""
    forward = EmailMessage()
    forward["From"] = f"Pat Example <{CUSTOMER}>"
    forward["To"] = ", ".join(to)
    forward["Subject"] = "Fwd: Your account is locked"
    forward["Message-ID"] = message_id
    forward.set_content(note)
    forward.add_attachment(_phish())
    return forward


def _send_expecting_451(world: World, forward: EmailMessage, to: list[str]) -> None:
    try:
        world.send_raw(forward.as_bytes(), to=to)
    except smtplib.SMTPDataError as exc:
        assert exc.smtp_code == 451
    else:
        raise AssertionError("the failed delivery must be answered 451")


def _answer_worker(world: World, sink: Sink) -> Worker:
    relay = Relay("127.0.0.1", sink.port, starttls=False, username=None, timeout=5)
    services = {"settings": world.settings, "box": world.box, "mail_relay": relay}
    return Worker(world.sessions, {ANSWER_JOB: send_report_answer}, services)


def test_a_forwarded_phish_is_reported_and_the_customer_gets_the_verdict(world: World, sink: Sink) -> None:
    _with_report_address(world)
    assert _forward(world) == {}  # accepted by the listener
    with world.sessions() as s:
        reports = s.scalars(select(Report).where(Report.tenant_id == world.tenants["acme"])).all()
        assert len(reports) == 1 and reports[0].source == "eml"
        reference = reports[0].reference
        assert s.scalar(select(func.count(Conversation.id))) == 0  # not a support conversation
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "report.received_by_mail"))
        assert event is not None and event.details["verdict"] == "not_from_us"
        assert event.details["forward"] == "attached" and event.details["answered"] is True
    assert _answer_worker(world, sink).run_once() == 1
    sink.wait(1)
    mail_from, rcpts, raw = sink.messages[0]
    assert (mail_from, rcpts) == (REPORT_ADDRESS, [CUSTOMER])
    answer = email.message_from_bytes(raw, policy=default_policy)
    text = answer.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "was not sent by" in text and reference in text
    assert "hxxp://acme-shop-secure[.]com/login" in text  # the look-alike is named, but not clickable
    assert b"acme-shop-secure.com" not in raw and b"token=" not in raw
    assert answer["X-Trustdesk-Reference"] or "Reference TD-" in text  # the answer itself is checkable


def test_an_inline_forward_is_checked_too(world: World, sink: Sink) -> None:
    _with_report_address(world)
    _forward(world, attach=False)
    with world.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "report.received_by_mail"))
        assert event is not None and event.details["forward"] == "inline"
        assert s.scalar(select(func.count(Report.id)).where(Report.tenant_id == world.tenants["acme"])) == 1


def test_a_forged_forwarder_is_recorded_but_never_answered(world: World, sink: Sink) -> None:
    """Answering a sender whose domain disowns the mail would send mail to someone who never wrote."""
    world.dns.add("forged.example", "TXT", "v=spf1 ip4:192.0.2.99 -all")
    world.dns.add("_dmarc.forged.example", "TXT", "v=DMARC1; p=reject")
    _with_report_address(world)
    _forward(world, sender="victim@forged.example")
    with world.sessions() as s:
        assert s.scalar(select(func.count(Report.id))) == 1
        assert s.scalar(select(func.count(Job.id)).where(Job.kind == ANSWER_JOB)) == 0
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "report.received_by_mail"))
        assert event is not None and event.details["sender_authenticated"] is False


def test_mail_to_the_support_address_still_opens_a_conversation(world: World) -> None:
    _with_report_address(world)
    world.send()  # to the support address
    with world.sessions() as s:
        assert s.scalar(select(func.count(Conversation.id))) == 1
        assert s.scalar(select(func.count(Report.id))) == 0


def test_defang_makes_contacts_unclickable() -> None:
    from trustdesk.mailchannel.forwarded import defang, defang_text

    assert defang("http://shop-secure.example/login.php") == "hxxp://shop-secure[.]example/login.php"
    assert defang("https://a.b.example") == "hxxps://a[.]b[.]example"
    assert defang("security@shop-secure.example") == "security@shop-secure[.]example"
    assert defang("shop-secure.example") == "shop-secure[.]example"
    text = "see http://x.example/a and x.example"
    assert (
        defang_text(text, ["x.example", "http://x.example/a"]) == "see hxxp://x[.]example/a and x[.]example"
    )


def test_a_retry_after_a_failed_support_delivery_files_the_report_once(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # One mail to acme's report address and globex's support address; globex's delivery fails once (451),
    # the sending server retries the whole mail, and acme must not get the report twice.
    _with_report_address(world)
    real_deliver = world.intake._deliver
    failures = iter([True])

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        if next(failures, False):
            raise OSError("database restarting")
        return real_deliver(*args, **kwargs)

    monkeypatch.setattr(world.intake, "_deliver", flaky)
    forward = _forward_with_id([REPORT_ADDRESS, GLOBEX_SUPPORT], "<fwd-1@customer.example>")
    _send_expecting_451(world, forward, [REPORT_ADDRESS, GLOBEX_SUPPORT])
    with world.sessions() as s:
        assert s.scalar(select(func.count(Report.id))) == 0  # nothing filed before the failure was known
    world.send_raw(forward.as_bytes(), to=[REPORT_ADDRESS, GLOBEX_SUPPORT])  # the sender's retry
    with world.sessions() as s:
        assert s.scalar(select(func.count(Report.id))) == 1
        assert s.scalar(select(func.count(Conversation.id))) == 1


GLOBEX_REPORT = "report@globex-shop.com"


def test_a_retry_after_a_failed_report_delivery_neither_counts_nor_answers_twice(
    world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # One forward to the report addresses of acme and globex; globex's fails once (451). The sender retries
    # the whole mail: acme, which had already filed and answered, must not count a second sighting or
    # queue a second answer, and globex must file its report on the retry.
    _with_report_address(world)
    with world.sessions() as s:
        s.add(
            OfficialChannelRow(
                tenant_id=world.tenants["globex"],
                kind="email",
                value=GLOBEX_REPORT,
                purpose="report phishing",
            )
        )
        s.commit()
    world.intake.forget_addresses()
    inbox = world.intake.reports
    real_accept = inbox.accept
    failures = iter([True])

    def flaky(tenant_id, *args, **kwargs):  # type: ignore[no-untyped-def]
        if tenant_id == world.tenants["globex"] and next(failures, False):
            raise OSError("database restarting")
        return real_accept(tenant_id, *args, **kwargs)

    monkeypatch.setattr(inbox, "accept", flaky)
    recipients = [REPORT_ADDRESS, GLOBEX_REPORT]
    forward = _forward_with_id(recipients, "<fwd-2@customer.example>")
    _send_expecting_451(world, forward, recipients)
    world.send_raw(forward.as_bytes(), to=recipients)  # the sender's retry

    def per_tenant(s, column, *where):  # type: ignore[no-untyped-def]
        rows = s.execute(select(column, func.count()).where(*where).group_by(column)).all()
        return {tenant: count for tenant, count in rows}

    acme, globex = world.tenants["acme"], world.tenants["globex"]
    with world.sessions() as s:
        assert per_tenant(s, Report.tenant_id) == {acme: 1, globex: 1}
        assert per_tenant(s, ReportSighting.tenant_id) == {acme: 1, globex: 1}
        assert s.scalar(select(Report.duplicate_count).where(Report.tenant_id == acme)) == 1
        assert per_tenant(s, Job.tenant_id, Job.kind == ANSWER_JOB) == {acme: 1, globex: 1}
    # A second, separate forward of the same phish (a new Message-ID) is a real second sighting.
    again = _forward_with_id(recipients, "<fwd-3@customer.example>", note="Got it again today")
    world.send_raw(again.as_bytes(), to=[REPORT_ADDRESS])
    with world.sessions() as s:
        assert s.scalar(select(Report.duplicate_count).where(Report.tenant_id == acme)) == 2


@pytest.mark.parametrize("how", ["sent_directly", "attached_to_a_forward"])
def test_an_authentication_results_header_the_sender_wrote_with_the_desks_id_is_not_believed(
    world: World, sink: Sink, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """RFC 8601 section 5: the desk removes headers carrying its own authserv-id from what it receives
    and adds its own; in an original attached to a forward its id is never believed. A phisher who
    writes "dmarc=pass" for the retailer's domain under the desk's id gains nothing either way."""
    _with_report_address(world)
    own_id = world.settings.trusted_authserv_id_list()[0]
    monkeypatch.setenv("TRUSTDESK_INTAKE_AUTHSERV_ID", own_id)  # the judge reads the process's settings
    spoof = EmailMessage()
    spoof["Authentication-Results"] = (
        f"{own_id}; spf=pass smtp.mailfrom=acme-shop.com; dkim=pass header.d=acme-shop.com; "
        "dmarc=pass header.from=acme-shop.com"
    )
    spoof["From"] = "Acme Shop <service@acme-shop.com>"
    spoof["To"] = REPORT_ADDRESS
    spoof["Subject"] = "Your account is locked"
    spoof.set_content(PHISH_TEXT)
    if how == "sent_directly":
        world.send_raw(spoof.as_bytes(), to=[REPORT_ADDRESS], mail_from="bounce@acme-shop-secure.com")
    else:
        forward = EmailMessage()
        forward["From"] = f"Pat Example <{CUSTOMER}>"
        forward["To"] = REPORT_ADDRESS
        forward["Subject"] = "Fwd: Your account is locked"
        forward.set_content("Is this really from you?")
        forward.add_attachment(spoof)
        world.send_raw(forward.as_bytes(), to=[REPORT_ADDRESS], mail_from=CUSTOMER)
    with world.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "report.received_by_mail"))
        assert event is not None and event.details["verdict"] != "genuine"
        report = s.scalar(select(Report).where(Report.tenant_id == world.tenants["acme"]))
        assert report is not None
        codes = {r["code"] for r in report.reasons}
        assert "authenticated_sender" not in codes, report.reasons  # the forged pass vouches for nothing


def test_the_stamp_removes_only_the_desks_own_id_and_keeps_the_body() -> None:
    from trustdesk.mail.stamp import stamp_authentication_results

    raw = (
        b"Authentication-Results: (forged) DESK.example;\r\n\tdmarc=pass header.from=shop.example\r\n"
        b"Authentication-Results: mx.other.example; spf=pass smtp.mailfrom=shop.example\r\n"
        b"From: a@shop.example\r\n\r\nAuthentication-Results: desk.example; body text stays\r\n"
    )
    out = stamp_authentication_results(raw, "desk.example", "desk.example; spf=fail smtp.mailfrom=x.example")
    head, _, body = out.partition(b"\r\n\r\n")
    assert head.split(b"\r\n") == [
        b"Authentication-Results: desk.example; spf=fail smtp.mailfrom=x.example",
        b"Authentication-Results: mx.other.example; spf=pass smtp.mailfrom=shop.example",
        b"From: a@shop.example",
    ]
    assert body == b"Authentication-Results: desk.example; body text stays\r\n"
    lf = stamp_authentication_results(
        b"Authentication-Results: desk.example; x=y\nFrom: a@b\n\nhi\n", "desk.example", None
    )
    assert lf == b"From: a@b\n\nhi\n"
