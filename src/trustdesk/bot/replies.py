"""Every sentence the bot can say, in one place, so each can be reviewed and guard-checked.

Rules for these texts: say plainly that this is an automated assistant; never ask for a
password, card number, security code or one-time code; never confirm whether an order or
account exists to someone who has not proven it is theirs.
"""

from __future__ import annotations

import string

TEMPLATES: dict[str, str] = {
    # -- disclosure and small talk
    "disclosure": (
        "Hi, I'm {bot_name}, an automated assistant for {tenant}, not a person. I can check orders and "
        "deliveries, start returns, look up refunds, help you get back into your account, answer questions "
        "from our help pages, and check whether a phone number, e-mail or website really belongs to {tenant}. "
        "I can't see or change card details, and I will never ask for your password, card number or a "
        'one-time code. Type "agent" at any time to reach a person.'
    ),
    "greeting": "Hello! What can I help you with today?",
    "capabilities": (
        "I can help with where an order is, deliveries and tracking, cancelling, returns, refunds, signing in, "
        'product questions, and checking whether a contact really is from {tenant}. Or type "agent" for a person.'
    ),
    "goodbye": "Thanks for contacting {tenant}. Take care!",
    "is_bot": (
        "I'm an automated assistant, not a person. If you'd rather talk to someone from the {tenant} team, "
        'type "agent".'
    ),
    # -- bad input
    "empty": "I didn't receive any text. What can I help you with?",
    "injection": (
        "I'm an automated assistant with fixed behaviour: I can't take on new instructions or share anything "
        "about how I'm set up. I can help with orders, deliveries, returns, refunds, signing in and checking "
        "contacts."
    ),
    "rapid_fire": (
        "I'm getting a lot of messages at once. Please give me a moment, or send everything in one message."
    ),
    "language": (
        "Sorry, I can only chat in {bot_languages}. Our team can help in {agent_languages}. "
        "Would you like me to pass you to a person? (yes/no)"
    ),
    "not_understood": (
        'Sorry, I\'m not sure I understood. Could you put it another way? For example: "where is my order?", '
        '"I want to return something" or "I can\'t sign in".'
    ),
    "out_of_scope": (
        "That's not something I can help with here: I handle {tenant} orders, deliveries, returns, refunds, "
        "accounts and product questions. Is there anything like that I can do for you?"
    ),
    "handoff_declined": "No problem. What else can I help with?",
    "slot_give_up": "I still don't have what I need. Would you like me to pass you to a person? (yes/no)",
    # -- orders: proof of ownership
    "ask_order_number": "Sure. What's your order number? You'll find it in your order confirmation e-mail.",
    "ask_order_email": (
        "Thanks. To protect your privacy, please also tell me the e-mail address you used for the order."
    ),
    "ask_order_number_after_email": "Thanks. And what's the order number?",
    "order_not_matched": (
        "I couldn't find an order matching that order number and e-mail address. Please check both against "
        "your confirmation e-mail and try again, or sign in to see your orders."
    ),
    "order_not_on_account": (
        "I couldn't find that order number on your account. If the order was placed with a different e-mail "
        "address, tell me that address and I'll check."
    ),
    "order_lookup_limit": (
        "For your security I can't check any more order numbers in this conversation. Please sign in to see "
        'your orders, or type "agent" to reach a person.'
    ),
    "no_orders_on_account": (
        "I can't see any orders on your account. If you ordered as a guest, tell me the order number and "
        "I'll ask for the e-mail address used."
    ),
    "choose_order": "Which order do you mean? Your recent orders: {choices}. Please reply with the order number.",
    # -- orders: answers
    "status_placed": "Order {number} (placed {placed_on}) has been received and is waiting to be prepared.{ship_hint}",
    "status_processing": "Order {number} (placed {placed_on}) is being prepared.{ship_hint}",
    "status_on_hold": (
        "Order {number} is on hold: a colleague needs to check something before it can ship. "
        "I can pass you to them if you'd like (yes/no)."
    ),
    "status_shipped": "Order {number} shipped on {shipped_on} with {carrier}, tracking number {tracking}.{eta}",
    "status_delivered": "Order {number} was delivered on {delivered_on}.",
    "status_cancelled": "Order {number} was cancelled.",
    "status_returned": "Order {number} has been returned.",
    "ship_hint": " It's expected to ship by {date}.",
    "eta": " Expected delivery: {date}.",
    "tracking_link": "You can follow it here: {url}",
    "not_shipped_yet": "It hasn't shipped yet, so there's no tracking number so far.",
    "delivered_missing_hint": (
        "If you can't find the parcel, check with neighbours and any safe place; if it's still missing, "
        'type "agent" and a colleague will open an investigation with the carrier.'
    ),
    "anything_else": "Is there anything else I can help with?",
    # -- cancellation and address changes
    "cancel_confirm": (
        "Order {number} hasn't shipped yet, so it can still be cancelled. It contains: {items}. "
        "Shall I cancel the whole order? (yes/no)"
    ),
    "cancel_done": (
        "Done: order {number} is cancelled. Any payment goes back to your original payment method, "
        "usually within {refund_days} days."
    ),
    "cancel_kept": "OK, I've left order {number} as it is.",
    "cancel_too_late": (
        "Order {number} has already shipped, so it can't be cancelled now. Once it arrives you can return "
        "it: just ask me to start a return."
    ),
    "cancel_nothing": "Order {number} is {status}, so there's nothing to cancel.",
    "address_too_late": (
        "Order {number} has already shipped with {carrier}, so we can't change its address any more. "
        "The carrier may be able to redirect it from their tracking page."
    ),
    # -- returns
    "return_policy": "You can return most items within {window_days} days of delivery{free}.",
    "return_policy_link": "The full return policy: {url}",
    "return_not_delivered": (
        "Order {number} hasn't been delivered yet. Once it arrives you'll have {window_days} days to return it."
    ),
    "return_window_closed": (
        "The {window_days}-day return window for order {number} ended on {deadline}, so I can't start a return "
        'myself. If an item is faulty, a colleague can still help: type "agent".'
    ),
    "return_nothing_returnable": (
        'The items in order {number} can\'t be returned. If something is faulty, type "agent" and a colleague '
        "will help."
    ),
    "return_choose": (
        'Which items would you like to return? {choices}. Reply with the numbers (for example "1 and 3") '
        'or "all".'
    ),
    "return_confirm": "To confirm: return {items} from order {number}? (yes/no)",
    "return_created": "Your return is registered. Reference: {reference}. Next steps: {steps}",
    "return_label": "Your return label: {url}",
    "return_send_by": "Please send the items by {date}.",
    "return_cancelled": "OK, no return has been created.",
    "return_unclear": (
        'Sorry, I didn\'t catch which items. Reply with the numbers from the list (for example "1" or "1 and 2") '
        'or "all".'
    ),
    # -- refunds and payments
    "refund_pending": "A refund of {amount} for order {number} is being processed (started {date}).",
    "refund_issued": (
        "A refund of {amount} for order {number} was issued on {date} to your {method}. Banks usually take "
        "3 to 5 working days to show it."
    ),
    "refund_failed": "A refund of {amount} for order {number} could not be completed; a colleague will look at it.",
    "refund_none": (
        "I can't see a refund on order {number} yet. Refunds for returns start once the items reach us and are "
        "usually issued within {refund_days} days after that."
    ),
    "payment_status": "The payment for order {number} is {status}.",
    "payment_general": (
        "If a payment is declined, check the billing address and that your bank allows online payments; banks "
        "sometimes hold a first payment to a new shop. I can't see or change card details."
    ),
    # -- account access
    "account_ask_email": (
        "I can send you the official password reset link. Which e-mail address is your account registered "
        "with? The link only ever goes to that address, and I will never ask for your password."
    ),
    "account_reset_sent": (
        "If an account uses that address, an e-mail with the official password reset link is on its way to it "
        "now, from {tenant}'s official address. Nobody from {tenant} will ever ask you for your password or "
        "a one-time code."
    ),
    "account_reset_sent_signed_in": (
        "I've sent an e-mail with the official password reset link to the address on your account "
        "({masked_email}). Nobody from {tenant} will ever ask you for your password or a one-time code."
    ),
    "account_reset_limit": (
        "I've already sent a reset link in this conversation. Please check your inbox and spam folder; "
        'if nothing arrives, type "agent".'
    ),
    "account_needs_email": (
        "That doesn't look like an e-mail address. Which e-mail address is your account registered with?"
    ),
    "secret_offered": (
        "Please don't share your password, card numbers or codes here: I never need them and nobody from "
        "{tenant} will ask for them. If you've shared a password anywhere, change it now."
    ),
    # -- suspicious contacts
    "contact_ask": (
        "Please paste the phone number, e-mail address, website or account name you'd like me to check."
    ),
    "contact_none_found": (
        "I couldn't find a phone number, e-mail address or link in your message. Please paste the one you'd "
        "like me to check."
    ),
    "contact_official": "{contact} is an official {tenant} {kind}.",
    "contact_lookalike": (
        "{contact} is NOT ours: it imitates {imitates}{why}. Please don't reply to it or share anything with it."
    ),
    "contact_reported": (
        "{contact} is NOT ours: it has already been reported as fraud. Please don't reply to it or share "
        "anything with it."
    ),
    "contact_unknown": "{contact} is not one of {tenant}'s official contacts. Please treat it with caution.",
    "official_channels": "All of {tenant}'s official contact details are listed here: {url}",
    "never_ask": (
        "{tenant} will never ask for your password, full card number or one-time codes, by phone, e-mail, "
        "text or chat."
    ),
    "shared_secret_advice": (
        "If you've shared a password, change it now; if you shared card details or a code, contact your bank "
        "straight away."
    ),
    "report_form": "You can report it here so we can warn others: {url}",
    # -- knowledge base
    "kb_answer": 'This might help. {title}: "{excerpt}" Read more: {url}',
    "kb_none": (
        "I couldn't find an answer to that in our help pages. Would you like me to pass you to a person? (yes/no)"
    ),
    "tech_tips": (
        "Things that often help: reload the page, try another browser or the app, and clear your browser's cache."
    ),
    # -- handoff
    "handoff": (
        "I'm passing you to a member of the {tenant} team{why}. They'll see our conversation so far, so you "
        "won't need to repeat yourself. {eta}"
    ),
    "handoff_eta_minutes": "Someone should be with you in about {minutes} minutes.",
    "handoff_eta_soon": "Someone should be with you shortly.",
    "handoff_eta_offline": "Nobody is available right now; the team will reply here within {hours} hours.",
    "why_complaint": ". I'm sorry this has gone wrong",
    "why_security": ", who handles security concerns",
    "why_payment": ", who can look into payments",
    "why_address": ", because address changes are checked by a person for your security",
    "why_language": ", who can help in {agent_languages}",
    "why_long": ", who will read your message in full",
    "why_default": "",
}


class _Strict(string.Formatter):
    def get_value(self, key: int | str, args: object, kwargs: dict[str, object]) -> object:  # type: ignore[override]
        if isinstance(key, str) and key not in kwargs:
            raise KeyError(f"reply template needs {key!r}")
        return super().get_value(key, args, kwargs)  # type: ignore[arg-type]


_FORMATTER = _Strict()


def say(key: str, **values: object) -> str:
    """Render the reply `key` with `values`; a missing value is an error, not a blank."""
    return _FORMATTER.format(TEMPLATES[key], **values).strip()


def placeholders(key: str) -> set[str]:
    """The names a template needs (used by tests that render every template)."""
    return {name for _, name, _, _ in string.Formatter().parse(TEMPLATES[key]) if name}
