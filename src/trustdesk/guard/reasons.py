"""Why an outbound message was blocked, in the agent's language.

Written like the customer notice (guard/notice.py): each sentence a gettext message with named
placeholders ({brand}, {what}); what the message asked for (guard.asks' English description) is
a message of its own, fitted to the sentence it fills, and stays as guard.asks wrote it when it
has none (a test keeps asks.py and these messages in step).
"""

from __future__ import annotations

import re
from functools import lru_cache

from trustdesk.guard.findings import FindingType
from trustdesk.i18n import Words, words


class WrittenIn:
    """Words already written (an agent's block reasons) in ``language``; no customer notice."""

    def __init__(self, language: str) -> None:
        self._language = language

    @property
    def language(self) -> str:
        """The language the reasons are written in."""
        return self._language

    @property
    def notice(self) -> str | None:
        """Outbound messages get no customer notice."""
        return None


@lru_cache(maxsize=16)
def _asked_words(code: str) -> dict[str, str]:
    """What an ask asked for (guard.asks' English words) -> the words in ``code``, fitted to the
    reason's first sentence ("This message asks … for {what}.")."""
    w = words(code)
    return {
        # Translators: the "block reason: what the message asks for" phrases fill
        # {what} in the first sentence of a block reason: "password", "PIN" and
        # "online-banking login" in "This message asks the customer for their
        # {what}."; "full card number", "card security code (CVV/CVC)" and "card
        # expiry date" in "This message asks for the customer's {what}.";
        # "one-time code" in "… for a {what}."; the remote-access phrases in "… to
        # give {what}.". Add the article or case your translation of that sentence
        # needs.
        "password": w.pgettext("block reason: what the message asks for", "password"),
        "PIN": w.pgettext("block reason: what the message asks for", "PIN"),
        "online-banking login": w.pgettext("block reason: what the message asks for", "online-banking login"),
        "full card number": w.pgettext("block reason: what the message asks for", "full card number"),
        "card security code (CVV/CVC)": w.pgettext(
            "block reason: what the message asks for", "card security code (CVV/CVC)"
        ),
        "one-time code": w.pgettext("block reason: what the message asks for", "one-time code"),
        "card expiry date": w.pgettext("block reason: what the message asks for", "card expiry date"),
        "remote access to their device": w.pgettext(
            "block reason: what the message asks for", "remote access to their device"
        ),
    }


# guard.asks names the tool it saw: "remote-access software (AnyDesk)".
_REMOTE_TOOL = re.compile(r"remote-access software \((?P<name>.+)\)\Z", re.DOTALL)


def _asked(what: str, w: Words) -> str:
    """``what`` in the reader's words; an ask description without a translation stays as given."""
    tool = _REMOTE_TOOL.match(what)
    if tool is not None:
        # Translators: {name} is the remote-access tool the message names
        # ("AnyDesk").
        return w.pgettext(
            "block reason: what the message asks for", "remote-access software ({name})", name=tool["name"]
        )
    return _asked_words(w.code).get(what, what)


@lru_cache(maxsize=1024)
def block_reason(ask_type: str, what: str, brand: str | None, lang: str | None = None) -> str:
    """Why an outbound message was blocked, in words the agent understands, in ``lang`` (English
    when it names no supported language). ``what`` is the ask's description from guard.asks."""
    w = words(lang)
    asked = _asked(what, w)
    who = brand.strip() if brand and brand.strip() else None
    return " ".join(_reason_sentences(ask_type, asked, who, w))


def _reason_sentences(ask_type: str, what: str, who: str | None, w: Words) -> list[str]:
    if ask_type == FindingType.PASSWORD:
        return [
            w.gettext("This message asks the customer for their {what}.", what=what),
            w.gettext(
                "{brand} never asks customers for passwords, PINs or banking logins: that request is exactly "
                "what impersonators send.",
                brand=who,
            )
            if who
            else w.gettext(
                "Support never asks customers for passwords, PINs or banking logins: that request is exactly "
                "what impersonators send."
            ),
            w.gettext("Offer the password-reset link instead."),
        ]
    if ask_type == FindingType.PAYMENT_CARD:
        return [
            w.gettext("This message asks for the customer's {what}.", what=what),
            w.gettext("Support never takes card numbers in a conversation."),
            w.gettext(
                "To identify a payment, ask for the last four digits; to take a payment, send the secure "
                "payment link."
            ),
        ]
    if ask_type == FindingType.CARD_SECURITY_CODE:
        return [
            w.gettext("This message asks for the customer's {what}.", what=what),
            w.gettext("Nobody at {brand} may ask for it, in any channel.", brand=who)
            if who
            else w.gettext("Nobody at Support may ask for it, in any channel."),
            w.gettext("To identify a payment, ask for the last four digits of the card."),
        ]
    if ask_type == FindingType.CARD_EXPIRY:
        return [
            w.gettext("This message asks for the customer's {what}.", what=what),
            w.gettext("Card details are only entered on the secure payment page, never sent to an agent."),
        ]
    if ask_type == FindingType.ONE_TIME_CODE:
        return [
            w.gettext("This message asks the customer for a {what}.", what=what),
            w.gettext(
                "One-time codes approve logins and payments; whoever holds one can take over the account, "
                "so support must never ask for it."
            ),
            w.gettext("Use the in-account verification instead."),
        ]
    if ask_type == FindingType.REMOTE_ACCESS:
        return [
            w.gettext("This message asks the customer to give {what}.", what=what),
            w.gettext(
                "{brand} support never takes control of a customer's device; installing remote-access "
                "software is a classic step of refund scams.",
                brand=who,
            )
            if who
            else w.gettext(
                "Support never takes control of a customer's device; installing remote-access software "
                "is a classic step of refund scams."
            ),
        ]
    return [w.gettext("This message asks the customer for {what}, which support never asks for.", what=what)]
