"""Building official channels from what an admin typed, normalised per kind."""

from __future__ import annotations

from trustdesk.verify.domains import parse_host
from trustdesk.verify.emails import parse_email
from trustdesk.verify.errors import ContactInputError, InvalidDomainError
from trustdesk.verify.handles import normalize_app_id, parse_handle
from trustdesk.verify.model import ChannelKind, OfficialChannel, ReportedIndicator
from trustdesk.verify.phones import parse_phone
from trustdesk.verify.urls import parse_url


def normalize_channel_value(
    kind: ChannelKind | str, value: str, *, platform: str = "", default_region: str = "US"
) -> tuple[str, str, str]:
    """Normalise `value` for a channel of `kind`; returns (value, platform, country).

    Raises a `ContactInputError` subclass when the value is not valid for the kind.
    """
    kind = ChannelKind(kind)
    if kind in (ChannelKind.DOMAIN, ChannelKind.SENDING_DOMAIN):
        host = parse_host(value)
        if not host.registrable:
            raise InvalidDomainError(f"'{host.name}' has no public suffix")
        return host.name, "", ""
    if kind is ChannelKind.EMAIL:
        return parse_email(value).normalized, "", ""
    if kind is ChannelKind.PHONE:
        number = parse_phone(value, default_region)
        return number.e164, "", number.region
    if kind is ChannelKind.URL:
        url = parse_url(value)
        if url.has_password or url.username:
            raise ContactInputError("an official web address must not contain a user name or password")
        return url.value, "", ""
    if kind is ChannelKind.SOCIAL:
        handle = parse_handle(value, platform or None)
        if not handle.platform:
            raise ContactInputError("a social-media channel needs its platform (x, instagram, ...)")
        return handle.handle, handle.platform, ""
    return normalize_app_id(value, platform), platform.strip().lower(), ""


def make_channel(
    tenant: str,
    tenant_name: str,
    kind: ChannelKind | str,
    value: str,
    *,
    purpose: str = "",
    country: str = "",
    platform: str = "",
    label: str = "",
    default_region: str = "US",
) -> OfficialChannel:
    """Create an `OfficialChannel` from raw admin input, normalising the value.

    For phones, `country` (ISO alpha-2) doubles as the region for numbers written
    without a country code; otherwise `default_region` is used.
    """
    kind = ChannelKind(kind)
    region = country or default_region
    normalized, canonical_platform, detected_country = normalize_channel_value(
        kind, value, platform=platform, default_region=region
    )
    return OfficialChannel(
        tenant=tenant.strip().lower(),
        tenant_name=tenant_name.strip() or tenant,
        kind=kind,
        value=normalized,
        purpose=purpose.strip().lower(),
        country=(country or detected_country).upper(),
        platform=canonical_platform or platform.strip().lower(),
        label=label.strip(),
    )


def make_reported_indicator(
    kind: ChannelKind | str,
    value: str,
    *,
    tenant: str | None = None,
    report_id: str | None = None,
    note: str = "",
    default_region: str = "US",
) -> ReportedIndicator:
    """A confirmed-fraud indicator from raw text, normalised the way `Registry.check` compares it.

    Domains cover the host and everything under it; URLs match exactly (no query);
    handles without a platform (``@name``) match on every platform.
    """
    kind = ChannelKind(kind)
    if kind in (ChannelKind.DOMAIN, ChannelKind.SENDING_DOMAIN):
        normalized = parse_host(value).name
    elif kind is ChannelKind.URL:
        normalized = parse_url(value).value
    elif kind is ChannelKind.EMAIL:
        normalized = parse_email(value).normalized
    elif kind is ChannelKind.PHONE:
        normalized = parse_phone(value, default_region).e164
    elif kind is ChannelKind.SOCIAL:
        normalized = parse_handle(value).value
    else:
        normalized = normalize_app_id(value)
    return ReportedIndicator(kind, normalized, tenant=tenant, report_id=report_id, note=note)
