"""Exports of reports and campaigns: STIX 2.1 bundles and CSV, as pure functions over plain values.

The store hands over `ExportReport` values (one per stored report, with its campaign id); nothing here
touches a database. STIX objects are built with the `stix2` library, which validates every property and
every pattern (through stix2-patterns) as it builds them, so an invalid bundle cannot be produced.

Mapping:
- each distinct indicator -> one `indicator` with a STIX pattern (url, domain-name, email-addr,
  user-account for social handles; phone numbers, IBANs and wallets use three custom observable types
  declared by `extension-definition` objects, as STIX 2.1 requires);
- each report -> one `observed-data` over the observables it contained (first/last observed = received);
- each campaign -> one `campaign` (first/last seen), with `indicator --indicates--> campaign` and
  `indicator --based-on--> observed-data` relationships.
Identifiers are derived deterministically (UUIDv5) from tenant, indicator and report ids, so exporting
twice yields the same ids and consumers can de-duplicate.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import stix2
from stix2 import properties

from trustdesk.reports.model import Indicator, IndicatorKind

_NAMESPACE = uuid.UUID("6f7c0f5e-3f9a-5a4e-9d61-7a2b1c0de5a1")
_PRODUCER = "identity--" + str(uuid.uuid5(_NAMESPACE, "trustdesk"))


@dataclass(frozen=True, slots=True)
class ExportReport:
    """One stored report as the exporters need it."""

    report_id: str
    received_at: datetime
    indicators: Sequence[Indicator]
    campaign_id: str | None = None
    channel: str = ""  # where it was seen: email, sms, call, social, popup, search_ad...
    verdict: str = ""
    score: float | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _det_id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, '|'.join(parts))}"


_EXTENSIONS: dict[str, tuple[str, str]] = {
    # custom observable type -> (extension-definition id, plain-text schema)
    "x-trustdesk-phone-number": (
        _det_id("extension-definition", "phone-number"),
        "A telephone number. Property `value`: the number in E.164 form (+ and digits).",
    ),
    "x-trustdesk-bank-account": (
        _det_id("extension-definition", "bank-account"),
        "A bank account. Property `iban`: the IBAN in compact upper-case form (ISO 13616, checksum valid).",
    ),
    "x-trustdesk-crypto-wallet": (
        _det_id("extension-definition", "crypto-wallet"),
        "A cryptocurrency wallet. Property `value`: the address (checksum valid); `network`: the chain, "
        "e.g. bitcoin, ethereum, litecoin, tron.",
    ),
}


@stix2.CustomObservable(
    "x-trustdesk-phone-number",
    [("value", properties.StringProperty(required=True))],
    ["value"],
    extension_name=_EXTENSIONS["x-trustdesk-phone-number"][0],
)
class PhoneNumberObservable:
    """STIX observable for a phone number."""


@stix2.CustomObservable(
    "x-trustdesk-bank-account",
    [("iban", properties.StringProperty(required=True))],
    ["iban"],
    extension_name=_EXTENSIONS["x-trustdesk-bank-account"][0],
)
class BankAccountObservable:
    """STIX observable for a bank account (IBAN)."""


@stix2.CustomObservable(
    "x-trustdesk-crypto-wallet",
    [("value", properties.StringProperty(required=True)), ("network", properties.StringProperty())],
    ["value", "network"],
    extension_name=_EXTENSIONS["x-trustdesk-crypto-wallet"][0],
)
class CryptoWalletObservable:
    """STIX observable for a cryptocurrency wallet address."""


# The decorator turns these into stix2 observable classes; mypy cannot see their keyword arguments.
_PHONE: Any = PhoneNumberObservable
_BANK: Any = BankAccountObservable
_WALLET: Any = CryptoWalletObservable


def _quote(value: str) -> str:
    # STIX pattern string literals: backslash and single quote are escaped with a backslash.
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def stix_pattern(indicator: Indicator) -> str:
    """The STIX 2.1 pattern that matches `indicator`."""
    kind, value = indicator.kind, indicator.value
    if kind is IndicatorKind.URL:
        return f"[url:value = {_quote(value)}]"
    if kind is IndicatorKind.DOMAIN:
        return f"[domain-name:value = {_quote(value)}]"
    if kind is IndicatorKind.EMAIL:
        return f"[email-addr:value = {_quote(value)}]"
    if kind is IndicatorKind.HANDLE:
        login = f"user-account:account_login = {_quote(value)}"
        if indicator.network:
            return f"[{login} AND user-account:account_type = {_quote(indicator.network)}]"
        return f"[{login}]"
    if kind is IndicatorKind.PHONE:
        return f"[x-trustdesk-phone-number:value = {_quote(value)}]"
    if kind is IndicatorKind.IBAN:
        return f"[x-trustdesk-bank-account:iban = {_quote(value)}]"
    network = (
        f" AND x-trustdesk-crypto-wallet:network = {_quote(indicator.network)}" if indicator.network else ""
    )
    return f"[x-trustdesk-crypto-wallet:value = {_quote(value)}{network}]"


def stix_observable(indicator: Indicator) -> Any:
    """The STIX cyber-observable object for `indicator` (deterministic id from its value)."""
    kind, value = indicator.kind, indicator.value
    if kind is IndicatorKind.URL:
        return stix2.URL(value=value)
    if kind is IndicatorKind.DOMAIN:
        return stix2.DomainName(value=value)
    if kind is IndicatorKind.EMAIL:
        return stix2.EmailAddress(value=value)
    if kind is IndicatorKind.HANDLE:
        if indicator.network:
            return stix2.UserAccount(account_login=value, account_type=indicator.network)
        return stix2.UserAccount(account_login=value)
    if kind is IndicatorKind.PHONE:
        return _PHONE(value=value)
    if kind is IndicatorKind.IBAN:
        return _BANK(iban=value)
    if indicator.network:
        return _WALLET(value=value, network=indicator.network)
    return _WALLET(value=value)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def stix_bundle(
    reports: Iterable[ExportReport], *, tenant: str, organisation: str | None = None
) -> stix2.Bundle:
    """A STIX 2.1 bundle of every indicator, report (observed data) and campaign in `reports`.

    `tenant` scopes the deterministic ids; `organisation` names the producing identity (the retailer).
    """
    reports = list(reports)
    producer = stix2.Identity(
        id=_det_id("identity", tenant, "producer"),
        name=organisation or tenant,
        identity_class="organization",
        created=_EPOCH,
        modified=_EPOCH,
    )
    objects: list[Any] = [producer]
    for name, (ext_id, schema) in _EXTENSIONS.items():
        objects.append(
            stix2.ExtensionDefinition(
                id=ext_id,
                created_by_ref=producer.id,
                name=name,
                description=f"Trustdesk custom observable {name}.",
                schema=schema,
                version="1.0.0",
                extension_types=["new-sco"],
                created=_EPOCH,
                modified=_EPOCH,
            )
        )
    first_seen: dict[Indicator, datetime] = {}
    last_seen: dict[Indicator, datetime] = {}
    campaigns_of: dict[Indicator, set[str]] = {}
    reports_of: dict[Indicator, list[str]] = {}
    campaign_span: dict[str, list[datetime]] = {}
    observables: dict[Indicator, Any] = {}
    for report in reports:
        when = _utc(report.received_at)
        refs = []
        for indicator in report.indicators:
            if indicator not in observables:
                observables[indicator] = stix_observable(indicator)
                objects.append(observables[indicator])
            refs.append(observables[indicator].id)
            first_seen[indicator] = min(first_seen.get(indicator, when), when)
            last_seen[indicator] = max(last_seen.get(indicator, when), when)
            if report.campaign_id is not None:
                campaigns_of.setdefault(indicator, set()).add(report.campaign_id)
            reports_of.setdefault(indicator, []).append(report.report_id)
        if report.campaign_id is not None:
            campaign_span.setdefault(report.campaign_id, []).append(when)
        if refs:
            objects.append(
                stix2.ObservedData(
                    id=_det_id("observed-data", tenant, "report", report.report_id),
                    created_by_ref=producer.id,
                    first_observed=when,
                    last_observed=when,
                    number_observed=1,
                    object_refs=sorted(set(refs)),
                    created=when,
                    modified=when,
                    allow_custom=True,  # refs to the three declared custom observable types
                )
            )
    campaign_ids = {}
    for campaign, moments in sorted(campaign_span.items()):
        campaign_ids[campaign] = _det_id("campaign", tenant, campaign)
        objects.append(
            stix2.Campaign(
                id=campaign_ids[campaign],
                created_by_ref=producer.id,
                name=f"Campaign {campaign}",
                description=f"Reports grouped by shared indicators ({len(moments)} report(s)).",
                first_seen=min(moments),
                last_seen=max(moments),
                created=min(moments),
                modified=max(moments),
            )
        )
    for indicator in observables:
        indicator_id = _det_id("indicator", tenant, indicator.key)
        created = first_seen[indicator]
        objects.append(
            stix2.Indicator(
                id=indicator_id,
                created_by_ref=producer.id,
                name=f"{indicator.kind.value}: {indicator.value}",
                indicator_types=["malicious-activity"],
                pattern=stix_pattern(indicator),
                pattern_type="stix",
                valid_from=created,
                created=created,
                modified=last_seen[indicator],
            )
        )
        for campaign in sorted(campaigns_of.get(indicator, ())):
            objects.append(
                stix2.Relationship(
                    id=_det_id("relationship", tenant, indicator.key, "indicates", campaign),
                    relationship_type="indicates",
                    source_ref=indicator_id,
                    target_ref=campaign_ids[campaign],
                    created=created,
                    modified=created,
                )
            )
        for report_id in dict.fromkeys(reports_of[indicator]):
            objects.append(
                stix2.Relationship(
                    id=_det_id("relationship", tenant, indicator.key, "based-on", report_id),
                    relationship_type="based-on",
                    source_ref=indicator_id,
                    target_ref=_det_id("observed-data", tenant, "report", report_id),
                    created=created,
                    modified=created,
                )
            )
    return stix2.Bundle(objects=objects, allow_custom=True)


_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

CSV_COLUMNS = (
    "report_id",
    "campaign_id",
    "received_at",
    "channel",
    "verdict",
    "score",
    "kind",
    "network",
    "value",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_E164 = re.compile(r"\+\d{6,15}")


def _cell(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ would be evaluated when opened.
    if value.startswith(_FORMULA_START) and not _E164.fullmatch(value):
        return "'" + value
    return value


def csv_export(reports: Iterable[ExportReport]) -> str:
    """CSV text with one row per (report, indicator); columns are `CSV_COLUMNS`. Cells that a
    spreadsheet would run as formulas are prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        received = _utc(report.received_at).isoformat().replace("+00:00", "Z")
        score = "" if report.score is None else f"{report.score:.4f}"
        for indicator in report.indicators:
            row = (
                report.report_id,
                report.campaign_id or "",
                received,
                report.channel,
                report.verdict,
                score,
                indicator.kind.value,
                indicator.network,
                indicator.value,
            )
            writer.writerow([_cell(str(cell)) for cell in row])
    return buffer.getvalue()
