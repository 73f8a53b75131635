"""The customer notice after a redaction, in the customer's language.

Each sentence is one gettext message with named placeholders ({brand}, {items}), so every
language orders its own words. The phrases that fill a slot are messages of their own under a
context that names the slot, with the article or case the slot needs (German "nach Ihrer
Kartennummer" takes the dative, Polish "o hasło" the accusative), and lists are joined with the
language's own "and"/"or" (CLDR, `trustdesk.i18n.join_and`). The English source strings are the
English output. A retailer's own detector keeps the label the retailer wrote. The agent's block
reasons are written the same way in guard/reasons.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from trustdesk.guard.findings import Finding, FindingType
from trustdesk.guard.language import language_for_words
from trustdesk.i18n import DEFAULT_LANGUAGE, Words, words

# What was removed, as a customer would say it (English; the staff-facing names are below).
_REMOVED_WORDS: dict[str, str] = {
    FindingType.PAYMENT_CARD: "a card number",
    FindingType.CARD_SECURITY_CODE: "a card security code (CVV)",
    FindingType.CARD_EXPIRY: "a card expiry date",
    FindingType.IBAN: "a bank account number (IBAN)",
    FindingType.BANK_ACCOUNT: "a bank account number",
    FindingType.NATIONAL_ID: "an ID number",
    FindingType.PASSWORD: "a password",
    FindingType.ONE_TIME_CODE: "a one-time code",
    FindingType.SECRET_KEY: "a secret key",
    FindingType.EMAIL: "an e-mail address",
    FindingType.PHONE: "a phone number",
}
# What the retailer never asks for (English, also the key the phrases are deduplicated by).
_NEVER_ASKS: dict[str, str] = {
    FindingType.PAYMENT_CARD: "your card number",
    FindingType.CARD_SECURITY_CODE: "the security code on your card",
    FindingType.CARD_EXPIRY: "your card details",
    FindingType.IBAN: "your bank details",
    FindingType.BANK_ACCOUNT: "your bank details",
    FindingType.NATIONAL_ID: "your ID number",
    FindingType.PASSWORD: "your password or PIN",
    FindingType.ONE_TIME_CODE: "one-time codes",
    FindingType.SECRET_KEY: "secret keys",
}
# "Your card details" says nothing more once the card number or its security code is named.
_CARD_DETAILS = "your card details"
_MORE_PRECISE_THAN_CARD_DETAILS = frozenset({"your card number", "the security code on your card"})

# The same types named for staff (a reason why a file was withheld): precise, never a value.
STAFF_NAMES: dict[str, str] = {
    FindingType.PAYMENT_CARD: "a payment card number",
    FindingType.CARD_SECURITY_CODE: "a card security code",
    FindingType.CARD_EXPIRY: "a card expiry date",
    FindingType.IBAN: "an IBAN",
    FindingType.BANK_ACCOUNT: "a bank account number",
    FindingType.NATIONAL_ID: "an ID number",
    FindingType.PASSWORD: "a password",
    FindingType.ONE_TIME_CODE: "a one-time code",
    FindingType.SECRET_KEY: "a secret key",
    FindingType.EMAIL: "an e-mail address",
    FindingType.PHONE: "a phone number",
}


def _own_label(finding_type: str, custom_labels: dict[str, str] | None) -> str:
    """A retailer's detector by its label, or else by its type name ("GIFT_CARD" -> "gift card")."""
    return (custom_labels or {}).get(finding_type, finding_type.replace("_", " ").lower())


def _with_article(label: str) -> str:
    return f"an {label}" if label[:1].lower() in "aeiou" else f"a {label}"


def named(finding_type: str, custom_labels: dict[str, str] | None = None, *, for_staff: bool = False) -> str:
    """A finding type in plain English words with its article ("a card number"); a tenant's own
    detector by its label, or else by its type name."""
    table = STAFF_NAMES if for_staff else _REMOVED_WORDS
    if finding_type in table:
        return table[finding_type]
    return _with_article(_own_label(finding_type, custom_labels))


