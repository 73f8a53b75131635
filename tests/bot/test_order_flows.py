"""Order status, tracking, cancellation and address changes, guest and signed-in."""

from __future__ import annotations

from trustdesk.bot.state import Awaiting, BotEvent, HandoffReason

from .conftest import Chat
from .fakes import BOB, JANE


def test_guest_gets_status_only_after_number_and_matching_email(chat: Chat) -> None:
    chat.send("has my order shipped yet?")
    assert "order number" in chat.text()
    chat.send("it's A-10002")
    assert "e-mail address" in chat.text()
    assert "DHL" not in chat.text()
    turn = chat.send("jane@example.com")
    assert BotEvent.ORDER_LOOKUP_SUCCEEDED in turn.events
    assert "JD014600003SE" in chat.text()
    assert "https://dhl.example/track/JD014600003SE" in chat.text()


def test_email_first_then_number_works_too(chat: Chat) -> None:
    chat.send("where is my parcel? my email is jane@example.com")
    assert "order number" in chat.text()
    chat.send("#A-10002")
    assert "DHL" in chat.text()


def test_number_and_email_in_one_message(chat: Chat) -> None:
    chat.send("status of order A-10001 please, jane@example.com")
    assert "being prepared" in chat.text()
    assert "21 March 2025" in chat.text()


def test_tracking_a_delivered_order_offers_an_investigation(chat: Chat) -> None:
    chat.send("my package says delivered but i don't have it, order A-10003 bob@example.org")
    assert "delivered on 6 March 2025" in chat.text()
    assert "agent" in chat.text()


def test_cancel_unshipped_order_after_confirmation(chat: Chat) -> None:
    chat.send("please cancel order A-10001")
    chat.send("jane@example.com")
    assert "Shall I cancel" in chat.text()
    assert chat.state.awaiting is Awaiting.CONFIRM_CANCEL
    turn = chat.send("yes please")
    assert BotEvent.ORDER_CANCELLED in turn.events
    assert chat.retailer.cancelled == ["A-10001"]


def test_saying_no_keeps_the_order(chat: Chat) -> None:
    chat.send("cancel my order A-10001 jane@example.com")
    chat.send("no")
    assert "left order A-10001 as it is" in chat.text()
    assert chat.retailer.cancelled == []


def test_shipped_order_cannot_be_cancelled(chat: Chat) -> None:
    chat.send("cancel order A-10002, jane@example.com")
    assert "already shipped" in chat.text()
    assert ("request_cancellation", ("A-10002",)) not in chat.retailer.calls


def test_failed_cancellation_goes_to_a_person(chat: Chat) -> None:
    chat.retailer.cancellable = False
    chat.send("cancel order A-10001 jane@example.com")
    turn = chat.send("yes")
    assert turn.handoff is not None and turn.handoff.reason is HandoffReason.ORDER_ACTION_FAILED


def test_address_change_before_shipping_is_handed_to_a_person(chat: Chat) -> None:
    turn = chat.send("I need to change the delivery address on order A-10001, email jane@example.com")
    assert turn.handoff is not None
    assert turn.handoff.reason is HandoffReason.ADDRESS_CHANGE
    assert "A-10001 (verified by order number and e-mail)" in turn.handoff.summary


def test_address_change_after_shipping_points_to_the_carrier(chat: Chat) -> None:
    chat.send("can you send order A-10002 to a different address? jane@example.com")
    assert "already shipped with DHL" in chat.text()


def test_signed_in_owner_needs_no_email(chat: Chat) -> None:
    chat.customer = JANE
    chat.send("what's the status of order A-10002?")
    assert "JD014600003SE" in chat.text()
    assert not any(name == "find_order" for name, _ in chat.retailer.calls)


def test_signed_in_customer_with_several_orders_is_asked_which(chat: Chat) -> None:
    chat.customer = JANE
    chat.send("where is my order")
    assert "A-10001" in chat.text() and "A-10002" in chat.text()
    chat.send("A-10002")
    assert "DHL" in chat.text()


def test_signed_in_customer_cannot_see_someone_elses_order(chat: Chat) -> None:
    chat.customer = JANE
    chat.send("status of order A-10003")
    assert "couldn't find that order number on your account" in chat.text()
    assert "UPS" not in chat.text()


def test_refund_status_from_the_order(chat: Chat) -> None:
    chat.customer = BOB
    chat.send("where is my refund for order A-10003?")
    assert "€20.00" in chat.text()
    assert "13 March 2025" in chat.text()


def test_refund_status_without_refunds_explains_timing(chat: Chat) -> None:
    chat.send("when will i get my refund? order A-10002 jane@example.com")
    assert "can't see a refund" in chat.text()


def test_payment_status_from_the_order(chat: Chat) -> None:
    chat.customer = BOB
    chat.send("payment problem with order A-10003")
    assert "partially refunded" in chat.text()


def test_payment_dispute_goes_to_a_person_with_high_priority(chat: Chat) -> None:
    turn = chat.send("I was charged twice for my order and I want to dispute it")
    assert turn.handoff is not None
    assert turn.handoff.reason is HandoffReason.PAYMENT_DISPUTE
    assert turn.handoff.priority == "high"


def test_switching_topic_keeps_the_proven_order(chat: Chat) -> None:
    chat.send("where is order A-10001? jane@example.com")
    chat.send("actually please cancel it")
    assert "Shall I cancel" in chat.text()
    assert sum(1 for name, _ in chat.retailer.calls if name == "find_order") == 2  # re-read, same proof


def test_a_different_order_number_needs_its_own_proof(chat: Chat) -> None:
    chat.send("where is order A-10001? jane@example.com")
    chat.send("and what about order A-10003?")
    assert "e-mail address" in chat.text()
    assert "UPS" not in chat.text()
