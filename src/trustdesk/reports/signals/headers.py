"""Signals from mail headers: where replies go, who the message claims to be, and where it comes from."""

from __future__ import annotations

import re
from collections.abc import Mapping

from trustdesk.reports.domains import (
    compile_brand_pattern,
    domain_matches_brand,
    is_freemail,
    registrable_domain,
)
from trustdesk.reports.mailview import MailView
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason

_SERVICE_WORDS_RE = re.compile(
    r"\b(support|customer (?:service|care|support)|help ?desk|service ?desk|security(?: team| department)?|"
    r"billing|account(?:s)? (?:team|department|service)|administrat(?:or|ion)|admin|team|department|"
    r"bank|official|notification|alert|verification|refund|kundendienst|kundenservice|service client|"
    r"atendimento|suporte|soporte|servicio al cliente)\b",
    re.IGNORECASE,
)
_EMAIL_IN_TEXT_RE = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,24}")


def reply_to_mismatch(view: MailView) -> Reason | None:
    """Replies go to a different organisation than the visible sender (not counting mailing lists)."""
    if not view.is_mail or not view.reply_to or not view.from_address or view.is_mailing_list:
        return None
    sender = registrable_domain(view.from_address)
    others = [a for a in view.reply_to if registrable_domain(a) and registrable_domain(a) != sender]
    if not sender or not others:
        return None
    if is_freemail(others[0]) and not is_freemail(view.from_address):
        return reason(
            "reply_to_freemail",
            f"Replies go to a free webmail account ({others[0]}), not to the sender's domain {sender}.",
        )
    return reason(
        "reply_to_mismatch",
        f"Replies go to {registrable_domain(others[0])}, a different domain from the sender's {sender}.",
    )


def return_path_mismatch(view: MailView) -> Reason | None:
    """Bounces go to a different organisation than the visible sender (weak alone: mailing services do it)."""
    if not view.is_mail or not view.return_path or not view.from_address or view.is_mailing_list:
        return None
    sender = registrable_domain(view.from_address)
    envelope = registrable_domain(view.return_path)
    if not sender or not envelope or sender == envelope:
        return None
    return reason(
        "return_path_mismatch",
        f"The envelope sender's domain {envelope} differs from the visible sender's domain {sender}.",
    )


def display_name_impersonation(view: MailView, brands: Mapping[str, tuple[str, ...]]) -> Reason | None:
    """The display name names a brand while the address belongs to an unrelated, non-webmail domain."""
    brand = _brand_in(view.from_display, brands)
    if brand is None or not view.from_address or is_freemail(view.from_address):
        return None
    if domain_matches_brand(view.from_address, brands[brand]):
        return None
    return reason(
        "display_name_impersonation",
        f"The sender calls itself “{brand}” but writes from {registrable_domain(view.from_address) or view.from_address}, "
        f"which is not a {brand} domain.",
    )


def freemail_brand_claim(view: MailView, brands: Mapping[str, tuple[str, ...]]) -> Reason | None:
    """A free webmail account (gmail.com, outlook.com...) presents itself as a brand."""
    if not view.from_address or not is_freemail(view.from_address):
        return None
    brand = _brand_in(view.from_display, brands) or _brand_in(view.from_address.split("@")[0], brands)
    if brand is None:
        return None
    return reason(
        "freemail_brand_claim",
        f"The sender claims to be “{brand}” but writes from a free webmail account ({registrable_domain(view.from_address)}).",
    )


def freemail_service_claim(view: MailView) -> Reason | None:
    """A free webmail account presents itself as a support, security or billing department."""
    if not view.from_address or not is_freemail(view.from_address):
        return None
    match = _SERVICE_WORDS_RE.search(view.from_display) or _SERVICE_WORDS_RE.search(
        view.from_address.split("@")[0]
    )
    if match is None:
        return None
    return reason(
        "freemail_service_claim",
        f"The sender presents itself as “{match.group(0)}” but writes from a free webmail account.",
    )


def display_name_address_spoof(view: MailView) -> Reason | None:
    """The display name itself is an e-mail address other than the real sender address."""
    shown = _EMAIL_IN_TEXT_RE.search(view.from_display)
    if shown is None or not view.from_address:
        return None
    if registrable_domain(shown.group(0)) == registrable_domain(view.from_address):
        return None
    return reason(
        "display_name_address_spoof",
        f"The sender's name shows the address {shown.group(0).lower()}, but the message really comes from "
        f"{registrable_domain(view.from_address) or view.from_address}.",
    )


def _brand_in(text: str, brands: Mapping[str, tuple[str, ...]]) -> str | None:
    if not text:
        return None
    pattern = compile_brand_pattern(tuple(brands))
    match = pattern.search(text) if pattern else None
    if match is None:
        return None
    found = re.sub(r"[\s\-]", "", match.group(0)).lower()
    for name in brands:
        if re.sub(r"[\s\-]", "", name).lower() == found:
            return name
    return match.group(0)
