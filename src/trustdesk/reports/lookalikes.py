"""Domains made to pass for a known brand's or retailer's: "paypa1-support.com" for PayPal.

A look-alike domain is registered by the impersonator, who can publish SPF, DKIM and DMARC for it:
its mail then authenticates perfectly, and authentication only proves it came from the imitation. So
a look-alike is judged by its name, with the look-alike engine of `trustdesk.verify` (the candidate
index `BrandIndex`, affix-word cores such as "acme" in "acme-support", and `compare_labels`, which
names the technique), against two lists:

- every registered retailer's official domains and names, through `Registry.check` over all tenants
  (`registry_imitations`): a look-alike of another tenant's shop is as telling as of one's own;
- the brands most impersonated (`trustdesk.reports.domains.DEFAULT_BRANDS`), whose domains the desk
  does not register: their names and domain words are indexed here (`BrandLabels`). Only a disguised
  spelling counts: digits or non-Latin letters posing as letters ("paypa1", "аmazon"), or one edit
  of a long name ("micosoft", "wellsfargos"). A plain typo of a short name is too often a word or
  another company ("adore" and Adobe, "chose" and Chase), and a domain containing the brand's word as
  it is ("paypal-support.com") is a claim the other signals judge (`brand_not_sender`,
  `display_name_impersonation`), since brands own many such domains;
- the brands' names written as they are beside the words of a lure ("mbank-blokada.net",
  `trustdesk.reports.brand_claims`), unless the registry knows the domain as a retailer's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from trustdesk.reports.brand_claims import brand_claim
from trustdesk.reports.domains import DEFAULT_BRANDS, brand_slug, host_of, registrable_domain
from trustdesk.verify import ChannelKind, ExtractedContact, Registry, Verdict, compare_labels, parse_host
from trustdesk.verify.errors import ContactInputError
from trustdesk.verify.index import BrandIndex, flatten
from trustdesk.verify.lookalike import MIN_LEN_EDIT1, MIN_LEN_EDIT2
from trustdesk.verify.words import is_affix_word, label_cores

# A changed spelling this close (verify's scores: 0.95 homoglyph, 0.9 one edit, 0.75 two edits).
MIN_SCORE = 0.9


@dataclass(frozen=True, slots=True)
class Imitation:
    """A domain that imitates `brand`: the imitated `official` label or domain and `how` (English)."""

    domain: str
    brand: str
    official: str
    how: str


ImitationCheck = Callable[[str], "Imitation | None"]


class BrandLabels:
    """The names of brands (and the words their domains are made of), indexed for look-alike lookup."""

    def __init__(self, brands: Mapping[str, Iterable[str]]) -> None:
        self._index = BrandIndex()
        for name, labels in brands.items():
            for label in {brand_slug(name), *labels}:
                # A word impersonators glue to names ("support", "office") is nobody's brand.
                if len(label) >= 3 and not is_affix_word(label):
                    self._index.add(label, (name, ""))

    def imitation(self, domain: str) -> Imitation | None:
        """The brand whose name the registrable label of `domain` misspells on purpose, or None."""
        try:
            host = parse_host(host_of(domain))
        except (ContactInputError, ValueError):
            return None
        if not host.registrable or host.is_private_suffix:
            return None
        for core in label_cores(host.label):
            text = core.text.lower()
            length = len(flatten(text))
            edits = (
                2
                if not core.removed and length >= MIN_LEN_EDIT2
                else (1 if length >= MIN_LEN_EDIT1 - 1 else 0)
            )
            candidates = self._index.candidates(text, edits=edits, contains=False)
            if any(flatten(text) == flatten(c.label) for c in candidates):
                continue  # one brand's own name ("correos") is no misspelling of another's ("correios")
            for candidate in candidates:
                match = compare_labels(text, candidate.label)
                if match is None or match.exact or match.score < MIN_SCORE:
                    continue
                if flatten(text) == flatten(candidate.label):
                    continue  # only a hyphen apart: the brand's own word, judged as a claim
                if not _disguised(text, candidate.label):
                    continue
                brand = sorted(p[0] for p in self._index.postings(candidate.label))[0]
                how = "; ".join(t.detail for t in match.techniques[:2])
                return Imitation(host.registrable, brand, candidate.label, how)
        return None


def _disguised(text: str, official: str) -> bool:
    """A spelling no dictionary word has: digits or non-ASCII letters where the name has letters, or
    a near copy of a long name (MIN_LEN_EDIT2 characters or more)."""
    if len(flatten(official)) >= MIN_LEN_EDIT2:
        return True
    return not text.isascii() or any(ch.isdigit() and ch not in official for ch in text)


@lru_cache(maxsize=1)
def default_brand_labels() -> BrandLabels:
    """`BrandLabels` of DEFAULT_BRANDS, built once."""
    return BrandLabels(DEFAULT_BRANDS)


def _registry_verdict(registry: Registry, domain: str) -> tuple[Verdict, Imitation | None]:
    contact = ExtractedContact(ChannelKind.DOMAIN, domain, domain, 0, len(domain))
    result = registry.check(contact, None)
    if result.verdict is not Verdict.LOOKALIKE or result.imitates is None:
        return result.verdict, None
    details = [r.detail for r in result.reasons if r.code not in ("lookalike", "not-registered")]
    imitated = result.imitates
    return result.verdict, Imitation(
        registrable_domain(domain) or domain, imitated.tenant_name, imitated.value, "; ".join(details[:2])
    )


def registry_imitations(registry: Registry) -> ImitationCheck:
    """An imitation check against every tenant's official channels in `registry` (the verify check)."""

    def check(domain: str) -> Imitation | None:
        return _registry_verdict(registry, domain)[1]

    return check


def brand_claim_imitation(domain: str) -> Imitation | None:
    """A domain that writes a well-known brand's name beside lure words (`brand_claims.brand_claim`)."""
    claim = brand_claim(domain)
    if claim is None:
        return None
    words = ", ".join(f"“{w}”" for w in claim.words)
    how = f"{claim.brand}'s name beside {words}; {claim.brand}'s own domain is {claim.official}"
    return Imitation(claim.domain, claim.brand, claim.official, how)


def imitation_checks(registry: Registry | None = None) -> tuple[ImitationCheck, ...]:
    """The checks the judge runs: every registered retailer (when a registry is given), then
    DEFAULT_BRANDS' disguised spellings, then brands' names beside lure words (never for a domain
    the registry knows as a retailer's own)."""
    default = default_brand_labels().imitation
    if registry is None:
        return (default, brand_claim_imitation)

    def claimed(domain: str) -> Imitation | None:
        found = brand_claim_imitation(domain)
        if found is None or _registry_verdict(registry, domain)[0] is Verdict.OFFICIAL:
            return None
        return found

    return (registry_imitations(registry), default, claimed)


def find_imitation(domains: Iterable[str], checks: Iterable[ImitationCheck]) -> Imitation | None:
    """The first of `domains` (each registrable domain once) that a check finds imitating a brand."""
    seen: set[str] = set()
    checks = tuple(checks)
    for domain in domains:
        org = registrable_domain(domain)
        if not org or org in seen:
            continue
        seen.add(org)
        for check in checks:
            found = check(org)
            if found is not None:
                return found
    return None
