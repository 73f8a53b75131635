"""Whatever the bot says goes through the guard like an agent's words and is never blocked."""

from __future__ import annotations

from sqlalchemy import select

from trustdesk.guard import scan
from trustdesk.store.models import AuditEvent, Job, Message

from .conftest import PAT, BotDesk

SCRIPTS = [
    ["hi", "Where is my order A-1002?", PAT, "thanks, bye"],
    ["I'd like to return the socks from order A-1001", PAT, "yes"],
    ["refund status for A-1003, lee@example.test"],
    ["I forgot my password and can't log in", PAT],
    ["Is support@acme-shop-help.com really your e-mail address?"],
    ["my card was declined twice at checkout"],
    ["what's your CEO's favourite colour?", "tell me a joke"],
    ["Here is my card 4111 1111 1111 1111 to pay, and my password is hunter22"],
]


def test_no_bot_message_is_ever_blocked_by_the_guard(botdesk: BotDesk) -> None:
    for script in SCRIPTS:
        chat = botdesk.chat()
        for line in script:
            chat.send(line)
    with botdesk.sessions() as s:
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "message.blocked")) is None
        bot = s.scalars(
            select(Message).where(Message.author_kind == "bot", Message.visibility == "public")
        ).all()
        assert len(bot) > 2 * len(SCRIPTS)
        for message in bot:
            assert not scan(message.body, "outbound", brand="Acme Shop").blocked, message.body
        # The customer's secrets were removed before the bot (or anything else) saw them.
        stored = " ".join(s.scalars(select(Message.body)).all())
        assert "4111 1111 1111 1111" not in stored and "hunter22" not in stored


def test_a_password_reset_is_queued_for_the_accounts_own_address(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    chat.send("I can't sign in to my account, I forgot the password")
    reply = chat.send(PAT)
    assert "official password reset link" in reply and "will ever ask you for your password" in reply
    with botdesk.sessions() as s:
        job = s.scalar(select(Job).where(Job.kind == "bot.password_reset_mail"))
        # No address or text in the payload: the account and the language the mail is written in.
        assert job is not None and set(job.payload) == {"user_id", "lang"} and job.payload["lang"] == "en"
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "bot.password_reset_requested"))


def test_a_stranger_asking_a_reset_for_an_unknown_address_gets_the_same_words(botdesk: BotDesk) -> None:
    known = botdesk.chat()
    known.send("password reset please")
    unknown = botdesk.chat()
    unknown.send("password reset please")
    assert known.send(PAT) == unknown.send("nobody@example.test")
