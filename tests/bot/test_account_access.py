"""Account access: the official reset link, to the account's own address; never a password."""

from __future__ import annotations

from trustdesk.bot.state import BotEvent, HandoffReason

from .conftest import Chat
from .fakes import JANE


def test_guest_gets_reset_link_to_the_address_they_name(chat: Chat) -> None:
    chat.send("I forgot my password")
    assert "Which e-mail address is your account registered with?" in chat.text()
    assert "never ask for your password" in chat.text()
    turn = chat.send("it's jane@example.com")
    assert BotEvent.PASSWORD_RESET_REQUESTED in turn.events
    assert chat.retailer.reset_emails == ["jane@example.com"]


def test_reply_does_not_reveal_whether_the_account_exists(engine) -> None:
    from .fakes import FakeRetailer

    known = Chat(engine, FakeRetailer()).send("reset my password, jane@example.com")
    unknown = Chat(engine, FakeRetailer()).send("reset my password, nobody@nowhere.example")
    assert known.replies == unknown.replies
    assert "If an account uses that address" in " ".join(known.replies)


def test_signed_in_customer_gets_link_to_account_address(chat: Chat) -> None:
    chat.customer = JANE
    chat.send("how do i change my password?")
    assert chat.retailer.reset_emails == ["jane@example.com"]
    assert "j***@example.com" in chat.text()


def test_account_takeover_goes_to_security_with_high_priority(chat: Chat) -> None:
    turn = chat.send("someone hacked my account and changed my email")
    assert turn.handoff is not None
    assert turn.handoff.reason is HandoffReason.SECURITY
    assert turn.handoff.priority == "high"


def test_customer_offering_a_password_is_stopped(chat: Chat) -> None:
    turn = chat.send("I can't log in, my password is [REDACTED:PASSWORD]")
    assert BotEvent.SECRET_OFFERED in turn.events
    assert "Please don't share your password" in chat.text()
    assert chat.retailer.reset_emails == []


def test_reset_links_are_limited_per_conversation(chat: Chat) -> None:
    chat.send("reset my password jane@example.com")
    chat.send("reset my password jane@example.com")
    chat.send("reset my password jane@example.com")
    assert len(chat.retailer.reset_emails) == 2
    assert "already sent a reset link" in chat.text()


def test_closing_an_account_is_answered_from_help_not_with_a_reset(chat: Chat) -> None:
    chat.send("please delete my account")
    assert chat.retailer.reset_emails == []
    assert "help.acme.example/close-account" in chat.text()


def test_no_reply_ever_asks_for_a_password(chat: Chat) -> None:
    for message in [
        "can't sign in",
        "hello?",
        "jane@example.com",
        "locked out of my account",
        "bob@example.org",
    ]:
        chat.send(message)
    for reply in chat.all_replies():
        lowered = reply.lower()
        assert "your password?" not in lowered
        assert "send me your password" not in lowered
        assert "tell me your password" not in lowered
