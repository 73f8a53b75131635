"""The bot's password-help mail: from the retailer's official address, referenced and checkable, sent
through the relay (an aiosmtpd sink here); without an official address it is refused and audited."""

from __future__ import annotations

import email
import time
from email.policy import default as default_policy

from sqlalchemy import select
from tests.botdesk.conftest import PAT, BotDesk
from tests.mailchannel.conftest import Sink

from trustdesk.botdesk.mail import send_reset_mail
from trustdesk.botdesk.retailer import RESET_JOB
from trustdesk.jobs import Worker
from trustdesk.mail.relay import Relay
from trustdesk.store.models import AuditEvent, Job, OfficialChannelRow, SentMessage

OFFICIAL = "care@acme.test"


def _ask_for_reset(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    chat.send("I can't sign in to my account, I forgot the password")
    chat.send(PAT)


def _use_relay(botdesk: BotDesk, sink: Sink) -> None:
    """Point the running app at the sink (its own job worker may take the mail first)."""
    state = botdesk.app.state.trustdesk
    relayed = state.settings.model_copy(update={"smtp_relay_host": "127.0.0.1", "smtp_relay_port": sink.port})
    state.settings = state.runtime.desk.settings = relayed


def _run(botdesk: BotDesk, sink: Sink) -> Job:
    state = botdesk.app.state.trustdesk
    relay = Relay("127.0.0.1", sink.port, starttls=False, username=None, timeout=5)
    services = {"settings": state.settings, "box": state.box, "mail_relay": relay}
    deadline = time.monotonic() + 15
    while True:
        Worker(state.sessions, {RESET_JOB: send_reset_mail}, services).run_once()
        with botdesk.sessions() as s:
            job = s.scalars(select(Job).where(Job.kind == RESET_JOB)).one()
        if job.status in ("done", "dead") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_the_reset_mail_comes_from_the_official_address_with_a_checkable_reference(botdesk: BotDesk) -> None:
    with botdesk.sessions.kw["bind"].connect() as conn:  # the retailer's official support address
        conn.execute(
            OfficialChannelRow.__table__.insert().values(
                tenant_id=botdesk.tenant_id, kind="email", value=OFFICIAL, purpose="support", platform="",
                country="", label="",
            )
        )  # fmt: skip
        conn.commit()
    sink = Sink().start()
    _use_relay(botdesk, sink)
    _ask_for_reset(botdesk)
    try:
        job = _run(botdesk, sink)
        sink.wait(1)
    finally:
        sink.stop()
    assert job.status == "done", job.last_error
    mail_from, rcpts, raw = sink.messages[0]
    assert (mail_from, rcpts) == (OFFICIAL, [PAT])
    message = email.message_from_bytes(raw, policy=default_policy)
    reference = str(message["X-Trustdesk-Reference"])
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "/login?tenant=" in text and f"Reference {reference}" in text
    with botdesk.sessions() as s:
        assert s.scalar(select(SentMessage.id).where(SentMessage.reference == reference)) is not None


def test_without_an_official_address_the_mail_is_refused_and_audited(botdesk: BotDesk) -> None:
    sink = Sink().start()
    _use_relay(botdesk, sink)
    _ask_for_reset(botdesk)
    try:
        job = _run(botdesk, sink)
    finally:
        sink.stop()
    assert job.status == "dead" and "no official e-mail address" in (job.last_error or "")
    assert sink.messages == []
    with botdesk.sessions() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "bot.password_reset_not_sent"))
