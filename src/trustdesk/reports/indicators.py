"""Indicator extraction: every URL, domain, e-mail address, phone number, social handle, IBAN and
crypto wallet in a report, in canonical form."""

from __future__ import annotations

from collections.abc import Iterable

from trustdesk.reports.contacts import find_contacts, social_handle, url_host, url_value
from trustdesk.reports.domains import has_public_suffix, host_of
from trustdesk.reports.iban import find_ibans
from trustdesk.reports.model import Indicator, IndicatorKind
from trustdesk.reports.wallets import find_wallets


def extract_indicators(
    text: str,
    *,
    default_region: str | None = "US",
    extra_urls: Iterable[str] = (),
    extra_emails: Iterable[str] = (),
) -> tuple[Indicator, ...]:
    """Return the indicators in `text` plus those given separately (link targets and sender addresses of
    a mail), de-duplicated, in a stable order: by kind, then by first appearance.

    Phone numbers without a country code are read as `default_region`; None accepts only +numbers.
    """
    contacts = find_contacts(text, default_region)
    found: dict[IndicatorKind, list[Indicator]] = {kind: [] for kind in IndicatorKind}

    def add(indicator: Indicator) -> None:
        bucket = found[indicator.kind]
        if indicator not in bucket:
            bucket.append(indicator)

    def add_url(url: str) -> None:
        add(Indicator(IndicatorKind.URL, url))
        host = url_host(url)
        if host:
            add(Indicator(IndicatorKind.DOMAIN, host))
        handle = social_handle(url)
        if handle:
            add(Indicator(IndicatorKind.HANDLE, handle[1], handle[0]))

    for raw in extra_urls:
        if raw.lower().startswith(("http://", "https://")):
            url = url_value(raw)
            if url:
                add_url(url)
    for url in contacts.urls:
        add_url(url)
    for address in [*extra_emails, *contacts.emails]:
        address = address.strip().lower()
        if "@" in address and has_public_suffix(address.rsplit("@", 1)[1]):
            add(Indicator(IndicatorKind.EMAIL, address))
            add(Indicator(IndicatorKind.DOMAIN, host_of(address)))
    for domain in contacts.domains:
        add(Indicator(IndicatorKind.DOMAIN, domain))
    for phone in contacts.phones:
        add(Indicator(IndicatorKind.PHONE, phone))
    for platform, handle in contacts.handles:
        add(Indicator(IndicatorKind.HANDLE, handle, platform))
    for iban in find_ibans(text):
        add(Indicator(IndicatorKind.IBAN, iban))
    for wallet in find_wallets(text):
        add(Indicator(IndicatorKind.WALLET, wallet.address, wallet.network))
    return tuple(indicator for kind in IndicatorKind for indicator in found[kind])