class PendingNotice:
    """A customer notice written when first read (`ScanResult.customer_notice`).

    Identifying a text's language costs several times the scan itself, and most redactions are
    never shown to anyone as a notice (mail subjects, file names, reports' notes), so the
    language is chosen, and the words written, only on demand; both are kept once made. Holds
    the redacted text only: nothing secret outlives the scan here.
    """

    def __init__(
        self,
        key: tuple[tuple[str, str], ...],
        brand: str | None,
        labels: tuple[tuple[str, str], ...],
        redacted: str,
        earlier: tuple[str, ...],
        hint: str | None,
    ) -> None:
        self._key = key
        self._brand = brand
        self._labels = labels
        self._redacted = redacted
        self._earlier = earlier
        self._hint = hint
        self._language: str | None = None
        self._notice: str | None = None

    def __repr__(self) -> str:
        # No address in it: a ScanResult's repr lands in logs and tests look for digits in it.
        return f"PendingNotice(hint={self._hint!r})"

    @property
    def language(self) -> str:
        """The notice's language: the hint's, else the text's (identified once, on first use)."""
        if self._language is None:
            self._language = language_for_words(self._redacted, self._earlier, self._hint)
        return self._language

    @property
    def notice(self) -> str | None:
        """The notice in `language`, written on first read."""
        if self._notice is None:
            self._notice = notice_for(self._key, self._brand, self._labels, self.language)
        return self._notice


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


@lru_cache(maxsize=16)
def _found_words(code: str) -> dict[str, str]:
    """English phrase -> the phrase in ``code`` for the object of "We removed {items} …" and of
    "Your message seems to contain {items} …": a direct object with its indefinite article."""
    w = words(code)
    return {
        # Translators: the "notice: found in the message" phrases fill {items} in
        # "We removed {items} from your message…" and "Your message seems to
        # contain {items}…" (a list of them, joined with your language's "and"),
        # with the article or case that slot takes.
        "a card number": w.pgettext("notice: found in the message", "a card number"),
        "a card security code (CVV)": w.pgettext(
            "notice: found in the message", "a card security code (CVV)"
        ),
        "a card expiry date": w.pgettext("notice: found in the message", "a card expiry date"),
        "a bank account number (IBAN)": w.pgettext(
            "notice: found in the message", "a bank account number (IBAN)"
        ),
        "a bank account number": w.pgettext("notice: found in the message", "a bank account number"),
        "an ID number": w.pgettext("notice: found in the message", "an ID number"),
        "a password": w.pgettext("notice: found in the message", "a password"),
        "a one-time code": w.pgettext("notice: found in the message", "a one-time code"),
        "a secret key": w.pgettext("notice: found in the message", "a secret key"),
        "an e-mail address": w.pgettext("notice: found in the message", "an e-mail address"),
        "a phone number": w.pgettext("notice: found in the message", "a phone number"),
    }


def _found(finding_type: str, labels: dict[str, str], w: Words) -> str:
    english = _REMOVED_WORDS.get(finding_type)
    if english is not None:
        return _found_words(w.code)[english]
    # A retailer's own kind of data: its label as the retailer wrote it, in a frame that needs no
    # article or gender (German: Angaben der Art „…“).
    label = _own_label(finding_type, labels)
    if label[:1].lower() in "aeiou":
        # Translators: {label} is a retailer's own name for a kind of data ("gift
        # card number"), shown as the retailer wrote it and in any language: frame
        # it so that no article or gender is needed (German: Angaben der Art
        # „{label}“). "a"/"an" are the English article only.
        return w.pgettext("notice: found in the message, a retailer's own kind", "an {label}", label=label)
    return w.pgettext("notice: found in the message, a retailer's own kind", "a {label}", label=label)


