"""Returns: eligibility from items and the policy window; a return authorisation with next steps."""

from __future__ import annotations

from datetime import timedelta

from trustdesk.bot.state import Awaiting, BotEvent

from .conftest import Chat
from .fakes import BOB


def test_return_with_item_choice_creates_an_authorisation(chat: Chat) -> None:
    chat.send("I'd like to return something")
    assert "30 days" in chat.text()  # the policy comes first
    assert "https://help.acme.example/returns" in chat.text()
    chat.send("order A-10003, bob@example.org")
    assert "1. Running trainers; 2. Socks 3-pack" in chat.text()
    assert "Gift card" not in chat.text()  # not returnable
    chat.send("just 2")
    assert "Socks 3-pack" in chat.text() and chat.state.awaiting is Awaiting.CONFIRM_RETURN
    turn = chat.send("yes")
    assert BotEvent.RETURN_CREATED in turn.events
    assert "RA-0001" in chat.text()
    assert "Print the label" in chat.text()
    assert "3 April 2025" in chat.text()
    ra = chat.retailer.returns[0]
    assert ra.order_number == "A-10003" and ra.skus == ("SK-5",)
    reason = [args for name, args in chat.retailer.calls if name == "create_return_authorisation"][0][2]
    assert "return something" in reason


def test_choosing_all_items(chat: Chat) -> None:
    chat.customer = BOB
    chat.send("return order A-10003")
    chat.send("all of them")
    assert "Running trainers, Socks 3-pack" in chat.text()


def test_choosing_by_name(chat: Chat) -> None:
    chat.customer = BOB
    chat.send("I want to send back my trainers from A-10003")
    chat.send("the trainers")
    assert "return Running trainers from order A-10003" in chat.text()


def test_unclear_choice_is_asked_again(chat: Chat) -> None:
    chat.customer = BOB
    chat.send("return order A-10003")
    chat.send("hmm")
    assert "didn't catch which items" in chat.text()


def test_declining_creates_nothing(chat: Chat) -> None:
    chat.customer = BOB
    chat.send("return order A-10003")
    chat.send("1")
    chat.send("no")
    assert chat.retailer.returns == []
    assert "no return has been created" in chat.text()


def test_window_closed(chat: Chat) -> None:
    chat.customer = BOB
    chat.send("I want to return the lamp from order A-10004")
    assert "30-day return window for order A-10004 ended on 8 February 2025" in chat.text()
    assert chat.retailer.returns == []


def test_window_is_measured_from_delivery(chat: Chat) -> None:
    chat.customer = BOB
    chat.now = chat.now + timedelta(days=30)  # 19 April: 44 days after the 6 March delivery
    chat.send("return order A-10003")
    assert "ended on 5 April 2025" in chat.text()


def test_not_delivered_yet(chat: Chat) -> None:
    chat.send("return order A-10002 jane@example.com")
    assert "hasn't been delivered yet" in chat.text()
