"""The plain-words notice a customer sees when something was removed."""

from __future__ import annotations

from trustdesk.guard import scan


def test_notice_names_what_was_removed_and_who_never_asks():
    result = scan("my card is 4242 4242 4242 4242", brand="Acme")
    assert result.customer_notice == (
        "We removed a card number from your message to keep you safe. "
        "Acme will never ask for your card number. "
        "If anyone asks, even someone who says they are from Acme, don't share them and report it to us."
    )


def test_notice_lists_several_kinds_once_each():
    text = "card 4242 4242 4242 4242 cvv 123, and 5555 5555 5555 4444; my password is hunter2"
    notice = scan(text, brand="Shopmart").customer_notice
    assert notice is not None
    assert notice.startswith(
        "We removed a card number, a card security code (CVV) and a password from your message"
    )
    assert notice.count("a card number") == 1
    assert (
        "Shopmart will never ask for your card number, the security code on your card or your password or PIN."
        in notice
    )


def test_notice_without_a_brand_speaks_for_us():
    notice = scan("OTP: 123456").customer_notice
    assert notice is not None and "We will never ask for one-time codes." in notice


def test_no_notice_when_nothing_was_removed():
    assert scan("where is my parcel? call me on 415-555-0132").customer_notice is None
    assert scan("").customer_notice is None
