"""The intents the support bot recognises, with one-line meanings used in help texts."""

from __future__ import annotations

from enum import StrEnum


class Intent(StrEnum):
    """What a customer's message is about."""

    ORDER_STATUS = "order_status"
    TRACK_SHIPMENT = "track_shipment"
    CANCEL_ORDER = "cancel_order"
    CHANGE_ADDRESS = "change_address"
    RETURN_ITEM = "return_item"
    REFUND_STATUS = "refund_status"
    PAYMENT_ISSUE = "payment_issue"
    ACCOUNT_ACCESS = "account_access"
    TECHNICAL_ISSUE = "technical_issue"
    PRODUCT_QUESTION = "product_question"
    COMPLAINT = "complaint"
    TALK_TO_HUMAN = "talk_to_human"
    GREETING = "greeting"
    THANKS_GOODBYE = "thanks_goodbye"
    REPORT_SUSPICIOUS = "report_suspicious"
    VERIFY_CONTACT = "verify_contact"
    OUT_OF_SCOPE = "out_of_scope"


INTENT_MEANINGS: dict[Intent, str] = {
    Intent.ORDER_STATUS: "whether an order was received, is being prepared or has shipped",
    Intent.TRACK_SHIPMENT: "where a parcel is, tracking, delivery date, missing deliveries",
    Intent.CANCEL_ORDER: "cancelling all or part of an order",
    Intent.CHANGE_ADDRESS: "changing or correcting the delivery address of an order",
    Intent.RETURN_ITEM: "returns, exchanges, return labels and the return policy",
    Intent.REFUND_STATUS: "where a refund is and when it arrives",
    Intent.PAYMENT_ISSUE: "declined or double payments, unknown charges, payment methods, invoices",
    Intent.ACCOUNT_ACCESS: "signing in, password resets, locked or taken-over accounts",
    Intent.TECHNICAL_ISSUE: "the website or app not working",
    Intent.PRODUCT_QUESTION: "sizes, materials, stock, delivery options and other catalogue questions",
    Intent.COMPLAINT: "dissatisfaction with the service, staff or products",
    Intent.TALK_TO_HUMAN: "asking for a person",
    Intent.GREETING: "hello",
    Intent.THANKS_GOODBYE: "thanks and goodbye",
    Intent.REPORT_SUSPICIOUS: "reporting a scam, fake contact or phishing that uses the retailer's name",
    Intent.VERIFY_CONTACT: "asking whether a phone number, e-mail address, website or account is official",
    Intent.OUT_OF_SCOPE: "anything the retailer's support does not handle",
}

# Intents whose answer needs a specific order the customer has proven they own.
ORDER_INTENTS: frozenset[Intent] = frozenset(
    {
        Intent.ORDER_STATUS,
        Intent.TRACK_SHIPMENT,
        Intent.CANCEL_ORDER,
        Intent.CHANGE_ADDRESS,
        Intent.RETURN_ITEM,
        Intent.REFUND_STATUS,
    }
)


def parse_intent(value: str) -> Intent:
    """Return the Intent named `value`; raise ValueError listing the valid names otherwise."""
    try:
        return Intent(value.strip())
    except ValueError:
        valid = ", ".join(i.value for i in Intent)
        raise ValueError(f"unknown intent {value!r}; expected one of: {valid}") from None