@lru_cache(maxsize=16)
def _never_words(code: str) -> dict[str, str]:
    """English phrase -> the phrase in ``code`` for the object of "{brand} will never ask for
    {items}." (German: the dative after "nach"; Polish: the accusative after "o")."""
    w = words(code)
    return {
        # Translators: the "notice: never asked for" phrases fill {items} in
        # "{brand} will never ask for {items}." (joined with your language's
        # "or"), in the case that slot takes.
        "your card number": w.pgettext("notice: never asked for", "your card number"),
        "the security code on your card": w.pgettext(
            "notice: never asked for", "the security code on your card"
        ),
        "your card details": w.pgettext("notice: never asked for", "your card details"),
        "your bank details": w.pgettext("notice: never asked for", "your bank details"),
        "your ID number": w.pgettext("notice: never asked for", "your ID number"),
        "your password or PIN": w.pgettext("notice: never asked for", "your password or PIN"),
        "one-time codes": w.pgettext("notice: never asked for", "one-time codes"),
        "secret keys": w.pgettext("notice: never asked for", "secret keys"),
    }


def customer_notice(
    findings: Iterable[Finding],
    brand: str | None,
    custom_labels: dict[str, str] | None = None,
    lang: str | None = None,
) -> str | None:
    """The message for the customer when something they sent was removed or looks risky, else
    None; in ``lang`` (English when it names no supported language).

    Example: "We removed a card number and a one-time code from your message to keep you safe.
    Acme will never ask for your card number or one-time codes. If anyone asks, even someone
    who says they are from Acme, don't share them and report it to us."
    """
    key = tuple(
        (f.type, f.action)
        for f in findings
        if f.reason is None and (f.action == "redact" or f.action == "warn")
    )
    if not key:
        return None
    labels = tuple(sorted(custom_labels.items())) if custom_labels else ()
    return notice_for(key, brand, labels, words(lang).code)


@lru_cache(maxsize=1024)
def notice_for(
    key: tuple[tuple[str, str], ...],
    brand: str | None,
    labels: tuple[tuple[str, str], ...],
    lang: str = DEFAULT_LANGUAGE,
) -> str | None:
    """The notice for (type, action) pairs in message order, in the supported language ``lang``;
    cached, as few combinations occur."""
    return _build_notice(key, brand, dict(labels), words(lang))


def _build_notice(
    key: tuple[tuple[str, str], ...], brand: str | None, labels: dict[str, str], w: Words
) -> str | None:
    redacted = [t for t, action in key if action == "redact"]
    warned = [t for t, action in key if action == "warn"]
    if not redacted and not warned:
        return None
    who = brand.strip() if brand and brand.strip() else None
    parts: list[str] = []
    if redacted:
        removed = w.join_and(_unique(_found(t, labels, w) for t in redacted))
        # Translators: the customer notice, shown to the customer right after they
        # sent a secret.
        parts.append(w.gettext("We removed {items} from your message to keep you safe.", items=removed))
    if warned:
        flagged = w.join_and(_unique(_found(t, labels, w) for t in warned))
        parts.append(
            w.gettext(
                "Your message seems to contain {items}; please don't share it in a chat or e-mail.",
                items=flagged,
            )
        )
    never = _unique(_NEVER_ASKS[t] for t in redacted + warned if t in _NEVER_ASKS)
    if _CARD_DETAILS in never and not _MORE_PRECISE_THAN_CARD_DETAILS.isdisjoint(never):
        never.remove(_CARD_DETAILS)
    if never:
        phrases = _never_words(w.code)
        asked = w.join_or([phrases[english] for english in never])
        if who is None:
            parts.append(w.gettext("We will never ask for {items}.", items=asked))
            parts.append(
                # Translators: "them" are the details named in the sentence before; a
                # frightened customer reads this, so keep it calm and plain.
                w.gettext(
                    "If anyone asks, even someone who says they are from us, don't share them and report it to us."
                )
            )
        else:
            parts.append(w.gettext("{brand} will never ask for {items}.", brand=who, items=asked))
            parts.append(
                # Translators: {brand} is the retailer's name as written; "them" are the
                # details named in the sentence before.
                w.gettext(
                    "If anyone asks, even someone who says they are from {brand}, don't share them and "
                    "report it to us.",
                    brand=who,
                )
            )
    return " ".join(parts)
