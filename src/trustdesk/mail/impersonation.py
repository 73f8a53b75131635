"""From headers that look like the retailer's own: checks on what a reader sees, not on raw bytes.

Mail readers hide invisible characters and show the display name first, so a forged From is
judged on its normalised form (the guard's normaliser: invisible and formatting characters
dropped, full-width and look-alike letters folded):

- `seen_domain`: "acmeoutfitters.com" followed by a zero-width space is shown as the retailer's
  domain; the spoofing check must treat it as a claim of that domain;
- `display_name_impersonation`: a display name holding an address ("security@acmeoutfitters.com"
  <x@evil.example>) or the retailer's name or domain, on mail from a domain that is not the
  retailer's, borrows the retailer's identity even when the sender's own domain passes DMARC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trustdesk.guard.normalize import normalize

# An address inside a display name, after normalisation (full-width "＠" is "@" by then).
_ADDRESS_IN_NAME = re.compile(r"[^\s@<>()\[\]\",;:]+@[^\s@<>()\[\]\",;:]+\.[^\s@<>()\[\]\",;:.]{2,}")
_NOT_ALNUM = re.compile(r"[\W_]+")
MAX_NAME_CHARS = 500  # what a reader's From line shows; also bounds the address search
MIN_BRAND_CHARS = 4  # shorter names ("Go", "Up") are ordinary words in people's names


def seen_text(text: str) -> str:
    """Text as a reader sees it: normalised (guard.normalize.normalize), casefolded, trimmed."""
    return normalize(text).text.casefold().strip()


def seen_domain(domain: str) -> str:
    """A domain as a reader sees it: `seen_text` without a trailing dot."""
    return seen_text(domain).rstrip(".")


def _owns(domain: str, own_domains: Iterable[str]) -> str | None:
    for own in own_domains:
        own = own.strip().rstrip(".").lower()
        if own and (domain == own or domain.endswith("." + own)):
            return own
    return None


def claims_own_domain(domain: str, own_domains: Iterable[str]) -> bool:
    """Whether a From domain, as a reader sees it, is one of ours or a subdomain of one."""
    return _owns(seen_domain(domain), own_domains) is not None


def display_name_impersonation(
    display_name: str, address: str, own_domains: Iterable[str], brand: str
) -> str | None:
    """Why a From header's display name impersonates someone (None: it does not).

    Only mail from outside the retailer's domains is judged (the retailer's own mail is the
    spoofing check's concern). Flagged: a display name that holds an address other than the
    sender's, one of the retailer's domains, or the retailer's name (`brand`, letters and digits
    compared, at least 4 of them). The reason names what the reader is shown, never more.
    """
    own = [d for d in own_domains if d and d.strip()]
    sender = seen_text(address)
    sender_domain = sender.rpartition("@")[2].rstrip(".")
    if not display_name.strip() or _owns(sender_domain, own) is not None:
        return None
    name = seen_text(display_name[:MAX_NAME_CHARS])
    for shown in _ADDRESS_IN_NAME.findall(name):
        if shown.rstrip(".") != sender:
            return f"the display name shows the address {shown[:120]}, but the mail comes from {sender_domain[:120]}"
    compact_name = _NOT_ALNUM.sub("", name)
    for domain in own:
        domain = seen_domain(domain)
        if domain and domain in name:
            return f"the display name shows the retailer's domain {domain}, but the mail comes from {sender_domain[:120]}"
    compact_brand = _NOT_ALNUM.sub("", seen_text(brand))
    if len(compact_brand) >= MIN_BRAND_CHARS and compact_brand in compact_name:
        return f"the display name carries the retailer's name {brand[:80]!r}, but the mail comes from {sender_domain[:120]}"
    return None
