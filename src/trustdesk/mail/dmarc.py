"""DMARC (RFC 7489): policy discovery, identifier alignment and the applicable policy.

The organisational domain comes from the Public Suffix List through tldextract's bundled
snapshot (never fetched at run time); names under suffixes the list does not know fall
back to the PSL's implicit ``*`` rule (the last two labels).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import tldextract

from trustdesk.mail.dkim_auth import DkimResult, DkimSignatureResult
from trustdesk.mail.resolver import DnsStatus, Resolver
from trustdesk.mail.spf import SpfOutcome, SpfResult


class DmarcResult(StrEnum):
    """RFC 8601 DMARC results."""

    PASS = "pass"
    FAIL = "fail"
    NONE = "none"
    TEMPERROR = "temperror"
    PERMERROR = "permerror"


class DmarcPolicy(StrEnum):
    """Requested handling of failing mail."""

    NONE = "none"
    QUARANTINE = "quarantine"
    REJECT = "reject"


@functools.lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() and cache_dir=None: use only the snapshot shipped in the package.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@functools.lru_cache(maxsize=4096)
def organizational_domain(domain: str) -> str:
    """The registrable ("organisational") domain of a name, e.g. mail.shop.co.uk -> shop.co.uk."""
    domain = domain.strip().rstrip(".").lower()
    if not domain:
        return ""
    extracted = _extractor()(domain)
    registered = extracted.top_domain_under_public_suffix
    if registered:
        return str(registered)
    labels = domain.split(".")
    if extracted.suffix or len(labels) < 2 or all(label.isdigit() for label in labels):
        return domain  # a bare public suffix, a single label or an IPv4 literal
    return ".".join(labels[-2:])


def domains_aligned(identifier: str, from_domain: str, mode: str = "r") -> bool:
    """RFC 7489 3.1 alignment: strict = same name; relaxed = same organisational domain."""
    a = identifier.strip().rstrip(".").lower()
    b = from_domain.strip().rstrip(".").lower()
    if not a or not b:
        return False
    if mode == "s":
        return a == b
    return organizational_domain(a) == organizational_domain(b)


@dataclass(frozen=True)
class DmarcRecord:
    """A parsed ``v=DMARC1`` policy record."""

    policy: DmarcPolicy
    subdomain_policy: DmarcPolicy | None = None
    pct: int = 100
    adkim: str = "r"
    aspf: str = "r"
    rua: tuple[str, ...] = ()
    text: str = ""
    warnings: tuple[str, ...] = ()


_TAG = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$", re.DOTALL)


def is_dmarc_record(text: str) -> bool:
    """True when a TXT string starts with the DMARC version tag."""
    return re.match(r"^\s*v\s*=\s*DMARC1\s*(;|$)", text) is not None


def parse_dmarc_record(text: str) -> DmarcRecord | None:
    """Parse a DMARC record; None when it must be treated as absent (RFC 7489 6.6.3)."""
    if not is_dmarc_record(text):
        return None
    tags: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        match = _TAG.match(part)
        if match:
            tags.setdefault(match.group(1).lower(), match.group(2))
    warnings: list[str] = []
    rua = tuple(u.strip() for u in tags.get("rua", "").split(",") if u.strip().lower().startswith("mailto:"))
    policy = _policy(tags.get("p"))
    if policy is None:
        if not rua:
            return None
        warnings.append("missing or invalid p= tag; treated as p=none because rua is set")
        policy = DmarcPolicy.NONE
    subdomain_policy = _policy(tags.get("sp")) if "sp" in tags else None
    if "sp" in tags and subdomain_policy is None:
        warnings.append(f"invalid sp={tags['sp']!r} ignored")
    pct = 100
    if "pct" in tags:
        if tags["pct"].isdigit() and 0 <= int(tags["pct"]) <= 100:
            pct = int(tags["pct"])
        else:
            warnings.append(f"invalid pct={tags['pct']!r}; using 100")
    adkim = tags.get("adkim", "r").lower()
    aspf = tags.get("aspf", "r").lower()
    if adkim not in ("r", "s"):
        warnings.append(f"invalid adkim={adkim!r}; using relaxed")
        adkim = "r"
    if aspf not in ("r", "s"):
        warnings.append(f"invalid aspf={aspf!r}; using relaxed")
        aspf = "r"
    return DmarcRecord(policy, subdomain_policy, pct, adkim, aspf, rua, text, tuple(warnings))


def _policy(value: str | None) -> DmarcPolicy | None:
    if value is None:
        return None
    try:
        return DmarcPolicy(value.strip().lower())
    except ValueError:
        return None


@dataclass(frozen=True)
class DmarcLookup:
    """Where a DMARC record was found (or why none was)."""

    record: DmarcRecord | None
    record_domain: str  # the domain whose _dmarc record applies (from-domain or organisational)
    status: DnsStatus
    reason: str


def discover_dmarc(from_domain: str, resolver: Resolver) -> DmarcLookup:
    """Find the DMARC record for a From domain, falling back to its organisational domain."""
    from_domain = from_domain.strip().rstrip(".").lower()
    candidates = [from_domain]
    org = organizational_domain(from_domain)
    if org and org != from_domain:
        candidates.append(org)
    for domain in candidates:
        answer = resolver.txt(f"_dmarc.{domain}")
        if answer.status.temporary:
            return DmarcLookup(
                None, domain, answer.status, f"DNS {answer.status.value} looking up _dmarc.{domain}"
            )
        records = [r for r in answer.records if is_dmarc_record(r)]
        if len(records) > 1:
            return DmarcLookup(
                None, domain, answer.status, f"_dmarc.{domain} publishes several DMARC records"
            )
        if records:
            record = parse_dmarc_record(records[0])
            if record is None:
                return DmarcLookup(None, domain, answer.status, f"_dmarc.{domain} has no valid policy")
            return DmarcLookup(record, domain, DnsStatus.OK, f"policy found at _dmarc.{domain}")
    return DmarcLookup(None, from_domain, DnsStatus.NXDOMAIN, f"no DMARC record for {from_domain}")


@dataclass(frozen=True)
class DmarcOutcome:
    """DMARC verdict for one message."""

    result: DmarcResult
    from_domain: str
    policy: DmarcPolicy | None = None  # the applicable policy (p, or sp for subdomains)
    disposition: DmarcPolicy | None = None  # the policy after pct sampling
    pct: int = 100
    record_domain: str = ""
    spf_aligned: bool = False
    dkim_aligned_domains: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)


_DOWNGRADE = {
    DmarcPolicy.REJECT: DmarcPolicy.QUARANTINE,
    DmarcPolicy.QUARANTINE: DmarcPolicy.NONE,
    DmarcPolicy.NONE: DmarcPolicy.NONE,
}


def sample_fraction(key: str) -> float:
    """A stable number in [0, 1) derived from a message key, for pct sampling."""
    digest = hashlib.sha256(key.encode("utf-8", errors="replace")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def evaluate_dmarc(
    from_domains: Sequence[str],
    spf: SpfOutcome,
    dkim_results: Sequence[DkimSignatureResult],
    resolver: Resolver,
    *,
    sample: float = 0.0,
) -> DmarcOutcome:
    """Evaluate DMARC for the RFC 5322.From domain(s) given SPF and DKIM results.

    ``sample`` in [0, 1) decides pct sampling: the policy applies when sample*100 < pct.
    """
    domains = sorted({d.strip().rstrip(".").lower() for d in from_domains if d and d.strip()})
    if not domains:
        return DmarcOutcome(DmarcResult.PERMERROR, "", reasons=("the message has no usable From domain",))
    if len(domains) > 1:
        return DmarcOutcome(
            DmarcResult.PERMERROR,
            domains[0],
            reasons=(f"the From header names several domains ({', '.join(domains)})",),
        )
    from_domain = domains[0]
    lookup = discover_dmarc(from_domain, resolver)
    reasons: list[str] = [lookup.reason]
    record = lookup.record
    adkim = record.adkim if record else "r"
    aspf = record.aspf if record else "r"

    spf_aligned = spf.result is SpfResult.PASS and domains_aligned(spf.domain, from_domain, aspf)
    dkim_aligned = tuple(
        r.domain
        for r in dkim_results
        if r.result is DkimResult.PASS and domains_aligned(r.domain, from_domain, adkim)
    )
    if spf_aligned:
        reasons.append(f"SPF passed for {spf.domain}, aligned with {from_domain} ({_mode(aspf)})")
    elif spf.result is SpfResult.PASS:
        reasons.append(
            f"SPF passed for {spf.domain}, which is not aligned with {from_domain} ({_mode(aspf)})"
        )
    else:
        reasons.append(f"SPF {spf.result.value} for {spf.domain or 'the sender'}")
    if dkim_aligned:
        reasons.append(
            f"DKIM passed for {', '.join(dkim_aligned)}, aligned with {from_domain} ({_mode(adkim)})"
        )
    else:
        passing = [r.domain for r in dkim_results if r.result is DkimResult.PASS]
        if passing:
            reasons.append(f"DKIM passed only for {', '.join(passing)}, not aligned with {from_domain}")
        elif dkim_results:
            reasons.append("no DKIM signature verified")
        else:
            reasons.append("the message is not DKIM-signed")

    base = DmarcOutcome(
        DmarcResult.NONE,
        from_domain,
        record_domain=lookup.record_domain,
        spf_aligned=spf_aligned,
        dkim_aligned_domains=dkim_aligned,
    )
    if lookup.status.temporary:
        return replace(base, result=DmarcResult.TEMPERROR, reasons=tuple(reasons))
    if record is None:
        return replace(base, reasons=tuple(reasons))
    reasons.extend(record.warnings)
    policy = record.policy
    if lookup.record_domain != from_domain and record.subdomain_policy is not None:
        policy = record.subdomain_policy
    base = replace(base, policy=policy, pct=record.pct)
    if spf_aligned or dkim_aligned:
        return replace(base, result=DmarcResult.PASS, reasons=tuple(reasons))
    # No aligned pass. If the evidence that could have aligned was unavailable, we cannot say "fail".
    temporary = (spf.result is SpfResult.TEMPERROR and domains_aligned(spf.domain, from_domain, aspf)) or any(
        r.result is DkimResult.TEMPERROR and domains_aligned(r.domain, from_domain, adkim)
        for r in dkim_results
    )
    if temporary:
        reasons.append("an aligned SPF or DKIM check failed temporarily (DNS); retry later")
        return replace(base, result=DmarcResult.TEMPERROR, reasons=tuple(reasons))
    disposition = policy if sample * 100 < record.pct else _DOWNGRADE[policy]
    reasons.append(f"no aligned pass: {lookup.record_domain} asks receivers to apply p={policy.value}")
    if record.pct < 100:
        reasons.append(f"pct={record.pct}: this message's sample gives disposition {disposition.value}")
    return replace(base, result=DmarcResult.FAIL, disposition=disposition, reasons=tuple(reasons))


def _mode(mode: str) -> str:
    return "strict" if mode == "s" else "relaxed"
