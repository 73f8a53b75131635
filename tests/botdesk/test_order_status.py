"""Order questions through the pipeline: answers only after the order number AND its e-mail."""

from __future__ import annotations

from .conftest import PAT, BotDesk


def test_order_status_after_number_and_email(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    asked = chat.send("Where is my order A-1002?")
    assert "e-mail address you used for the order" in asked
    assert "prepared" not in asked  # nothing about the order before the proof
    reply = chat.send(PAT)
    assert "Order A-1002" in reply and "is being prepared" in reply


def test_order_numbers_typed_loosely_still_match(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    reply = chat.send("has order #a1003 shipped? my email is lee@example.test")
    assert "Order A-1003 shipped" in reply and "UPS" in reply


def test_wrong_email_gets_the_same_answer_as_an_unknown_order(botdesk: BotDesk) -> None:
    wrong_email = botdesk.chat().send("status of order A-1002 please, e-mail mallory@example.test")
    unknown = botdesk.chat().send("status of order A-9999 please, e-mail mallory@example.test")
    assert wrong_email == unknown
    assert "couldn't find an order matching" in wrong_email


def test_cancelling_an_unshipped_order_changes_it_and_is_audited(botdesk: BotDesk) -> None:
    from sqlalchemy import select

    from trustdesk.store.models import AuditEvent, Order

    chat = botdesk.chat()
    offer = chat.send(f"please cancel order A-1002, my email is {PAT}")
    assert "cancel" in offer.lower() and "(yes/no)" in offer
    done = chat.send("yes")
    assert "A-1002 is cancelled" in done
    with botdesk.sessions() as s:
        assert s.scalar(select(Order.status).where(Order.number == "A-1002")) == "cancelled"
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.action == "bot.order_cancelled")) is not None
