"""The registry of official channels and the `check` that answers "is this really them?".

A `Registry` is built from plain `OfficialChannel` values and `ReportedIndicator`s,
can be updated one channel at a time (add/remove after an approval), and answers
`check(contact, tenant)` in time that does not grow with the number of channels:
exact answers come from hash maps, look-alike candidates from `BrandIndex` and
`PhoneIndex`, and every candidate is confirmed by a precise comparison that names
the technique.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from trustdesk.verify import explain
from trustdesk.verify.contact_check import _HOST_KINDS, _Check
from trustdesk.verify.domains import HostName, parse_host
from trustdesk.verify.errors import ContactInputError
from trustdesk.verify.extract import ParsedContact, parse_contact_parts
from trustdesk.verify.index import BrandIndex, PhoneIndex, flatten
from trustdesk.verify.model import (
    N_,
    ChannelKind,
    ExtractedContact,
    OfficialChannel,
    Reason,
    ReportedIndicator,
    Verdict,
    VerificationResult,
    reason,
)
from trustdesk.verify.phones import format_phone, parse_phone
from trustdesk.verify.urls import parse_url


class Registry:
    """All tenants' official channels plus confirmed-fraud indicators, indexed for `check`."""

    def __init__(
        self,
        channels: Iterable[OfficialChannel] = (),
        reported: Iterable[ReportedIndicator] = (),
        *,
        default_region: str = "US",
        result_cache_size: int = 4096,
    ) -> None:
        self.default_region = default_region
        # Scam contacts recur (one campaign, many worried customers): remember recent verdicts.
        # Any change to channels or reports empties the cache, so it can never serve a stale answer.
        self._results: dict[tuple[ExtractedContact | str, str | None], VerificationResult] = {}
        self._result_cache_size = result_cache_size
        self._channels: dict[str, OfficialChannel] = {}
        # Parsed host of every domain / sending-domain channel, parsed once when it is added.
        self._channel_hosts: dict[str, HostName] = {}
        self._by_tenant: dict[str, set[str]] = defaultdict(set)
        self._tenant_names: dict[str, str] = {}
        self._hosts: dict[str, set[str]] = defaultdict(set)
        self._emails: dict[str, set[str]] = defaultdict(set)
        self._phones: dict[str, set[str]] = defaultdict(set)
        self._handles: dict[str, set[str]] = defaultdict(set)
        self._apps: dict[str, set[str]] = defaultdict(set)
        self._url_prefixes: dict[str, set[str]] = defaultdict(set)
        self._brands = BrandIndex()
        self._phone_index = PhoneIndex()
        self._reported: dict[tuple[str, str], ReportedIndicator] = {}
        # "Which channel should a customer use instead?" depends only on the registry: memoised,
        # and forgotten on every change.
        self._advice: dict[tuple[str, ChannelKind, str, str], OfficialChannel | None] = {}
        for channel in channels:
            self.add(channel)
        for indicator in reported:
            self.add_reported(indicator)

    # ------------------------------------------------------------------ updates

    def __len__(self) -> int:
        return len(self._channels)

    def __contains__(self, channel: object) -> bool:
        return isinstance(channel, OfficialChannel) and channel.id in self._channels

    def tenants(self) -> dict[str, str]:
        """Tenant slug -> display name, for every tenant with at least one channel."""
        return dict(self._tenant_names)

    def channels(self, tenant: str | None = None) -> list[OfficialChannel]:
        """All channels, or one tenant's, in a stable order."""
        ids = self._by_tenant.get(tenant, set()) if tenant else self._channels.keys()
        return sorted((self._channels[i] for i in ids), key=lambda c: (c.tenant, c.kind, c.value))

    def _brand_labels(self, channel: OfficialChannel) -> list[str]:
        if channel.kind in _HOST_KINDS:
            host = parse_host(channel.value)
            # Only a name the tenant owns outright is a brand: not "acme.zendesk.com".
            return [host.label] if host.name == host.registrable and not host.is_private_suffix else []
        if channel.kind is ChannelKind.SOCIAL:
            return [channel.value.strip("._-")]
        return []

    def _exact_keys(self, channel: OfficialChannel) -> list[tuple[dict[str, set[str]], str]]:
        kind = channel.kind
        if kind in _HOST_KINDS:
            return [(self._hosts, channel.value)]
        if kind is ChannelKind.EMAIL:
            return [(self._emails, channel.value)]
        if kind is ChannelKind.PHONE:
            return [(self._phones, channel.value)]
        if kind is ChannelKind.SOCIAL:
            return [
                (self._handles, f"{channel.platform}:{channel.value}"),
                (self._handles, f":{channel.value}"),
            ]
        if kind is ChannelKind.APP:
            return [(self._apps, channel.value)]
        url = parse_url(channel.value)
        keys = [(self._url_prefixes, url.host_text + url.path.rstrip("/"))]
        if url.path.strip("/") == "" and url.host is not None:
            keys.append((self._hosts, url.host.name))
        return keys

    def add(self, channel: OfficialChannel) -> None:
        """Add (or re-add) one official channel; takes effect for the next `check`."""
        if channel.id in self._channels:
            return
        self._advice.clear()
        self._results.clear()
        if channel.tenant in self._tenant_names and self._tenant_names[channel.tenant] != channel.tenant_name:
            self._brands.remove(flatten(self._tenant_names[channel.tenant].lower()), (channel.tenant, ""))
        self._channels[channel.id] = channel
        if channel.kind in _HOST_KINDS:
            self._channel_hosts[channel.id] = parse_host(channel.value)
        self._by_tenant[channel.tenant].add(channel.id)
        self._tenant_names[channel.tenant] = channel.tenant_name
        self._brands.add(flatten(channel.tenant_name.lower()), (channel.tenant, ""))
        for table, key in self._exact_keys(channel):
            table[key].add(channel.id)
        for label in self._brand_labels(channel):
            self._brands.add(label, (channel.tenant, channel.id))
        if channel.kind is ChannelKind.PHONE:
            number = parse_phone(channel.value)
            self._phone_index.add(number.e164, number.national_number)
            format_phone(number.e164)  # index-time work: explanations show it formatted

    def remove(self, channel: OfficialChannel | str) -> None:
        """Remove a channel (or a channel id); unknown channels are ignored."""
        channel_id = channel if isinstance(channel, str) else channel.id
        found = self._channels.pop(channel_id, None)
        if found is None:
            return
        self._channel_hosts.pop(channel_id, None)
        self._advice.clear()
        self._results.clear()
        self._by_tenant[found.tenant].discard(channel_id)
        for table, key in self._exact_keys(found):
            table[key].discard(channel_id)
            if not table[key]:
                del table[key]
        for label in self._brand_labels(found):
            self._brands.remove(label, (found.tenant, channel_id))
        if found.kind is ChannelKind.PHONE and not self._phones.get(found.value):
            number = parse_phone(found.value)
            self._phone_index.remove(number.e164, number.national_number)
        if not self._by_tenant[found.tenant]:
            del self._by_tenant[found.tenant]
            self._brands.remove(flatten(self._tenant_names.pop(found.tenant).lower()), (found.tenant, ""))

    @staticmethod
    def _reported_key(kind: ChannelKind, value: str) -> tuple[str, str]:
        family = "domain" if kind in _HOST_KINDS else kind.value
        return family, value

    def add_reported(self, indicator: ReportedIndicator) -> None:
        """Mark a contact as confirmed fraud (value normalised like a channel of its kind)."""
        self._results.clear()
        self._reported[self._reported_key(indicator.kind, indicator.value)] = indicator

    def remove_reported(self, indicator: ReportedIndicator) -> None:
        """Withdraw a reported indicator."""
        self._results.clear()
        self._reported.pop(self._reported_key(indicator.kind, indicator.value), None)

    # ------------------------------------------------------------------ check

    def check(self, contact: ExtractedContact | str, tenant: str | None = None) -> VerificationResult:
        """Verdict for one contact, against one tenant's channels or (tenant None) all tenants.

        A string is parsed with `parse_contact` first. Never raises for bad input: the
        verdict is then `unknown` with the problem as a reason. Recent answers are cached
        until the registry next changes.
        """
        key = (contact, tenant)
        cached = self._results.get(key)
        if cached is not None:
            return cached
        result = self._check_uncached(contact, tenant)
        if self._result_cache_size > 0:
            if len(self._results) >= self._result_cache_size:
                self._results.pop(next(iter(self._results)))  # drop the oldest entry
            self._results[key] = result
        return result

    def _check_uncached(self, contact: ExtractedContact | str, tenant: str | None) -> VerificationResult:
        parsed: ParsedContact = None
        if isinstance(contact, str):
            contact, parsed = parse_contact_parts(contact, default_region=self.default_region)
        tenant = tenant.strip().lower() if tenant else None
        if contact.value is None:
            reason = Reason(
                contact.problem or "unrecognised", contact.problem_detail or "not a contact we can check"
            )
            return self._unknown(contact, tenant, [reason])
        try:
            return _Check(self, contact, tenant).run(parsed)
        except ContactInputError as exc:
            return self._unknown(contact, tenant, [Reason(exc.code, str(exc))])

    def _unknown(
        self, contact: ExtractedContact, tenant: str | None, reasons: list[Reason]
    ) -> VerificationResult:
        if not reasons:
            reasons = [reason("not-registered", N_("not an official channel of any tenant checked"))]
        name = self._tenant_names.get(tenant) if tenant else None
        return VerificationResult(
            contact=contact,
            verdict=Verdict.UNKNOWN,
            reasons=tuple(reasons),
            explanation=explain.explain_unknown(contact.kind, name, reasons),
            extra={"tenant_name": name} if name else {},
        )
