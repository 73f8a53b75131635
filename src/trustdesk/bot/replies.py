"""Every sentence the bot can say, in one place, so each can be reviewed, translated and guard-checked.

The templates are English gettext messages (domain "trustdesk", src/trustdesk/locale): `N_` only marks
them for `make messages`; `say(key, lang, ...)` looks each up in the conversation's language when it
is used, and fills its {placeholders} there, so every language orders its own words.

Rules for these texts, in every language: say plainly that this is an automated assistant; never ask
for a password, card number, security code or one-time code; never confirm whether an order or
account exists to someone who has not proven it is theirs.
"""

from __future__ import annotations

import string

from trustdesk.i18n import words


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "translate later", known to pybabel
    """Mark `message` for extraction; it is translated when said."""
    return message


TEMPLATES: dict[str, str] = {
    # -- disclosure and small talk
    # Translators: {bot_name} is the assistant's name, {tenant} the retailer's. Keep the word in quotes that
    # reaches a person ("agent") as the customer would type it in your language; the bot also
    # understands the English word.
    "disclosure": N_(
        "Hi, I'm {bot_name}, an automated assistant for {tenant}, not a person. I can check orders and "
        "deliveries, start returns, look up refunds, help you get back into your account, answer "
        "questions from our help pages, and check whether a phone number, e-mail or website really "
        "belongs to {tenant}. I can't see or change card details, and I will never ask for your password,"
        ' card number or a one-time code. Type "agent" at any time to reach a person.'
    ),
    "greeting": N_("Hello! What can I help you with today?"),
    "capabilities": N_(
        "I can help with where an order is, deliveries and tracking, cancelling, returns, refunds, "
        "signing in, product questions, and checking whether a contact really is from {tenant}. Or type "
        '"agent" for a person.'
    ),
    "goodbye": N_("Thanks for contacting {tenant}. Take care!"),
    "is_bot": N_(
        "I'm an automated assistant, not a person. If you'd rather talk to someone from the {tenant} "
        'team, type "agent".'
    ),
    # -- bad input
    "empty": N_("I didn't receive any text. What can I help you with?"),
    "injection": N_(
        "I'm an automated assistant with fixed behaviour: I can't take on new instructions or share "
        "anything about how I'm set up. I can help with orders, deliveries, returns, refunds, signing in "
        "and checking contacts."
    ),
    "rapid_fire": N_(
        "I'm getting a lot of messages at once. Please give me a moment, or send everything in one message."
    ),
    # Translators: {bot_languages} and {agent_languages} are lists of language names in your language.
    "language": N_(
        "Sorry, I can only chat in {bot_languages}. Our team can help in {agent_languages}. Would you "
        "like me to pass you to a person? (yes/no)"
    ),
    # Translators: {language} is the customer's language and {default_language} the one the chat continues in, both
    # named in your language.
    "language_not_offered": N_(
        "Sorry, this chat isn't available in {language}. I'll continue in {default_language}."
    ),
    "not_understood": N_(
        "Sorry, I'm not sure I understood. Could you put it another way? For example: \"where is my "
        'order?", "I want to return something" or "I can\'t sign in".'
    ),
    "out_of_scope": N_(
        "That's not something I can help with here: I handle {tenant} orders, deliveries, returns, "
        "refunds, accounts and product questions. Is there anything like that I can do for you?"
    ),
    "handoff_declined": N_("No problem. What else can I help with?"),
    "slot_give_up": N_("I still don't have what I need. Would you like me to pass you to a person? (yes/no)"),
    # -- orders: proof of ownership
    "ask_order_number": N_(
        "Sure. What's your order number? You'll find it in your order confirmation e-mail."
    ),
    "ask_order_email": N_(
        "Thanks. To protect your privacy, please also tell me the e-mail address you used for the order."
    ),
    "ask_order_number_after_email": N_("Thanks. And what's the order number?"),
    "order_not_matched": N_(
        "I couldn't find an order matching that order number and e-mail address. Please check both "
        "against your confirmation e-mail and try again, or sign in to see your orders."
    ),
    "order_not_on_account": N_(
        "I couldn't find that order number on your account. If the order was placed with a different "
        "e-mail address, tell me that address and I'll check."
    ),
    "order_lookup_limit": N_(
        "For your security I can't check any more order numbers in this conversation. Please sign in to "
        'see your orders, or type "agent" to reach a person.'
    ),
    "no_orders_on_account": N_(
        "I can't see any orders on your account. If you ordered as a guest, tell me the order number and "
        "I'll ask for the e-mail address used."
    ),
    "choose_order": N_(
        "Which order do you mean? Your recent orders: {choices}. Please reply with the order number."
    ),
    # Translators: one entry of a list of orders; {placed_on} is a date.
    "order_choice": N_("{number} (placed {placed_on})"),
    # -- orders: answers
    "status_placed": N_(
        "Order {number} (placed {placed_on}) has been received and is waiting to be prepared.{ship_hint}"
    ),
    "status_processing": N_("Order {number} (placed {placed_on}) is being prepared.{ship_hint}"),
    "status_on_hold": N_(
        "Order {number} is on hold: a colleague needs to check something before it can ship. I can pass "
        "you to them if you'd like (yes/no)."
    ),
    # Translators: {shipped_on} is a date, or the word from "shipped_recently".
    "status_shipped": N_(
        "Order {number} shipped on {shipped_on} with {carrier}, tracking number {tracking}.{eta}"
    ),
    "shipped_recently": N_("recently"),
    "status_delivered": N_("Order {number} was delivered on {delivered_on}."),
    "status_cancelled": N_("Order {number} was cancelled."),
    "status_returned": N_("Order {number} has been returned."),
    # Translators: Appended to a status sentence; starts with a space.
    "ship_hint": N_(" It's expected to ship by {date}."),
    # Translators: Appended to a shipment sentence; starts with a space.
    "eta": N_(" Expected delivery: {date}."),
    "tracking_link": N_("You can follow it here: {url}"),
    "not_shipped_yet": N_("It hasn't shipped yet, so there's no tracking number so far."),
    "delivered_missing_hint": N_(
        "If you can't find the parcel, check with neighbours and any safe place; if it's still missing, "
        'type "agent" and a colleague will open an investigation with the carrier.'
    ),
    "anything_else": N_("Is there anything else I can help with?"),
    # -- cancellation and address changes
    "cancel_confirm": N_(
        "Order {number} hasn't shipped yet, so it can still be cancelled. It contains: {items}. Shall I "
        "cancel the whole order? (yes/no)"
    ),
    "cancel_done": N_(
        "Done: order {number} is cancelled. Any payment goes back to your original payment method, "
        "usually within {refund_days} days."
    ),
    "cancel_kept": N_("OK, I've left order {number} as it is."),
    "cancel_too_late": N_(
        "Order {number} has already shipped, so it can't be cancelled now. Once it arrives you can return"
        " it: just ask me to start a return."
    ),
    "cancel_nothing": N_("Order {number} is {status}, so there's nothing to cancel."),
    "address_too_late": N_(
        "Order {number} has already shipped with {carrier}, so we can't change its address any more. The "
        "carrier may be able to redirect it from their tracking page."
    ),
    # -- returns
    # Translators: {free} is empty or the sentence part "return_policy_free" (starts with a comma).
    "return_policy": N_("You can return most items within {window_days} days of delivery{free}."),
    # Translators: Completes "You can return most items within N days of delivery"; starts with a comma.
    "return_policy_free": N_(", and returns are free"),
    "return_policy_link": N_("The full return policy: {url}"),
    "return_not_delivered": N_(
        "Order {number} hasn't been delivered yet. Once it arrives you'll have {window_days} days to "
        "return it."
    ),
    "return_window_closed": N_(
        "The {window_days}-day return window for order {number} ended on {deadline}, so I can't start a "
        'return myself. If an item is faulty, a colleague can still help: type "agent".'
    ),
    "return_nothing_returnable": N_(
        'The items in order {number} can\'t be returned. If something is faulty, type "agent" and a '
        "colleague will help."
    ),
    "return_choose": N_(
        'Which items would you like to return? {choices}. Reply with the numbers (for example "1 and 3") '
        'or "all".'
    ),
    "return_confirm": N_("To confirm: return {items} from order {number}? (yes/no)"),
    "return_created": N_("Your return is registered. Reference: {reference}. Next steps: {steps}"),
    "return_label": N_("Your return label: {url}"),
    "return_send_by": N_("Please send the items by {date}."),
    "return_cancelled": N_("OK, no return has been created."),
    "return_unclear": N_(
        'Sorry, I didn\'t catch which items. Reply with the numbers from the list (for example "1" or "1 '
        'and 2") or "all".'
    ),
    # -- refunds and payments
    "refund_pending": N_("A refund of {amount} for order {number} is being processed (started {date})."),
    "refund_issued": N_(
        "A refund of {amount} for order {number} was issued on {date} to your {method}. Banks usually "
        "take 3 to 5 working days to show it."
    ),
    "refund_failed": N_(
        "A refund of {amount} for order {number} could not be completed; a colleague will look at it."
    ),
    "refund_none": N_(
        "I can't see a refund on order {number} yet. Refunds for returns start once the items reach us "
        "and are usually issued within {refund_days} days after that."
    ),
    # Translators: the state of an order's payment, completing "The payment for order {number} is …".
    "payment_pending": N_("pending"),
    "payment_paid": N_("paid"),
    "payment_failed": N_("failed"),
    "payment_refunded": N_("refunded"),
    "payment_partially_refunded": N_("partially refunded"),
    # Translators: the state of an order, completing "Order {number} is …, so there's nothing to cancel.".
    "order_placed": N_("placed"),
    "order_processing": N_("being prepared"),
    "order_on_hold": N_("on hold"),
    "order_shipped": N_("shipped"),
    "order_delivered": N_("delivered"),
    "order_cancelled": N_("cancelled"),
    "order_returned": N_("returned"),
    "payment_status": N_("The payment for order {number} is {status}."),
    "payment_general": N_(
        "If a payment is declined, check the billing address and that your bank allows online payments; "
        "banks sometimes hold a first payment to a new shop. I can't see or change card details."
    ),
    # -- account access
    "account_ask_email": N_(
        "I can send you the official password reset link. Which e-mail address is your account registered"
        " with? The link only ever goes to that address, and I will never ask for your password."
    ),
    "account_reset_sent": N_(
        "If an account uses that address, an e-mail with the official password reset link is on its way "
        "to it now, from {tenant}'s official address. Nobody from {tenant} will ever ask you for your "
        "password or a one-time code."
    ),
    "account_reset_sent_signed_in": N_(
        "I've sent an e-mail with the official password reset link to the address on your account "
        "({masked_email}). Nobody from {tenant} will ever ask you for your password or a one-time code."
    ),
    "account_reset_limit": N_(
        "I've already sent a reset link in this conversation. Please check your inbox and spam folder; if"
        ' nothing arrives, type "agent".'
    ),
    "account_needs_email": N_(
        "That doesn't look like an e-mail address. Which e-mail address is your account registered with?"
    ),
    "secret_offered": N_(
        "Please don't share your password, card numbers or codes here: I never need them and nobody from "
        "{tenant} will ask for them. If you've shared a password anywhere, change it now."
    ),
    # -- suspicious contacts
    "contact_ask": N_(
        "Please paste the phone number, e-mail address, website or account name you'd like me to check."
    ),
    "contact_none_found": N_(
        "I couldn't find a phone number, e-mail address or link in your message. Please paste the one "
        "you'd like me to check."
    ),
    # Translators: what kind of contact was checked; fills {kind} below.
    "kind_phone": N_("phone number"),
    "kind_email": N_("e-mail address"),
    "kind_website": N_("website"),
    "kind_account": N_("account"),
    # Translators: fills {imitates} in "… is NOT ours: it imitates …"; {kind} is a kind of contact.
    "imitates_official": N_("an official {kind}"),
    # Translators: {kind} is one of: phone number, e-mail address, website, account (translated separately).
    "contact_official": N_("{contact} is an official {tenant} {kind}."),
    # Translators: {imitates} names what it imitates; {why} is empty or the reasons in brackets, starting with a
    # space.
    "contact_lookalike": N_(
        "{contact} is NOT ours: it imitates {imitates}{why}. Please don't reply to it or share anything "
        "with it."
    ),
    "contact_reported": N_(
        "{contact} is NOT ours: it has already been reported as fraud. Please don't reply to it or share "
        "anything with it."
    ),
    "contact_unknown": N_(
        "{contact} is not one of {tenant}'s official contacts. Please treat it with caution."
    ),
    "official_channels": N_("All of {tenant}'s official contact details are listed here: {url}"),
    "never_ask": N_(
        "{tenant} will never ask for your password, full card number or one-time codes, by phone, e-mail,"
        " text or chat."
    ),
    "shared_secret_advice": N_(
        "If you've shared a password, change it now; if you shared card details or a code, contact your "
        "bank straight away."
    ),
    "report_form": N_("You can report it here so we can warn others: {url}"),
    # -- knowledge base
    # Translators: {title} and {excerpt} are from the help article, in its own language.
    "kb_answer": N_('This might help. {title}: "{excerpt}" Read more: {url}'),
    # Translators: {language} names the language of the article quoted before, in your language.
    "kb_other_language": N_("This help article is only available in {language}."),
    "kb_none": N_(
        "I couldn't find an answer to that in our help pages. Would you like me to pass you to a person? "
        "(yes/no)"
    ),
    "tech_tips": N_(
        "Things that often help: reload the page, try another browser or the app, and clear your "
        "browser's cache."
    ),
    # -- handoff
    # Translators: {why} is empty or one of the "why_…" fragments, which start with a comma or a full stop; {eta}
    # is a whole sentence.
    "handoff": N_(
        "I'm passing you to a member of the {tenant} team{why}. They'll see our conversation so far, so "
        "you won't need to repeat yourself. {eta}"
    ),
    "handoff_eta_minutes": N_("Someone should be with you in about {minutes} minutes."),
    "handoff_eta_soon": N_("Someone should be with you shortly."),
    "handoff_eta_offline": N_(
        "Nobody is available right now; the team will reply here within {hours} hours."
    ),
    # Translators: Completes "I'm passing you to a member of the {tenant} team"; starts with a full stop.
    "why_complaint": N_(". I'm sorry this has gone wrong"),
    # Translators: Completes "I'm passing you to a member of the {tenant} team"; starts with a comma.
    "why_security": N_(", who handles security concerns"),
    # Translators: Completes "I'm passing you to a member of the {tenant} team"; starts with a comma.
    "why_payment": N_(", who can look into payments"),
    # Translators: Completes "I'm passing you to a member of the {tenant} team"; starts with a comma.
    "why_address": N_(", because address changes are checked by a person for your security"),
    # Translators: Completes "I'm passing you to a member of the {tenant} team"; starts with a comma.
    # {agent_languages} is a list of language names.
    "why_language": N_(", who can help in {agent_languages}"),
    # Translators: Completes "I'm passing you to a member of the {tenant} team"; starts with a comma.
    "why_long": N_(", who will read your message in full"),
    "why_default": "",  # nothing to translate
}


def say(key: str, lang: str | None = None, /, **values: object) -> str:
    """Render the reply `key` in `lang` (English when None) with `values`; a missing value is an
    error, not a blank, and a broken translation falls back to the English sentence."""
    template = TEMPLATES[key]
    if not template:
        return ""
    missing = placeholders(key) - values.keys()
    if missing:
        raise KeyError(f"reply template needs {sorted(missing)[0]!r}")
    return words(lang).gettext(template, **values).strip()


def placeholders(key: str) -> set[str]:
    """The names a template needs (used by tests that render every template)."""
    return {name for _, name, _, _ in string.Formatter().parse(TEMPLATES[key]) if name}
