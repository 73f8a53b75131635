"""A report's reasons in the reporter's language, for the report status page.

The engine writes each reason in English (`Reason.text`: stored with the report, shown to staff and in
the API). The reporter reads them in their own language: each code has a sentence here, and where the
English quotes the reporter's own message (“…”) the quotation follows it, in the words they wrote.
"""

from __future__ import annotations

import re

from trustdesk.i18n import DEFAULT_LANGUAGE, words


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "translate later", known to pybabel
    """Mark a message for `make messages`; it is translated when it is shown."""
    return message


# One sentence per code, without its final full stop (a quotation may follow).
SENTENCES = {
    "spf_fail": N_("The sending server is not authorised to send mail for the sender's domain (SPF)"),
    "spf_softfail": N_("The sender's domain does not vouch for the sending server (SPF)"),
    "dkim_fail": N_("The message's signature (DKIM) does not verify: it was altered or forged"),
    "dmarc_fail": N_("The sender address is not authenticated by its domain (DMARC): likely forged"),
    "no_authentication": N_("Nothing authenticates the sender: neither SPF nor DKIM vouches for it"),
    "styled_characters": N_("Words are spelt with decorative look-alike characters to slip past filters"),
    "mixed_script_words": N_("Words mix Latin letters with Cyrillic or Greek look-alike letters"),
    "invisible_padding": N_("The message hides long runs of invisible characters"),
    "random_filler": N_("The message contains random strings of letters and digits that defeat filters"),
    "hidden_characters": N_("Invisible characters are hidden between the letters of its words"),
    "abused_tld_link": N_("A link leads to a domain ending popular with fraudsters"),
    "reply_to_freemail": N_("Replies go to a free webmail account, not to the sender's domain"),
    "reply_to_mismatch": N_("Replies go to a different domain from the sender's"),
    "return_path_mismatch": N_("The envelope sender's domain differs from the visible sender's domain"),
    "display_name_impersonation": N_(
        "The sender uses a brand's name but writes from a domain that is not the brand's"
    ),
    "freemail_brand_claim": N_("The sender claims to be a brand but writes from a free webmail account"),
    "freemail_service_claim": N_(
        "The sender presents itself as a service but writes from a free webmail account"
    ),
    "display_name_address_spoof": N_(
        "The sender's name shows one address, but the message really comes from another"
    ),
    "malformed_sender": N_("The sender field is malformed, a way to show one name and hide the real address"),
    "sender_name_mismatch": N_("The sender's name has nothing to do with its address"),
    "recipient_address_in_subject": N_(
        "The message addresses you by your e-mail address instead of your name"
    ),
    "cloud_tenant_sender": N_("The sender uses a throw-away cloud-mail domain instead of a company domain"),
    "abused_tld_sender": N_("The sender's domain ends in a way popular with fraudsters"),
    "random_sender": N_("The sender address is a random string, typical of throw-away senders"),
    "freemail_invoice": N_(
        "A free webmail account sends a billing message; real shops bill from their own domain"
    ),
    "contact_elsewhere": N_("The message asks you to answer at another free webmail address"),
    "celebrity_sender": N_("The sender borrows a famous name: famous people do not write to you"),
    "urgency": N_("The message pressures you to act at once"),
    "account_threat": N_("The message threatens or alarms you about your account"),
    "secret_request": N_("The message asks for secrets that real support never asks for"),
    "gift_card_payment": N_("The message asks for payment in gift cards"),
    "crypto_payment": N_("The message asks for payment in cryptocurrency"),
    "remote_access": N_(
        "The message involves remote-access software, which scammers use to take over devices"
    ),
    "verify_account_link": N_(
        "The message asks you to follow a link to your account; sign in only through the official app or site"
    ),
    "reward_lure": N_("The message lures with a prize or reward"),
    "advance_fee": N_("The message tells a windfall story typical of advance-fee fraud"),
    "callback_scam": N_(
        "The message describes a charge or refund and asks you to call a number, a known refund scam"
    ),
    "delivery_problem": N_("The message claims a delivery problem"),
    "romance_lure": N_("The message is dating or adult bait"),
    "crypto_giveaway": N_("The message offers a crypto giveaway or wallet check"),
    "gambling_bonus": N_("The message pushes casino or betting bonuses"),
    "legal_threat": N_("The message threatens fines or legal trouble"),
    "subscription_lapse": N_("The message claims a subscription, storage or payment problem"),
    "link_text_mismatch": N_("A link shows one address but really leads somewhere else"),
    "ip_address_link": N_("A link points to a bare IP address, not to a named site"),
    "punycode_link": N_("A link uses an internationalised host name that can imitate a familiar one"),
    "shortened_link": N_("A link goes through a URL shortener, hiding where it leads"),
    "free_hosting_link": N_("A link leads to a platform where anyone can publish a page or form"),
    "html_form": N_("The message contains a form: never type data into a form inside an e-mail"),
    "html_attachment": N_("An attachment is a web page, which can open a fake sign-in form"),
    "executable_attachment": N_("An attachment is a program that could take over your device"),
    "archive_with_executable": N_("An attached archive contains a program that could take over your device"),
    "suspicious_archive": N_("An attachment is an archive of a kind often used to hide malware"),
    "brand_not_sender": N_(
        "It presents itself as a brand, but the authenticated sender is not one of the brand's domains"
    ),
    "indicator_reported": N_("A contact in it has already been reported as fraud"),
    "indicator_lookalike": N_("A contact in it imitates an official one"),
    "lookalike_domain": N_("It comes from or links to a domain made to look like a known brand's or shop's"),
    "phishing_wording": N_("Its wording is typical of phishing and spam mail"),
    # The narrative signals (a scam the customer tells in their own words).
    "narrated_secret_ask": N_(
        "Someone asked you for a code, card details or a password: real support never does"
    ),
    "narrated_impersonation": N_("Someone posed as a company's support or staff"),
}
_QUOTE = re.compile(r"“[^”]{1,80}”")


def reason_words(code: str, text: str, lang: str | None) -> str:
    """The reason ``code`` (English ``text``) in ``lang``; an unknown code keeps its English text."""
    w = words(lang)
    sentence = SENTENCES.get(code)
    if w.code == DEFAULT_LANGUAGE or sentence is None:
        return text
    quoted = _QUOTE.search(text)
    if quoted is not None:
        return w.gettext("{reason}: {quote}.", reason=w.gettext(sentence), quote=quoted.group(0))
    return w.gettext("{reason}.", reason=w.gettext(sentence))
