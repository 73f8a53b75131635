"""Binding the verification signal to a verification Registry (`trustdesk.verify`)."""

from __future__ import annotations

from trustdesk.reports.model import Indicator, IndicatorKind
from trustdesk.reports.signals import Check
from trustdesk.verify import ChannelKind, ExtractedContact, Registry

_KINDS: dict[IndicatorKind, ChannelKind] = {
    IndicatorKind.URL: ChannelKind.URL,
    IndicatorKind.DOMAIN: ChannelKind.DOMAIN,
    IndicatorKind.EMAIL: ChannelKind.EMAIL,
    IndicatorKind.PHONE: ChannelKind.PHONE,
    IndicatorKind.HANDLE: ChannelKind.SOCIAL,
}


def contact_for(indicator: Indicator) -> ExtractedContact | None:
    """The verification contact for an indicator; None for kinds verification does not know (IBANs,
    wallets)."""
    kind = _KINDS.get(indicator.kind)
    if kind is None:
        return None
    value = indicator.value
    if kind is ChannelKind.SOCIAL:
        value = f"{indicator.network}:{value}" if indicator.network else f"@{value}"
    return ExtractedContact(
        kind, indicator.value, value, 0, len(indicator.value), platform=indicator.network or None
    )


def registry_check(registry: Registry, tenant: str | None = None) -> Check:
    """A `check(indicator)` answering from `registry`, against one tenant's channels (or all when None).

    Returns the Registry's VerificationResult (verdict official / lookalike / reported / unknown, with
    the imitated channel), or None for indicators verification cannot judge.
    """

    def check(indicator: Indicator) -> object:
        contact = contact_for(indicator)
        return None if contact is None else registry.check(contact, tenant)

    return check
