"""The report address never starts a mail loop or becomes a mail cannon (RFC 3834).

Our answers say Auto-Submitted: auto-replied; mail that is itself automatic (Auto-Submitted other
than "no", Precedence bulk/junk/list, a mailing list, a bounce), mail from one of this desk's own
addresses, and more than a few forwards a day from one address are checked and reported as usual
but never answered.
"""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from sqlalchemy import func, select
from tests.mailchannel.conftest import CUSTOMER, GLOBEX_SUPPORT, Sink, World
from tests.mailchannel.test_report_inbox import REPORT_ADDRESS, _answer_worker, _phish, _with_report_address

from trustdesk.mail import parse_message
from trustdesk.mailchannel.forwarded import automatic_reason
from trustdesk.mailchannel.report_inbox import ANSWER_JOB, ANSWERS_PER_FORWARDER
from trustdesk.store.models import AuditEvent, Job, Report


def _forward(
    world: World,
    *,
    sender: str = CUSTOMER,
    headers: dict[str, str] | None = None,
    subject: str = "Fwd: Your account is locked",
    mail_from: str | None = None,
) -> dict:
    forward = EmailMessage()
    forward["From"] = f"Pat Example <{sender}>"
    forward["To"] = REPORT_ADDRESS
    forward["Subject"] = subject
    for name, value in (headers or {}).items():
        forward[name] = value
    forward.set_content("Is this really from you?")
    forward.add_attachment(_phish())
    return world.send_raw(
        forward.as_bytes(), to=[REPORT_ADDRESS], mail_from=sender if mail_from is None else mail_from
    )


def _answer_jobs(world: World) -> int:
    with world.sessions() as s:
        return int(s.scalar(select(func.count(Job.id)).where(Job.kind == ANSWER_JOB)) or 0)


def _reports(world: World) -> int:
    with world.sessions() as s:
        return int(s.scalar(select(func.count(Report.id))) or 0)


def test_our_answer_says_it_is_an_automatic_reply(world: World, sink: Sink) -> None:
    _with_report_address(world)
    _forward(world)
    assert _answer_worker(world, sink).run_once() == 1
    sink.wait(1)
    answer = email.message_from_bytes(sink.messages[0][2], policy=default_policy)
    assert answer["Auto-Submitted"] == "auto-replied"


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "Auto-Generated; owner-email=x@customer.example"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List-Id": "Deals <deals.customer.example>"},
    ],
)
def test_automatic_mail_is_reported_but_never_answered(world: World, headers: dict[str, str]) -> None:
    _with_report_address(world)
    _forward(world, headers=headers)
    assert _reports(world) == 1  # the evidence still counts
    assert _answer_jobs(world) == 0
    with world.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "report.received_by_mail"))
        assert event is not None and event.details["answered"] is False
        assert event.details["not_answered"]


def test_auto_submitted_no_is_a_person_and_is_answered(world: World) -> None:
    _with_report_address(world)
    _forward(world, headers={"Auto-Submitted": "no"})
    assert _answer_jobs(world) == 1


def test_a_bounce_is_never_answered(world: World) -> None:
    _with_report_address(world)
    _forward(world, mail_from="")  # null reverse path: a delivery status notification
    assert _reports(world) == 1 and _answer_jobs(world) == 0


def test_our_own_answer_forwarded_back_is_never_answered(world: World) -> None:
    """Two report addresses on one desk (or an address of ours) answering each other would loop."""
    _with_report_address(world)
    world.dns.add("globex-shop.com", "TXT", "v=spf1 ip4:127.0.0.1 -all")
    world.dns.add("_dmarc.globex-shop.com", "TXT", "v=DMARC1; p=reject")
    _forward(world, sender=GLOBEX_SUPPORT.upper())  # DMARC passes: it really is the desk's own mail
    assert _reports(world) == 1 and _answer_jobs(world) == 0


def test_answers_per_forwarder_are_limited(world: World) -> None:
    _with_report_address(world)
    for i in range(ANSWERS_PER_FORWARDER.count + 3):
        _forward(world, subject=f"Fwd: locked {i}")
    assert _reports(world) >= 1
    assert _answer_jobs(world) == ANSWERS_PER_FORWARDER.count


def test_a_subject_with_line_breaks_cannot_add_headers_to_the_answer(world: World, sink: Sink) -> None:
    _with_report_address(world)
    evil = "=?utf-8?q?Locked=0D=0ABcc:_victim@else.example=0D=0A=0D=0Ahello?="
    assert _forward(world, subject=evil) == {}
    assert _answer_worker(world, sink).run_once() == 1
    sink.wait(1)
    _, rcpts, raw = sink.messages[0]
    assert rcpts == [CUSTOMER]
    answer = email.message_from_bytes(raw, policy=default_policy)
    assert answer["Bcc"] is None and "\n" not in str(answer["Subject"])
    assert "Locked" not in str(answer["Subject"])  # nothing of the forward in a header we sign


def test_automatic_reason_reads_the_headers() -> None:
    def parsed(extra: str) -> object:
        return parse_message(f"From: a@b.example\r\n{extra}Subject: x\r\n\r\nhi\r\n".encode())

    assert automatic_reason(parsed("")) is None  # type: ignore[arg-type]
    assert automatic_reason(parsed("Auto-Submitted: no\r\n")) is None  # type: ignore[arg-type]
    assert automatic_reason(parsed("Auto-Submitted: NO (human)\r\n")) is None  # type: ignore[arg-type]
    assert automatic_reason(parsed("auto-submitted: auto-notified\r\n"))  # type: ignore[arg-type]
    assert automatic_reason(parsed("Precedence: Bulk\r\n"))  # type: ignore[arg-type]
    assert automatic_reason(parsed("Precedence: first-class\r\n")) is None  # type: ignore[arg-type]


def test_a_tagged_report_address_is_still_the_report_address(world: World, sink: Sink) -> None:
    _with_report_address(world)
    tagged = REPORT_ADDRESS.replace("@", "+phish@")
    forward = EmailMessage()
    forward["From"] = f"Pat Example <{CUSTOMER}>"
    forward["To"] = tagged
    forward["Subject"] = "Fwd: Your account is locked"
    forward.set_content("Is this really from you?")
    forward.add_attachment(_phish())
    world.send_raw(forward.as_bytes(), to=[tagged], mail_from=CUSTOMER)
    assert _reports(world) == 1
    with world.sessions() as s:
        from trustdesk.store.models import Conversation

        assert s.scalar(select(func.count(Conversation.id))) == 0
    assert _answer_worker(world, sink).run_once() == 1
    sink.wait(1)
    assert sink.messages[0][0] == REPORT_ADDRESS
