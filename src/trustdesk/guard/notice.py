"""Plain-words messages: the customer notice after a redaction, and the agent's block reason."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from trustdesk.guard.findings import Finding, FindingType

# What was removed, as a customer would say it.
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
# What the retailer never asks for, in the same order as the types above.
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


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _unique(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


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


def named(finding_type: str, custom_labels: dict[str, str] | None = None, *, for_staff: bool = False) -> str:
    """A finding type in plain words with its article ("a card number"); a tenant's own detector
    by its label, or else by its type name."""
    words = STAFF_NAMES if for_staff else _REMOVED_WORDS
    if finding_type in words:
        return words[finding_type]
    label = (custom_labels or {}).get(finding_type, finding_type.replace("_", " ").lower())
    return f"a {label}" if label[:1].lower() not in "aeiou" else f"an {label}"


def _what(finding: Finding, custom_labels: dict[str, str]) -> str:
    return named(finding.type, custom_labels)


def customer_notice(
    findings: Iterable[Finding], brand: str | None, custom_labels: dict[str, str] | None = None
) -> str | None:
    """The message for the customer when something they sent was removed or looks risky, else None.

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
    return notice_for(key, brand, labels)


@lru_cache(maxsize=1024)
def notice_for(
    key: tuple[tuple[str, str], ...], brand: str | None, labels: tuple[tuple[str, str], ...]
) -> str | None:
    """The notice for (type, action) pairs in message order; cached, as few combinations occur."""
    findings = [Finding(t, 0, 0, a, "") for t, a in key]  # type: ignore[arg-type]
    return _build_notice(findings, brand, dict(labels))


def _build_notice(
    findings: Iterable[Finding], brand: str | None, custom_labels: dict[str, str] | None = None
) -> str | None:
    labels = custom_labels or {}
    findings = list(findings)
    redacted = [f for f in findings if f.action == "redact" and not f.is_ask]
    warned = [f for f in findings if f.action == "warn" and not f.is_ask]
    if not redacted and not warned:
        return None
    who = brand.strip() if brand and brand.strip() else "We"
    parts: list[str] = []
    if redacted:
        removed = _unique(_what(f, labels) for f in redacted)
        parts.append(f"We removed {_join(removed)} from your message to keep you safe.")
    if warned:
        flagged = _unique(_what(f, labels) for f in warned)
        parts.append(
            f"Your message seems to contain {_join(flagged)}; please don't share it in a chat or e-mail."
        )
    never = _unique(_NEVER_ASKS[f.type] for f in redacted + warned if f.type in _NEVER_ASKS)
    if "your card details" in never and len(
        {"your card number", "the security code on your card"} & set(never)
    ):
        never.remove("your card details")
    if never:
        parts.append(f"{who} will never ask for {_join(never, 'or')}.")
        someone = (
            f"someone who says they are from {who}" if who != "We" else "someone who says they are from us"
        )
        parts.append(f"If anyone asks, even {someone}, don't share them and report it to us.")
    return " ".join(parts)


_ASK_REASONS: dict[str, str] = {
    FindingType.PASSWORD: (
        "This message asks the customer for their {what}. {brand} never asks customers for passwords, PINs or "
        "banking logins: that request is exactly what impersonators send. Offer the password-reset link instead."
    ),
    FindingType.PAYMENT_CARD: (
        "This message asks for the customer's {what}. Support never takes card numbers in a conversation. "
        "To identify a payment, ask for the last four digits; to take a payment, send the secure payment link."
    ),
    FindingType.CARD_SECURITY_CODE: (
        "This message asks for the customer's {what}. Nobody at {brand} may ask for it, in any channel. "
        "To identify a payment, ask for the last four digits of the card."
    ),
    FindingType.CARD_EXPIRY: (
        "This message asks for the customer's {what}. Card details are only entered on the secure payment page, "
        "never sent to an agent."
    ),
    FindingType.ONE_TIME_CODE: (
        "This message asks the customer for a {what}. One-time codes approve logins and payments; whoever holds "
        "one can take over the account, so support must never ask for it. Use the in-account verification instead."
    ),
    FindingType.REMOTE_ACCESS: (
        "This message asks the customer to give {what}. {brand} support never takes control of a customer's "
        "device; installing remote-access software is a classic step of refund scams."
    ),
}


def block_reason(ask_type: str, what: str, brand: str | None) -> str:
    """Why an outbound message was blocked, in words the agent understands."""
    template = _ASK_REASONS.get(
        ask_type, "This message asks the customer for {what}, which support never asks for."
    )
    name = brand.strip() if brand and brand.strip() else "Support"
    return template.format(what=what, brand=name)
