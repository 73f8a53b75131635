"""Campaign grouping: reports that share an indicator belong to the same campaign.

Campaigns are the connected components of the graph whose nodes are reports and whose edges join two
reports sharing a *glue key*. The grouper is incremental (one `add` per arriving report, near-constant
time with union-find) and its result does not depend on arrival order: the components are a function of
the set of reports, and a campaign's id is the smallest report id in it.

What glues (the explicit rule, see `glue_keys`):
- every indicator glues by its key, domains at the registrable level (a.evil.test ~ b.evil.test);
- nothing on the tenant's official domains or equal to an official value glues: phishing kits copy the
  real retailer's footer links and support number, which would merge unrelated campaigns;
- a bare domain of a shared platform (gmail.com, google.com, bit.ly, web hosting roots...) does not
  glue, but a specific address, URL or page on it does (a given gmail account or Google Form is the
  criminal's own).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from trustdesk.reports.domains import (
    FREE_HOSTING_SUFFIXES,
    FREEMAIL_DOMAINS,
    URL_SHORTENERS,
    host_of,
    registrable_domain,
)
from trustdesk.reports.model import Indicator, IndicatorKind

ReportId = Any  # any hashable, mutually comparable id (int or str), chosen by the store

# Registrable domains of platforms shared by millions: their bare domain says nothing about a campaign.
SHARED_PLATFORM_DOMAINS: frozenset[str] = frozenset(
    FREEMAIL_DOMAINS
    | URL_SHORTENERS
    | {registrable_domain(s) for s in FREE_HOSTING_SUFFIXES}
    | {
        "google.com", "googleapis.com", "gstatic.com", "youtube.com", "microsoft.com", "office.com",
        "live.com", "sharepoint.com", "windows.net", "apple.com", "facebook.com", "instagram.com",
        "whatsapp.com", "wa.me", "t.me", "telegram.org", "twitter.com", "x.com", "linkedin.com",
        "tiktok.com", "amazonaws.com", "cloudfront.net", "akamaihd.net", "cloudflare.com", "github.com",
        "dropbox.com", "wetransfer.com", "mailchimp.com", "list-manage.com", "sendgrid.net", "w3.org",
        "schema.org", "example.com",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GlueRule:
    """Which indicators may link reports. `official_domains` and `official_values` come from the tenant's
    registry (its own domains, support addresses and numbers); `shared_domains` are platforms whose bare
    domain never glues."""

    official_domains: frozenset[str] = frozenset()
    official_values: frozenset[str] = frozenset()  # indicator keys, e.g. "phone:+18005550100"
    shared_domains: frozenset[str] = SHARED_PLATFORM_DOMAINS

    @classmethod
    def for_tenant(cls, official: Iterable[str] = (), **kwargs: Any) -> GlueRule:
        """Build a rule from official values: bare domains (shop.example) or indicator keys (phone:+1...)."""
        domains = set()
        values = set()
        for item in official:
            item = item.strip().lower()
            if ":" in item:
                values.add(item)
                if item.startswith("domain:"):
                    domains.add(registrable_domain(item[7:]) or item[7:])
            elif item:
                domains.add(registrable_domain(item) or item)
        return cls(official_domains=frozenset(domains), official_values=frozenset(values), **kwargs)


def _domain_of(indicator: Indicator) -> str:
    if indicator.kind is IndicatorKind.URL:
        try:
            return host_of(urlsplit(indicator.value).netloc)
        except ValueError:
            return ""
    if indicator.kind in (IndicatorKind.DOMAIN, IndicatorKind.EMAIL):
        return host_of(indicator.value)
    return ""


def glue_key(indicator: Indicator, rule: GlueRule) -> str | None:
    """The key by which this indicator links reports under `rule`, or None when it must not glue."""
    key = indicator.key.lower()
    if key in rule.official_values:
        return None
    host = _domain_of(indicator)
    org = registrable_domain(host) if host else ""
    if org and org in rule.official_domains:
        return None
    if indicator.kind is IndicatorKind.DOMAIN:
        if not org or org in rule.shared_domains:
            return None
        return f"domain:{org}"
    return key


def glue_keys(indicators: Iterable[Indicator], rule: GlueRule) -> set[str]:
    """The keys by which a report links to others under `rule` (see the module docstring)."""
    keys = {glue_key(indicator, rule) for indicator in indicators}
    keys.discard(None)
    return keys  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Merge:
    """Campaign `absorbed` no longer exists: its reports now belong to campaign `into`."""

    absorbed: ReportId
    into: ReportId


@dataclass(frozen=True, slots=True)
class Assignment:
    """Outcome of adding one report: its campaign and the merges the store must apply."""

    report_id: ReportId
    campaign_id: ReportId
    merges: tuple[Merge, ...] = field(default=())


class CampaignGrouper:
    """Incremental grouping of reports into campaigns (union-find over shared glue keys)."""

    def __init__(self, rule: GlueRule | None = None, *, common: Iterable[str] = ()) -> None:
        """`rule` decides what glues; `common` is a shortcut for `GlueRule.for_tenant(common)`."""
        self.rule = rule or GlueRule.for_tenant(common)
        self._parent: dict[Hashable, Hashable] = {}
        self._size: dict[Hashable, int] = {}
        self._least: dict[Hashable, ReportId] = {}  # root -> smallest report id = campaign id
        self._owner: dict[str, Hashable] = {}  # glue key -> a report holding it
        self._keys: dict[Indicator, str | None] = {}  # memo: the rule is fixed for this grouper

    def __len__(self) -> int:
        return len(self._parent)

    def __contains__(self, report_id: object) -> bool:
        return report_id in self._parent

    def _find(self, node: Hashable) -> Hashable:
        parent = self._parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    def _union(self, a: Hashable, b: Hashable) -> Hashable:
        if self._size[a] < self._size[b]:
            a, b = b, a
        self._parent[b] = a
        self._size[a] += self._size.pop(b)
        self._least[a] = min(self._least[a], self._least.pop(b))
        return a

    def add(self, report_id: ReportId, indicators: Iterable[Indicator]) -> Assignment:
        """Add one report and return its campaign id plus the campaign merges it caused.

        Raises ValueError when the report id was already added (reports are immutable evidence).
        """
        if report_id in self._parent:
            raise ValueError(f"report {report_id!r} was already grouped")
        self._parent[report_id] = report_id
        self._size[report_id] = 1
        self._least[report_id] = report_id
        root: Hashable = report_id
        before: set[ReportId] = set()
        for indicator in indicators:
            try:
                key = self._keys[indicator]
            except KeyError:
                key = self._keys[indicator] = glue_key(indicator, self.rule)
            if key is None:
                continue
            owner = self._owner.get(key)
            if owner is None:
                self._owner[key] = report_id
                continue
            other = self._find(owner)
            if other != root:
                before.add(self._least[other])
                root = self._union(root, other)
        campaign = self._least[root]
        merges = tuple(Merge(old, campaign) for old in sorted(before) if old != campaign)
        return Assignment(report_id, campaign, merges)

    def campaign_of(self, report_id: ReportId) -> ReportId:
        """The campaign id of an added report (KeyError if unknown)."""
        return self._least[self._find(report_id)]

    def campaign_count(self) -> int:
        """How many campaigns (components) exist."""
        return len(self._least)

    def campaigns(self) -> dict[ReportId, list[ReportId]]:
        """Every campaign id with its report ids, in insertion order."""
        out: dict[ReportId, list[ReportId]] = {}
        for report_id in self._parent:
            out.setdefault(self.campaign_of(report_id), []).append(report_id)
        return out

    def __iter__(self) -> Iterator[ReportId]:
        return iter(self._parent)
